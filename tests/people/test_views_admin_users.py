"""The Wagtail admin's user screens: site admins set unit, role, manager and time zone."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from people.models import User
from tests.factories import BusinessUnitFactory, UserFactory


@pytest.fixture
def unit(db):
    return BusinessUnitFactory(name="Retail")


def _form(**overrides):
    data = {
        "email": "new.person@spoke.example",
        "first_name": "New",
        "last_name": "Person",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        "role": "employee",
        "time_zone": "Europe/Lisbon",
        "unit": "",
        "manager": "",
    }
    data.update(overrides)
    return data


def test_create_form_shows_person_fields(client, site_admin):
    """The add-user screen asks for unit, role, manager and time zone."""
    client.force_login(site_admin)
    content = client.get(reverse("wagtailusers_users:add")).content.decode()
    for name in ("unit", "role", "manager", "time_zone"):
        assert f'name="{name}"' in content


def test_admin_user_forms_set_no_password(client, site_admin, learner):
    """Site admins set no one's password: people choose theirs through allauth's "Forgot
    password?", where its rate limits and checks apply."""
    client.force_login(site_admin)
    for url in (
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[learner.pk]),
    ):
        content = client.get(url).content.decode()
        assert 'name="password1"' not in content
        assert 'type="password"' not in content

    client.post(reverse("wagtailusers_users:add"), _form())

    person = User.objects.get(email="new.person@spoke.example")
    assert not person.check_password("a-long-enough-passphrase")


def test_admin_creates_a_person_with_unit_and_manager(client, site_admin, unit, manager):
    """A site admin creates a person placed in a unit under a manager."""
    client.force_login(site_admin)
    response = client.post(
        reverse("wagtailusers_users:add"), _form(unit=unit.pk, manager=manager.pk)
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    person = User.objects.get(email="new.person@spoke.example")
    assert (person.unit, person.manager, person.time_zone) == (unit, manager, "Europe/Lisbon")


def test_manager_cycle_is_refused_and_input_kept(client, site_admin):
    """Making someone their own report's report is refused; the typed names stay."""
    boss = UserFactory(first_name="Boss")
    report = UserFactory(manager=boss)
    client.force_login(site_admin)
    data = {
        "email": boss.email,
        "first_name": "Renamed",
        "last_name": "Boss",
        "role": "manager",
        "time_zone": "UTC",
        "manager": report.pk,
        "unit": "",
        "is_active": "on",
    }
    response = client.post(reverse("wagtailusers_users:edit", args=[boss.pk]), data)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "cannot manage themselves" in content
    assert 'value="Renamed"' in content
    boss.refresh_from_db()
    assert boss.first_name == "Boss"
    assert boss.manager is None


def test_trainer_cannot_manage_users(client, trainer):
    """Trainers use the admin for content, not for people."""
    client.force_login(trainer)
    response = client.get(reverse("wagtailusers_users:index"))
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
