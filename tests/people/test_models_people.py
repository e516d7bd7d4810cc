"""People and business units: e-mail login, the unit tree, managers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from people.models import BusinessUnit, User
from people.selectors import team_for_manager, unit_descendant_ids, unit_tree
from tests.factories import BusinessUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_people_log_in_by_email_without_username():
    """The login field is the e-mail address, stored lower-case; there is no username."""
    person = User.objects.create_user(email="Someone@Spoke.Example", password="pw-long-enough")
    assert person.email == "someone@spoke.example"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(person, "username") or person.username is None


def test_create_superuser_sets_flags():
    """createsuperuser gives staff and superuser rights."""
    admin = User.objects.create_superuser(email="root@spoke.example", password="pw-long-enough")
    assert admin.is_superuser
    assert admin.is_staff


def test_email_must_be_unique_ignoring_nothing():
    """Two accounts cannot share an address."""
    UserFactory(email="same@spoke.example")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="same@spoke.example", password="x")


def test_unit_names_are_unique_ignoring_case():
    """'Sales' and 'sales' are the same unit."""
    BusinessUnitFactory(name="Sales", slug="sales")
    with pytest.raises(IntegrityError):
        BusinessUnit.objects.create(name="sales", slug="sales-2")


def test_unit_cannot_be_its_own_ancestor():
    """Making a unit part of its own child is refused with a clear message."""
    parent = BusinessUnitFactory(name="Operations")
    child = BusinessUnitFactory(name="Control room", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="cannot be part of itself"):
        parent.full_clean()


def test_person_cannot_manage_themselves_indirectly():
    """A manager chain that loops back is refused."""
    boss = UserFactory()
    report = UserFactory(manager=boss)
    boss.manager = report
    with pytest.raises(ValidationError, match="cannot manage themselves"):
        boss.full_clean()


def test_unknown_time_zone_is_refused():
    """Only real IANA time zones are accepted."""
    person = UserFactory.build(email="tz@spoke.example", time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as excinfo:
        person.full_clean()
    assert "time_zone" in excinfo.value.message_dict


def test_unit_tree_orders_parents_before_children_with_counts(django_assert_num_queries):
    """The tree comes in one query, depth-first, with head counts."""
    hub = BusinessUnitFactory(name="Hub", kind=BusinessUnit.Kind.HUB)
    ops = BusinessUnitFactory(name="Operations", parent=hub)
    BusinessUnitFactory(name="Control room", parent=ops)
    UserFactory(unit=ops)
    UserFactory(unit=ops)
    with django_assert_num_queries(1):
        tree = unit_tree()
    assert [(unit.name, depth) for unit, depth in tree] == [
        ("Hub", 0), ("Operations", 1), ("Control room", 2)
    ]  # fmt: skip
    assert tree[1][0].member_count == 2


def test_unit_descendants_include_every_level():
    """A unit's descendants include itself, children and grandchildren, not siblings."""
    hub = BusinessUnitFactory(name="Hub", kind=BusinessUnit.Kind.HUB)
    ops = BusinessUnitFactory(name="Operations", parent=hub)
    room = BusinessUnitFactory(name="Control room", parent=ops)
    sales = BusinessUnitFactory(name="Sales", parent=hub)
    assert unit_descendant_ids(unit=ops) == {ops.pk, room.pk}
    assert unit_descendant_ids(unit=hub) == {hub.pk, ops.pk, room.pk, sales.pk}


def test_team_is_direct_and_active_reports():
    """A manager's team is the active people who name them as manager."""
    boss = UserFactory(role=User.Role.MANAGER)
    direct = UserFactory(manager=boss)
    UserFactory(manager=direct)  # indirect
    UserFactory(manager=boss, is_active=False)
    assert list(team_for_manager(manager=boss)) == [direct]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Asia/Tokyo", "Asia/Tokyo"), ("", "UTC"), ("Mars/Base", "UTC"), ("../etc", "UTC")],
)
def test_zone_or_utc_falls_back_to_utc(name, expected):
    """A stored zone that is empty or unknown shows times in UTC instead of failing."""
    from people.models import zone_or_utc

    assert zone_or_utc(name).key == expected
