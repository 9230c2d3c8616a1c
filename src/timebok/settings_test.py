"""Settings for the test suite: debug secrets off, fixed test keys, fast hashing.

TEST_DATABASE_URL (or DATABASE_URL) selects PostgreSQL; otherwise SQLite.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault(
    "FNR_ENCRYPTION_KEYS", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=",
)
os.environ.setdefault("FNR_HASH_KEY", "test-hash-key-test-hash-key-test-hash-key")
# Tests speak plain http to the test client and live servers; production redirects to https.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("TIMEBOK_ALLOW_TEST_IDENTITIES", "1")
os.environ.setdefault("TIMEBOK_VAR_DIR", tempfile.mkdtemp(prefix="timebok-test-"))
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]

from timebok.settings import *  # noqa: F403
from timebok.settings import DATABASES

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests run inside transactions whose on_commit hooks (the cache's bumps) do not run; the
# availability cache's own tests switch it on and run the hooks.
AVAILABILITY_CACHE = os.environ.get("TIMEBOK_AVAILABILITY_CACHE") == "1"
if os.environ.get("TIMEBOK_TEST_REDIS_URL"):  # tests/servers.py: a real app server on a real Redis
    CACHES = {
        "default": {"BACKEND": "timebok.core.rediscache.RedisCache",
                    "LOCATION": os.environ["TIMEBOK_TEST_REDIS_URL"],
                    "KEY_PREFIX": os.environ.get("TIMEBOK_TEST_REDIS_PREFIX", "timebok-test"),
                    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
        "fallback": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "timebok_cache"},
    }
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("TIMEBOK_TEST_TASKS") == "db":  # a real db_worker started by a test
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so live-server and threaded tests share one database.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["TIMEBOK_VAR_DIR"], "test.sqlite3")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
# Several test runs may share one PostgreSQL server: each can name its own test database.
if os.environ.get("TIMEBOK_TEST_DB_NAME") and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TIMEBOK_TEST_DB_NAME"]}
