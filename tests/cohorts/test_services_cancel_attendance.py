"""Cancelling a cohort, recording attendance, and who may do either."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.models import Attendance, Enrollment
from cohorts.services import attendance_record, cohort_cancel, enrollment_request
from tests.factories import CohortFactory, EnrollmentFactory, SessionFactory

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def test_cancel_tells_everyone_invited_enrolled_or_waiting_once(cohort, cohort_trainer, committed):
    """Each person in the cohort hears of the cancellation once; those who left do not."""
    told = [
        EnrollmentFactory(cohort=cohort, status=status).user
        for status in (Status.INVITED, Status.ENROLLED, Status.WAITLISTED)
    ]
    EnrollmentFactory(cohort=cohort, status=Status.WITHDRAWN)
    with committed():
        cohort_cancel(cohort=cohort, by=cohort_trainer, reason="The trainer is ill.")
    cohort.refresh_from_db()
    assert cohort.cancelled_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in told)
    assert mail.outbox[0].subject == "Listening 101 · spring is cancelled"
    assert "The trainer is ill." in mail.outbox[0].body
    with pytest.raises(ValidationError, match="already cancelled"), committed():
        cohort_cancel(cohort=cohort, by=cohort_trainer, reason="Again")
    assert len(mail.outbox) == 3


def test_no_enrolment_after_cancellation(cohort, cohort_trainer, learner):
    """A cancelled cohort refuses new people."""
    cohort_cancel(cohort=cohort, by=cohort_trainer, reason="")
    with pytest.raises(ValidationError, match="cancelled"):
        enrollment_request(cohort=cohort, user=learner)


@pytest.mark.parametrize("who", ["learner", "hr", "other_trainer"])
def test_only_the_cohorts_trainers_cancel(cohort, who, request):
    """A learner, HR or the trainer of another cohort cannot cancel it."""
    person = request.getfixturevalue("trainer" if who == "other_trainer" else who)
    with pytest.raises(PermissionDenied):
        cohort_cancel(cohort=cohort, by=person, reason="")


def test_attendance_is_recorded_then_corrected(cohort, cohort_trainer):
    """A second record for the same session and person replaces the first."""
    session = SessionFactory(cohort=cohort)
    enrollment = EnrollmentFactory(cohort=cohort)
    attendance_record(session=session, enrollment=enrollment, status="absent", by=cohort_trainer)
    attendance_record(session=session, enrollment=enrollment, status="excused", by=cohort_trainer)
    row = Attendance.objects.get()
    assert (row.status, row.recorded_by) == ("excused", cohort_trainer)


@pytest.mark.parametrize("status", [Status.INVITED, Status.WAITLISTED, Status.WITHDRAWN])
def test_attendance_only_for_people_holding_a_place(cohort, cohort_trainer, status):
    """Invited, waiting or withdrawn people have no attendance."""
    session = SessionFactory(cohort=cohort)
    enrollment = EnrollmentFactory(cohort=cohort, status=status)
    with pytest.raises(ValidationError, match="enrolled people only"):
        attendance_record(
            session=session, enrollment=enrollment, status="present", by=cohort_trainer
        )


def test_attendance_refuses_another_cohort_and_unknown_status(cohort, cohort_trainer):
    """The person must be in the session's cohort, and the status one we know."""
    session = SessionFactory(cohort=cohort)
    stranger = EnrollmentFactory(cohort=CohortFactory(trainers=[cohort_trainer]))
    with pytest.raises(ValidationError) as caught:
        attendance_record(session=session, enrollment=stranger, status="present", by=cohort_trainer)
    assert "enrollment" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            session=session,
            enrollment=EnrollmentFactory(cohort=cohort),
            status="asleep",
            by=cohort_trainer,
        )
    assert "status" in caught.value.message_dict


@pytest.mark.parametrize("who", ["learner", "hr", "other_trainer"])
def test_only_the_cohorts_trainers_record_attendance(cohort, who, request):
    """A learner, HR or the trainer of another cohort cannot record attendance."""
    person = request.getfixturevalue("trainer" if who == "other_trainer" else who)
    session = SessionFactory(cohort=cohort)
    with pytest.raises(PermissionDenied):
        attendance_record(
            session=session,
            enrollment=EnrollmentFactory(cohort=cohort),
            status="present",
            by=person,
        )


def test_site_admin_records_attendance(cohort, site_admin):
    """A site admin runs every cohort."""
    session = SessionFactory(cohort=cohort)
    enrollment = EnrollmentFactory(cohort=cohort)
    attendance_record(session=session, enrollment=enrollment, status="present", by=site_admin)
    assert Attendance.objects.count() == 1
