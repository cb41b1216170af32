"""Job Letters settings, read from the environment: docs/configuration.md lists every variable.

Without any, the app runs on embedded defaults under ``var/`` (SQLite, a filesystem broker,
private files, console email); with ``DEBUG`` off the production secrets must be set.
Durations the policy promises live in privacy/promises.py.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("JOBLETTERS_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG: bool = env.bool("DEBUG", default=True)


def _required_in_production(name: str, dev_default: str) -> str:
    if value := env(name, default=""):
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see docs/configuration.md).")


SECRET_KEY = _required_in_production(
    "SECRET_KEY", "dev-only-insecure-key-5b0f0c4e-do-not-use-in-production"
)
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
SITE_URL = _required_in_production("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="Job Letters")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    # Django's admin with our site: models grouped for staff (jobletters.admin_site).
    "jobletters.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_countries",
    "phonenumber_field",
    "csp",
    "jobletters",
    "accounts",
    "privacy",
    "taxonomy",
    "profiles",
    "recruiters",
    "billing",
    "communications",
    "support",
    "usage",
    "community",
]

MIDDLEWARE = [
    # First: security headers on every response, whoever made it.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # An outside service down → a 503 page, not a 500, whatever raised it.
    "jobletters.middleware.OutsideServiceErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control for each page; before the middleware that set cookies.
    "jobletters.lib.caching.CachingRulesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language, for this request only (accounts.languages)...
    "accounts.languages.LanguageScopeMiddleware",
    # ...from the browser's Accept-Language or the chooser's cookie...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ...unless a signed-in person chose one: then theirs (accounts.languages).
    "accounts.languages.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's UserSessionsMiddleware, throttled: no write on every page view.
    "jobletters.session_activity.SessionActivityMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    # After a sign-in: remember the browser (accounts.signin).
    "accounts.middleware.KnownDeviceMiddleware",
    # An account waiting to be deleted sees only cancel and export (privacy.rights.freeze).
    "privacy.middleware.FrozenAccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "jobletters.context_processors.site",
                # Rights-reducing versions of the policy or terms not acknowledged yet.
                "privacy.documents.versions.notice_banner",
            ],
        },
    },
]
# Django's widget templates that include others are in templates/django/forms/widgets/
# with the includes written out: the same markup, one template per widget.
FORM_RENDERER = "jobletters.lib.forms.FormRenderer"

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's psycopg 3 pool (CONN_MAX_AGE must stay 0); dead connections are dropped.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": 20,
        "timeout": 10,
        "reconnect_timeout": 5,  # back within seconds once PostgreSQL is
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # Tests on a file, not in memory: threads (a worker, the live server) then wait on
    # SQLite's file lock instead of failing with "database table is locked".
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"jobletters-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (allauth rate limits live here: never DummyCache) -------------------
REDIS_URL = env("REDIS_URL", default="")
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # Falls back to process memory while Redis does not answer (jobletters.cache).
            "BACKEND": "jobletters.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "jl",
        }
    }
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts (policy §2.1) -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.NoSiteNameOrEmailValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "usage.forms.SignupSourceForm"
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# A password reset for an unknown address sends nothing: the form cannot spam anyone.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# The way in from a new browser, whatever wrong passwords strangers tried (accounts/signin.py).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password or address changed: a hijack warning
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    # Per key for codes only: wrong passwords per account back off (accounts/signin.py).
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# "Send the email again" on the confirm-your-address page (accounts.verify).
RATE_LIMIT_RESEND_CONFIRMATION = "10/h/ip"
# Wrong passwords per account (and per known browser) back off, never block.
SIGNIN_FREE_FAILURES = 5
SIGNIN_BACKOFF_BASE_SECONDS = 30
SIGNIN_BACKOFF_MAX_SECONDS = 15 * 60
SIGNIN_FAILURE_WINDOW_SECONDS = 24 * 60 * 60
KNOWN_DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
# Hops of X-Forwarded-For to trust: rate limits key on the client address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# TOTP secrets and recovery-code seeds are encrypted at rest (accounts/mfa.py) with
# Fernet keys, newest first (docs/operations.md, "Rotating the two-factor key").
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
_DEV_MFA_KEY = "ZGV2LW9ubHktbWZhLWtleS1ub3QtZm9yLXByb2QhISE="  # dev only, never in production
_mfa_keys = _required_in_production("MFA_ENCRYPTION_KEYS", _DEV_MFA_KEY)
MFA_ENCRYPTION_KEYS = [key.strip() for key in _mfa_keys.split(",") if key.strip()]
MFA_TOTP_ISSUER = SITE_NAME
MFA_TOTP_TOLERANCE = 1  # phones drift: the previous and next code work too
USERSESSIONS_TRACK_ACTIVITY = True
# A session's "last seen" is written at most this often (jobletters.session_activity).
USERSESSIONS_ACTIVITY_INTERVAL = 5 * 60

# --- Security -----------------------------------------------------------------
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Not for docker compose on http://localhost (the deploy check refuses it: jobletters.E002).
    SECURE_SSL_REDIRECT = SITE_URL.startswith("https://")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", "https://checkout.stripe.com"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Static files and private storage -------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Never routed: every download goes through a view that checks permission.
MEDIA_URL = "/private-media-is-not-served/"

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")


def s3_client_config():
    """S3 calls are bounded: a store that hangs costs a request about 11 s, then a 503 page.

    Path-style addresses work with AWS and every S3-compatible store.
    """
    from botocore.config import Config

    return Config(
        s3={"addressing_style": "path"},
        signature_version="s3v4",
        connect_timeout=3,
        read_timeout=5,
        retries={"mode": "standard", "max_attempts": 2},
        tcp_keepalive=True,
    )


# A presigned download URL works this long: enough to start the download, no more.
PRIVATE_URL_EXPIRY_SECONDS = 60
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_expire": PRIVATE_URL_EXPIRY_SECONDS,
            "client_config": s3_client_config(),
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": MEDIA_ROOT,
            "base_url": MEDIA_URL,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Profiles: CV uploads (policy §2.6) --------------------------------------------
# An upload stops past CV_MAX_BYTES (profiles.uploads.CVUploadLimitHandler).
CV_MAX_BYTES = 10 * 1024 * 1024
CV_MAX_PER_PERSON = 5
CV_DOCX_MAX_ENTRIES = 1000
CV_DOCX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
CV_TEXT_MAX_CHARS = 200_000
# Uploads a person may make per hour (every attempt counts; on the cache, like sign-in).
CV_UPLOADS_PER_HOUR = 20
# The deep check (profiles.cv_checks) runs in a child with these limits (jobletters.lib.sandbox).
CV_CHECK_MEMORY_BYTES = 768 * 1024 * 1024
CV_CHECK_CPU_SECONDS = 30
CV_CHECK_WALL_SECONDS = 60
CV_CHECK_MAX_DECOMPRESSED_BYTES = 100 * 1024 * 1024

# --- Email ----------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if not env("EMAIL_URL", default="") and DEBUG:
    EMAIL_BACKEND = "jobletters.lib.devmail.SummaryBackend"
EMAIL_FILE_PATH = VAR_DIR / "emails"
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@jobletters.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@jobletters.example")

# --- Celery ----------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # A killed worker's task comes back after the default time limit plus a minute (a
    # longer one redelivered finds its outbox entry claimed). Periodic work uses beat.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 5 * 60 + 60,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
# One exchange and routing key per queue: a shared key would copy every message everywhere.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("default", "packets", "privacy")
)
CELERY_TASK_ROUTES = {
    "recruiters.tasks.*": {"queue": "packets"},
    "privacy.tasks.*": {"queue": "privacy"},
}
_MINUTE, _HOUR, _DAY = 60, 60 * 60, 24 * 60 * 60
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": every}
    for name, task, every in [
        ("clear-expired-sessions", "accounts.tasks.clear_expired_sessions", 6 * _HOUR),
        ("privacy-purge-due-deletions", "privacy.tasks.purge_due_deletions", 15 * _MINUTE),
        ("privacy-retention", "privacy.tasks.run_retention", 6 * _HOUR),
        ("privacy-legal-notices", "privacy.tasks.legal_request_jobs", 15 * _MINUTE),
        ("purge-expired-billing-records", "billing.tasks.purge_expired_billing_records", _DAY),
        ("recruiters-answer-rates", "recruiters.tasks.refresh_answer_rates", _HOUR),
        ("recruiters-market-figures", "recruiters.tasks.refresh_market_figures", _HOUR),
        # Every due outbox entry not handed to a worker yet (jobletters.outbox.sweep).
        ("sweep-outbox", "jobletters.tasks.sweep_outbox", 30),
    ]
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_TASK_LOG_FORMAT = "%(asctime)s %(levelname)s %(task_name)s[%(task_id)s] %(message)s"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Privacy ----------------------------------------------------------------------
# Keys erased people's tombstones; kept with the backups (docs/operations.md, "Backups").
PRIVACY_TOMBSTONE_KEY = env("PRIVACY_TOMBSTONE_KEY", default=SECRET_KEY)
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))

# Processor changes (§3.3, §6) are gathered this long, then emailed once.
PRIVACY_PROCESSOR_NOTICE_DELAY_SECONDS = 15 * 60
PRIVACY_RATE_LIMITS = {"subscribe": "10/h/ip"}
# The transparency report (§3.2) counts in bands of this size, from this day.
PRIVACY_TRANSPARENCY_BAND = 250
PRIVACY_TRANSPARENCY_SINCE = date(2026, 1, 1)

# --- Stripe (billing is disabled with a clear notice when keys are missing) -------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# `make run` without Stripe keys: billing talks to billing.local_stripe, where no money moves.
LOCAL_TEST_PAYMENTS: bool = env.bool("LOCAL_TEST_PAYMENTS", default=False)
LOCAL_STRIPE_PORT = env.int("LOCAL_STRIPE_PORT", default=8001)
if LOCAL_TEST_PAYMENTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "LOCAL_TEST_PAYMENTS fakes payments: it cannot be on when DEBUG is off."
        )
    if STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET or STRIPE_API_BASE:
        raise ImproperlyConfigured(
            "LOCAL_TEST_PAYMENTS replaces Stripe: unset it or the STRIPE_* variables."
        )
    # Test-mode keys by their prefix, public, refused with DEBUG off by billing.checks.
    STRIPE_SECRET_KEY = "sk_test_local_job_letters_no_money_moves"  # noqa: S105
    STRIPE_PUBLISHABLE_KEY = "pk_test_local_job_letters_no_money_moves"
    STRIPE_WEBHOOK_SECRET = "whsec_local_job_letters_no_money_moves"  # noqa: S105
    STRIPE_API_BASE = f"http://127.0.0.1:{LOCAL_STRIPE_PORT}"

# --- Health checks (jobletters.health) ----------------------------------------------
# /readyz probes the broker and storage at most this often per process.
HEALTH_READINESS_CACHE_SECONDS = 5

# --- Recruiters and packets (policy §3.1) --------------------------------------------
# Views of one packet link within this many seconds are one visit in the seeker's report.
RECRUITERS_PACKET_VISIT_SECONDS = 10 * 60
# "Within a distance" for matching cities.
RECRUITERS_NEARBY_KM = 50
RECRUITERS_MAX_PER_SEND = 25
RECRUITERS_MATCHES_PER_PAGE = 50
RECRUITERS_PACKET_TIME_LIMIT = 30
RECRUITERS_DEMO_COUNT = 3000

# --- Emails to people (policy §8) and support inquiries (§2.4) ------------------------
MAILING_BATCH_SIZE = 200
# The contact form (support.spam): rate limits (allauth's syntax) and the form token's ages.
SUPPORT_RATE_LIMITS = {"inquiry": "10/h/ip,5/h/key", "reply": "30/h/user"}
SUPPORT_FORM_MIN_SECONDS = 3
SUPPORT_FORM_MAX_AGE_SECONDS = 24 * 60 * 60

# --- Community (policy §2.5) ----------------------------------------------------------
COMMUNITY_RATE_LIMITS = {"thread": "5/h/user", "comment": "30/h/user", "report": "10/h/user"}

# --- Benchmarks -------------------------------------------------------------------
# /bench/minimal/, the baseline of bench/pages.py.
BENCH_MINIMAL_VIEW: bool = env.bool("BENCH_MINIMAL_VIEW", default=False)

# --- i18n ----------------------------------------------------------------------
# A signed-in person's choice, else the chooser's cookie, else Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
FORMAT_MODULE_PATH = ["jobletters.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "jl_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"

# --- Logging: never write emails, names, IPs or tokens ------------------------------
# One handler for web, worker and beat; every record redacted whole (jobletters.logging).
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "jobletters.logging.RedactPersonalData"}},
    "formatters": {
        "plain": {
            "()": "jobletters.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Instead of Django's own handlers (unredacted, mail_admins).
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Outbox (jobletters.outbox): deferred work, retried until done ------------------
OUTBOX_RETRY_BASE_SECONDS = 30
OUTBOX_RETRY_MAX_SECONDS = 60 * 60
# Handed to the broker but not started after this long: handed over again.
OUTBOX_RESEND_AFTER_SECONDS = 5 * 60
# A claim lasts the handler's time limit plus this (less than the visibility timeout's minute).
OUTBOX_LEASE_MARGIN_SECONDS = 30
