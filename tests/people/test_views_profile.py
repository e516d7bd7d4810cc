"""/people/me/: a person keeps their own name and time zone."""

from http import HTTPStatus

import pytest
from django.urls import reverse

URL = reverse("people:profile")


def test_anonymous_is_sent_to_log_in(client, db):
    """Visitors must log in first."""
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_person_updates_name_and_time_zone(client, learner):
    """A valid form saves and says so."""
    client.force_login(learner)
    response = client.post(
        URL, {"first_name": "Lena", "last_name": "Fischer", "time_zone": "America/New_York"},
        follow=True,
    )  # fmt: skip
    assert "Your profile is saved." in response.content.decode()
    learner.refresh_from_db()
    assert (learner.last_name, learner.time_zone) == ("Fischer", "America/New_York")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"first_name": "Lena", "last_name": "F", "time_zone": "Mars/Base"},
            "Select a valid choice",
        ),
        ({"first_name": "   ", "last_name": "Keep me", "time_zone": "UTC"}, "first name"),
        ({"first_name": "x" * 151, "last_name": "Keep me", "time_zone": "UTC"}, "at most 150"),
        (
            {"first_name": "<script>alert(1)</script>", "last_name": "Keep me", "time_zone": "bad"},
            "Select a valid choice",
        ),
    ],
)
def test_bad_input_is_refused_and_typing_kept(client, learner, data, error):
    """Errors are shown next to the fields and everything typed comes back escaped."""
    client.force_login(learner)
    response = client.post(URL, data)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert error in content
    assert 'value="Keep me"' in content or data["last_name"] != "Keep me"
    assert "<script>alert(1)</script>" not in content
    learner.refresh_from_db()
    assert learner.first_name == "Lena"


def test_unit_role_and_manager_cannot_be_changed_here(client, learner, manager):
    """Fields HR owns are ignored even when posted."""
    client.force_login(learner)
    client.post(URL, {"first_name": "Lena", "last_name": "L", "time_zone": "UTC",
                      "role": "manager", "manager": manager.pk, "is_superuser": "on"})  # fmt: skip
    learner.refresh_from_db()
    assert learner.role == "employee"
    assert learner.manager is None
    assert not learner.is_superuser


def test_profile_needs_csrf(learner):
    """A forged cross-site POST is refused."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(URL, {"first_name": "Evil", "last_name": "", "time_zone": "UTC"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_times_are_shown_in_the_persons_time_zone(rf, learner):
    """While a signed-in person's request runs, their own time zone is active."""
    from django.utils import timezone

    from people.middleware import PersonTimeZoneMiddleware

    learner.time_zone = "Asia/Tokyo"
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return None

    request = rf.get("/")
    request.user = learner
    PersonTimeZoneMiddleware(view)(request)
    assert seen["zone"] == "Asia/Tokyo"


def test_labels_and_validation_agree_on_the_first_name(client, learner):
    """The first name is not labelled optional, since it is required; the last name,
    which may stay blank, is; a blank first name says so and keeps the rest typed."""
    import re

    client.force_login(learner)
    page = client.get(URL).content.decode()
    first = re.search(r'<label for="id_first_name">(.*?)</label>', page, re.S).group(1)
    last = re.search(r'<label for="id_last_name">(.*?)</label>', page, re.S).group(1)
    assert "optional" not in first
    assert "optional" in last
    response = client.post(URL, {"first_name": "", "last_name": "Keep me", "time_zone": "UTC"})
    content = response.content.decode()
    assert "Please tell us your first name." in content
    assert 'href="#id_first_name"' in content  # the error summary links to the field
    assert 'value="Keep me"' in content
    client.post(URL, {"first_name": "Lena", "last_name": "", "time_zone": "UTC"})
    learner.refresh_from_db()
    assert (learner.first_name, learner.last_name) == ("Lena", "")
