# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    JOBLETTERS_VAR_DIR=/app/var
WORKDIR /app

RUN useradd --create-home --uid 1000 jobletters
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
# collectstatic needs settings to import; these build-time values are never used at run time.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build SITE_URL=https://build \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var && chown -R jobletters /app/var
USER jobletters

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "gunicorn.conf.py"]
