"""/dashboard/: every role lands here and sees who they are and what they can do."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from people.models import User
from tests.factories import BusinessUnitFactory, UserFactory

URL = reverse("dashboard")


def test_anonymous_is_sent_to_log_in(client, db):
    """Visitors are asked to log in and come back."""
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/dashboard/" in response["Location"]


def test_every_role_sees_who_they_are(client, any_person):
    """Name, e-mail, unit and time zone head the page for every role."""
    any_person.unit = BusinessUnitFactory(name="Customer support")
    any_person.save()
    client.force_login(any_person)
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert f"Hello, {any_person.display_name}" in content
    assert any_person.email in content
    assert "Customer support" in content
    assert any_person.time_zone in content
    assert 'data-panel="next-steps"' in content


def test_person_without_unit_is_told_who_sets_it(client, learner):
    """An unplaced person is told that HR places them, not left with a blank."""
    client.force_login(learner)
    assert "ask HR to place you in a unit" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("fixture", "panel", "expected"),
    [
        ("learner", "team", False),
        ("manager", "team", True),
        ("trainer", "team", False),
        ("learner", "units", False),
        ("manager", "units", False),
        ("hr", "units", True),
        ("lead", "units", True),
        ("site_admin", "units", True),
        ("trainer", "units", False),
    ],
)
def test_panels_follow_roles(client, request, fixture, panel, expected):
    """Each role sees the panels meant for it, and no others."""
    person = request.getfixturevalue(fixture)
    client.force_login(person)
    content = client.get(URL).content.decode()
    assert (f'data-panel="{panel}"' in content) is expected


def test_manager_sees_their_direct_reports_only(client, manager):
    """The team panel lists the manager's reports, not other people."""
    mine = UserFactory(first_name="Noor", last_name="Ibrahim", manager=manager)
    UserFactory(first_name="Other", last_name="Person")
    client.force_login(manager)
    content = client.get(URL).content.decode()
    assert "Noor Ibrahim" in content
    assert mine.email in content
    assert "Other Person" not in content


def test_manager_without_team_sees_an_empty_state(client, manager):
    """An empty team explains itself."""
    client.force_login(manager)
    assert "Nobody reports to you" in client.get(URL).content.decode()


def test_trainer_is_pointed_to_authoring(client, trainer, learner):
    """Trainers get the Wagtail admin link in the navigation and next steps; learners do not."""
    client.force_login(trainer)
    assert reverse("wagtailadmin_home") in client.get(URL).content.decode()
    client.force_login(learner)
    assert reverse("wagtailadmin_home") not in client.get(URL).content.decode()


@pytest.mark.parametrize("fixture", ["hr", "lead"])
def test_the_hub_is_pointed_to_writing_posts(client, request, fixture):
    """HR and advocacy leads write posts for advocates in the admin, not lessons: their
    next step says so."""
    client.force_login(request.getfixturevalue(fixture))
    content = client.get(URL).content.decode()
    assert "Write posts for advocates in the Wagtail admin" in content
    assert "Author lessons and pages" not in content


def test_query_count_does_not_grow_with_people(client, hr, manager, django_assert_max_num_queries):
    """The dashboard needs the same queries with 10 or 200 people and 20 units."""
    hr.role = User.Role.MANAGER
    hr.save()
    units = [BusinessUnitFactory() for _ in range(20)]

    def people(count):
        for index in range(count):
            UserFactory(unit=units[index % 20], manager=hr if index % 2 else manager)

    people(10)
    client.force_login(hr)
    client.get(URL)  # the first request of a session writes a few one-off rows
    # Each app's panel adds a fixed few (about 30 in all); what matters is that 200
    # people cost no more than 10.
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    people(190)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("<tr>") > 100
