"""The audit trail of people: groups, role, unit, manager and access changes in Wagtail's
action log, with who, what and when, wherever they are made."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from people import roles
from people.audit import PERSON_CHANGED, PERSON_GROUPS_CHANGED
from people.models import User
from people.services import people_import_csv
from tests.factories import BusinessUnitFactory, UserFactory


def _entries(person, action):
    return list(
        ModelLogEntry.objects.filter(object_id=str(person.pk), action=action).order_by("pk")
    )


def _edit_form(person, **overrides):
    data = {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": person.role,
        "time_zone": person.time_zone,
        "unit": person.unit_id or "",
        "manager": person.manager_id or "",
        "is_active": "on",
        "groups": [],
    }
    data.update(overrides)
    return data


@pytest.fixture
def units(db):
    return BusinessUnitFactory(name="Retail"), BusinessUnitFactory(name="Support")


def test_admin_edit_of_unit_manager_role_and_groups_is_logged(client, site_admin, units, manager):
    """A site admin moving a person, giving them a manager, a role and a group leaves
    entries that say who did it, what changed and when, without a name in them."""
    retail, support = units
    person = UserFactory(unit=retail, first_name="Pia", last_name="Private")
    hr_group = Group.objects.get(name=roles.HR)
    client.force_login(site_admin)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        _edit_form(
            person, unit=support.pk, manager=manager.pk, role="manager", groups=[hr_group.pk]
        ),
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    changed = _entries(person, PERSON_CHANGED.name)[-1]  # the first: their creation
    assert changed.user == site_admin
    assert changed.data["changes"] == {
        "unit": [{"id": retail.pk, "name": "Retail"}, {"id": support.pk, "name": "Support"}],
        "manager": [None, manager.pk],
        "role": ["employee", "manager"],
    }
    [grouped] = _entries(person, PERSON_GROUPS_CHANGED.name)
    assert (grouped.user, grouped.data) == (site_admin, {"added": ["HR"]})
    for entry in (changed, grouped):
        assert "Pia" not in entry.label
        assert "Private" not in entry.label
        assert "Pia" not in str(entry.data)
        assert entry.timestamp is not None


def test_the_entries_show_in_the_site_history_report(client, site_admin, units):
    """The admin's Site history report lists the change with its message."""
    retail, support = units
    person = UserFactory(unit=retail)
    client.force_login(site_admin)
    client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]), _edit_form(person, unit=support.pk)
    )

    content = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()

    assert "unit: Retail → Support" in content
    assert f"person #{person.pk}" in content


def test_group_changes_are_logged_from_either_side_and_on_clear(learner):
    """Adding through the group, removing through the person and clearing all leave an
    entry each (a command or the shell has no signed-in person: nobody is recorded)."""
    trainer_group = Group.objects.get(name=roles.TRAINER)
    lead_group = Group.objects.get(name=roles.ADVOCACY_LEAD)

    trainer_group.user_set.add(learner)
    learner.groups.add(lead_group)
    learner.groups.remove(trainer_group)
    learner.groups.clear()

    data = [entry.data for entry in _entries(learner, PERSON_GROUPS_CHANGED.name)]
    assert data == [
        {"added": ["Trainer"]},
        {"added": ["Advocacy lead"]},
        {"removed": ["Trainer"]},
        {"removed": ["Advocacy lead"]},
    ]
    assert all(entry.user is None for entry in _entries(learner, PERSON_GROUPS_CHANGED.name))


def test_a_new_site_admin_is_logged_and_a_sign_in_is_not(db, django_assert_num_queries):
    """Creating someone with powers is recorded; saving ``last_login`` costs no extra
    query and writes nothing."""
    boss = User.objects.create_superuser(email="root@spoke.example", password="x" * 20)
    [entry] = _entries(boss, PERSON_CHANGED.name)
    assert entry.data["changes"]["site_admin"] == [False, True]

    with django_assert_num_queries(1):
        boss.save(update_fields=["last_login"])
    assert len(_entries(boss, PERSON_CHANGED.name)) == 1


def test_the_staff_import_logs_unit_and_manager_changes(db, units, manager):
    """The import writes in bulk (no signals): it records each existing person's changes."""
    retail, _support = units
    person = UserFactory(email="ana@spoke.example", unit=retail)
    csv = (
        "email,name,unit,role,manager_email,time_zone\n"
        f"ana@spoke.example,Ana Lopes,Support,employee,{manager.email},\n"
        f"{manager.email},Max Manager,,manager,,\n"
        "new@spoke.example,New Person,Retail,employee,,\n"
    ).encode()

    result = people_import_csv(file=csv)

    assert result.ok, result.problems
    entry = _entries(person, PERSON_CHANGED.name)[-1]  # the first: their creation
    assert entry.data["via"] == "import"
    assert entry.data["changes"]["unit"][0] == {"id": retail.pk, "name": "Retail"}
    assert entry.data["changes"]["manager"] == [None, manager.pk]
    new = User.objects.get(email="new@spoke.example")
    assert _entries(new, PERSON_CHANGED.name) == []
