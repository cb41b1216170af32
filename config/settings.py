"""Job Letters settings: one module, read from the environment (12-factor).

The environment gives only what a deployment must choose: secrets, addresses and
outside services (docs/configuration.md lists every variable; a test holds the
list to this module). Every variable is optional. Without any, the app runs on
embedded defaults that need no server: SQLite, a filesystem Celery broker, private
files and console email, all under ``var/``. With ``DEBUG`` off, the secrets that
production must set are checked at start-up instead of silently falling back to
dev values. Durations the policy and terms promise live in privacy/promises.py;
tuning figures are constants here or in the module that uses them.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Literal

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("JOBLETTERS_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG: bool = env.bool("DEBUG", default=True)


def _required_in_production(name: str, dev_default: str) -> str:
    value = env(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see docs/configuration.md).")


SECRET_KEY = _required_in_production(
    "SECRET_KEY", "dev-only-insecure-key-5b0f0c4e-do-not-use-in-production"
)
ALLOWED_HOSTS: list[str] = (
    env.list("ALLOWED_HOSTS")
    if env("ALLOWED_HOSTS", default="")
    else (["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
SITE_URL = _required_in_production("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name pages and emails give the site (emails also give SITE_URL and SUPPORT_EMAIL).
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
    # First, around everything: the security headers, on every response whoever made it
    # (the 503 page below, a 400 for a host not ours); none of them needs a service.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Then an outside service down → 503 page, not 500, whatever raised it (a
    # middleware, the session, a view; jobletters.middleware).
    "jobletters.middleware.OutsideServiceErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Who may keep a page: private, no-store when signed in; public for pages every
    # visitor shares (jobletters.lib.caching). Before the middleware that set cookies.
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
# Forms and fields through the site's templates (jobletters.lib.forms); Django's own
# widget templates come from the "django.forms" app, except those that include others
# (input.html -> attrs.html, text.html -> input.html ...): templates/django/forms/widgets/
# holds them with the includes written out, the same markup with one template per widget
# instead of three (bench/notes/pages.md).
FORM_RENDERER = "jobletters.lib.forms.FormRenderer"

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool, built into Django: web processes reuse connections
    # instead of paying a connect per request. CONN_MAX_AGE must stay 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A pooled connection is checked before it is handed out: after PostgreSQL was
    # cut, the pool's dead connections are dropped instead of failing requests.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": 20,
        "timeout": 10,
        # The pool stops backing off (1, 2, 4 s…) after 5 s and the next request tries
        # at once: once PostgreSQL is back, pages are within seconds, not minutes.
        "reconnect_timeout": 5,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # Tests use a file, not Django's shared-cache in-memory database: threads
    # (a real Celery worker, the live server) then wait on SQLite's ordinary
    # file lock with the timeout above instead of failing at once with
    # "database table is locked". One file per test process.
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
            # Redis, falling back to process memory for a few seconds when Redis
            # does not answer (see jobletters.cache): never a 500 for a cache.
            "BACKEND": "jobletters.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "jl",
        }
    }
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

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
    # Not the site's name, nor words of the person's email address.
    {"NAME": "accounts.validators.NoSiteNameOrEmailValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The sign-up form carries the host of the site that linked to it (usage.forms, §2.7).
ACCOUNT_SIGNUP_FORM_CLASS = "usage.forms.SignupSourceForm"
# Labels in sentence case (accounts/allauth_forms.py).
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# A password reset for an address without an account sends nothing (the page says
# the same as for a known address), so the form cannot be used to spam anyone.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# "Email me a sign-in code": the way in from a new browser, whatever wrong
# passwords strangers tried for the address (accounts/signin.py).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Tell people when their password or email addresses change (a hijack warning).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
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
    # Per IP for passwords and second-factor codes; per key (user) for codes only:
    # wrong passwords per account back off instead (accounts/signin.py).
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# "Send the email again" on the confirm-your-address page, per client address (accounts.verify);
# each address also gets at most one email per 3 minutes (confirm_email above).
RATE_LIMIT_RESEND_CONFIRMATION = "10/h/ip"
# Wrong passwords per account (and per known browser) back off, never block.
SIGNIN_FREE_FAILURES = 5
SIGNIN_BACKOFF_BASE_SECONDS = 30
SIGNIN_BACKOFF_MAX_SECONDS = 15 * 60
SIGNIN_FAILURE_WINDOW_SECONDS = 24 * 60 * 60
KNOWN_DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
# Behind a load balancer, the client address comes from X-Forwarded-For;
# allauth's rate limits key on it, so the number of trusted hops must be right.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted at rest (accounts/mfa.py) with
# Fernet keys, comma-separated, newest first: the first encrypts, all decrypt.
# Rotation: docs/operations.md, "Rotating the two-factor key".
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
_DEV_MFA_KEY = "ZGV2LW9ubHktbWZhLWtleS1ub3QtZm9yLXByb2QhISE="  # dev only, never in production
MFA_ENCRYPTION_KEYS: list[str] = [
    key.strip()
    for key in _required_in_production("MFA_ENCRYPTION_KEYS", _DEV_MFA_KEY).split(",")
    if key.strip()
]
MFA_TOTP_ISSUER = SITE_NAME
# Accept the previous and next 30-second code too: phones drift a little.
MFA_TOTP_TOLERANCE = 1
USERSESSIONS_TRACK_ACTIVITY = True
# A session's "last seen" (and IP address, browser) is written at most this often;
# the sessions page is exact to this interval (jobletters.session_activity).
USERSESSIONS_ACTIVITY_INTERVAL = 5 * 60

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain HTTP goes to HTTPS when the site is an https:// one: not for docker compose
    # on http://localhost, which the deploy check refuses (jobletters.E002) anyway.
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
# Private files have no public URL: MEDIA_URL is never routed, and every
# download goes through a view that checks permission (jobletters.lib.files).
MEDIA_URL = "/private-media-is-not-served/"

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
# S3 calls are bounded: a store that hangs costs a request at most
# connect + attempts x read timeout (about 11 s by default), then a 503 page;
# workers retry through the outbox. botocore's "standard" retry mode backs off.
AWS_S3_CONNECT_TIMEOUT = 3
AWS_S3_READ_TIMEOUT = 5
AWS_S3_MAX_ATTEMPTS = 2


def s3_client_config(addressing_style: Literal["auto", "virtual", "path"] = "path"):
    from botocore.config import Config

    return Config(
        s3={"addressing_style": addressing_style},
        signature_version="s3v4",
        connect_timeout=AWS_S3_CONNECT_TIMEOUT,
        read_timeout=AWS_S3_READ_TIMEOUT,
        retries={"mode": "standard", "max_attempts": AWS_S3_MAX_ATTEMPTS},
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
            "querystring_auth": True,
            "querystring_expire": PRIVATE_URL_EXPIRY_SECONDS,
            "signature_version": "s3v4",
            # Path-style addresses work with AWS and every S3-compatible store.
            "addressing_style": "path",
            "custom_domain": None,
            "client_config": s3_client_config("path"),
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Profiles: CV uploads (policy §2.6) --------------------------------------------
# DATA_UPLOAD_MAX_MEMORY_SIZE above counts form fields only, never file parts, so
# a CV upload is bounded by profiles.uploads.CVUploadLimitHandler instead: it
# stops buffering past CV_MAX_BYTES and the form says the file is too large.
CV_MAX_BYTES = 10 * 1024 * 1024
CV_MAX_PER_PERSON = 5
CV_DOCX_MAX_ENTRIES = 1000
CV_DOCX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
CV_TEXT_MAX_CHARS = 200_000
# Uploads a person may make per hour (every attempt counts; on the cache, like sign-in).
CV_UPLOADS_PER_HOUR = 20
# The deep check (profiles.cv_checks) runs in a worker, in a child process with
# these hard limits (jobletters.lib.sandbox): address space, CPU seconds, wall
# clock, and the total bytes all of a file's streams or parts may unpack to.
CV_CHECK_MEMORY_BYTES = 768 * 1024 * 1024
CV_CHECK_CPU_SECONDS = 30
CV_CHECK_WALL_SECONDS = 60
CV_CHECK_MAX_DECOMPRESSED_BYTES = 100 * 1024 * 1024

# --- Email ----------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if not env("EMAIL_URL", default="") and DEBUG:
    # make run: one line per email in the terminal, the whole message under var/emails/.
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
# The filesystem broker's URL names a host only so that kombu does not warn about it.
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
    # Redis redelivers an unacknowledged task after the visibility timeout: a
    # worker killed mid-task has its work back within minutes. It is the default
    # task time limit plus a minute, like an outbox claim's lease; a longer task
    # redelivered meanwhile finds its entry claimed and does nothing, so a short
    # timeout is safe. Periodic work uses beat, never countdowns (ETA messages).
    # Socket timeouts keep a hung Redis from holding a request or a worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 5 * 60 + 60,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
# Each queue has its own exchange and routing key: a shared key would copy every
# message into every queue.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("default", "packets", "privacy")
)
CELERY_TASK_DEFAULT_EXCHANGE = "default"
CELERY_TASK_DEFAULT_ROUTING_KEY = "default"
CELERY_TASK_ROUTES = {
    "recruiters.tasks.*": {"queue": "packets"},
    "privacy.tasks.*": {"queue": "privacy"},
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 6,
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Worker logs say what they do: task names and ids, never arguments.
CELERY_WORKER_TASK_LOG_FORMAT = "%(asctime)s %(levelname)s %(task_name)s[%(task_id)s] %(message)s"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Privacy ----------------------------------------------------------------------
# How long things are kept, when deletions and copies are due and how much notice a
# change gets: privacy/promises.py, never from the environment.
# Tombstones are keyed by HMAC(key, person id + sign-up time). Keep the key with the
# backups: replaying erasures after a restore needs it (docs/operations.md, "Backups").
PRIVACY_TOMBSTONE_KEY = env("PRIVACY_TOMBSTONE_KEY", default=SECRET_KEY)
# Backups (manage.py backup / restore / replay_erasures).
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
CELERY_BEAT_SCHEDULE["privacy-purge-due-deletions"] = {
    "task": "privacy.tasks.purge_due_deletions",
    "schedule": 60 * 15,
}
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.tasks.run_retention",
    "schedule": 60 * 60 * 6,
}

# Processors (§3.3, §6): changes are gathered this long, then emailed once to subscribers.
PRIVACY_PROCESSOR_NOTICE_DELAY_SECONDS = 15 * 60
# Visitors asking to subscribe (a confirmation email each; one a day per address anyway).
PRIVACY_RATE_LIMITS = {"subscribe": "10/h/ip"}
# Legal requests (§3.2): the transparency report shows counts in bands of this size (see
# privacy.accountability.legal), from this day.
PRIVACY_TRANSPARENCY_BAND = 250
PRIVACY_TRANSPARENCY_SINCE = date(2026, 1, 1)
CELERY_BEAT_SCHEDULE["privacy-legal-notices"] = {
    "task": "privacy.tasks.legal_request_jobs",
    "schedule": 60 * 15,
}

# --- Stripe (billing is disabled with a clear notice when keys are missing) -------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Local test payments (`make run` without Stripe keys): billing talks to the Stripe
# stand-in of billing.local_stripe (`manage.py local_stripe`) on 127.0.0.1, whose
# checkout page moves no money. Never with DEBUG off, never next to real keys.
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
    # billing.local_stripe's keys: test-mode by their prefix, public, and refused with
    # DEBUG off by billing.checks.
    STRIPE_SECRET_KEY = "sk_test_local_job_letters_no_money_moves"  # noqa: S105
    STRIPE_PUBLISHABLE_KEY = "pk_test_local_job_letters_no_money_moves"
    STRIPE_WEBHOOK_SECRET = "whsec_local_job_letters_no_money_moves"  # noqa: S105
    STRIPE_API_BASE = f"http://127.0.0.1:{LOCAL_STRIPE_PORT}"

# --- Health checks (jobletters.health) ----------------------------------------------
# /readyz probes the broker and storage at most this often per process.
HEALTH_READINESS_CACHE_SECONDS = 5

# --- Recruiters and packets (policy §3.1) --------------------------------------------
# How long a packet link works and when a recruiter may have the same seeker's packet
# again: privacy/promises.py.
# Views of one packet link within this many seconds are one visit in the seeker's report
# (reloads, a mail scanner's fetch then the recruiter's): the first view always counts.
RECRUITERS_PACKET_VISIT_SECONDS = 10 * 60
# "Within a distance" for matching cities.
RECRUITERS_NEARBY_KM = 50
RECRUITERS_MAX_PER_SEND = 25
RECRUITERS_MATCHES_PER_PAGE = 50
# One packet email (render + SMTP); the claim on a delivery lasts this plus the outbox margin.
RECRUITERS_PACKET_TIME_LIMIT = 30
# Recruiters `manage.py demo` adds (spread over real occupations and cities).
RECRUITERS_DEMO_COUNT = 3000
# How each recruiter opens and answers packets, recounted for staff and ranking
# (recruiters.rates).
CELERY_BEAT_SCHEDULE["recruiters-answer-rates"] = {
    "task": "recruiters.tasks.refresh_answer_rates",
    "schedule": 60 * 60,
}

# --- Emails to people (policy §8) and support inquiries (§2.4) ------------------------
# Announcements and notices of change are queued in batches of this many people (one
# outbox entry each; jobletters.lib.mailing).
MAILING_BATCH_SIZE = 200
# The contact form (support.spam): rate limits on the cache (allauth's syntax: per client
# address, per email address (key) or per person), and the signed form token's limits.
SUPPORT_RATE_LIMITS = {
    "inquiry": "10/h/ip,5/h/key",
    "reply": "30/h/user",
}
SUPPORT_FORM_MIN_SECONDS = 3
SUPPORT_FORM_MAX_AGE_SECONDS = 24 * 60 * 60

# --- Community (policy §2.5) ----------------------------------------------------------
# Per person, on the cache (allauth's syntax): new threads, comments and reports.
COMMUNITY_RATE_LIMITS = {
    "thread": "5/h/user",
    "comment": "30/h/user",
    "report": "10/h/user",
}

# --- Benchmarks -------------------------------------------------------------------
# bench/pages.py compares every page with a minimal view (a fixed short HTML
# response through the same middleware); the URL exists only when this is on.
BENCH_MINIMAL_VIEW: bool = env.bool("BENCH_MINIMAL_VIEW", default=False)

# --- i18n ----------------------------------------------------------------------
# Pages and emails in English and French (see docs/features.md, "Languages"). The page's
# language comes from a signed-in person's saved choice, else the chooser's cookie
# (a visitor's, until the browser closes), else the browser's Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
# British English dates and numbers for "en" (jobletters/formats/en/formats.py says why).
FORMAT_MODULE_PATH = ["jobletters.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "jl_language"
LANGUAGE_COOKIE_AGE = None  # a browser-session cookie, set only when someone chooses
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging: never write emails, names, IPs or tokens ------------------------------
# One handler, used by the web, worker and beat processes alike (Celery leaves this
# configuration alone: see config.celery). Every record is redacted whole
# (message, arguments, traceback, extras) before it is written; see jobletters.logging.
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
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's own "django" handlers (a second, unredacted console
        # handler when DEBUG is on, and mail_admins): each line is written once.
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
# A pending entry handed to the broker but not started after this long is handed
# over again (the message may have been lost with a broker restart).
OUTBOX_RESEND_AFTER_SECONDS = 5 * 60
OUTBOX_SWEEP_SECONDS = 30
# A claim lasts the handler's time limit plus this margin; the broker's visibility
# timeout (above) is the default time limit plus a minute, so a message redelivered
# after a worker died finds the claim of a default-length task expired and runs it.
OUTBOX_LEASE_MARGIN_SECONDS = 30
CELERY_BEAT_SCHEDULE["sweep-outbox"] = {
    "task": "jobletters.tasks.sweep_outbox",
    "schedule": OUTBOX_SWEEP_SECONDS,
}
