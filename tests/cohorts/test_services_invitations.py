"""Invitations: one person, many, a whole unit, a CSV file; assigned cohorts enrol directly."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.models import Cohort, Enrollment
from cohorts.selectors import users_in_unit
from cohorts.services import enrollment_invite, enrollment_invite_csv, enrollment_withdraw
from tests.factories import BusinessUnitFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


@pytest.fixture
def invitation_cohort(cohort):
    cohort.enrollment_mode = Cohort.EnrollmentMode.INVITATION
    cohort.save()
    return cohort


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def test_invite_one_person_sends_one_invitation(invitation_cohort, cohort_trainer, committed):
    """The person is invited and gets one e-mail, however often they are invited."""
    person = UserFactory(email="ida@spoke.example")
    with committed():
        report = enrollment_invite(cohort=invitation_cohort, users=[person], by=cohort_trainer)
    assert report.invited == [person]
    assert Enrollment.objects.get(user=person).status == Status.INVITED
    assert Enrollment.objects.get(user=person).invited_by == cohort_trainer
    with committed():
        again = enrollment_invite(cohort=invitation_cohort, users=[person], by=cohort_trainer)
    assert again.skipped == [person]
    assert [m.to for m in mail.outbox] == [["ida@spoke.example"]]
    assert mail.outbox[0].subject == "You are invited to Listening 101 · spring"


def test_reinviting_after_withdrawal_sends_no_second_mail(
    invitation_cohort, cohort_trainer, committed
):
    """Someone who withdrew is invited again in the same row; the send-once key holds."""
    person = UserFactory()
    with committed():
        enrollment_invite(cohort=invitation_cohort, users=[person], by=cohort_trainer)
    enrollment = Enrollment.objects.get(user=person)
    enrollment_withdraw(enrollment=enrollment, by=person)
    with committed():
        report = enrollment_invite(cohort=invitation_cohort, users=[person], by=cohort_trainer)
    assert report.invited == [person]
    assert Enrollment.objects.get(user=person).pk == enrollment.pk
    assert len(mail.outbox) == 1


def test_invite_everyone_in_a_unit_and_its_sub_units(invitation_cohort, cohort_trainer):
    """``users_in_unit`` gives the active people of a unit and those below it."""
    sales = BusinessUnitFactory(name="Sales")
    retail = BusinessUnitFactory(name="Retail", parent=sales)
    inside = [UserFactory(unit=sales), UserFactory(unit=retail)]
    UserFactory(unit=retail, is_active=False)
    UserFactory(unit=BusinessUnitFactory(name="Support"))
    report = enrollment_invite(
        cohort=invitation_cohort, users=users_in_unit(unit=sales), by=cohort_trainer
    )
    assert sorted(u.pk for u in report.invited) == sorted(u.pk for u in inside)


def test_assigned_cohort_enrols_directly_then_waitlists(cohort, cohort_trainer, committed):
    """In ASSIGNED mode the trainer's invitation takes a place, or the waitlist when full."""
    cohort.enrollment_mode = Cohort.EnrollmentMode.ASSIGNED
    cohort.capacity = 2
    cohort.save()
    team = [UserFactory() for _ in range(3)]
    with committed():
        report = enrollment_invite(cohort=cohort, users=team, by=cohort_trainer)
    assert (report.enrolled, report.waitlisted) == (team[:2], team[2:])
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "You are enrolled in Listening 101 · spring",
        "You are enrolled in Listening 101 · spring",
        "You are on the waitlist for Listening 101 · spring",
    ]


@pytest.mark.parametrize("who", ["learner", "hr", "other_trainer"])
def test_only_the_cohorts_trainers_invite(invitation_cohort, who, request):
    """A learner, HR or the trainer of another cohort cannot invite."""
    person = request.getfixturevalue("trainer" if who == "other_trainer" else who)
    with pytest.raises(PermissionDenied):
        enrollment_invite(cohort=invitation_cohort, users=[UserFactory()], by=person)
    with pytest.raises(PermissionDenied):
        enrollment_invite_csv(
            cohort=invitation_cohort, file=csv_file("a@spoke.example\n"), by=person
        )


def test_csv_invites_everyone_listed(invitation_cohort, cohort_trainer):
    """A clean CSV (header, BOM, capitals, blank lines) invites every address."""
    ana, bo = UserFactory(email="ana@spoke.example"), UserFactory(email="bo@spoke.example")
    text = "\ufeffemail\nANA@spoke.example\n\nbo@spoke.example,extra column\n"
    report = enrollment_invite_csv(cohort=invitation_cohort, file=csv_file(text), by=cohort_trainer)
    assert report.ok
    assert report.done.invited == [ana, bo]


@pytest.mark.parametrize(
    ("content", "errors"),
    [
        (
            "ana@spoke.example\nghost@spoke.example\n",
            ["Line 2: nobody has the address ghost@spoke.example."],
        ),
        (
            "ana@spoke.example\nbo@spoke.example\nAna@spoke.example\nnot an address\n",
            [
                "Line 3: ana@spoke.example is already on line 1.",
                "Line 4: nobody has the address not an address.",
            ],
        ),
        ("", ["The file has no e-mail addresses."]),
        ("email\n\n", ["The file has no e-mail addresses."]),
    ],
)
def test_a_csv_with_problems_is_reported_and_nothing_is_done(
    invitation_cohort, cohort_trainer, committed, content, errors
):
    """Unknown and repeated addresses (with line numbers) or an empty file: all or nothing."""
    UserFactory(email="ana@spoke.example")
    UserFactory(email="bo@spoke.example")
    with committed():
        report = enrollment_invite_csv(
            cohort=invitation_cohort, file=csv_file(content), by=cohort_trainer
        )
    assert not report.ok
    assert report.errors == errors
    assert report.done is None
    assert not Enrollment.objects.exists()
    assert mail.outbox == []


def test_a_csv_in_another_encoding_is_reported(invitation_cohort, cohort_trainer):
    """A file that is not UTF-8 is refused with a hint, and nobody is invited."""
    UserFactory(email="jose@spoke.example")
    report = enrollment_invite_csv(
        cohort=invitation_cohort,
        file=csv_file("josé\njose@spoke.example\n", "latin-1"),
        by=cohort_trainer,
    )
    assert report.errors == ["The file is not UTF-8 text: save it as CSV UTF-8."]
    assert not Enrollment.objects.exists()


def test_people_already_in_the_cohort_are_skipped(invitation_cohort, cohort_trainer):
    """Enrolled and waiting people are not invited again."""
    enrolled = EnrollmentFactory(cohort=invitation_cohort).user
    report = enrollment_invite(cohort=invitation_cohort, users=[enrolled], by=cohort_trainer)
    assert report.skipped == [enrolled]
    assert Enrollment.objects.get(user=enrolled).status == Status.ENROLLED


def test_no_invitations_to_a_draft_or_cancelled_cohort(invitation_cohort, cohort_trainer):
    """People are invited to published, running cohorts only."""
    invitation_cohort.is_published = False
    invitation_cohort.save()
    with pytest.raises(ValidationError, match="Publish the cohort"):
        enrollment_invite(cohort=invitation_cohort, users=[UserFactory()], by=cohort_trainer)
    invitation_cohort.is_published = True
    invitation_cohort.cancelled_at = invitation_cohort.created_at
    invitation_cohort.save()
    with pytest.raises(ValidationError, match="cancelled"):
        enrollment_invite(cohort=invitation_cohort, users=[UserFactory()], by=cohort_trainer)
    assert not Enrollment.objects.exists()
