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

# Ours, bottom of the dependency order first.
SPOKE_APPS = [
    "core",
    "people",
    "people.sso",
    "cms",
    "competencies",
    "courses",
    "cohorts",
    "assessments",
    "advocacy",
    "credentials",
    "reports",
    "demo",
    "lms",
]
INSTALLED_APPS = [
    *SPOKE_APPS,
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
    "csp",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
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
    # Visitors' pages kept whole (core/pagecache.py): a hit skips everything below.
    "core.pagecache.VisitorPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication (the admin's larger limit depends on who asks), before anything
    # reads the body.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.security_headers.SecurityHeadersMiddleware",
    "people.middleware.PersonTimeZoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "people.middleware.StaffTwoFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A learner's own pages kept per person (core/personcache.py): after every check that
    # may turn a request away, so a hit skips only finding the page and making it.
    "core.personcache.PersonPageCacheMiddleware",
    # Wagtail's site and page lookups from the stamped cache (cms/routing.py).
    "cms.routing.CachedRoutingMiddleware",
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
    # Django's Redis cache that fails soft: short time-outs, and while Redis is down or
    # silent each process serves the cache from its own memory (see core/cache.py and
    # docs/running.md, "When Redis is down").
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spoke",
        }
    }
else:
    # Room for the stamped routes, outlines and visitors' pages of a whole site
    # (core/pagecache.py); Django's default of 300 entries is a handful of pages.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Django's database sessions, read with a fixed statement (core/sessions.py).
