"""The event registry: handlers run after the commit only, in order, a failing one does not
stop the others, ``once_per_commit`` dedupes, and the apps' events reach their listeners."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from advocacy.events import MEMBERSHIP_CHANGED, POLICY_ACKNOWLEDGED
from cms.events import POLICY_VERSION_PUBLISHED
from competencies.events import STANDING_CHANGED
from competencies.services import evidence_correct, evidence_record
from core import events
from core.events import event_announce, event_handler, event_handlers, once_per_commit
from courses.events import COURSE_COMPLETED
from people.events import UNIT_OR_ACTIVE_CHANGED
from tests.conftest import reload_migrated_rows
from tests.events import listening
from tests.factories import CompetencyFactory

NAME = "tests.something_happened"


@pytest.fixture(scope="module", autouse=True)
def _restore_migrated_rows(django_db_setup, django_db_blocker):
    """The tests in real transactions end by emptying every table: put back the rows the
    migrations created (role groups, the page tree) for the tests after this module."""
    yield
    with django_db_blocker.unblock():
        reload_migrated_rows()


@pytest.fixture
def registry(monkeypatch):
    """A registry of the test's own, so its handlers never outlive it."""
    monkeypatch.setattr(events, "_handlers", events.defaultdict(list))
    return events._handlers


@pytest.fixture
def calls(registry):
    """Two handlers of ``NAME``, recording (which, payload) in the order they ran."""
    ran = []

    @event_handler(NAME)
    def first(**payload):
        ran.append(("first", payload))

    @event_handler(NAME)
    def second(**payload):
        ran.append(("second", payload))

    return ran


def _announce_then_roll_back(**payload):
    """Announce in a transaction that then fails and rolls back."""

    def fail():
        with transaction.atomic():
            event_announce(NAME, **payload)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail()


@pytest.mark.django_db
def test_handlers_wait_for_the_commit(calls, django_capture_on_commit_callbacks):
    """Nothing runs inside the transaction; after the commit each handler gets the payload."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_announce(NAME, user_id=7, level=2)
        assert calls == []
    assert calls == [("first", {"user_id": 7, "level": 2}), ("second", {"user_id": 7, "level": 2})]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_commit_runs_them_and_a_rollback_does_not(calls):
    """With a real database transaction: a rolled-back announcement is never handled, nor one
    made in a savepoint that rolls back; a committed one is, once."""
    _announce_then_roll_back(user_id=1)
    with transaction.atomic():
        try:
            with transaction.atomic():
                event_announce(NAME, user_id=2)
                raise RuntimeError
        except RuntimeError:
            pass
        event_announce(NAME, user_id=3)
        assert calls == []
    assert [payload["user_id"] for _, payload in calls] == [3, 3]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_handlers_run_at_once(calls):
    """In autocommit there is nothing to wait for."""
    event_announce(NAME, user_id=5)
    assert [which for which, _ in calls] == ["first", "second"]


@pytest.mark.django_db
def test_events_in_announcement_order_handlers_in_registration_order(
    calls, django_capture_on_commit_callbacks
):
    """Three announcements, two handlers each: handled event by event, in order."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for number in (1, 2, 3):
            event_announce(NAME, number=number)
    assert [(which, payload["number"]) for which, payload in calls] == [
        ("first", 1),
        ("second", 1),
        ("first", 2),
        ("second", 2),
        ("first", 3),
        ("second", 3),
    ]


