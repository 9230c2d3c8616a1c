"""Django settings for Timebok. Everything comes from environment variables.

See README.md, "Configuration", for the list.
"""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from timebok import devsecrets
from timebok.config import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("TIMEBOK_VAR_DIR") or PROJECT_DIR / "var")

DEBUG = env_bool("DEBUG", False)
# Demo mode: loads and shows the demo clinic, accepts synthetic test identities and
# generates missing secrets under var/. Never on in production.
DEMO = env_bool("TIMEBOK_DEMO", False)

_dev_secrets: dict[str, str] = {}
if DEBUG or DEMO:
    _dev_secrets = devsecrets.load_or_create(VAR_DIR / "dev-secrets.json")


def _secret(name: str, why: str) -> str:
    value = env_str(name) or _dev_secrets.get(name)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required outside demo/debug mode: {why}. "
            "See README.md, Configuration."
        )
    return value


SECRET_KEY = _secret("SECRET_KEY", "it signs sessions and tokens")
# Comma-separated Fernet keys (32 url-safe base64-encoded bytes each). The first encrypts;
# all decrypt, so keys can be rotated. Checked here, so every entry point (gunicorn,
# manage.py, the worker, the tests) refuses to start with a malformed key.
FNR_ENCRYPTION_KEYS = [
    k.strip() for k in _secret("FNR_ENCRYPTION_KEYS", "it encrypts fødselsnummer at rest").split(",")
    if k.strip()
]
for _key in FNR_ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "FNR_ENCRYPTION_KEYS must be Fernet keys: 32 url-safe base64-encoded bytes each. "
            "See README.md, Configuration."
        ) from None
if not FNR_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FNR_ENCRYPTION_KEYS must hold at least one Fernet key")
FNR_HASH_KEY = _secret("FNR_HASH_KEY", "it keys the hash used to find a patient by fødselsnummer")
if len(FNR_HASH_KEY) < 32:
    # The hash input (a fødselsnummer) has few possible values, so the key is all that keeps
    # the hash from being reversed by trying them: it must be long and random.
    raise ImproperlyConfigured("FNR_HASH_KEY must be at least 32 characters of random text")

# Synthetic identity numbers (NAV +40, Tenor +80 on the month) are accepted only here.
ALLOW_TEST_IDENTITIES = env_bool("TIMEBOK_ALLOW_TEST_IDENTITIES", DEMO)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or DEMO) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
BASE_URL = (env_str("TIMEBOK_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "timebok.core",
    "timebok.clinics",
    "timebok.appointments",
    "timebok.insights",
    "timebok.public",
    "timebok.staff",
    "timebok.notifications",
    "timebok.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "timebok.core.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "timebok.core.middleware.SecurityHeadersMiddleware",
    "timebok.core.middleware.ForwardedForWarningMiddleware",
]

ROOT_URLCONF = "timebok.urls"
WSGI_APPLICATION = "timebok.wsgi.application"

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
                "timebok.core.context_processors.timebok",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "timebok.sqlite3"
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        # Persistent connections, checked before a request reuses them: a database restart
        # costs no 500 (a connection the server closed is replaced, not used).
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so the booking service's
    # re-check and insert cannot interleave with another writer's. WAL lets readers go on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env_str("REDIS_URL")
_database_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "timebok_cache"}
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "timebok.core.rediscache.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("TIMEBOK_CACHE_PREFIX") or "timebok",
            # Redis down must cost little: a refused or silent server is given up on quickly,
            # and timebok.core.sharedcache then leaves it alone for a few seconds.
            "OPTIONS": {
                "socket_connect_timeout": env_int("TIMEBOK_REDIS_TIMEOUT_MS", 500, minimum=1) / 1000,
                "socket_timeout": env_int("TIMEBOK_REDIS_TIMEOUT_MS", 500, minimum=1) / 1000,
            },
        },
        # While Redis is down, rate limits count here (every app server shares the database).
        "fallback": _database_cache,
    }
else:
    # The database cache is shared by every process that uses the same database, so
    # rate limits hold across several workers even without Redis.
    CACHES = {"default": _database_cache}

# `make loadtest` (bench/loadtest.py): routes its calibration views. Never set in production.
LOADTEST = env_bool("TIMEBOK_LOADTEST", False)

# The availability cache (appointments/services/availability_cache.py): ready answers of the
# booking page and the availability API, per clinic generation and time bucket.
AVAILABILITY_CACHE = env_bool("TIMEBOK_AVAILABILITY_CACHE", True)
AVAILABILITY_CACHE_BUCKET_SECONDS = env_int("TIMEBOK_AVAILABILITY_CACHE_BUCKET", 60, minimum=1)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

