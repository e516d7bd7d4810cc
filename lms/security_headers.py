"""Content-Security-Policy and Permissions-Policy on every response.

django-csp writes the Content-Security-Policy header from ``CONTENT_SECURITY_POLICY``:
Spoke's own pages run no inline script and no inline style, and load everything from
their own origin except the two video players that lessons embed.

The Wagtail admin cannot live under that policy: its widgets (inline panels, date
pickers, the workflow and chooser set-up) write small inline ``<script>`` blocks and
inline styles. Responses under the admin prefixes therefore get
``SPOKE_ADMIN_CONTENT_SECURITY_POLICY`` instead: the same policy with ``'unsafe-inline'``
for scripts and styles. Only people with admin access reach those pages, every other
directive (object-src, base-uri, form-action, frame-ancestors, connect-src) stays as
strict as on the site, and the looser policy ends at the admin's own paths.

The log-in page's e-mail step ends, for people of a single sign-on domain, in a redirect
to their identity provider; browsers hold such redirects to ``form-action`` too, so that
page (and only that page) also lets forms go to the configured providers' origins.

When media files are served from another origin (S3-compatible storage, a CDN), that
origin is added to img-src and media-src, read from ``MEDIA_URL``.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

from people.sso.providers import EMAIL_STEP_URL_NAMES, sso_origins

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


def _media_origin() -> str | None:
    parts = urlsplit(settings.MEDIA_URL or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def admin_path(path: str) -> bool:
    """Whether ``path`` belongs to the Wagtail or Django admin."""
    return path.startswith(tuple(settings.SPOKE_ADMIN_PATH_PREFIXES))


def permissions_policy_value() -> str:
    """``camera=(), microphone=(), ...`` from ``SPOKE_PERMISSIONS_POLICY``."""
    return ", ".join(
        f"{feature}=({' '.join(allowed)})"
        for feature, allowed in settings.SPOKE_PERMISSIONS_POLICY.items()
    )


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on admin paths and a
    Permissions-Policy header on every response."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and admin_path(request.path_info):
            parts.config = {
                "default-src": ["'self'"],
                **settings.SPOKE_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"],
            }
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in EMAIL_STEP_URL_NAMES:
            origins = sso_origins(request)
            if origins:
                parts.update = {**(parts.update or {}), "form-action": origins}
        origin = _media_origin()
        if origin:
            parts.update = {
                **(parts.update or {}),
                "img-src": [origin],
                "media-src": [origin],
            }
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if PERMISSIONS_POLICY_HEADER not in response:
            response[PERMISSIONS_POLICY_HEADER] = permissions_policy_value()
        return response
