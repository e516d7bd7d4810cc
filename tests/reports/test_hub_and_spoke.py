"""The hub-and-spoke map on the hand-counted company: Alpha (with Alpha One) and Beta are
spokes under the hub."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from advocacy.models import RosterMembership, Tier

from .company import give

URL = reverse("reports:hub_and_spoke")
NOW = datetime(2026, 4, 1, tzinfo=UTC)


def member(person, tier, status=RosterMembership.Status.ACTIVE):
    return RosterMembership.objects.create(
        user=person, tier=tier, status=status, status_changed_at=NOW
    )


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


@pytest.fixture
def roster(company):
    people = company.people
    member(people["ann"], Tier.ADVOCATE)
    member(people["abe"], Tier.ADVOCATE, RosterMembership.Status.PAUSED)  # not counted
    member(people["ari"], Tier.AMBASSADOR)
    give(people["ann"], company.crisis, 2, by=people["hugo"])  # Ann adopts
    give(people["bea"], company.crisis, 4, by=people["hugo"])  # Bea coaches crisis
    return company


def spokes(response):
    return {spoke.unit.name: spoke for spoke in response.context["report"].spokes}


def test_the_hub_and_its_spokes_with_champions_readiness_and_adoption(as_hr, roster):
    """The first view is the hub's own people, then each spoke (with the units below)."""
    response = as_hr.get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.hub == roster.hub
    assert [(s.unit.name, s.is_hub) for s in report.spokes] == [
        ("Hub", True),
        ("Alpha", False),
        ("Beta", False),
    ]
    found = spokes(response)
    alpha, beta = found["Alpha"], found["Beta"]
    # Alpha: Ann (advocate, adopted), Abe (paused: not counted), Ari (ambassador).
    assert (alpha.people, alpha.advocates, alpha.ambassadors, alpha.champions) == (3, 1, 1, 2)
    assert alpha.adopted == 1
    assert alpha.ambassador_names == [roster.people["ari"].get_full_name()]
    assert (beta.people, beta.champions) == (1, 0)
    assert [s.unit.name for s in report.without_champion] == ["Beta"]
    html = response.content.decode()
    assert "Spokes without a champion" in html
    assert "No champion" in html
    assert '<svg viewBox="0 0' in html
    assert "hub-map__card" in html
    assert "Alpha and its spokes" not in html  # the map is the hub's
    assert "Hub and its spokes" in html


def test_a_spoke_opens_on_its_own_spokes(as_hr, roster):
    """Opening Alpha puts it at the centre, with Alpha One as its spoke."""
    response = as_hr.get(URL, {"unit": roster.alpha.pk})
    found = spokes(response)
    assert [(s.unit.name, s.is_hub, s.people) for s in found.values()] == [
        ("Alpha", True, 2),
        ("Alpha One", False, 1),
    ]


def test_a_manager_sees_their_own_team_at_the_centre(client, roster):
    """Max's people are in Alpha and Alpha One: Alpha is the centre, not the hub."""
    client.force_login(roster.max)
    report = client.get(URL).context["report"]
    assert report.hub == roster.alpha
    assert [(s.unit.name, s.people) for s in report.spokes] == [("Alpha", 1), ("Alpha One", 1)]


def test_champions_count_only_active_memberships_by_the_end_of_the_period(as_hr, roster):
    """Paused members are not champions; adoption after the period's end is not counted."""
    found = spokes(as_hr.get(URL, {"end": "2026-01-31"}))
    assert found["Alpha"].adopted == 0
    assert found["Alpha"].champions == 2


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("lead", 403), ("manager", 200)])
def test_who_may_read_it(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status


def test_the_queries_do_not_grow_with_the_number_of_people(
    as_hr, roster, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    as_hr.get(URL)
    with django_assert_max_num_queries(24) as small:
        as_hr.get(URL)
    for index in range(30):
        person = UserFactory(unit=(roster.alpha, roster.beta)[index % 2])
        member(person, Tier.ADVOCATE)
    with django_assert_max_num_queries(len(small.captured_queries)):
        as_hr.get(URL)
