"""Self-enrolment, the waitlist, withdrawal and promotion, capacity."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from cohorts.selectors import cohort_places_taken, cohort_waitlist
from cohorts.services import (
    cohort_capacity_set,
    enrollment_accept_invitation,
    enrollment_promote,
    enrollment_request,
    enrollment_withdraw,
)
from tests.factories import BusinessUnitFactory, CohortFactory, EnrollmentFactory, UserFactory

from .conftest import people

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def fill(cohort, count):
    return [enrollment_request(cohort=cohort, user=user) for user in people(count)]


def test_enrol_in_an_open_cohort_takes_a_place(cohort, learner):
    """A person enrols in a published open cohort and holds a place."""
    enrollment = enrollment_request(cohort=cohort, user=learner)
    assert enrollment.status == Status.ENROLLED
    assert enrollment.enrolled_at is not None
    assert cohort_places_taken(cohort=cohort) == 1


def test_full_cohort_puts_people_on_the_waitlist_in_order(cohort):
    """Beyond the capacity people are waitlisted, first come first served."""
    enrollments = fill(cohort, 7)
    assert [e.status for e in enrollments] == [Status.ENROLLED] * 5 + [Status.WAITLISTED] * 2
    assert all(e.waitlisted_at for e in enrollments[5:])
    assert list(cohort_waitlist(cohort=cohort)) == enrollments[5:]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"is_published": False}, "not open for enrolment yet"),
        ({"cancelled_at": timezone.now()}, "cancelled"),
        ({"enrollment_mode": Cohort.EnrollmentMode.INVITATION}, "by invitation only"),
        ({"enrollment_mode": Cohort.EnrollmentMode.ASSIGNED}, "by invitation only"),
    ],
)
def test_enrolment_refused_with_a_clear_message(cohort, learner, changes, message):
    """Drafts, cancelled cohorts and cohorts not open to self-enrolment refuse it."""
    Cohort.objects.filter(pk=cohort.pk).update(**changes)
    cohort.refresh_from_db()
    with pytest.raises((ValidationError, PermissionDenied), match=message):
        enrollment_request(cohort=cohort, user=learner)
    assert not Enrollment.objects.exists()


def test_enrolment_refused_in_a_finished_cohort(cohort, learner):
    """A cohort whose last session has ended takes nobody."""
    now = timezone.now()
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_at=now - timezone.timedelta(days=3), ends_at=now - timezone.timedelta(days=2)
    )
    cohort.refresh_from_db()
    with pytest.raises(ValidationError, match="finished"):
        enrollment_request(cohort=cohort, user=learner)


def test_allowed_units_include_sub_units(cohort):
    """A cohort open to a unit takes people of its sub-units and refuses the others."""
    sales = BusinessUnitFactory(name="Sales")
    retail = BusinessUnitFactory(name="Retail", parent=sales)
    support = BusinessUnitFactory(name="Support")
    cohort.allowed_units.set([sales])
    assert enrollment_request(cohort=cohort, user=UserFactory(unit=retail)).status == "enrolled"
    with pytest.raises(PermissionDenied, match="open to people in Sales only"):
        enrollment_request(cohort=cohort, user=UserFactory(unit=support))
    with pytest.raises(PermissionDenied):
        enrollment_request(cohort=cohort, user=UserFactory(unit=None))


def test_enrolling_twice_is_refused(cohort, learner):
    """A second request says the person is already enrolled, or already waiting."""
    enrollment_request(cohort=cohort, user=learner)
    with pytest.raises(ValidationError, match="already enrolled"):
        enrollment_request(cohort=cohort, user=learner)
    Enrollment.objects.filter(user=learner).update(
        status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="already on the waitlist"):
        enrollment_request(cohort=cohort, user=learner)


def test_who_withdrew_may_enrol_again_in_the_same_row(cohort, learner):
    """Withdrawing then enrolling again reuses the enrollment."""
    first = enrollment_request(cohort=cohort, user=learner)
    enrollment_withdraw(enrollment=first, by=learner)
    again = enrollment_request(cohort=cohort, user=learner)
    assert again.pk == first.pk
    assert again.status == Status.ENROLLED
    assert again.withdrawn_at is None


def test_withdrawal_promotes_the_first_waiting_person_once(cohort, committed):
    """A freed place goes to the longest-waiting person, who is told once."""
    enrollments = fill(cohort, 7)
    with committed():
        enrollment_withdraw(enrollment=enrollments[0], by=enrollments[0].user)
    states = {e.pk: e.status for e in Enrollment.objects.all()}
    assert states[enrollments[5].pk] == Status.ENROLLED
    assert states[enrollments[6].pk] == Status.WAITLISTED
    assert cohort_places_taken(cohort=cohort) == 5
    assert [m.to for m in mail.outbox] == [[enrollments[5].user.email]]
    assert "A place is yours" in mail.outbox[0].subject


def test_withdrawing_from_the_waitlist_promotes_nobody(cohort):
    """Leaving the waitlist frees no place."""
    enrollments = fill(cohort, 7)
    enrollment_withdraw(enrollment=enrollments[5], by=enrollments[5].user)
    assert Enrollment.objects.get(pk=enrollments[6].pk).status == Status.WAITLISTED


def test_withdrawing_twice_is_refused(cohort, learner):
    """A withdrawn enrollment cannot be withdrawn again (and frees nothing twice)."""
    enrollment = enrollment_request(cohort=cohort, user=learner)
    enrollment_withdraw(enrollment=enrollment, by=learner)
    with pytest.raises(ValidationError, match="withdrawn"):
        enrollment_withdraw(enrollment=enrollment, by=learner)


def test_nobody_else_may_withdraw_a_person(cohort, learner, hr, cohort_trainer):
    """Only the person or the cohort's trainer withdraws an enrollment."""
    enrollment = enrollment_request(cohort=cohort, user=learner)
    with pytest.raises(PermissionDenied):
        enrollment_withdraw(enrollment=enrollment, by=hr)
    assert enrollment_withdraw(enrollment=enrollment, by=cohort_trainer).status == "withdrawn"


