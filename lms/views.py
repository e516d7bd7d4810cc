"""Site-wide views that compose the apps: the dashboard, health and error pages."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import hooks

from core.dashboard import HOOK_NAME
from people.roles import ROLE_LABELS, user_roles

logger = logging.getLogger(__name__)


@login_required
@require_GET
def dashboard(request):
    """Where everyone lands after logging in: who they are, and what to do next."""
    panels = [panel for fn in hooks.get_hooks(HOOK_NAME) if (panel := fn(request)) is not None]
    panels.sort(key=lambda panel: (panel.order, panel.title))
    roles = [ROLE_LABELS[key] for key in user_roles(request.user)]
    return render(request, "lms/dashboard.html", {"panels": panels, "role_labels": roles})


@require_GET
def admin_login(request):
    """Stand in for the log-in pages of the Wagtail admin, the Django admin and Wagtail's
    front end (private pages).

    Those pages ask for a password only; sending everyone through allauth's log-in keeps
    e-mail verification, two-factor authentication and rate limits in force for admins
    too. Someone already signed in who lacks admin rights lands on their dashboard, where
    the admin's "no permission" message is shown, instead of looping back to log in.
    """
    if request.user.is_authenticated:
        return redirect("dashboard")
    url = reverse("account_login")
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@require_GET
def password_change_elsewhere(request):
    """Stand in for the Django admin's password change: allauth's page does it, after
    asking for the current password, with its rate limits."""
    return redirect("account_change_password")


def closed(request, **kwargs):
    """Stand in for a page that must not answer: Wagtail's shared-password checks.

    Pages and documents cannot be protected by a shared password in Spoke (see
    ``WAGTAIL_PRIVATE_PAGE_OPTIONS``), so there is never a password to check here.
    """
    raise Http404


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_broker() -> str:
    from lms.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """The state of what Spoke needs. 200 when all is well, 503 when something is down."""
    checks: dict[str, str] = {}
    probes = [("database", _check_database)]
    if settings.REDIS_URL:
        probes.append(("redis", lambda: _check_redis(settings.REDIS_URL)))
    else:
        checks["redis"] = "not configured"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "in-process"
    else:
        probes.append(("broker", _check_broker))
    for name, probe in probes:
        try:
            checks[name] = probe()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = "down"
    healthy = all(state != "down" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks},
        status=200 if healthy else 503,
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # Rendered without a request context: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
