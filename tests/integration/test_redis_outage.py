"""Redis down, site up: the pages people use answer as usual when Redis is gone.

Each test starts its own ``redis-server`` on a spare port and points the cache and Celery
at it. With it up, every page is visited once as the right role; then Redis is stopped
(first test) or replaced by a listener that accepts connections and never answers
(second test), and the same pages must answer as they did, log-in, a knowledge-check
answer, a practice submission and a report export included. Nothing submitted is lost:
the background work the broker could not take is kept, and reaches Redis once it is back.
``/healthz`` says 503.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus

import pytest
import redis
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from advocacy.models import Tier
from assessments.models import Submission
from cms.models import Platform
from core.models import DeferredTask
from courses.models import KnowledgeCheckAttempt
from reports.models import ReportExport
from tests.assessments.helpers_review import assignment_for, running_cohort
from tests.conftest import celery_sending_to, require_service
from tests.factories import (
    EnrollmentFactory,
    LessonPageFactory,
    RosterMembershipFactory,
)
from tests.factories.people import PASSWORD
from tests.reports.company import small_company

pytestmark = [
    pytest.mark.integration,
    # Real commits, so work enqueued after commit is enqueued as in production;
    # serialized_rollback puts back what the migrations created for the tests after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HANG_GUARD = 30  # seconds; only there to fail a hang, never to judge speed
POST_URL = "https://www.linkedin.com/posts/lena-reyes_listening-activity-7260000000000000000-ab12"
REFLECTION = "I listened for ten minutes, then replied to one question."
OK = {HTTPStatus.OK, HTTPStatus.FOUND}
NO_PERSISTENCE = ["--save", "", "--appendonly", "no"]


# --- A Redis of our own, and a listener that never answers -------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away ``redis-server`` without persistence, on a port of its own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)

    def answers(self) -> bool:
        client = self.client()
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


class SilentListener:
    """Accepts TCP connections on ``port`` and never sends a byte back."""

    def __init__(self, port: int) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(128)
        self.server.settimeout(0.2)
        self.accepted: list[socket.socket] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, name="silent-redis", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _address = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted.append(connection)  # held open, never read, never answered

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.server.close()


@pytest.fixture
def redis_server():
    require_service(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def site_on_redis(redis_server, settings):
    """Cache, broker and /healthz pointed at the test's own Redis, as REDIS_URL would."""
    settings.REDIS_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Changing CACHES makes Django drop its cache connections, here and when restored.
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "spoke",
        }
    }
    # allauth's rate limits at their defaults (the tests turn them off): they use the cache.
    del settings.ACCOUNT_RATE_LIMITS
    with celery_sending_to(redis_server.url):
        yield redis_server


# --- The world: a course, a cohort, practice, a roster and reports ------------------------


@dataclass
class World:
    people: dict
    cohort: object
    lesson: object
    task: object
    catalogue: object


@pytest.fixture
def world(learner, manager, trainer, hr, lead, site_admin) -> World:
    small_company()  # units, competencies and evidence for the reports
    for person in (learner, manager, trainer, hr, lead, site_admin):
        EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    cohort = running_cohort(trainers=[trainer], name="Listening at Kestrel Rail")
    lesson = LessonPageFactory(parent=cohort.course, title="Listen before you post")
    cohort.sessions.get(number=1).lessons.add(lesson)  # released: session 1 has begun
    task = assignment_for(
        cohort,
        title="Listen, then reply",
        platforms=list(Platform.objects.filter(slug="linkedin")),
        reflection_min_chars=20,
    )
    EnrollmentFactory(cohort=cohort, user=learner)
    EnrollmentFactory(cohort=cohort, user=manager)
    RosterMembershipFactory(user=manager, tier=Tier.ADVOCATE)
    people = {
        "anonymous": None,
        "learner": learner,
        "manager": manager,
        "trainer": trainer,
        "hr": hr,
        "lead": lead,
        "admin": site_admin,
    }
    return World(people, cohort, lesson, task, cohort.course.get_parent())


def pages(world: World) -> list[tuple[str, str]]:
    """(who, URL) for every page a person uses, as the role that uses it."""
    cohort, task = world.cohort, world.task
    return [
        ("anonymous", "/"),
        ("anonymous", world.catalogue.url),
        ("anonymous", reverse("account_login")),
        ("learner", "/"),
        ("learner", world.catalogue.url),
        ("learner", reverse("dashboard")),
        ("learner", world.cohort.course.url),
        ("learner", world.lesson.url),
        ("learner", reverse("cohorts:detail", args=[cohort.pk])),
        ("learner", reverse("cohorts:calendar")),
        ("learner", reverse("assessments:mine")),
        ("learner", reverse("assessments:work", args=[cohort.pk, task.pk])),
        ("learner", reverse("advocacy:me")),
        ("learner", reverse("people:profile")),
        ("manager", reverse("dashboard")),
        ("manager", reverse("reports:index")),
        ("trainer", reverse("dashboard")),
        ("trainer", reverse("cohorts:detail", args=[cohort.pk])),
        ("trainer", "/admin/"),
        ("hr", reverse("dashboard")),
        ("hr", reverse("reports:index")),
        ("hr", reverse("reports:heatmap")),
        ("hr", reverse("reports:heatmap_people")),
        ("hr", reverse("reports:adoption")),
        ("hr", reverse("reports:readiness")),
        ("hr", reverse("reports:hub_and_spoke")),
        ("hr", reverse("reports:activity")),
        ("hr", reverse("reports:exports")),
        ("lead", reverse("dashboard")),
        ("lead", reverse("advocacy:roster")),
        ("lead", reverse("advocacy:eligible")),
        ("lead", reverse("advocacy:approvals")),
        ("admin", reverse("dashboard")),
        ("admin", "/admin/"),
    ]