# Source strings are bokmål; English comes through locale/en.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if DEBUG or DEMO:
    # Serve static files straight from the apps; no collectstatic needed for `make run`.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin"
X_FRAME_OPTIONS = "DENY"
if not (DEBUG or DEMO):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The TLS-terminating proxy must set (overwrite) X-Forwarded-Proto; see README, Deployment.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HSTS: browsers use only https for this host for a year. 0 turns it off.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# E-mail: .eml files under var/outbox/ by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "timebok.notifications.mail.EmlFileBackend"
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH") or VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Timebok <timebok@localhost>")

# Booking rate limit per client IP: this many booking attempts per window.
BOOKING_RATE_LIMIT = env_int("TIMEBOK_BOOKING_RATE_LIMIT", 20, minimum=1)
BOOKING_RATE_WINDOW_SECONDS = env_int("TIMEBOK_BOOKING_RATE_WINDOW", 600, minimum=1)
# Login attempts per window: per (username, client address), and per client address for all
# usernames together. Never per username alone (README, "Logging in").
LOGIN_RATE_LIMIT = env_int("TIMEBOK_LOGIN_RATE_LIMIT", 10, minimum=1)
LOGIN_IP_RATE_LIMIT = env_int("TIMEBOK_LOGIN_IP_RATE_LIMIT", 50, minimum=1)
LOGIN_RATE_WINDOW_SECONDS = env_int("TIMEBOK_LOGIN_RATE_WINDOW", 900, minimum=1)
# This many attempts on one username in a window (from any addresses) are logged as a warning
# and written to the user's clinics' audit log; nobody is locked out by it.
LOGIN_USERNAME_ALERT = env_int("TIMEBOK_LOGIN_USERNAME_ALERT", 100, minimum=1)
# Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
TRUSTED_PROXY_COUNT = env_int("TIMEBOK_TRUSTED_PROXIES", 0, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "timebok.core.logging.RedactFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Messages (timebok.notifications): see README.md, "Messages".
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
_SMS_BACKENDS = {
    "file": "timebok.notifications.sms.FileSmsBackend",
    "console": "timebok.notifications.sms.ConsoleSmsBackend",
    "http": "timebok.notifications.sms.HttpSmsBackend",
}
_sms_backend = env_str("TIMEBOK_SMS_BACKEND") or "file"
SMS_BACKEND = _SMS_BACKENDS.get(_sms_backend, _sms_backend)
SMS_FILE_PATH = Path(env_str("TIMEBOK_SMS_FILE_PATH") or EMAIL_FILE_PATH / "sms")
SMS_HTTP_URL = env_str("TIMEBOK_SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("TIMEBOK_SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = env_int("TIMEBOK_SMS_HTTP_TIMEOUT", 10, minimum=1)
SMS_SENDER = env_str("TIMEBOK_SMS_SENDER") or "Timebok"
if not re.fullmatch(r"[A-Za-z0-9]{1,11}|\+[0-9]{6,15}", SMS_SENDER):
    raise ImproperlyConfigured("TIMEBOK_SMS_SENDER must be 1–11 letters/digits or an E.164 number")
if SMS_BACKEND.endswith(".HttpSmsBackend"):
    if not re.match(r"https://[^/]+|http://(localhost|127\.0\.0\.1|\[::1\])[:/]", SMS_HTTP_URL or ""):
        raise ImproperlyConfigured("TIMEBOK_SMS_HTTP_URL must be an https:// URL when TIMEBOK_SMS_BACKEND=http")
    if not SMS_HTTP_TOKEN:
        raise ImproperlyConfigured("TIMEBOK_SMS_HTTP_TOKEN is required when TIMEBOK_SMS_BACKEND=http")
elif "." not in SMS_BACKEND:
    raise ImproperlyConfigured("TIMEBOK_SMS_BACKEND must be file, console, http or a dotted path")
# The patient's personal link: lookups per client IP and window (brute-force guard).
MANAGE_LINK_RATE_LIMIT = env_int("TIMEBOK_LINK_RATE_LIMIT", 30, minimum=1)
MANAGE_LINK_RATE_WINDOW_SECONDS = env_int("TIMEBOK_LINK_RATE_WINDOW", 600, minimum=1)
# How often the worker sweeps the outbox (reminders, retries, recovery after a crash).
OUTBOX_SWEEP_SECONDS = env_int("TIMEBOK_OUTBOX_SWEEP_SECONDS", 60, minimum=1)
# A message claimed this long ago and not marked sent belongs to a worker that died: send it again.
OUTBOX_STALE_SECONDS = env_int("TIMEBOK_OUTBOX_STALE_SECONDS", 600, minimum=1)
