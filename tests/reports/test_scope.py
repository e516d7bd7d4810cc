"""Whose figures a manager sees: the people under them, walked down the management chain
in the database. Counted by hand on a small chain:

    Top ─┬─ Mia ─┬─ Ann
         │       └─ Moe ── Cal
         ├─ Dee (left the company)
         └─ Rex ── Ola        (Rex left; Ola still reports to him)

    Kim ── Lou ── Kim         (a loop in the data)

Top's people are Mia, Ann, Moe and Cal: Dee is inactive, and the chain stops at an
inactive manager (Rex), as it always has. Mia's are Ann, Moe and Cal; Moe's is Cal.
"""

import pytest

from reports.scope import manages, report_scope, reports_of, team_of
from tests.factories import BusinessUnitFactory, UserFactory
from tests.factories.people import add_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    top = UserFactory(first_name="Top")
    mia = UserFactory(first_name="Mia", manager=top)
    ann = UserFactory(first_name="Ann", manager=mia)
    moe = UserFactory(first_name="Moe", manager=mia)
    cal = UserFactory(first_name="Cal", manager=moe)
    UserFactory(first_name="Dee", manager=top, is_active=False)
    rex = UserFactory(first_name="Rex", manager=top, is_active=False)
    UserFactory(first_name="Ola", manager=rex)
    kim = UserFactory(first_name="Kim")
    lou = UserFactory(first_name="Lou", manager=kim)
    kim.manager = lou
    kim.save(update_fields=["manager"])
    return {u.first_name: u for u in (top, mia, ann, moe, cal, kim, lou)}


def names(people) -> set[str]:
    return {person.first_name for person in people}


def test_a_manager_has_everyone_below_them_and_nobody_else(chain):
    assert names(team_of(manager=chain["Top"])) == {"Mia", "Ann", "Moe", "Cal"}
    assert names(team_of(manager=chain["Mia"])) == {"Ann", "Moe", "Cal"}
    assert names(team_of(manager=chain["Moe"])) == {"Cal"}
    assert names(team_of(manager=chain["Ann"])) == set()


def test_a_loop_in_the_management_data_ends_and_leaves_the_manager_out(chain):
    assert names(team_of(manager=chain["Kim"])) == {"Lou"}
    assert names(team_of(manager=chain["Lou"])) == {"Kim"}


def test_manages_answers_for_one_person_in_one_query(chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert manages(manager=chain["Top"], pk=chain["Cal"].pk)
    assert not manages(manager=chain["Moe"], pk=chain["Ann"].pk)
    assert not manages(manager=chain["Cal"], pk=chain["Top"].pk)
    assert reports_of(manager=chain["Mia"]) == {chain[n].pk for n in ("Ann", "Moe", "Cal")}


def test_a_managers_scope_holds_the_units_of_their_people(chain, django_assert_num_queries):
    """Mia and Ann are in Support, Moe in Sales, Cal in no unit: Top's report may show
    those two units and the people without one."""
    support, sales = BusinessUnitFactory(name="Support"), BusinessUnitFactory(name="Sales")
    for name, unit in (("Mia", support), ("Ann", support), ("Moe", sales), ("Cal", None)):
        chain[name].unit = unit
        chain[name].save(update_fields=["unit"])
    top = chain["Top"]
    top.role = top.Role.MANAGER
    scope = report_scope(top)
    assert not scope.is_everyone
    with django_assert_num_queries(1):
        assert scope.units == {support.pk, sales.pk, None}
        assert scope.units == {support.pk, sales.pk, None}  # read once per request


def test_hr_sees_everyone_and_a_learner_has_no_scope(chain):
    assert report_scope(add_role(UserFactory(), "HR")).is_everyone
    assert report_scope(chain["Ann"]) is None
