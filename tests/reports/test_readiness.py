"""Crisis readiness on the hand-counted company: Crisis is the crisis-readiness
competency; ready = proficient or above in it and the current policy acknowledged."""

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import PolicyAcknowledgement
from cms.models import HomePage, PolicyPage, PolicyVersion
from reports.models import ReportSettings

from .company import give

URL = reverse("reports:readiness")


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


@pytest.fixture
def policy(db):
    page = PolicyPage(title="Policy", slug="policy", summary="Be kind; be accurate.", body=[])
    HomePage.objects.get().add_child(instance=page)
    return PolicyVersion.objects.create(page=page, number=1, published_at=timezone.now())


def acknowledge(person, version):
    PolicyAcknowledgement.objects.create(
        user=person, version=version, acknowledged_at=timezone.now()
    )


@pytest.fixture
def ready(company, policy):
    people, coach = company.people, company.people["hugo"]
    for name in ("ann", "ari", "bea"):
        give(people[name], company.crisis, 3, by=coach)
    acknowledge(people["ann"], policy)  # Ann: ready
    acknowledge(people["ari"], policy)  # Ari: ready
    # Bea is proficient but has not acknowledged; Abe is only practising.
    return company


def rows(response):
    return {row.spec.label: row for row, _query, _text, _response in response.context["rows"]}


def test_units_are_counted_against_the_target(as_hr, ready):
    response = as_hr.get(URL, {"unit": ready.hub.pk})
    assert response.status_code == 200
    found = rows(response)
    # Alpha has enough in all, but Alpha One below it has one: the roll-up says so.
    alpha = found["Alpha"]
    assert (alpha.ready, alpha.people, alpha.status) == (2, 3, "units_short")
    assert alpha.short_units == [ready.alpha_one.pk]
    assert (found["Beta"].ready, found["Beta"].status) == (0, "nobody")
    assert (found["Hub"].ready, found["Hub"].status) == (0, "nobody")
    report = response.context["report"]
    assert [row.spec.label for row in report.without_anyone] == ["Beta", "Hub"]
    names = [(person.name, person.unit) for person in report.names]
    assert names == [
        (ready.people["ann"].get_full_name(), "Alpha"),
        (ready.people["ari"].get_full_name(), "Alpha One"),
    ]
    html = response.content.decode()
    assert "Nobody ready" in html
    assert "1 unit below falls short" in html
    assert f'href="?unit={ready.alpha.pk}"' in html
    assert "policy version 1 acknowledged" in html


def test_a_new_policy_version_asks_for_a_new_acknowledgement(as_hr, ready, policy):
    PolicyVersion.objects.create(page=policy.page, number=2, published_at=timezone.now())
    found = rows(as_hr.get(URL, {"unit": ready.hub.pk}))
    assert found["Alpha"].ready == 0


def test_the_target_comes_from_the_settings(as_hr, ready):
    settings = ReportSettings.load()
    settings.crisis_target = 3
    settings.save()
    found = rows(as_hr.get(URL, {"unit": ready.hub.pk}))
    assert (found["Alpha"].status, found["Alpha"].gap) == ("short", 1)


def test_without_a_policy_acknowledgement_is_not_asked(as_hr, company):
    give(company.people["bea"], company.crisis, 3, by=company.people["hugo"])
    response = as_hr.get(URL, {"unit": company.hub.pk})
    assert rows(response)["Beta"].ready == 1
    assert "no policy is published yet" in response.content.decode()


def test_without_crisis_competencies_nobody_is_ready(as_hr, company):
    type(company.crisis).objects.update(is_crisis_readiness=False)
    response = as_hr.get(URL)
    assert "No competency is marked for crisis readiness" in response.content.decode()


def test_managers_see_counts_but_no_names(client, ready):
    client.force_login(ready.max)
    response = client.get(URL, {"unit": ready.hub.pk})
    assert list(rows(response)) == ["Alpha"]
    assert response.context["report"].names is None
    assert "Who is ready" not in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("trainer", 403), ("hr", 200)])
def test_who_may_read_it(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status


def test_the_queries_do_not_grow_with_the_number_of_people(
    as_hr, ready, policy, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    as_hr.get(URL, {"unit": ready.hub.pk})
    with django_assert_max_num_queries(21) as small:
        as_hr.get(URL, {"unit": ready.hub.pk})
    for index in range(30):
        person = UserFactory(unit=(ready.alpha, ready.beta)[index % 2])
        give(person, ready.crisis, 3, by=ready.people["hugo"])
        acknowledge(person, policy)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = as_hr.get(URL, {"unit": ready.hub.pk})
    assert len(response.context["report"].names) == 32
