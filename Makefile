# Job Letters: `make run` runs the whole app on embedded defaults; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test faults mutation install browser loadgen vendor lint types format deploy-check security bench load clean

# `make run` serves http://127.0.0.1:$(PORT)/ (e.g. `make run PORT=8080`); SITE_URL follows.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
# Without Stripe keys, local test payments (billing/local_stripe.py, no money moves) on the
# next port. The settings refuse them with DEBUG off, so they follow DEBUG here too.
LOCAL_STRIPE_PORT ?= $(shell expr $(PORT) + 1)
LOCAL_TEST_PAYMENTS ?= $(if $(STRIPE_SECRET_KEY)$(filter false False FALSE 0 no off,$(DEBUG)),false,true)
RUN_ENV = PORT=$(PORT) SITE_URL=$(SITE_URL) LOCAL_TEST_PAYMENTS=$(LOCAL_TEST_PAYMENTS) \
	LOCAL_STRIPE_PORT=$(LOCAL_STRIPE_PORT)

$(STAMP): pyproject.toml
	@echo "Installing the packages of pyproject.toml into $(VENV) (the first time takes a few minutes)..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the browser tests, from Debian (never a browser download), and
# GNU gettext, with which a test checks that the French catalogue holds every marked string.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py demo
	@echo ""
	@echo "  Job Letters is running at $(SITE_URL)/"
	@echo "  Demo seeker: demo@jobletters.example / demo-password-2026"
	@echo "  Demo staff:  staff@jobletters.example / staff-password-2026 (/admin/ asks for two-factor set-up)"
	@echo "  Worker and beat run alongside. Each email is one line here with its link;"
	@echo "  the whole message is in var/emails/. Ctrl-C stops everything."
	@$(if $(filter true,$(LOCAL_TEST_PAYMENTS)),echo "  Payments are local test payments: no money moves (see README, 'First run').")
	@echo ""
	@# Ctrl-C stops honcho (and so every process); the shell waits for it and ends quietly.
	@trap 'true' INT; $(RUN_ENV) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile.dev $(if $(filter true,$(LOCAL_TEST_PAYMENTS)),,web worker beat) || test $$? -eq 130

# The whole suite in parallel, two workers per core: many tests wait (on Chromium, worker
# processes, SMTP) rather than compute. Tests are handed out two at a time, so that the
# long ones, which run first (tests/database.py), spread over the workers. Bytecode is
# cached even where the environment says not to: each worker and each process the tests
# start would compile the project again.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
test: install browser
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --maxschedchunk 2

# The fault suite (tests/faults, docs/resilience.md): PostgreSQL, Redis, SMTP and S3 behind
# fault proxies, real workers SIGKILLed mid-send. It runs on PostgreSQL and Redis, so
# DATABASE_URL and REDIS_URL must name them (as .ci/run does).
faults: install
	$(PY) -m pytest tests/faults -n 2 -p no:cacheprovider

# Mutation testing (tests/mutation.py, mutmut): the listed modules, or `make mutation
# MODULES="billing/ledger.py ..."`, one at a time, niced; writes bench/results/mutation.md.
MODULES ?=
mutation: install
	$(PY) tests/mutation.py $(MODULES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Static types: mypy with django-stubs over every app ([tool.mypy] in pyproject.toml), strict
# on the modules that hold the rules. The cache (.mypy_cache) makes a second run fast.
types: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

deploy-check: install
	DEBUG=false SECRET_KEY=ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	  ALLOWED_HOSTS=jobletters.example SITE_URL=https://jobletters.example \
	  MFA_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  $(PY) manage.py check --deploy --fail-level WARNING

# bandit over the project's code (no medium or high finding; each `# nosec` has its reason
# beside it) and pip-audit over the pinned dependencies; the summary goes to
# bench/results/security.md (.ci/security.py).
security: install
	$(PY) .ci/security.py

# wrk, the HTTP load generator bench/pages.py drives, from Debian.
loadgen:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)

# Each benchmark prints ratios against a baseline measured in the same run. `make bench`
# runs every one of bench/ on PostgreSQL and Redis (DATABASE_URL, REDIS_URL, CACHE_URL;
# defaults: database jl_bench, Redis DBs 14 and 15) and writes docs/benchmarks.md with
# the last results of the slower targets (`make load`, `make mutation`, `make security`)
# kept in bench/results/.
bench: install loadgen
	$(VENV)/bin/pip install --quiet ".[bench]"
	$(PY) bench/report.py

# The whole service under a mixed population stepped up (locust, gunicorn, a worker):
# writes bench/results/load.md, which `make bench` copies into docs/benchmarks.md.
load: install
	$(VENV)/bin/pip install --quiet ".[bench]"
	$(PY) bench/load.py

# Re-vendor the CSS library into static/ and axe-core (the accessibility rules the browser
# tests run) into tests/browser/vendor/: committed, so neither running nor testing needs npm.
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico.min.css
	cp node_modules/@picocss/pico/LICENSE.md static/vendor/pico.LICENSE.md
	cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
	cp node_modules/axe-core/LICENSE tests/browser/vendor/axe.LICENSE

clean:
	rm -rf var staticfiles .pytest_cache
