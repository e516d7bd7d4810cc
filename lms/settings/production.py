"""Production: PostgreSQL, Redis, a WSGI server, workers and beat.

Refuses to start without its secrets; ``manage.py check --deploy`` is clean.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [
    host.strip() for host in _required("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()
]
# Links in e-mails point here; a default of localhost would send people nowhere.
WAGTAILADMIN_BASE_URL = _required("SPOKE_BASE_URL")
SPOKE_DEMO_ALLOWED = False
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Staff (trainers, HR, advocacy leads, site admins) set up two-factor before anything else.
SPOKE_REQUIRE_MFA_FOR_STAFF = env.bool("SPOKE_REQUIRE_MFA_FOR_STAFF", default=True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,  # noqa: F405
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
CONN_HEALTH_CHECKS = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

ADMINS = [("Spoke admins", addr) for addr in env.list("DJANGO_ADMINS", default=[])]

# Wagtail's page preview shows the page in an iframe from the same origin, so frames stay
# allowed for our own origin (X_FRAME_OPTIONS = "SAMEORIGIN", in base.py) rather than DENY.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
