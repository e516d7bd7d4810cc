"""First sign-in creates the person; later sign-ins keep name, unit and manager in step."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from wagtail.models import ModelLogEntry

from people.models import User
from people.sso import services
from tests.factories import BusinessUnitFactory, UserFactory
from tests.people.sso.conftest import DEPARTMENT, GIVEN_NAME, SURNAME

MANAGER = "manager_email"


def _entries(user, action):
    return list(ModelLogEntry.objects.filter(object_id=str(user.pk), action=action).order_by("pk"))


@pytest.fixture
def support(db):
    return BusinessUnitFactory(name="Customer Support", slug="support")


@pytest.fixture
def boss(db):
    return UserFactory(email="boss@spoke.example", role=User.Role.MANAGER)


def test_first_sign_in_creates_the_person_with_name_unit_and_manager(
    client, saml_sign_in, support, boss
):
    """Name, unit (by name) and manager (by e-mail) come from the assertion; the address
    is stored lower-case and counts as verified; the creation is in the action log."""
    saml_sign_in(
        "Nina.New@Spoke.Example",
        attributes={
            GIVEN_NAME: "Nina",
            SURNAME: "  New  ",
            DEPARTMENT: "customer support",
            MANAGER: "BOSS@spoke.example",
        },
    )

    person = User.objects.get(email="nina.new@spoke.example")
    assert (person.first_name, person.last_name) == ("Nina", "New")
    assert person.unit == support
    assert person.manager == boss
    assert EmailAddress.objects.get(user=person).verified is True
    assert client.session[SESSION_KEY] == str(person.pk)
    (entry,) = _entries(person, services.PERSON_CREATED)
    assert entry.user_id == person.pk
    assert entry.data["provider"] == "acme"
    assert entry.data["changes"]["unit"] == ["", "Customer Support"]
    assert entry.data["changes"]["manager"] == ["", "boss@spoke.example"]


def test_department_matches_a_unit_by_code(saml_sign_in, support):
    """A department given as the unit's code (its slug) finds the unit too."""
    saml_sign_in("nina@spoke.example", attributes={DEPARTMENT: "SUPPORT"})

    assert User.objects.get(email="nina@spoke.example").unit == support


def test_later_sign_in_updates_name_unit_and_manager(saml_sign_in, support, boss, learner):
    """An existing person (made by HR's import, say) is signed in, not copied; what the
    provider now says replaces name, unit and manager, and the change is logged."""
    old_unit = BusinessUnitFactory(name="Retail")
    learner.unit = old_unit
    learner.save()

    saml_sign_in(
        learner.email,
        attributes={
            GIVEN_NAME: "Lena",
            SURNAME: "Married-Name",
            DEPARTMENT: "Customer Support",
            MANAGER: boss.email,
        },
    )

    learner.refresh_from_db()
    assert User.objects.filter(email__iexact=learner.email).count() == 1
    assert learner.last_name == "Married-Name"
    assert learner.unit == support
    assert learner.manager == boss
    (entry,) = _entries(learner, services.PERSON_UPDATED)
    assert entry.data["changes"] == {
        "last_name": ["Learner", "Married-Name"],
        "unit": ["Retail", "Customer Support"],
        "manager": ["", boss.email],
    }


def test_sign_in_that_changes_nothing_logs_no_update(saml_sign_in, learner):
    """Same name, no department, no manager: nothing written, nothing logged."""
    saml_sign_in(learner.email, attributes={GIVEN_NAME: "Lena", SURNAME: "Learner"})

    assert _entries(learner, services.PERSON_UPDATED) == []


def test_unknown_department_is_reported_not_dropped(
    saml_sign_in, support, learner, site_admin, django_capture_on_commit_callbacks
):
    """A department no unit matches: the unit stays, the value is in the action log, and
    each site admin gets one e-mail about it, however often it comes back."""
    learner.unit = support
    learner.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        saml_sign_in(learner.email, attributes={DEPARTMENT: "Growth Hacking"})

    learner.refresh_from_db()
    assert learner.unit == support
    (entry,) = _entries(learner, services.DEPARTMENT_UNKNOWN)
    assert entry.data == {"provider": "acme", "department": "Growth Hacking"}
    to_admin = [message for message in mail.outbox if message.to == [site_admin.email]]
    assert len(to_admin) == 1
    assert "Growth Hacking" in to_admin[0].subject
    assert learner.email in to_admin[0].body


