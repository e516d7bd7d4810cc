"""Settings for the test suite.

The database and Redis come from the environment like everywhere else, so the same suite
runs on the embedded default (SQLite, in-process tasks) and on PostgreSQL with Redis.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "spoke-tests-only"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
SPOKE_ALLOWED_EMAIL_DOMAINS = ["spoke.example"]
SPOKE_DEMO_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Tests decide themselves when tasks should go through a real broker
# (tests/integration/); everything else runs them in-process.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env.str("REDIS_URL", default="") or "memory://"
# Rate limits would make repeated log-ins in tests flaky; tests that check them turn them on.
ACCOUNT_RATE_LIMITS = False
# Two-factor for staff is tested where a test turns it on (tests/people/test_middleware_mfa.py).
SPOKE_REQUIRE_MFA_FOR_STAFF = False
WAGTAILADMIN_BASE_URL = "http://testserver"

# Serve static files straight from the source folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests have no internet: link checks run only where a test points them at a local server.
SPOKE_LINK_CHECK = {"enabled": False, "timeout": 1.0, "allow_private": False}
# Credential signing keys: a fresh folder per test run, never the developer's var/keys.
SPOKE_CREDENTIALS_KEY_DIR = Path(tempfile.mkdtemp(prefix="spoke-test-keys-"))

# With Redis, each test process keeps its cache under its own prefix: tests empty the cache
# before each test (tests/conftest.py), and that must not empty another process's mid-test,
# nor touch the broker's keys in the same database (core.cache clears by prefix only).
if CACHES["default"]["BACKEND"] == "core.cache.FailSoftRedisCache":  # noqa: F405
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # set by pytest-xdist, not people
    CACHES["default"]["KEY_PREFIX"] = f"spoke-test-{_worker}"  # noqa: F405
