"""Reads about cohorts: who runs them, places, waitlists, the beat schedule."""

import pytest
from django.conf import settings
from django.utils import timezone

from cohorts.models import Enrollment
from cohorts.selectors import (
    cohort_places_taken,
    cohort_waitlist,
    cohorts_for_trainer,
    user_runs_cohort,
)
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def test_trainers_and_admins_run_a_cohort(cohort, cohort_trainer, trainer, site_admin, hr):
    """Its own trainers and site admins run a cohort; other trainers and HR do not."""
    assert user_runs_cohort(user=cohort_trainer, cohort=cohort)
    assert user_runs_cohort(user=site_admin, cohort=cohort)
    assert not user_runs_cohort(user=trainer, cohort=cohort)
    assert not user_runs_cohort(user=hr, cohort=cohort)
    cohort_trainer.is_active = False
    assert not user_runs_cohort(user=cohort_trainer, cohort=cohort)


def test_cohorts_for_trainer(cohort, cohort_trainer, trainer, site_admin, learner):
    """A trainer lists their own cohorts, a site admin all of them, a learner none."""
    other = CohortFactory(trainers=[trainer])
    assert list(cohorts_for_trainer(user=cohort_trainer)) == [cohort]
    assert set(cohorts_for_trainer(user=site_admin)) == {cohort, other}
    assert list(cohorts_for_trainer(user=learner)) == []


def test_places_and_waitlist_order(cohort):
    """Places count enrolled and completed people; the waitlist is ordered by arrival, then id."""
    EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, status=Status.COMPLETED)
    EnrollmentFactory(cohort=cohort, status=Status.INVITED)
    moment = timezone.now()
    late = EnrollmentFactory(cohort=cohort, status=Status.WAITLISTED, waitlisted_at=moment)
    tie_a = EnrollmentFactory(
        cohort=cohort, status=Status.WAITLISTED, waitlisted_at=moment - timezone.timedelta(1)
    )
    tie_b = EnrollmentFactory(
        cohort=cohort, status=Status.WAITLISTED, waitlisted_at=tie_a.waitlisted_at
    )
    assert cohort_places_taken(cohort=cohort) == 2
    assert list(cohort_waitlist(cohort=cohort)) == [tie_a, tie_b, late]


def test_reminder_scan_is_on_the_beat_schedule():
    """Beat runs the reminder scan every ten minutes."""
    entry = settings.CELERY_BEAT_SCHEDULE["cohorts-session-reminders"]
    assert entry == {"task": "cohorts.tasks.session_reminders_send", "schedule": 600.0}
