"""/healthz: the state of the database, Redis and the broker, for load balancers."""

import socket
import threading
from http import HTTPStatus
from unittest import mock

from django.db import OperationalError

from tests.conftest import celery_sending_to

URL = "/healthz"


def test_embedded_default_is_healthy(client, db, settings):
    """With no Redis configured, the database is checked and tasks run in-process."""
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "not configured", "broker": "in-process"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_database_down_gives_503(client, db, settings):
    """A database that does not answer makes the site unhealthy."""
    settings.REDIS_URL = ""
    with mock.patch("lms.views._check_database", side_effect=OperationalError("gone")):
        response = client.get(URL)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["database"] == "down"
    assert response.json()["status"] == "down"


def test_redis_down_gives_503(client, db, settings):
    """A configured Redis that refuses connections is reported down (nothing listens on :1)."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(URL)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["redis"] == "down"


def test_broker_is_checked_when_workers_run_tasks(client, db, settings):
    """With a real broker, the broker check runs and its failure is reported."""
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("lms.views._check_broker", side_effect=ConnectionError("refused")):
        response = client.get(URL)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["broker"] == "down"


def test_error_details_are_not_leaked(client, db, settings):
    """The JSON says 'down', never the exception text (which may hold hosts or passwords)."""
    settings.REDIS_URL = ""
    with mock.patch("lms.views._check_database", side_effect=OperationalError("password=hunter2")):
        response = client.get(URL)
    assert "hunter2" not in response.content.decode()


def test_only_get(client, db):
    """POST is refused."""
    assert client.post(URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_probe_that_never_answers_is_reported_timeout(client, db, settings):
    """A probe stuck past the deadline does not hold the request: it is 'timeout', 503."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    release = threading.Event()
    try:
        with (
            mock.patch("lms.views.HEALTH_DEADLINE", 0.2),
            mock.patch("lms.views._check_redis", side_effect=lambda url: release.wait(60)),
        ):
            response = client.get(URL)
    finally:
        release.set()
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "timeout",
        "broker": "in-process",
    }


def test_silent_redis_gives_503(client, db, settings):
    """A Redis that accepts connections and never answers is reported down, as is the
    broker on it, and the answer comes (the probes have their own time-outs)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel accepts; nobody ever reads or answers
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        settings.REDIS_URL = url
        with celery_sending_to(url):
            settings.CELERY_TASK_ALWAYS_EAGER = False
            response = client.get(URL)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"] in {"down", "timeout"}
    assert checks["broker"] in {"down", "timeout"}