def test_accepting_an_invitation_enrols_or_waitlists(cohort):
    """An invited person who accepts gets a place, or the waitlist when full."""
    fill(cohort, 4)
    first, second = (
        EnrollmentFactory(cohort=cohort, status=Status.INVITED, enrolled_at=None) for _ in range(2)
    )
    assert enrollment_accept_invitation(enrollment=first, by=first.user).status == "enrolled"
    assert enrollment_accept_invitation(enrollment=second, by=second.user).status == "waitlisted"
    with pytest.raises(ValidationError, match="no open invitation"):
        enrollment_accept_invitation(enrollment=first, by=first.user)


def test_only_the_invited_person_accepts(cohort, learner, cohort_trainer):
    """Nobody accepts an invitation for someone else."""
    invited = EnrollmentFactory(cohort=cohort, status=Status.INVITED)
    with pytest.raises(PermissionDenied):
        enrollment_accept_invitation(enrollment=invited, by=cohort_trainer)


def test_trainer_promotes_out_of_turn_only_into_a_free_place(cohort, cohort_trainer, committed):
    """Manual promotion needs a free place and says how many are taken otherwise."""
    enrollments = fill(cohort, 7)
    last = enrollments[6]
    with pytest.raises(ValidationError, match="5 of 5 places are taken"):
        enrollment_promote(enrollment=last, by=cohort_trainer)
    Cohort.objects.filter(pk=cohort.pk).update(capacity=6)  # bypass automatic promotion
    with committed():
        assert enrollment_promote(enrollment=last, by=cohort_trainer).status == "enrolled"
    assert Enrollment.objects.get(pk=enrollments[5].pk).status == Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[last.user.email]]
    with pytest.raises(ValidationError, match="not on the waitlist"):
        enrollment_promote(enrollment=enrollments[0], by=cohort_trainer)


def test_capacity_cannot_drop_below_places_taken(cohort, cohort_trainer):
    """Lowering the capacity under the people holding a place is refused with the number."""
    fill(cohort, 4)
    with pytest.raises(ValidationError) as caught:
        cohort_capacity_set(cohort=cohort, capacity=3, by=cohort_trainer)
    assert "4 people already hold a place" in caught.value.message_dict["capacity"][0]
    with pytest.raises(ValidationError, match="at least one place"):
        cohort_capacity_set(cohort=cohort, capacity=0, by=cohort_trainer)
    cohort_capacity_set(cohort=cohort, capacity=4, by=cohort_trainer)
    cohort.refresh_from_db()
    assert cohort.capacity == 4


def test_raising_capacity_promotes_waiting_people_in_order(cohort, cohort_trainer, committed):
    """New places go to the waitlist, first come first served, each told once."""
    enrollments = fill(cohort, 8)
    with committed():
        cohort_capacity_set(cohort=cohort, capacity=7, by=cohort_trainer)
    statuses = [Enrollment.objects.get(pk=e.pk).status for e in enrollments]
    assert statuses == [Status.ENROLLED] * 7 + [Status.WAITLISTED]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in enrollments[5:7])
    with committed():
        cohort_capacity_set(cohort=cohort, capacity=7, by=cohort_trainer)
    assert len(mail.outbox) == 2


def test_capacity_is_a_trainer_action(cohort, learner):
    """A learner cannot change the number of places."""
    with pytest.raises(PermissionDenied):
        cohort_capacity_set(cohort=cohort, capacity=50, by=learner)


def test_completed_people_hold_a_place(learner):
    """Completed enrollments count among the places taken."""
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(cohort=cohort, status=Status.COMPLETED)
    assert enrollment_request(cohort=cohort, user=learner).status == Status.WAITLISTED
