"""Adoption against the tipping point, on the hand-counted company of conftest.py.

Adopted = practising or above in every core competency (Listening and Crisis). Nobody in
the company has both, so the tests give some people the missing one.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from advocacy.models import RosterMembership, Tier
from reports.models import ReportSettings
from reports.selectors import month_ends

from .company import give

URL = reverse("reports:adoption")


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


@pytest.fixture
def adopters(company):
    coach = company.people["hugo"]  # a trainer's award needs someone to award it
    # Ann: Listening in February 2026, Crisis in March 2026. Ari: Listening; Crisis now.
    give(
        company.people["ann"], company.listening, 2, by=coach, when=datetime(2026, 2, 1, tzinfo=UTC)
    )
    give(company.people["ann"], company.crisis, 2, by=coach, when=datetime(2026, 3, 5, tzinfo=UTC))
    give(company.people["ari"], company.crisis, 3, by=coach)
    RosterMembership.objects.create(
        user=company.people["ann"],
        tier=Tier.ADVOCATE,
        status=RosterMembership.Status.ACTIVE,
        status_changed_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    RosterMembership.objects.create(
        user=company.people["bea"],
        tier=Tier.ADVOCATE,
        status=RosterMembership.Status.LAPSED,
        status_changed_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    return company


def rows(response):
    return {row.spec.label: row for row, _query, _status, _text in response.context["rows"]}


def test_units_are_counted_against_the_line(as_hr, adopters):
    response = as_hr.get(URL, {"unit": adopters.hub.pk})
    assert response.status_code == 200
    by_unit = rows(response)
    alpha, beta, hub = by_unit["Alpha"], by_unit["Beta"], by_unit["Hub"]
    assert (alpha.people, alpha.adopted, alpha.on_roster) == (3, 2, 1)
    assert (beta.people, beta.adopted, beta.on_roster) == (1, 0, 0)  # lapsed is not on it
    assert (hub.people, hub.adopted) == (2, 0)
    assert alpha.percent == 66.7
    statuses = {row.spec.label: status for row, _q, status, _text in response.context["rows"]}
    assert statuses == {"Alpha": "past", "Beta": "far", "Hub": "far"}
    report = response.context["report"]
    assert (report.total.people, report.total.adopted) == (6, 2)
    html = response.content.decode()
    assert "2 (66.7%)" in html
    assert "Over the line" in html
    assert "Far from the line" in html


def test_the_trend_counts_people_as_of_each_month_end(as_hr, adopters):
    response = as_hr.get(URL, {"unit": adopters.hub.pk, "end": "2026-04-30"})
    report = response.context["report"]
    assert [month.strftime("%Y-%m") for month in report.months][-3:] == [
        "2026-02",
        "2026-03",
        "2026-04",
    ]
    alpha = rows(response)["Alpha"]
    # Ann adopted in March 2026; Ari's evidence is dated today, after April 2026.
    assert alpha.trend[-3:] == [0, 1, 1]
    assert alpha.adopted == 1
    charts = response.context["charts"]
    assert [chart.label for chart in charts.units] == ["Alpha", "Beta", "Hub"]
    assert charts.total.label == "All shown"
    assert "16% tipping point" in response.content.decode()


def test_the_line_comes_from_the_settings(as_hr, adopters):
    settings = ReportSettings.load()
    settings.tipping_point_percent = 70
    settings.save()
    response = as_hr.get(URL, {"unit": adopters.hub.pk})
    assert response.context["report"].line == 70
    statuses = {row.spec.label: status for row, _q, status, _text in response.context["rows"]}
    assert statuses["Alpha"] == "near"  # 66.7% is past half of 70%


def test_without_core_competencies_nobody_has_adopted(as_hr, company):
    type(company.listening).objects.update(is_core=False)
    response = as_hr.get(URL)
    assert "No competency is marked core yet" in response.content.decode()


def test_a_manager_sees_their_people_only(client, adopters):
    client.force_login(adopters.max)
    by_unit = rows(client.get(URL, {"unit": adopters.hub.pk}))
    assert list(by_unit) == ["Alpha"]
    assert (by_unit["Alpha"].people, by_unit["Alpha"].adopted) == (2, 2)


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("trainer", 403), ("hr", 200)])
def test_who_may_read_it(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status


def test_bad_dates_are_refused(as_hr, company):
    """A date before 2000 is explained, and no numbers are drawn."""
    response = as_hr.get(URL, {"end": "1999-04-01"})
    assert response.context["report"] is None
    assert "from 2000 on" in response.content.decode()


def test_month_ends_cross_the_new_year():
    ends = month_ends(end=datetime(2026, 2, 10, 12, tzinfo=UTC), count=4)
    assert [end.strftime("%Y-%m-%d") for end in ends] == [
        "2025-11-30",
        "2025-12-31",
        "2026-01-31",
        "2026-02-10",
    ]


def test_the_queries_do_not_grow_with_the_number_of_people(
    as_hr, adopters, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    as_hr.get(URL, {"unit": adopters.hub.pk})
    with django_assert_max_num_queries(20) as small:
        as_hr.get(URL, {"unit": adopters.hub.pk})
    for index in range(40):
        UserFactory(unit=(adopters.alpha, adopters.beta)[index % 2])
    with django_assert_max_num_queries(len(small.captured_queries)):
        as_hr.get(URL, {"unit": adopters.hub.pk})


def test_hr_set_the_lines_in_the_admin(client, hr_person):
    client.force_login(hr_person)
    response = client.get("/admin/settings/reports/reportsettings/", follow=True)
    assert response.status_code == 200
    url = response.redirect_chain[-1][0]
    response = client.post(url, {"tipping_point_percent": "0", "crisis_target": "2"})
    assert response.status_code == 200  # refused: shown again with the error
    assert ReportSettings.load().tipping_point_percent == 16
    response = client.post(url, {"tipping_point_percent": "20", "crisis_target": "3"})
    assert response.status_code == 302
    settings = ReportSettings.load()
    assert (settings.tipping_point_percent, settings.crisis_target) == (20, 3)


def test_learners_cannot_change_the_lines(client, learner):
    client.force_login(learner)
    response = client.get("/admin/settings/reports/reportsettings/")
    assert response.status_code == 302
