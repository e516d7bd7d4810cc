"""Calendar apps update an event only when its SEQUENCE rises: the services see to it."""

from datetime import timedelta

from cohorts.models import CalendarFeed
from cohorts.services import calendar_feed_reset, cohort_cancel, session_create


def test_cancelling_raises_every_sessions_sequence(cohort, cohort_trainer, soon):
    """After a cancellation every session's event is newer, so calendars mark it cancelled."""
    first = session_create(cohort=cohort, by=cohort_trainer, title="Listen",
                           starts_at=soon, ends_at=soon + timedelta(hours=1))  # fmt: skip
    cohort_cancel(cohort=cohort, by=cohort_trainer, reason="Trainer ill")
    first.refresh_from_db()
    assert first.sequence == 1


def test_renumbering_raises_the_sequence_of_renumbered_sessions(cohort, cohort_trainer, soon):
    """A session added before another renumbers it, and its event title changes with it."""
    later = session_create(cohort=cohort, by=cohort_trainer, title="Later",
                           starts_at=soon + timedelta(days=2),
                           ends_at=soon + timedelta(days=2, hours=1))  # fmt: skip
    session_create(cohort=cohort, by=cohort_trainer, title="Earlier",
                   starts_at=soon, ends_at=soon + timedelta(hours=1))  # fmt: skip
    later.refresh_from_db()
    assert later.number == 2
    assert later.sequence == 1


def test_feed_reset_replaces_the_token(learner):
    """Resetting gives a new token and keeps one feed per person."""
    old = CalendarFeed.objects.create(user=learner).token
    feed = calendar_feed_reset(user=learner)
    assert feed.token != old
    assert CalendarFeed.objects.filter(user=learner).count() == 1