SESSION_ENGINE = "core.sessions"

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
# A broker that is down or silent must not hold a request: sending a message waits at most
# a few seconds (connect, socket reads, one retry), then core.queue.FailSoftTask keeps the
# message in the database and sends it again once the broker is back. The socket time-out
# stays above kombu's 1-second BRPOP wait, which workers use to listen.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1.0,
    "socket_timeout": 2.0,
    "retry_on_timeout": False,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
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
    # Plan B call-outs: the next circle of people for units still short once it is due.
    "plan-b-escalate-due": {
        "task": "advocacy.tasks.callouts_escalate_due",
        "schedule": 60.0,
    },
    # Messages kept in the database while the broker was unavailable are sent again.
    "core-deferred-tasks-requeue": {
        "task": "core.tasks.deferred_tasks_requeue_task",
        "schedule": 60.0,
    },
    # Screenshots replaced, removed, or left in drafts nobody touched for
    # SPOKE_DRAFT_SCREENSHOT_RETENTION_DAYS; private files no row points at.
    "practice-screenshots-clean": {
        "task": "assessments.tasks.screenshots_clean",
        "schedule": crontab(hour=3, minute=15),
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
    # People's copies of their own data are deleted once expired (7 days).
    "people-personal-data-expire": {
        "task": "people.tasks.personal_data_exports_expire_task",
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
ACCOUNT_FORMS = {"login": "people.sso.forms.LoginForm"}  # the e-mail step of single sign-on
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Spoke] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
# "mandatory" in production, "optional" in the demo; see the environment files.
ACCOUNT_EMAIL_VERIFICATION = env.str("SPOKE_EMAIL_VERIFICATION", default="mandatory")
# allauth's own rate limits stay at their defaults (on). They count in the cache, so they
# hold across processes once REDIS_URL gives every process the same cache. While Redis is
# unavailable they keep counting in each process's memory (core/cache.py): they still
# hold, per process, instead of switching off.

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Spoke"
# Trainers, HR, advocacy leads and site admins must turn on two-factor authentication
# before they can use anything else (people.middleware.StaffTwoFactorMiddleware).
# True in production, false in the demo and in tests.
SPOKE_REQUIRE_MFA_FOR_STAFF = env.bool("SPOKE_REQUIRE_MFA_FOR_STAFF", default=False)

# --- Single sign-on (people/sso, docs/sso.md) ---------------------------------------------
# Identity providers are allauth SocialApps of the "openid_connect" and "saml" kinds, kept in
# the database (Django admin, "Social applications") or, for configuration as code, in a
# JSON file named by SPOKE_SSO_PROVIDERS_FILE. Each app's settings list the e-mail domains
# it signs in ("domains"); the log-in page sends people of those domains to it.
SOCIALACCOUNT_ADAPTER = "people.sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# The provider vouches for the addresses of its own domains (the adapter checks the domain),
# so they count as verified and an existing person of that domain is signed in, not copied.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the redirect to a provider starts from a POST
SOCIALACCOUNT_STORE_TOKENS = False  # Spoke calls no provider API after sign-in
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
SPOKE_SSO_PROVIDERS_FILE = env.str("SPOKE_SSO_PROVIDERS_FILE", default="")
if SPOKE_SSO_PROVIDERS_FILE:
    import json

    with open(SPOKE_SSO_PROVIDERS_FILE, encoding="utf-8") as _sso_file:
        for _kind, _apps in json.load(_sso_file).items():
            SOCIALACCOUNT_PROVIDERS.setdefault(_kind, {})["APPS"] = _apps
# Password log-in, sign-up and password resets off for everyone but superusers (break-glass).
SPOKE_SSO_ONLY = env.bool("SPOKE_SSO_ONLY", default=False)
# Staff who signed in through single sign-on may rely on the identity provider's MFA instead
# of Spoke's own authenticator (SPOKE_REQUIRE_MFA_FOR_STAFF). Off: Spoke still asks.
SPOKE_SSO_TRUST_IDP_MFA = env.bool("SPOKE_SSO_TRUST_IDP_MFA", default=False)

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
# Uploaded images and documents are served through lms.media (renditions and avatars
# only) and Wagtail's document view (which checks who asks); see docs/running.md.
SPOKE_PUBLIC_MEDIA_FOLDERS = ["images", "avatar_images"]
SPOKE_MEDIA_CACHE_SECONDS = 60 * 60 * 24

# --- Request and upload size ------------------------------------------------------------
# Bodies over these are refused with a 413 before Django reads them
# (core.middleware.RequestSizeLimitMiddleware): learners' pages take a 5 MB screenshot and
# a 200,000-character reflection; the Wagtail admin takes images and documents.
SPOKE_MAX_REQUEST_BYTES = env.int("SPOKE_MAX_REQUEST_BYTES", default=7 * 1024 * 1024)
SPOKE_MAX_ADMIN_REQUEST_BYTES = env.int("SPOKE_MAX_ADMIN_REQUEST_BYTES", default=64 * 1024 * 1024)
SPOKE_ADMIN_REQUEST_PATHS = ["/admin/", "/django-admin/"]
# SCIM provisioning (docs/provisioning.md): requests per token and minute, and the largest
# body one request may send (a person is a few kilobytes).
SPOKE_SCIM_REQUESTS_PER_MINUTE = env.int("SPOKE_SCIM_REQUESTS_PER_MINUTE", default=600)
SPOKE_SCIM_MAX_REQUEST_BYTES = 64 * 1024
# The form fields of one request, files apart (a reflection of 200,000 characters is at
# most 800 KB of UTF-8, a page's StreamField a few hundred KB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Wagtail's image uploads: a 24-36 megapixel camera photo passes; each decoded original
# takes about 4 bytes a pixel while renditions are made.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000

# --- Clean-up of learners' files --------------------------------------------------------
# Screenshots of drafts nobody has touched for this many days are deleted (the draft
# stays); files in private storage that no row points at are deleted once older than the
# grace period (so an upload being saved is never taken).
SPOKE_DRAFT_SCREENSHOT_RETENTION_DAYS = env.int("SPOKE_DRAFT_SCREENSHOT_RETENTION_DAYS", default=30)
SPOKE_PRIVATE_ORPHAN_GRACE_HOURS = 24

# --- Credentials ------------------------------------------------------------------------
# The private keys that sign credentials: PEM files, outside the database so that a dump
# holds none. Shared by the web app and the workers (a named volume in docker-compose.yml).
SPOKE_CREDENTIALS_KEY_DIR = env.path("SPOKE_CREDENTIALS_KEY_DIR", default=VAR_DIR / "keys")

# --- Wagtail ----------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Spoke"
WAGTAILADMIN_BASE_URL = env.str("SPOKE_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
# Documents always go through Wagtail's view, which runs cms.wagtail_hooks'
# before_serve_document (signed-in people only unless the collection is public), whatever
# the storage: never a redirect to the file's own URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# One way in: passwords are typed, reset and changed only on allauth's pages, where
# two-factor authentication, rate limits, e-mail verification and the domain rule apply.
# Wagtail's own password pages and fields are off, and so are pages protected by a shared
# password (lms/urls.py closes the views that would check one).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # no "change password" in the admin's account
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth's reset, with its rate limits
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False  # addresses change through allauth, verified
WAGTAILUSERS_PASSWORD_ENABLED = False  # new people choose one through "Forgot password?"
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL  # private pages send people to allauth
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests; the site works offline
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# --- Security shared by every environment -----------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp; see lms/security_headers.py and docs/security.md).
# Our pages: no inline script or style, everything from our own origin, lesson videos
# from the two privacy-friendly players that courses.blocks.video_embed_url produces.
CSP_VIDEO_FRAME_SOURCES = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
_CSP_COMMON = {
    "default-src": ["'self'"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": CSP_VIDEO_FRAME_SOURCES,
    }
}
# The Wagtail admin writes inline <script> and style="" in its widgets: it gets
# 'unsafe-inline' for those two, on its own paths only; everything else stays as strict.
SPOKE_ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
SPOKE_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "frame-src": ["'self'", *CSP_VIDEO_FRAME_SOURCES],
    }
}
# Powerful browser features no Spoke page uses, switched off for every page and frame.
SPOKE_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics",
        "camera", "display-capture", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
# Embedded players may go full screen; nothing else is granted to them.
SPOKE_PERMISSIONS_POLICY["fullscreen"] = ["self", *(f'"{o}"' for o in CSP_VIDEO_FRAME_SOURCES)]

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
