"""The session reminder scan through Redis and a real worker: each reminder once."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cohorts.tasks import session_reminders_send
from core.models import NotificationLog
from tests.factories import CohortFactory, EnrollmentFactory, SessionFactory, UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TIMEOUT = 20


def test_the_scan_run_twice_by_the_worker_sends_each_reminder_once(celery_worker):
    """Two overlapping scans (a beat that fired twice): one reminder per person and session."""
    now = timezone.now().replace(microsecond=0)
    cohort = CohortFactory(name="Replying well")
    tomorrow = SessionFactory(
        cohort=cohort, number=2, starts_at=now + timedelta(hours=23, minutes=55)
    )
    SessionFactory(cohort=cohort, number=1, starts_at=now + timedelta(minutes=30))
    people = [
        EnrollmentFactory(cohort=cohort, user=UserFactory(time_zone=zone)).user
        for zone in ("Europe/Lisbon", "Asia/Kolkata")
    ]
    scans = [session_reminders_send.delay(now_iso=now.isoformat()) for _ in range(2)]
    assert not celery_worker.conf.task_always_eager
    assert [scan.get(timeout=TIMEOUT) for scan in scans] == [4, 4]
    # Each scan queued four sends; the worker runs all eight, four of which find the claim.
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and len(mail.outbox) < 4:
        time.sleep(0.05)
    time.sleep(1)  # the duplicate sends run after the first ones; they must add nothing
    assert len(mail.outbox) == 4
    assert sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox) == sorted(
        (person.email, label) for person in people for label in ("Soon", "Tomorrow")
    )
    keys = set(NotificationLog.objects.values_list("key", flat=True))
    assert f"session-reminder:{tomorrow.pk}:0:{people[0].pk}:24h" in keys
    assert len(keys) == 4
