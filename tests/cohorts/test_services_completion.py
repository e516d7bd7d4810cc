"""When a cohort's last session has ended, the people still enrolled have completed it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Enrollment
from cohorts.services import cohorts_complete
from cohorts.tasks import cohorts_complete as cohorts_complete_task
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def cohort_ending(hours_from_now: int, **kwargs):
    ends = timezone.now() + timedelta(hours=hours_from_now)
    return CohortFactory(starts_at=ends - timedelta(days=14), ends_at=ends, **kwargs)


def test_the_enrolled_of_a_finished_cohort_complete_it_once():
    finished = cohort_ending(-1)
    enrolled = EnrollmentFactory(cohort=finished)
    waiting = EnrollmentFactory(cohort=finished, status=Status.WAITLISTED)
    invited = EnrollmentFactory(cohort=finished, status=Status.INVITED)
    assert cohorts_complete() == 1
    assert cohorts_complete() == 0
    for enrollment, status in (
        (enrolled, Status.COMPLETED),
        (waiting, Status.WAITLISTED),
        (invited, Status.INVITED),
    ):
        enrollment.refresh_from_db()
        assert enrollment.status == status


def test_running_cancelled_and_draft_cohorts_are_left_alone():
    running = EnrollmentFactory(cohort=cohort_ending(2))
    cancelled = EnrollmentFactory(cohort=cohort_ending(-1, cancelled_at=timezone.now()))
    draft = EnrollmentFactory(cohort=cohort_ending(-1, is_published=False))
    assert cohorts_complete_task.delay().get() == 0
    for enrollment in (running, cancelled, draft):
        enrollment.refresh_from_db()
        assert enrollment.status == Status.ENROLLED