@contextlib.contextmanager
def hang_guard(what: str):
    """Fail (instead of waiting forever) if one request hangs; not a measure of speed."""

    def hung(_signum, _frame):
        raise TimeoutError(f"{what} did not answer within {HANG_GUARD} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def clients(world: World) -> dict[str, Client]:
    made = {}
    for who, person in world.people.items():
        made[who] = Client()
        if person is not None:
            made[who].force_login(person)
    return made


def visit(world: World) -> dict[tuple[str, str], int]:
    by_role = clients(world)
    answered = {}
    for who, url in pages(world):
        with hang_guard(f"GET {url} as {who}"):
            answered[(who, url)] = by_role[who].get(url).status_code
    return answered


def health(client: Client):
    with hang_guard("GET /healthz"):
        return client.get(reverse("healthz"))


# --- What a person does while Redis is unavailable ----------------------------------------


def log_in(world: World):
    client = Client()
    with hang_guard("log-in"):
        response = client.post(
            reverse("account_login"),
            {"login": world.people["learner"].email, "password": PASSWORD},
        )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    assert response["Location"] == reverse("dashboard")
    assert "_auth_user_id" in client.session
    with hang_guard("dashboard after log-in"):
        assert client.get(response["Location"]).status_code == HTTPStatus.OK


def answer_knowledge_check(world: World, client: Client) -> None:
    url = reverse("courses:knowledge_check_answer", args=[world.lesson.pk, "check-1"])
    with hang_guard("knowledge-check answer"):
        response = client.post(url, {"choice": ["0", "2"]})
    assert response.status_code in OK
    assert KnowledgeCheckAttempt.objects.filter(user=world.people["learner"]).exists()


def submit_practice(world: World, client: Client) -> Submission:
    url = reverse("assessments:work", args=[world.cohort.pk, world.task.pk])
    with hang_guard("practice submission"):
        response = client.post(
            url,
            {
                "link_url": POST_URL,
                "reflection": REFLECTION,
                "action": "submit",
                "confirm_final": "on",
            },
        )
    assert response.status_code == HTTPStatus.FOUND
    submission = Submission.objects.get(user=world.people["learner"], assignment=world.task)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.link_url == POST_URL
    return submission


def export_report(world: World, client: Client) -> ReportExport:
    with hang_guard("report export"):
        response = client.post(reverse("reports:export_create"), {"format": "csv"})
    assert response.status_code == HTTPStatus.FOUND
    export = ReportExport.objects.get(owner=world.people["hr"])
    with hang_guard("export status page"):
        assert client.get(response["Location"]).status_code == HTTPStatus.OK
    return export


def kept(task_name: str) -> list[DeferredTask]:
    return list(DeferredTask.objects.filter(task_name=task_name))


def drive_the_outage(world: World, normal: dict) -> None:
    """Everything a person does, with Redis unavailable: same answers, nothing lost."""
    by_role = clients(world)
    response = health(by_role["anonymous"])
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["redis"] != "ok"
    assert response.json()["checks"]["broker"] != "ok"

    assert visit(world) == normal

    log_in(world)
    answer_knowledge_check(world, by_role["learner"])
    submission = submit_practice(world, by_role["learner"])
    export = export_report(world, by_role["hr"])

    # The work the broker could not take is kept, for the right rows.
    assert [row.args for row in kept("assessments.tasks.submission_link_check")] == [
        [submission.pk]
    ]
    assert [row.args for row in kept("reports.tasks.report_export_build")] == [[export.pk]]


def queued(server: RedisServer) -> int:
    client = server.client()
    try:
        return client.llen("celery")
    finally:
        client.close()


def requeue_after_recovery(server: RedisServer) -> None:
    """Redis is back: every kept message reaches the queue; none is left behind."""
    from core.queue import broker_breaker
    from core.services import deferred_tasks_requeue

    before = queued(server)
    count = DeferredTask.objects.count()
    assert count >= 2
    broker_breaker._open_until = 0  # the cooldown is over
    with hang_guard("requeue"):
        assert deferred_tasks_requeue() == count
    assert not DeferredTask.objects.exists()
    assert queued(server) == before + count


# --- The tests ----------------------------------------------------------------------------


def test_pages_answer_with_redis_down(world, site_on_redis):
    """Redis stopped: every page answers as it did, log-in and the forms work, the
    background work is kept and reaches Redis once it is back; /healthz says 503."""
    server = site_on_redis
    normal = visit(world)
    assert set(normal.values()) <= OK, normal
    assert health(Client()).status_code == HTTPStatus.OK

    server.stop()
    drive_the_outage(world, normal)

    server.start()
    requeue_after_recovery(server)
    assert health(Client()).status_code == HTTPStatus.OK


def test_pages_answer_with_redis_silent(world, site_on_redis):
    """Redis replaced by a listener that accepts and never answers: the same holds."""
    server = site_on_redis
    normal = visit(world)
    assert set(normal.values()) <= OK, normal

    server.stop()
    listener = SilentListener(server.port)
    try:
        drive_the_outage(world, normal)
        assert listener.accepted, "the pages did try the silent listener"
    finally:
        listener.close()

    server.start()
    requeue_after_recovery(server)
