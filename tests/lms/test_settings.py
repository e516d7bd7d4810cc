"""Settings per environment: production refuses to start without its secrets and passes
``check --deploy``; the embedded default needs nothing; REDIS_URL switches on Redis.

Each case imports the settings in a fresh interpreter with a clean environment, because
settings are read once per process. A developer's ``.env`` is ignored there, so that the
defaults are what is tested.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SETTINGS_DIR = BASE_DIR / "lms" / "settings"

# Runs first in every subprocess: the settings read `.env` from the project folder, and a
# developer's own file must not change what these tests see.
IGNORE_DOTENV = "import environ; environ.Env.read_env = staticmethod(lambda *a, **k: None)\n"

# Print the settings a case asks about and what the Celery app made of them. Reading
# settings needs no django.setup() (seconds, with Wagtail), so the cases stay fast.
DUMP_SETTINGS = """
import json
from django.conf import settings
from lms.celery import app
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "database_engine": settings.DATABASES["default"]["ENGINE"],
    "database_name": str(settings.DATABASES["default"]["NAME"]),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "app_broker_url": app.conf.broker_url,
    "app_task_always_eager": app.conf.task_always_eager,
    "ACCOUNT_EMAIL_VERIFICATION": settings.ACCOUNT_EMAIL_VERIFICATION,
}))
"""

PRODUCTION_SECRETS = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "spoke.example",
    "SPOKE_BASE_URL": "https://spoke.example",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter in the project folder with only ``env`` set."""
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-c", IGNORE_DOTENV + code],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def dump_settings(module: str, **env: str) -> dict:
    result = run_python(DUMP_SETTINGS, DJANGO_SETTINGS_MODULE=module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Production ---------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SPOKE_BASE_URL"])
@pytest.mark.parametrize("value", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_its_secrets(missing, value):
    """Without a secret key, allowed hosts or its address, production stops at setup."""
    env = {**PRODUCTION_SECRETS, "DJANGO_SETTINGS_MODULE": "lms.settings.production"}
    if value is None:
        del env[missing]
    else:
        env[missing] = value
    result = run_python("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set in production." in result.stderr


def test_production_passes_check_deploy(tmp_path):
    """With its secrets set, ``manage.py check --deploy`` reports nothing, not even a warning."""
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **PRODUCTION_SECRETS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_hardened():
    """Production forces DEBUG off, mandatory verification and persistent connections."""
    result = run_python(
        "import json\n"
        "from django.conf import settings as s\n"
        "db = s.DATABASES['default']\n"
        "print(json.dumps({'DEBUG': s.DEBUG, 'verification': s.ACCOUNT_EMAIL_VERIFICATION,\n"
        "    'hosts': s.ALLOWED_HOSTS, 'session_secure': s.SESSION_COOKIE_SECURE,\n"
        "    'csrf_secure': s.CSRF_COOKIE_SECURE, 'demo': s.SPOKE_DEMO_ALLOWED,\n"
        "    'conn_max_age': db['CONN_MAX_AGE'], 'health_checks': db['CONN_HEALTH_CHECKS']}))",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DJANGO_DEBUG="true",
        SPOKE_EMAIL_VERIFICATION="none",
        **{**PRODUCTION_SECRETS, "DJANGO_ALLOWED_HOSTS": "spoke.example, .spoke.example"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "DEBUG": False,
        "verification": "mandatory",
        "hosts": ["spoke.example", ".spoke.example"],
        "session_secure": True,
        "csrf_secure": True,
        "demo": False,
        "conn_max_age": 60,
        "health_checks": True,
    }


SHOW_MFA_FOR_STAFF = (
    "import json\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({'required': s.SPOKE_REQUIRE_MFA_FOR_STAFF,\n"
    "    'middleware': 'people.middleware.StaffTwoFactorMiddleware' in s.MIDDLEWARE}))"
)


@pytest.mark.parametrize(
    ("module", "value", "required"),
    [
        ("lms.settings.production", None, True),
        ("lms.settings.production", "false", False),
        ("lms.settings.local", None, False),
        ("lms.settings.local", "true", True),
        ("lms.settings.test", "true", False),
    ],
)
def test_staff_two_factor_is_required_in_production_by_default(module, value, required):
    """SPOKE_REQUIRE_MFA_FOR_STAFF: on in production unless turned off, off in the demo
    unless turned on; the tests turn it on where they check it."""
    env = {**PRODUCTION_SECRETS, "DJANGO_SETTINGS_MODULE": module}
    if value is not None:
        env["SPOKE_REQUIRE_MFA_FOR_STAFF"] = value
    result = run_python(SHOW_MFA_FOR_STAFF, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "required": required,
        "middleware": True,
    }


# --- The embedded default -----------------------------------------------------------------


def test_local_defaults_to_sqlite_under_var_and_eager_tasks():
    """With nothing set: SQLite in var/, a local-memory cache, tasks run in-process."""
    values = dump_settings("lms.settings.local")
    assert values["DEBUG"] is True
    assert values["database_engine"] == "django.db.backends.sqlite3"
    assert Path(values["database_name"]) == BASE_DIR / "var" / "spoke.sqlite3"
    assert values["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["CELERY_BROKER_URL"] == "memory://"
    assert values["app_task_always_eager"] is True
    assert values["ACCOUNT_EMAIL_VERIFICATION"] == "optional"


@pytest.mark.parametrize("module", ["lms.settings.local", "lms.settings.production"])
def test_redis_url_switches_cache_and_celery_to_redis(module):
    """REDIS_URL makes Redis the shared cache (the fail-soft one) and Celery's broker, and
    tasks go to workers."""
    url = "redis://127.0.0.1:6379/7"
    values = dump_settings(module, REDIS_URL=url, **PRODUCTION_SECRETS)
    assert values["cache_backend"] == "core.cache.FailSoftRedisCache"
    assert values["cache_location"] == url
    assert values["CELERY_BROKER_URL"] == url
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["app_broker_url"] == url
    assert values["app_task_always_eager"] is False


def test_database_url_switches_to_postgresql():
    """DATABASE_URL chooses the database."""
    values = dump_settings(
        "lms.settings.local", DATABASE_URL="postgres://spoke:secret@db.internal:5432/spoke"
    )
    assert values["database_engine"] == "django.db.backends.postgresql"
    assert values["database_name"] == "spoke"


# --- .env.example ---------------------------------------------------------------------------


def _variables_read_by_settings() -> set[str]:
    pattern = re.compile(r"""(?:env\.\w+|_required)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
    return {
        name for path in SETTINGS_DIR.glob("*.py") for name in pattern.findall(path.read_text())
    }


def _documented() -> dict[str, str]:
    """Each variable in .env.example with the comment block above it."""
    documented, comment = {}, []
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if match := re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=", line):
            documented[match.group(1)] = " ".join(comment)
        elif line.startswith("#") and line.strip("# -"):
            comment.append(line.lstrip("# "))
        elif not line.strip():
            comment = []
    return documented


def test_env_example_documents_every_variable_the_settings_read():
    """Every variable the settings read is in .env.example, with a comment and a default."""
    read = _variables_read_by_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read
    documented = _documented()
    missing = read - set(documented)
    assert not missing, f"not documented in .env.example: {sorted(missing)}"
    for name in read:
        assert documented[name], f"{name} has no comment in .env.example"
        assert re.search(r"\b(defaults?|required)\b", documented[name], re.IGNORECASE), name


def test_env_example_documents_nothing_that_is_not_read():
    """.env.example lists only variables the settings or docker-compose.yml use."""
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    used = _variables_read_by_settings() | {"DJANGO_SETTINGS_MODULE"}
    used |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
    stale = set(_documented()) - used
    assert not stale, f"documented but never read: {sorted(stale)}"


def test_env_example_sets_nothing_by_default():
    """Copied as is to .env, the example changes nothing: every variable is commented out."""
    text = (BASE_DIR / ".env.example").read_text()
    assert not re.findall(r"(?m)^[A-Z][A-Z0-9_]*=", text)
