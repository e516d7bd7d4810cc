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


# --- The response column: Plan B call-outs and drills ---------------------------------------


def _call_out(units, *, days_ago, reached_after=None, drill=False, closed=True):
    """A call-out of ``units`` opened ``days_ago``; each unit reached ``reached_after``
    minutes later (a list, one per unit; None: never)."""
    from datetime import timedelta

    from advocacy.models import CallOut, CallOutUnit

    opened = timezone.now() - timedelta(days=days_ago)
    call_out = CallOut.objects.create(
        title="Outage", brief="-", channels="-", holding_statement="-", is_drill=drill,
        opened_at=opened, closed_at=opened + timedelta(hours=1) if closed else None,
    )  # fmt: skip
    for unit, minutes in zip(units, reached_after or [None] * len(units), strict=True):
        CallOutUnit.objects.create(
            call_out=call_out,
            unit=unit,
            reached_at=opened + timedelta(minutes=minutes) if minutes is not None else None,
        )
    return call_out


def responses(response):
    found = {row.spec.label: text for row, _query, _status, text in response.context["rows"]}
    found["All shown"] = response.context["total_response"]
    return found


def test_the_response_column_shows_each_units_latest_call_out(as_hr, ready):
    """Alpha: an old call-out (3 min) then a drill of Alpha (12 min) and Alpha One (20 min):
    the roll-up took until both had their people, 20 min. Beta: a real call-out that closed
    short. The hub's own people were never called. All shown: the latest, Beta's."""
    _call_out([ready.alpha], days_ago=5, reached_after=[3])
    _call_out([ready.alpha, ready.alpha_one], days_ago=2, reached_after=[12, 20], drill=True)
    _call_out([ready.beta], days_ago=1)
    response = as_hr.get(URL, {"unit": ready.hub.pk})
    assert responses(response) == {
        "Hub": "",
        "Alpha": "20 min (drill)",
        "Beta": "not reached",
        "All shown": "not reached",
    }
    body = response.content.decode()
    assert "20 min (drill)" in body
    assert "Plan B call-outs" in body


def test_a_call_out_under_way_and_one_unit_short(as_hr, ready):
    """Alpha One reached in 4 min but Alpha never did: the Alpha row is not reached; an
    open call-out of Beta is under way."""
    _call_out([ready.alpha, ready.alpha_one], days_ago=2, reached_after=[None, 4])
    _call_out([ready.beta], days_ago=0, closed=False)
    found = responses(as_hr.get(URL, {"unit": ready.hub.pk}))
    assert (found["Alpha"], found["Beta"]) == ("not reached", "under way")
    found = responses(as_hr.get(URL, {"unit": ready.alpha.pk}))
    assert found["Alpha One"] == "4 min"


def test_the_response_is_as_of_the_reports_date(as_hr, ready):
    """Looking back to 10 days ago, the call-out of 5 days ago is not there yet; the one of
    40 days ago is."""
    _call_out([ready.alpha], days_ago=40, reached_after=[9])
    _call_out([ready.alpha], days_ago=5, reached_after=[3])
    end = (timezone.now() - timezone.timedelta(days=10)).date().isoformat()
    found = responses(as_hr.get(URL, {"unit": ready.hub.pk, "end": end}))
    assert found["Alpha"] == "9 min"
    found = responses(as_hr.get(URL, {"unit": ready.hub.pk}))
    assert found["Alpha"] == "3 min"


def test_the_export_has_the_response(as_hr, ready):
    _call_out([ready.beta], days_ago=1, reached_after=[7], drill=True)
    response = as_hr.get(URL, {"unit": ready.hub.pk, "format": "csv"})
    text = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else (response.content.decode())
    )
    assert '"Response"' in text
    assert "7 min (drill)" in text
