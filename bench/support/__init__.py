"""What the slower benchmarks share: the production-like environment, a real Celery
worker, a local SMTP sink, gunicorn. Nothing here is a benchmark itself."""
