"""Switching a person off (``people.services.deactivate_person``) and on again, and what the
apps above do about it: places withdrawn and given to the waitlist, the roster membership
ended with a reason, sign-in refused and sessions ended."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from advocacy.models import RosterEvent, RosterMembership
from cohorts.models import Enrollment
from people.events import PERSON_DEACTIVATED
from people.models import User
from people.services import deactivate_person, reactivate_person
from tests.events import listening
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    RosterMembershipFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def world():
    """A leaver with a place in a full cohort (two places, one person waiting), an invitation
    elsewhere, a completed place in a finished cohort and an active advocate membership."""
    leaver = UserFactory(email="leaver@spoke.example")
    full = CohortFactory(capacity=2)
    EnrollmentFactory(cohort=full, user=UserFactory())
    place = EnrollmentFactory(cohort=full, user=leaver)
    waiting = EnrollmentFactory(cohort=full, status=Status.WAITLISTED)
    invited = EnrollmentFactory(cohort=CohortFactory(), user=leaver, status=Status.INVITED)
    finished = CohortFactory()
    past = timezone.now() - timedelta(days=30)
    SessionFactory(cohort=finished, starts_at=past, ends_at=past + timedelta(hours=1))
    finished.starts_at, finished.ends_at = past, past + timedelta(hours=1)
    finished.save()
    completed = EnrollmentFactory(cohort=finished, user=leaver, status=Status.COMPLETED)
    membership = RosterMembershipFactory(user=leaver)
    return {
        "leaver": leaver,
        "place": place,
        "waiting": waiting,
        "invited": invited,
        "completed": completed,
        "membership": membership,
    }


def _status(enrollment) -> str:
    enrollment.refresh_from_db()
    return enrollment.status


def test_deactivation_withdraws_places_and_promotes_the_waitlist(world, committed, site_admin):
    """Open places are withdrawn and the first person waiting gets the freed place;
    completed places stay as they were."""
    with committed():
        assert deactivate_person(world["leaver"], reason="left on 3 March", by=site_admin)
    assert _status(world["place"]) == Status.WITHDRAWN
    assert _status(world["invited"]) == Status.WITHDRAWN
    assert _status(world["waiting"]) == Status.ENROLLED
    assert _status(world["completed"]) == Status.COMPLETED


def test_deactivation_ends_the_roster_membership_saying_why(world, committed, site_admin):
    """The membership lapses, and its event gives the reason; nobody is e-mailed."""
    with committed():
        deactivate_person(world["leaver"], reason="left on 3 March", by=site_admin)
    membership = world["membership"]
    membership.refresh_from_db()
    assert membership.status == RosterMembership.Status.LAPSED
    event = RosterEvent.objects.get(membership=membership)
    assert event.to_status == RosterMembership.Status.LAPSED
    assert event.reason == "account deactivated: left on 3 March"


def test_deactivation_is_stamped_and_announced_once(world, committed, site_admin):
    """The person is inactive with the moment stamped; a second call changes nothing."""
    before = timezone.now()
    with listening(PERSON_DEACTIVATED) as heard, committed():
        assert deactivate_person(world["leaver"], reason="left", by=site_admin)
    with listening(PERSON_DEACTIVATED) as again, committed():
        assert not deactivate_person(world["leaver"], reason="again", by=site_admin)
    leaver = User.objects.get(pk=world["leaver"].pk)
    assert not leaver.is_active
    assert leaver.deactivated_at >= before
    assert heard == [
        {
            "user_id": leaver.pk,
            "reason": "left",
            "by_id": site_admin.pk,
            "at": leaver.deactivated_at,
        }
    ]
    assert again == []


def test_a_deactivated_person_cannot_sign_in_and_their_session_ends(client, learner, password):
    """An open session stops working at once and a new log-in is refused."""
    client.force_login(learner)
    assert client.get("/dashboard/").status_code == HTTPStatus.OK
    deactivate_person(learner, reason="left", by=None)
    response = client.get("/dashboard/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    assert not client.login(email=learner.email, password=password)


def test_reactivation_restores_sign_in_but_not_the_places(world, committed, client):
    """Switched on again: they can sign in; withdrawn enrollments stay withdrawn."""
    leaver = world["leaver"]
    with committed():
        deactivate_person(leaver, reason="left", by=None)
    with committed():
        assert reactivate_person(leaver, by=None)
        assert not reactivate_person(leaver, by=None)
    leaver.refresh_from_db()
    assert leaver.is_active
    assert leaver.deactivated_at is None
    assert _status(world["place"]) == Status.WITHDRAWN
    assert client.login(email=leaver.email, password="correct-horse-battery")


def test_the_admin_edit_unticking_active_has_the_same_effects(world, committed, site_admin):
    """Unticking "active" in the user admin goes through the same effects."""
    from people.services import person_admin_edit_save

    leaver = world["leaver"]

    def save():
        leaver.is_active = False
        leaver.save()
        return leaver

    with committed():
        person_admin_edit_save(user=leaver, save=save, by=site_admin)
    leaver.refresh_from_db()
    assert leaver.deactivated_at is not None
    assert _status(world["place"]) == Status.WITHDRAWN


def test_an_invitation_is_withdrawn_and_a_pending_request_lapses(committed):
    """An eligible-not-joined invitation goes, like any invitation whose rules stop
    holding; a request waiting for approval lapses with the reason; a declined row stays."""
    leaver = UserFactory()
    invited = RosterMembershipFactory(user=leaver, status=RosterMembership.Status.ELIGIBLE)
    pending = RosterMembershipFactory(
        user=leaver, tier="ambassador", status=RosterMembership.Status.PENDING
    )
    with committed():
        deactivate_person(leaver, reason="", by=None)
    assert not RosterMembership.objects.filter(pk=invited.pk).exists()
    pending.refresh_from_db()
    assert pending.status == RosterMembership.Status.LAPSED
    assert pending.events.get().reason == "account deactivated"


def test_a_cancelled_cohorts_places_are_left_alone(committed):
    """A place in a cancelled cohort is history: it is not withdrawn."""
    leaver = UserFactory()
    place = EnrollmentFactory(user=leaver, cohort=CohortFactory(cancelled_at=timezone.now()))
    with committed():
        deactivate_person(leaver, reason="left", by=None)
    assert _status(place) == Status.ENROLLED
