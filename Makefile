# Job Letters: `make run` runs the whole app on embedded defaults; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser loadgen vendor lint format deploy-check bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the browser tests, from Debian (never a browser download).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo ""
	@echo "  Job Letters is running at http://127.0.0.1:8000/"
	@echo "  Demo seeker: demo@jobletters.example / demo-password-2026"
	@echo "  (worker and beat run alongside; emails are printed here; Ctrl-C stops everything)"
	@echo ""
	@$(VENV)/bin/honcho start -f Procfile.dev

test: install browser
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

deploy-check: install
	DEBUG=false SECRET_KEY=ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	  ALLOWED_HOSTS=jobletters.example SITE_URL=https://jobletters.example \
	  MFA_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  $(PY) manage.py check --deploy --fail-level WARNING

# wrk, the HTTP load generator bench/pages.py drives, from Debian.
loadgen:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)

# Each benchmark prints ratios against a baseline measured in the same run.
# Uses DATABASE_URL when set (the figures in notes are from PostgreSQL).
bench: install loadgen
	$(PY) manage.py migrate --noinput
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# Re-vendor the CSS library into static/ (committed, so running the app needs no npm).
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico.min.css
	cp node_modules/@picocss/pico/LICENSE.md static/vendor/pico.LICENSE.md

clean:
	rm -rf var staticfiles .pytest_cache
