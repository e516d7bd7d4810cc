"""Site-wide views that compose the apps: the dashboard, health and error pages."""

import functools
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.dashboard import DASHBOARD_PANELS, all_personal, first_change
from core.personcache import cache_for_person
from people.roles import ROLE_LABELS, user_roles

logger = logging.getLogger(__name__)


@login_required
@require_GET
def dashboard(request):
    """Where everyone lands after logging in: who they are, and what to do next."""
    panels = DASHBOARD_PANELS.collect(request=request)
    roles = [ROLE_LABELS[key] for key in user_roles(request.user)]
    response = render(request, "lms/dashboard.html", {"panels": panels, "role_labels": roles})
    if all_personal(panels):  # a learner's own dashboard, nobody else's rows on it
        cache_for_person(request, response, valid_until=first_change(panels))
    return response


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


HEALTH_DEADLINE = 2.5  # seconds for all probes together; load balancers wait about 3
HEALTHY_STATES = {"ok", "not configured", "in-process"}


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis(url: str) -> str:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        url, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_broker() -> str:
    from lms.celery import app

    # A fresh connection with short time-outs, not one from the pool: kombu's
    # ensure_connection retries, and a pooled connection may wait on a silent socket.
    with app.connection_for_write(
        connect_timeout=1,
        transport_options={**app.conf.broker_transport_options, "socket_timeout": 1},
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=1)
        _channel = conn.default_channel  # opening it talks to Redis: silence fails here
    return "ok"


def _run_probes(probes: list[tuple[str, Callable[[], str]]]) -> dict[str, str]:
    """Run each probe in a thread of its own and wait at most HEALTH_DEADLINE for all.

    A probe that has not answered by then is reported "timeout" and left to finish (its
    own socket time-outs end it); the request does not wait for it.
    """
    results: dict[str, str] = {}
    lock = threading.Lock()

    def run(name: str, probe: Callable[[], str]) -> None:
        try:
            state = probe()
        except Exception as exc:
            logger.warning("health check %s failed: %s: %s", name, type(exc).__name__, exc)
            state = "down"
        with lock:
            results[name] = state

    threads = [
        threading.Thread(target=run, args=(name, probe), name=f"healthz-{name}", daemon=True)
        for name, probe in probes
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + HEALTH_DEADLINE
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    with lock:
        answered = dict(results)
    for name, _probe in probes:
        if name not in answered:
            logger.warning("health check %s did not answer within %ss", name, HEALTH_DEADLINE)
            answered[name] = "timeout"
    return answered


@never_cache
@require_GET
def healthz(request):
    """The state of what Spoke needs. 200 when all is well, 503 when something is down.

    The database is checked in the request (nothing works without it, and it has its own
    time-outs); Redis and the broker are checked in threads with one deadline, so a Redis
    that never answers still gives a 503 within about three seconds.
    """
    checks: dict[str, str] = {}
    try:
        checks["database"] = _check_database()
    except Exception as exc:
        logger.warning("health check database failed: %s: %s", type(exc).__name__, exc)
        checks["database"] = "down"
    probes: list[tuple[str, Callable[[], str]]] = []
    if settings.REDIS_URL:
        probes.append(("redis", functools.partial(_check_redis, settings.REDIS_URL)))
    else:
        checks["redis"] = "not configured"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "in-process"
    else:
        probes.append(("broker", _check_broker))
    checks.update(_run_probes(probes))
    healthy = all(state in HEALTHY_STATES for state in checks.values())
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
