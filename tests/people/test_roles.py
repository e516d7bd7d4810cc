"""Role helpers: the single place that says who is a trainer, HR, lead, manager, admin."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from people import roles

pytestmark = pytest.mark.django_db

HELPERS = {
    "trainer": roles.user_is_trainer,
    "hr": roles.user_is_hr,
    "lead": roles.user_is_advocacy_lead,
    "manager": roles.user_is_manager,
    "site_admin": roles.user_is_site_admin,
}


def test_groups_exist_after_migrations():
    """The data migration creates one group per role."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.GROUP_NAMES)


@pytest.mark.parametrize("fixture", ["learner", "manager", "trainer", "hr", "lead", "site_admin"])
def test_each_person_holds_exactly_their_roles(request, fixture):
    """Each fixture person passes their own helper; admins pass the group roles too."""
    person = request.getfixturevalue(fixture)
    for name, helper in HELPERS.items():
        expected = name == fixture or (
            fixture == "site_admin" and name in {"trainer", "hr", "lead", "site_admin"}
        )
        assert helper(person) is expected, (fixture, name)


def test_anonymous_has_no_roles():
    """Visitors hold no role at all."""
    visitor = AnonymousUser()
    assert not any(helper(visitor) for helper in HELPERS.values())
    assert roles.user_roles(visitor) == []


def test_deactivated_admin_is_no_admin(site_admin):
    """Switching an account off removes its admin power."""
    site_admin.is_active = False
    assert not roles.user_is_site_admin(site_admin)


def test_roles_are_listed_for_display(site_admin, trainer, manager):
    """user_roles lists role keys, most powerful first."""
    assert roles.user_roles(site_admin)[0] == "admin"
    assert roles.user_roles(trainer) == ["trainer", "employee"]
    assert roles.user_roles(manager) == ["manager"]


def test_groups_are_read_once_per_user_object(trainer, django_assert_num_queries):
    """Asking several helpers costs one query."""
    trainer = type(trainer).objects.get(pk=trainer.pk)
    with django_assert_num_queries(1):
        roles.user_is_trainer(trainer)
        roles.user_is_hr(trainer)
        roles.user_is_advocacy_lead(trainer)


@pytest.mark.parametrize(
    ("fixture", "staff"),
    [
        ("learner", False),
        ("manager", False),
        ("trainer", True),
        ("hr", True),
        ("lead", True),
        ("site_admin", True),
    ],
)
def test_staff_are_trainers_hr_leads_and_admins(request, fixture, staff):
    """Staff (who must set up two-factor in production) are every role but learners."""
    assert roles.user_is_staff(request.getfixturevalue(fixture)) is staff
    assert not roles.user_is_staff(AnonymousUser())
