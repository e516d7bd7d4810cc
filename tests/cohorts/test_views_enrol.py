"""Enrolling, accepting an invitation and leaving a cohort from its page."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from cohorts.services import ENROLLED_MESSAGE, WAITLIST_MESSAGE
from tests.factories import BusinessUnitFactory, CohortFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

VIDEO = "https://meet.example/room-42"


@pytest.fixture
def cohort(trainer):
    """A published, open cohort with five places and one online session next week."""
    cohort = CohortFactory(name="Open listening", trainers=[trainer])
    SessionFactory(cohort=cohort, number=1, video_url=VIDEO)
    return cohort


def _url(name, cohort):
    return reverse(f"cohorts:{name}", args=[cohort.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_visitor_sees_open_cohort_with_enrol_form(client, cohort, learner, trainer):
    """A non-member sees the schedule, trainers and an Enrol form, not members or video."""
    member = UserFactory(first_name="Mona", last_name="Member")
    Enrollment.objects.create(cohort=cohort, user=member, status="enrolled")
    client.force_login(learner)
    response = client.get(_url("detail", cohort))
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert _url("enrol", cohort) in content
    assert trainer.get_full_name() in content
    assert "Session 1" in content or cohort.sessions.get().title in content
    assert "Mona Member" not in content
    assert VIDEO not in content
    assert "Not enrolled" in content


def test_enrol_gives_a_place_and_shows_the_message(client, cohort, learner):
    """POST enrol enrols the person and says so on the cohort page."""
    client.force_login(learner)
    response = client.post(_url("enrol", cohort), follow=True)
    assert response.redirect_chain == [(_url("detail", cohort), HTTPStatus.FOUND)]
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "enrolled"
    assert ENROLLED_MESSAGE in _messages(response)
    assert VIDEO in response.content.decode()
    assert _url("enrol", cohort) not in response.content.decode()
    assert _url("withdraw", cohort) in response.content.decode()


def test_enrol_into_a_full_cohort_waitlists(client, cohort, learner):
    """When every place is taken the person joins the waitlist, and is told so."""
    cohort.capacity = 1
    cohort.save()
    Enrollment.objects.create(cohort=cohort, user=UserFactory(), status="enrolled")
    client.force_login(learner)
    response = client.post(_url("enrol", cohort), follow=True)
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "waitlisted"
    assert WAITLIST_MESSAGE in _messages(response)


def test_enrol_twice_is_a_message_not_an_error(client, cohort, learner):
    """A second enrol is refused with a message and changes nothing."""
    client.force_login(learner)
    client.post(_url("enrol", cohort))
    response = client.post(_url("enrol", cohort), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "You are already enrolled in this cohort." in _messages(response)
    assert Enrollment.objects.filter(cohort=cohort, user=learner).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cancelled_at": timezone.now()}, "This cohort is cancelled."),
        (
            {
                "starts_at": timezone.now() - timedelta(days=9),
                "ends_at": timezone.now() - timedelta(days=8),
            },
            "This cohort has finished.",
        ),
    ],
)
def test_enrol_into_cancelled_or_finished_cohort(client, cohort, learner, change, message):
    """Cancelled and finished cohorts refuse enrolment with a clear message; no form shown."""
    Cohort.objects.filter(pk=cohort.pk).update(**change)
    client.force_login(learner)
    page = client.get(_url("detail", cohort))
    assert _url("enrol", cohort) not in page.content.decode()
    response = client.post(_url("enrol", cohort), follow=True)
    assert message in _messages(response)
    assert not Enrollment.objects.filter(cohort=cohort, user=learner).exists()


def test_enrol_into_invitation_only_cohort_is_404_for_outsiders(client, cohort, learner):
    """Someone outside an invitation-only cohort cannot see or enrol in it."""
    Cohort.objects.filter(pk=cohort.pk).update(enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    client.force_login(learner)
    assert client.get(_url("detail", cohort)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(_url("enrol", cohort)).status_code == HTTPStatus.NOT_FOUND
    assert not Enrollment.objects.filter(cohort=cohort, user=learner).exists()


def test_enrol_into_invitation_only_cohort_as_invitee_is_a_message(client, cohort, learner):
    """An invited person who presses enrol by hand is told the cohort is by invitation."""
    Cohort.objects.filter(pk=cohort.pk).update(enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    Enrollment.objects.create(cohort=cohort, user=learner, status="invited")
    client.force_login(learner)
    response = client.post(_url("enrol", cohort), follow=True)
    assert "This cohort is by invitation only." in _messages(response)
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "invited"


def test_outside_the_allowed_units(client, cohort, learner):
    """The page is a 404 outside the allowed units; enrolling says why, on the dashboard."""
    cohort.allowed_units.set([BusinessUnitFactory(name="Sales")])
    learner.unit = BusinessUnitFactory(name="Support")
    learner.save()
    client.force_login(learner)
    assert client.get(_url("detail", cohort)).status_code == HTTPStatus.NOT_FOUND
    response = client.post(_url("enrol", cohort), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "This cohort is open to people in Sales only." in _messages(response)
    assert not Enrollment.objects.filter(cohort=cohort, user=learner).exists()


def test_sub_unit_of_an_allowed_unit_may_enrol(client, cohort, learner):
    """People in a sub-unit of an allowed unit see the page and may enrol."""
    sales = BusinessUnitFactory(name="Sales")
    cohort.allowed_units.set([sales])
    learner.unit = BusinessUnitFactory(name="Sales north", parent=sales)
    learner.save()
    client.force_login(learner)
    assert client.get(_url("detail", cohort)).status_code == HTTPStatus.OK
    client.post(_url("enrol", cohort))
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "enrolled"


def test_draft_cohort_is_404(client, cohort, learner):
    """A draft cannot be seen or enrolled in."""
    Cohort.objects.filter(pk=cohort.pk).update(is_published=False)
    client.force_login(learner)
    assert client.get(_url("detail", cohort)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(_url("enrol", cohort)).status_code == HTTPStatus.NOT_FOUND


def test_manager_may_enrol(client, cohort, manager):
    """Managers enrol like anyone else."""
    client.force_login(manager)
    client.post(_url("enrol", cohort))
    assert Enrollment.objects.get(cohort=cohort, user=manager).status == "enrolled"


def test_trainer_of_the_cohort_gets_no_enrol_form(client, cohort, trainer):
    """The cohort's own trainer sees the page without an Enrol form."""
    client.force_login(trainer)
    response = client.get(_url("detail", cohort))
    assert _url("enrol", cohort) not in response.content.decode()


