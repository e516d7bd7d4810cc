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


def test_spokes_with_champions_advocates_and_adoption(as_hr, roster):
    response = as_hr.get(URL)
    assert response.status_code == 200
    found = spokes(response)
    assert list(found) == ["Alpha", "Alpha One", "Beta"]
    alpha, alpha_one, beta = found["Alpha"], found["Alpha One"], found["Beta"]
    assert (alpha.people, alpha.advocates, alpha.adopted) == (3, 1, 1)
    assert [c.name for c in alpha.champions] == [roster.people["ari"].get_full_name()]
    assert alpha.champions[0].is_ambassador
    assert (alpha_one.people, [c.is_ambassador for c in alpha_one.champions]) == (1, [True])
    assert (beta.people, beta.advocates) == (1, 0)
    assert [c.is_coach for c in beta.champions] == [True]
    assert response.context["report"].without_champion == []


def test_a_spoke_without_a_champion_is_flagged(as_hr, company):
    response = as_hr.get(URL)
    report = response.context["report"]
    assert {spoke.unit.name for spoke in report.without_champion} == {
        "Alpha",
        "Alpha One",
        "Beta",
    }
    html = response.content.decode()
    assert "Spokes without a champion" in html
    assert "No champion" in html


def test_a_manager_sees_their_spokes_only(client, roster):
    client.force_login(roster.max)
    found = spokes(client.get(URL))
    assert list(found) == ["Alpha", "Alpha One"]
    assert found["Alpha"].people == 2


def test_a_coach_only_after_the_period_is_not_a_champion_yet(as_hr, roster):
    found = spokes(as_hr.get(URL, {"end": "2026-01-31"}))
    assert found["Beta"].champions == []


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("lead", 403), ("manager", 200)])
def test_who_may_read_it(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status


def test_the_queries_do_not_grow_with_the_number_of_people(
    as_hr, roster, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    as_hr.get(URL)
    with django_assert_max_num_queries(20) as small:
        as_hr.get(URL)
    for index in range(30):
        person = UserFactory(unit=(roster.alpha, roster.beta)[index % 2])
        member(person, Tier.ADVOCATE)
    with django_assert_max_num_queries(len(small.captured_queries)):
        as_hr.get(URL)