def test_unknown_department_mails_admins_once_per_value(
    client, saml_sign_in, learner, site_admin, django_capture_on_commit_callbacks
):
    """The same unknown value again (any case): logged again, no second e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        saml_sign_in(learner.email, attributes={DEPARTMENT: "Growth Hacking"})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        saml_sign_in(learner.email, attributes={DEPARTMENT: "growth hacking"})

    assert len(_entries(learner, services.DEPARTMENT_UNKNOWN)) == 2
    assert len([m for m in mail.outbox if m.to == [site_admin.email]]) == 1


def test_unknown_manager_is_logged_and_left_alone(saml_sign_in, learner, manager):
    """A manager address nobody in Spoke has: the current manager stays, it is logged."""
    learner.manager = manager
    learner.save()

    saml_sign_in(learner.email, attributes={MANAGER: "ghost@spoke.example"})

    learner.refresh_from_db()
    assert learner.manager == manager
    (entry,) = _entries(learner, services.MANAGER_UNKNOWN)
    assert entry.data["manager_email"] == "ghost@spoke.example"


def test_manager_that_would_make_a_circle_is_ignored(saml_sign_in, learner, manager):
    """Someone the person manages named as their manager: no circle is written."""
    manager.manager = learner
    manager.save()

    saml_sign_in(learner.email, attributes={MANAGER: manager.email})

    learner.refresh_from_db()
    assert learner.manager is None


def test_person_named_as_own_manager_is_ignored(saml_sign_in, learner):
    """The person's own address as manager: ignored."""
    saml_sign_in(learner.email, attributes={MANAGER: learner.email.upper()})

    learner.refresh_from_db()
    assert learner.manager is None


def test_hostile_claim_values_are_cleaned(saml_sign_in):
    """An overlong name, line breaks and tabs, and a manager that is not an address are
    not written as sent."""
    saml_sign_in(
        "odd@spoke.example",
        attributes={GIVEN_NAME: "A" * 400, SURNAME: "  Ro\n\tss ", MANAGER: "not an address"},
    )

    person = User.objects.get(email="odd@spoke.example")
    assert len(person.first_name) <= 150
    assert person.last_name == "Ro ss"
    assert person.manager is None


def test_unit_move_is_announced(saml_sign_in, learner, support, monkeypatch):
    """A move to another unit is announced like an edit in the admin (the roster re-checks)."""
    announced = []
    monkeypatch.setattr(
        services, "event_announce", lambda name, **payload: announced.append((name, payload))
    )

    saml_sign_in(learner.email, attributes={DEPARTMENT: support.name})

    assert announced == [
        (
            "people.unit_or_active_changed",
            {"user_id": learner.pk, "unit_id": support.pk, "is_active": True},
        )
    ]


def test_deactivated_person_is_not_signed_in_or_updated(client, saml_sign_in, learner, support):
    """A person switched off in Spoke stays out, whatever the provider says."""
    learner.is_active = False
    learner.save()

    response = saml_sign_in(learner.email, attributes={DEPARTMENT: support.name})

    assert SESSION_KEY not in client.session
    assert response.status_code == HTTPStatus.OK
    learner.refresh_from_db()
    assert learner.unit is None


def test_superuser_keeps_the_break_glass_password_after_sso(client, saml_sign_in, site_admin):
    """A site admin made by createsuperuser (no address record) signs in by SSO: the
    address counts as confirmed and their password still works."""
    saml_sign_in(site_admin.email)

    site_admin.refresh_from_db()
    assert client.session[SESSION_KEY] == str(site_admin.pk)
    assert site_admin.has_usable_password()
    assert EmailAddress.objects.get(user=site_admin).verified is True


def test_unconfirmed_sign_up_loses_its_password_to_the_real_owner(client, saml_sign_in, learner):
    """Someone signed up with the address and never confirmed it: when the owner signs in
    through the IdP, that password stops working and the address is confirmed."""
    EmailAddress.objects.create(user=learner, email=learner.email, verified=False, primary=True)

    saml_sign_in(learner.email)

    learner.refresh_from_db()
    assert client.session[SESSION_KEY] == str(learner.pk)
    assert not learner.has_usable_password()
    assert EmailAddress.objects.get(user=learner).verified is True