@pytest.mark.parametrize("name", ["enrol", "accept", "withdraw"])
def test_anonymous_is_sent_to_log_in(client, cohort, name):
    """Visitors who are not signed in are asked to log in and nothing changes."""
    response = client.post(_url(name, cohort))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("name", ["enrol", "accept"])
def test_get_is_refused(client, cohort, learner, name):
    """Enrol and accept answer POST only."""
    client.force_login(learner)
    assert client.get(_url(name, cohort)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("name", ["enrol", "withdraw"])
def test_csrf_is_enforced(cohort, learner, name):
    """A cross-site POST without the CSRF token is refused and changes nothing."""
    Enrollment.objects.create(cohort=CohortFactory(), user=UserFactory(), status="enrolled")
    if name == "withdraw":
        Enrollment.objects.create(cohort=cohort, user=learner, status="enrolled")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(_url(name, cohort))
    assert response.status_code == HTTPStatus.FORBIDDEN
    statuses = list(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert statuses == (["enrolled"] if name == "withdraw" else [])


def test_invited_person_accepts(client, cohort, learner):
    """The invited see "Accept invitation"; accepting gives them a place."""
    Cohort.objects.filter(pk=cohort.pk).update(enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    Enrollment.objects.create(cohort=cohort, user=learner, status="invited")
    client.force_login(learner)
    page = client.get(_url("detail", cohort)).content.decode()
    assert _url("accept", cohort) in page
    assert _url("enrol", cohort) not in page
    response = client.post(_url("accept", cohort), follow=True)
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "enrolled"
    assert ENROLLED_MESSAGE in _messages(response)


def test_accept_without_invitation(client, cohort, learner):
    """Accepting with no invitation is a 404 for outsiders and a message for members."""
    client.force_login(learner)
    assert client.post(_url("accept", cohort)).status_code == HTTPStatus.NOT_FOUND
    Enrollment.objects.create(cohort=cohort, user=learner, status="enrolled")
    response = client.post(_url("accept", cohort), follow=True)
    assert "There is no open invitation to accept." in _messages(response)


def test_withdraw_confirms_then_frees_the_place(client, cohort, learner):
    """GET asks to confirm; POST withdraws and the first person waiting gets the place."""
    cohort.capacity = 1
    cohort.save()
    Enrollment.objects.create(cohort=cohort, user=learner, status="enrolled")
    waiting = Enrollment.objects.create(
        cohort=cohort, user=UserFactory(), status="waitlisted", waitlisted_at=timezone.now()
    )
    client.force_login(learner)
    page = client.get(_url("withdraw", cohort))
    assert page.status_code == HTTPStatus.OK
    assert f"Leave {cohort.name}?" in page.content.decode()
    assert "Your place goes to the next person on the waitlist." in page.content.decode()
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "enrolled"

    response = client.post(_url("withdraw", cohort), follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert f"You have left {cohort.name}." in _messages(response)
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "withdrawn"
    waiting.refresh_from_db()
    assert waiting.status == "enrolled"


def test_withdrawn_person_may_enrol_again(client, cohort, learner):
    """After leaving an open cohort the person sees the Enrol form again."""
    Enrollment.objects.create(cohort=cohort, user=learner, status="withdrawn")
    client.force_login(learner)
    assert _url("enrol", cohort) in client.get(_url("detail", cohort)).content.decode()
    client.post(_url("enrol", cohort))
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "enrolled"


@pytest.mark.parametrize("status", [None, "withdrawn", "completed"])
def test_withdraw_without_an_active_enrollment_is_404(client, cohort, learner, status):
    """Only one's own active enrollment can be left; others' are never reachable."""
    Enrollment.objects.create(cohort=cohort, user=UserFactory(), status="enrolled")
    if status:
        Enrollment.objects.create(cohort=cohort, user=learner, status=status)
    client.force_login(learner)
    assert client.get(_url("withdraw", cohort)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(_url("withdraw", cohort)).status_code == HTTPStatus.NOT_FOUND
    assert Enrollment.objects.filter(cohort=cohort, status="enrolled").count() == 1


def test_withdraw_from_someone_elses_invitation_only_cohort_is_404(client, learner):
    """A cohort one is not in, and may not see, answers 404 to withdraw."""
    other = CohortFactory(enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    Enrollment.objects.create(cohort=other, user=UserFactory(), status="enrolled")
    client.force_login(learner)
    assert client.post(_url("withdraw", other)).status_code == HTTPStatus.NOT_FOUND
    assert not other.enrollments.filter(status="withdrawn").exists()


def test_waitlisted_person_may_withdraw(client, cohort, learner):
    """People waiting can leave the waitlist."""
    Enrollment.objects.create(
        cohort=cohort, user=learner, status="waitlisted", waitlisted_at=timezone.now()
    )
    client.force_login(learner)
    client.post(_url("withdraw", cohort))
    assert Enrollment.objects.get(cohort=cohort, user=learner).status == "withdrawn"
