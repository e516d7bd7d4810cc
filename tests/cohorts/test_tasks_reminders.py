"""Session reminders: the day-before and hour-before windows, send-once, the learner's zone."""

import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cohorts.models import Enrollment
from cohorts.services import session_reminders_send
from cohorts.tasks import session_reminders_send as session_reminders_task
from tests.factories import CohortFactory, EnrollmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)
NOW = timezone.now().replace(microsecond=0)


def session_in(delta, **cohort):
    return SessionFactory(
        cohort=CohortFactory(name="Replying well", **cohort), starts_at=NOW + delta
    )


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (24 * 60 * MINUTE, "Tomorrow"),
        (23 * 60 * MINUTE + 51 * MINUTE, "Tomorrow"),
        (60 * MINUTE, "Soon"),
        (MINUTE, "Soon"),
    ],
)
def test_sessions_in_a_window_get_their_reminder(delta, label):
    """Sessions 23h50 to 24h away get the day-before reminder, 0 to 1h away the hour-before one."""
    session = session_in(delta)
    EnrollmentFactory(cohort=session.cohort)
    session_reminders_send(now=NOW)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith(f"{label}: session")


@pytest.mark.parametrize(
    "delta", [24 * 60 * MINUTE + MINUTE, 23 * 60 * MINUTE + 50 * MINUTE, 61 * MINUTE, -MINUTE]
)
def test_sessions_outside_the_windows_get_nothing(delta):
    """Just outside either window, or already started: no reminder."""
    session = session_in(delta)
    EnrollmentFactory(cohort=session.cohort)
    session_reminders_send(now=NOW)
    assert mail.outbox == []


def test_a_scan_every_ten_minutes_sends_each_reminder_once():
    """Scans every 10 minutes over a whole day, some run twice: one of each per person."""
    session = session_in(24 * 60 * MINUTE + 3 * MINUTE)
    people = [EnrollmentFactory(cohort=session.cohort).user for _ in range(2)]
    for step in range(0, 25 * 6):
        moment = NOW + step * 10 * MINUTE
        session_reminders_send(now=moment)
        session_reminders_send(now=moment)
    subjects = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert subjects == sorted(
        (person.email, label) for person in people for label in ("Soon", "Tomorrow")
    )


def test_only_enrolled_people_of_published_running_cohorts(committed):
    """Waiting, invited or withdrawn people, drafts and cancelled cohorts get nothing."""
    session = session_in(30 * MINUTE)
    enrolled = EnrollmentFactory(cohort=session.cohort).user
    for status in ("waitlisted", "invited", "withdrawn"):
        EnrollmentFactory(cohort=session.cohort, status=status)
    for cohort_kwargs in ({"is_published": False}, {"cancelled_at": NOW}):
        EnrollmentFactory(cohort=session_in(30 * MINUTE, **cohort_kwargs).cohort)
    session_reminders_send(now=NOW)
    assert [m.to for m in mail.outbox] == [[enrolled.email]]


def test_time_is_shown_in_the_learners_zone_and_the_cohorts():
    """A learner in New York reads the start in New York time and in the cohort's zone."""
    session = session_in(30 * MINUTE)
    person = UserFactory(time_zone="America/New_York")
    EnrollmentFactory(cohort=session.cohort, user=person)
    session_reminders_send(now=NOW)
    body = mail.outbox[0].body
    local = session.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    there = session.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Amsterdam"))
    assert f"{local:%A %d %B %Y, %H:%M} (America/New_York)" in body
    assert f"{there:%H:%M} (Europe/Amsterdam)" in body
    assert "Room 1" in mail.outbox[0].alternatives[0][0]


def test_a_moved_session_is_reminded_again():
    """The key holds the session's sequence: after a move, the new time is reminded."""
    session = session_in(30 * MINUTE)
    EnrollmentFactory(cohort=session.cohort)
    session_reminders_send(now=NOW)
    session.sequence += 1
    session.save()
    session_reminders_send(now=NOW)
    assert len(mail.outbox) == 2


def test_the_task_takes_an_iso_time():
    """The beat task calls the service, at ``now_iso`` when given."""
    session = session_in(30 * MINUTE)
    EnrollmentFactory(cohort=session.cohort, status=Enrollment.Status.ENROLLED)
    assert session_reminders_task.delay(now_iso=NOW.isoformat()).get() == 1
    assert session_reminders_task.delay().get() >= 0
    assert len(mail.outbox) == 1