@pytest.mark.django_db
def test_a_failing_handler_is_logged_and_the_others_still_run(
    registry, caplog, django_capture_on_commit_callbacks
):
    """The broken handler's traceback is logged with the event; the next handler runs, and
    so does the next event."""
    ran = []

    @event_handler(NAME)
    def broken(**payload):
        raise ValueError("no such thing")

    @event_handler(NAME)
    def fine(**payload):
        ran.append(payload["n"])

    with (
        caplog.at_level(logging.ERROR, logger="core.events"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        event_announce(NAME, n=1)
        event_announce(NAME, n=2)
    assert ran == [1, 2]
    failures = [record for record in caplog.records if record.name == "core.events"]
    assert len(failures) == 2
    assert "broken" in failures[0].getMessage()
    assert NAME in failures[0].getMessage()
    assert failures[0].exc_info[0] is ValueError


@pytest.mark.django_db
def test_once_per_commit_dedupes_within_a_commit_not_across(
    registry, django_capture_on_commit_callbacks
):
    """Five announcements for two people in one commit do the thing once per person; the
    next commit does it again."""
    done = []

    @event_handler(NAME)
    def recheck(*, user_id, **payload):
        if once_per_commit(("recheck", user_id)):
            done.append(user_id)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for user_id in (1, 2, 1, 1, 2):
            event_announce(NAME, user_id=user_id)
    assert done == [1, 2]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_announce(NAME, user_id=1)
    assert done == [1, 2, 1]


@pytest.mark.django_db
def test_a_rolled_back_transaction_does_not_swallow_the_next_commits_dedupe(
    registry, django_capture_on_commit_callbacks
):
    """Announcements rolled back leave nothing behind that would skip the next commit's."""
    done = []

    @event_handler(NAME)
    def recheck(*, user_id, **payload):
        if once_per_commit(("recheck", user_id)):
            done.append(user_id)

    _announce_then_roll_back(user_id=1)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_announce(NAME, user_id=1)
    assert done == [1]


def test_once_per_commit_outside_a_handler_is_refused():
    """Asking outside a handler is a programming error, said clearly."""
    with pytest.raises(RuntimeError, match="event handlers"):
        once_per_commit("anything")


@pytest.mark.parametrize("value", [object(), b"bytes", {"a": 1}, [1, object()]])
def test_payloads_must_be_plain_values(registry, value):
    """A model instance (or anything not a plain value) is refused at once, naming the key."""
    with pytest.raises(TypeError, match="competency="):
        event_announce(NAME, competency=value)


def test_registering_a_handler_twice_keeps_one(registry):
    """An app's handlers module imported twice does not double its handlers."""

    def handler(**payload):
        pass

    event_handler(NAME)(handler)
    event_handler(NAME)(handler)
    assert event_handlers(NAME) == [handler]


# --- The apps' events and who listens -------------------------------------------------------


def _names(name):
    return [f"{handler.__module__}.{handler.__name__}" for handler in event_handlers(name)]


def test_every_event_reaches_its_listeners():
    """The list in docs/extending.md, as the registry holds it after start-up."""
    assert _names(STANDING_CHANGED) == [
        "advocacy.handlers.standing_changed",
        "credentials.handlers.standing_changed",
    ]
    assert _names(POLICY_VERSION_PUBLISHED) == ["advocacy.handlers.policy_version_published"]
    assert _names(POLICY_ACKNOWLEDGED) == ["advocacy.handlers.policy_acknowledged"]
    assert _names(UNIT_OR_ACTIVE_CHANGED) == ["advocacy.handlers.unit_or_active_changed"]
    assert _names(COURSE_COMPLETED) == ["credentials.handlers.course_completed"]
    assert _names(MEMBERSHIP_CHANGED) == [
        "advocacy.handlers.membership_changed",
        "credentials.handlers.membership_changed",
    ]


@pytest.mark.django_db
def test_evidence_announces_the_standing_change(
    learner, trainer, site_admin, django_capture_on_commit_callbacks
):
    """New evidence and a correction each announce the level before and after; evidence
    dated a month back is flagged backdated."""
    competency = CompetencyFactory()
    with listening(STANDING_CHANGED) as heard, django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            user=learner, competency=competency, level=2, source=None, awarded_by=trainer
        )
        evidence_correct(user=learner, competency=competency, level=1, by=site_admin, note="Oops")
    assert heard == [
        {
            "user_id": learner.pk,
            "competency_id": competency.pk,
            "level": 2,
            "previous_level": None,
            "backdated": False,
        },
        {
            "user_id": learner.pk,
            "competency_id": competency.pk,
            "level": 1,
            "previous_level": 2,
            "backdated": False,
        },
    ]
    other = CompetencyFactory()
    with listening(STANDING_CHANGED) as heard, django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            user=learner, competency=other, level=3, source=None, awarded_by=trainer,
            recorded_at=timezone.now() - timedelta(days=30),
        )  # fmt: skip
    assert heard[0]["backdated"] is True
