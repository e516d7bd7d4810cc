"""The embedded default: a developer's machine or the demo site.

Runs with nothing but Python: SQLite under ``var/``, tasks in-process unless REDIS_URL is
set, e-mail printed on the console, e-mail verification optional.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

VAR_DIR.mkdir(exist_ok=True)  # SQLite and media live here; a fresh clone has no var/ yet

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="spoke-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
ACCOUNT_EMAIL_VERIFICATION = env.str("SPOKE_EMAIL_VERIFICATION", default="optional")
SPOKE_ALLOWED_EMAIL_DOMAINS = [
    domain.strip().lower().lstrip("@")
    for domain in env.list("SPOKE_ALLOWED_EMAIL_DOMAINS", default=["spoke.example"])
    if domain.strip()
]
# The demo's staff accounts work without an authenticator app; production asks for one.
SPOKE_REQUIRE_MFA_FOR_STAFF = env.bool("SPOKE_REQUIRE_MFA_FOR_STAFF", default=False)
# Demo content may be seeded only where this is true; production never sets it.
SPOKE_DEMO_ALLOWED = True

# Serve static files straight from the source folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
