"""Settings shared by every environment.

Everything that differs between machines is read from the environment through
django-environ; ``.env.example`` documents each variable. The embedded default needs
nothing: SQLite under ``var/``, tasks run in-process, a local-memory cache and e-mail on
the console.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Ours, bottom of the dependency order first.
    "core",
    "people",
    "cms",
    "competencies",
    "courses",
    "cohorts",
    "assessments",
    "advocacy",
    "credentials",
    "reports",
    "lms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "people.apps.SpokeUsersAppConfig",  # wagtail.users with our person fields
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "people.middleware.PersonTimeZoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "people.context_processors.roles",
            ],
        },
    },
]

# --- Database and cache -----------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'spoke.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spoke",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery -----------------------------------------------------------------------------
# With REDIS_URL set, Redis is the broker and workers run the tasks. Without it, tasks run
# in-process (eagerly) so the site works with nothing but Python.

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Checking submitted links: a short time-out, and never private or internal addresses.
SPOKE_LINK_CHECK = {"enabled": True, "timeout": 5.0, "allow_private": False}

CELERY_BEAT_SCHEDULE: dict = {
    # Day-before and hour-before session reminders; each is sent once however often it runs.
    "cohorts-session-reminders": {
        "task": "cohorts.tasks.session_reminders_send",
        "schedule": 600.0,
    },
    # People still enrolled when a cohort's last session ends have completed it.
    "cohorts-complete": {
        "task": "cohorts.tasks.cohorts_complete",
        "schedule": 3600.0,
    },
    # Practice: an assignment opened, or is due tomorrow and not handed in (each once).
    "practice-reminders": {
        "task": "assessments.tasks.practice_reminders_send",
        "schedule": 600.0,
    },
    # Trainers with work waiting for review: one e-mail each morning.
    "practice-review-digests": {
        "task": "assessments.tasks.review_digests_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # The roster's nightly re-check: rules that change with time alone (recent practice,
    # lapses older than 90 days) and anything a trigger missed.
    "roster-sync-all": {
        "task": "advocacy.tasks.roster_sync_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Credentials a trigger missed (a bulk roster change, a time without a signing key).
    "credentials-sync-all": {
        "task": "credentials.tasks.credentials_sync_all",
        "schedule": crontab(hour=3, minute=15),
    },
    # Report exports are kept for a day for whoever asked; then they go, with their files.
    "reports-exports-expire": {
        "task": "reports.tasks.report_exports_expire",
        "schedule": 3600.0,
    },
}

# --- Auth and accounts ------------------------------------------------------------------

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "people.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Spoke] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
# "mandatory" in production, "optional" in the demo; see the environment files.
ACCOUNT_EMAIL_VERIFICATION = env.str("SPOKE_EMAIL_VERIFICATION", default="mandatory")
# allauth's own rate limits stay at their defaults (on). They count in the cache, so they
# hold across processes once REDIS_URL gives every process the same cache.

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Spoke"

# Sign-up is open only to these e-mail domains; an empty list means invitations only.
SPOKE_ALLOWED_EMAIL_DOMAINS = [
    domain.strip().lower().lstrip("@")
    for domain in env.list("SPOKE_ALLOWED_EMAIL_DOMAINS", default=[])
    if domain.strip()
]

# --- E-mail -----------------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Spoke <spoke@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Learners' screenshots: outside MEDIA_ROOT, never served by the web server, only through
# a view that checks who asks.
SPOKE_PRIVATE_MEDIA_ROOT = env.path("SPOKE_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
PRIVATE_STORAGE = {
    "BACKEND": "assessments.storage.PrivateStorage",
    "OPTIONS": {"location": SPOKE_PRIVATE_MEDIA_ROOT},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Credentials ------------------------------------------------------------------------
# The private keys that sign credentials: PEM files, outside the database so that a dump
# holds none. Shared by the web app and the workers (a named volume in docker-compose.yml).
SPOKE_CREDENTIALS_KEY_DIR = env.path("SPOKE_CREDENTIALS_KEY_DIR", default=VAR_DIR / "keys")

# --- Wagtail ----------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Spoke"
WAGTAILADMIN_BASE_URL = env.str("SPOKE_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth's reset, with its rate limits
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests; the site works offline
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# --- Security shared by every environment -----------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its own small tasks (search index, references) through django-tasks;
        # their start/finish lines drown everything else.
        "django_tasks": {"level": "WARNING"},
        # Page edits are in Wagtail's own audit log (Reports → Site history) already.
        "wagtail": {"level": "WARNING"},
    },
}
