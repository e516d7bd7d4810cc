"""Every report's first view and its downloads, against figures counted by hand, in a
company whose hub has spokes that differ, in the company's time zone (Amsterdam).

The company of ``company.py``, active people only (Ben has left):

    Hub        Hugo, Max                      (2 people directly in the hub)
    ├ Alpha    Ann, Abe                        (3 with Alpha One)
    │ └ Alpha One  Ari
    └ Beta     Bea
    no unit    Cora (trainer), Hana (HR)       (8 people in all)

Crisis readiness (Crisis proficient + policy acknowledged): Ann and Ari are ready, so
Alpha has 2 (the target) but Alpha One below it has 1: Alpha "meets" it only in sum, and
the roll-up says one unit below falls short. Beta has nobody. With a target of 1 every
unit of Alpha meets it.

Adoption (Listening and Crisis practising): Ann (both from March 2026), Ari (both, the
second dated 31 March 2026 22:30 UTC, which is 1 April 00:30 in Amsterdam, after the
switch to summer time). Alpha: 2 of 3 (66.7%, over the 16% line), Alpha One 1 of 1,
Alpha directly 1 of 2; Beta 0 of 1; the hub 0 of 2.
"""

from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from advocacy.models import PolicyAcknowledgement, RosterMembership, Tier
from cms.models import HomePage, PolicyPage, PolicyVersion, SiteSettings
from reports.models import ReportSettings

from .company import give
from .test_exports import csv_block_and_rows, xlsx_sheets

AMSTERDAM = "Europe/Amsterdam"


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


@pytest.fixture
def amsterdam(db):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.time_zone = AMSTERDAM
    settings.save()
    return settings


@pytest.fixture
def counted(company, amsterdam):
    people, coach = company.people, company.people["hugo"]
    page = PolicyPage(title="Policy", slug="policy", summary="Be kind.", body=[])
    HomePage.objects.get().add_child(instance=page)
    version = PolicyVersion.objects.create(page=page, number=1, published_at=timezone.now())
    for name in ("ann", "ari"):
        give(people[name], company.crisis, 3, by=coach, when=datetime(2026, 3, 5, tzinfo=UTC))
        PolicyAcknowledgement.objects.create(
            user=people[name], version=version, acknowledged_at=timezone.now()
        )
    # Ann practised Listening already (company.py, today); give her a dated one too.
    give(people["ann"], company.listening, 2, by=coach, when=datetime(2026, 3, 2, tzinfo=UTC))
    # Ari's Listening (proficient) is dated today in company.py; date one in the past that
    # lands on 1 April in Amsterdam but 31 March in UTC.
    give(
        people["ari"],
        company.listening,
        2,
        by=coach,
        when=datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
    )
    RosterMembership.objects.create(
        user=people["ann"], tier=Tier.ADVOCATE, status="active", status_changed_at=timezone.now()
    )
    RosterMembership.objects.create(
        user=people["ari"], tier=Tier.AMBASSADOR, status="active", status_changed_at=timezone.now()
    )
    return company


def context_rows(response):
    return response.context["rows"]


def labels(rows):
    return [row.spec.label for row, *_rest in rows]


def test_readiness_first_view_shows_each_spoke_and_the_failing_unit_below(as_hr, counted):
    """HR's first view: Alpha, Beta, the hub's own people, no unit, and a total row."""
    response = as_hr.get(reverse("reports:readiness"))
    rows = response.context["rows"]
    assert labels(rows) == ["Alpha", "Beta", "Hub", "No unit"]
    figures = {row.spec.label: (row.people, row.ready, row.status) for row, *_ in rows}
    assert figures == {
        "Alpha": (3, 2, "units_short"),
        "Beta": (1, 0, "nobody"),
        "Hub": (2, 0, "nobody"),
        "No unit": (2, 0, "nobody"),
    }
    total = response.context["report"].total
    # Two ready in all meets the target in sum, but every unit falls short on its own:
    # Alpha directly (Ann), Alpha One (Ari), Beta and the hub (nobody).
    assert (total.people, total.ready, total.status) == (8, 2, "units_short")
    assert sorted(total.short_units) == sorted(
        [counted.alpha.pk, counted.alpha_one.pk, counted.beta.pk, counted.hub.pk]
    )
    html = response.content.decode()
    assert "Target met" not in html
    assert "1 unit below falls short" in html
    assert f'href="?unit={counted.alpha.pk}"' in html
    assert [unit.name for unit in response.context["report"].nobody_in] == ["Beta", "Hub"]


def test_readiness_with_a_target_every_unit_of_a_spoke_meets(as_hr, counted):
    """With a target of one, Alpha and Alpha One both meet it: Alpha says so."""
    settings = ReportSettings.load()
    settings.crisis_target = 1
    settings.save()
    rows = as_hr.get(reverse("reports:readiness")).context["rows"]
    statuses = {row.spec.label: (row.status, text) for row, _query, text, _response in rows}
    assert statuses["Alpha"] == ("met", "Target met")
    assert statuses["Beta"] == ("nobody", "Nobody ready")


def test_readiness_download_records_its_filters_and_figures(as_hr, counted):
    """The CSV starts with what it holds; the table is the page's, total included."""
    block, rows = csv_block_and_rows(
        as_hr.get(reverse("reports:readiness"), {"end": "2026-04-30", "format": "csv"})
    )
    assert block["Report"] == "Crisis readiness"
    assert block["Unit"] == "All units"
    assert block["As of"] == "2026-04-30"
    assert block["Time zone"] == AMSTERDAM
    assert "Level" not in block  # readiness takes no level
    body = {row[0]: row[1:] for row in rows[1:]}
    # The last column, the Plan B response, is empty: nobody was called.
    assert body["Alpha"] == ["3", "2", "2", "0", "1 unit below falls short", ""]
    assert body["Beta"] == ["1", "0", "2", "2", "Nobody ready", ""]
    assert body["All shown"][:2] == ["8", "2"]
    sheets = xlsx_sheets(
        as_hr.get(reverse("reports:readiness"), {"end": "2026-04-30", "format": "xlsx"})
    )
    table, about = list(sheets.values())
    assert table[1][:3] == ["Alpha", 3, 2]
    assert ["Time zone", AMSTERDAM] in about


def test_adoption_first_view_counts_by_hand(as_hr, counted):
    """Alpha over the line (and Alpha One too), Beta and the hub far from it."""
    response = as_hr.get(reverse("reports:adoption"), {"end": "2026-04-30"})
    rows = {row.spec.label: (row, status) for row, _q, status, _t in response.context["rows"]}
    assert list(rows) == ["Alpha", "Beta", "Hub", "No unit"]
    alpha, status = rows["Alpha"]
    assert (alpha.people, alpha.adopted, alpha.percent, status) == (3, 2, 66.7, "past")
    assert alpha.short_units == []  # Alpha One is 1 of 1
    assert (rows["Beta"][0].adopted, rows["Beta"][1]) == (0, "far")
    assert (rows["Hub"][0].people, rows["Hub"][0].adopted) == (2, 0)
    total = response.context["report"].total
    assert (total.people, total.adopted) == (8, 2)
    charts = response.context["charts"]
    assert [chart.label for chart in charts.units] == ["Alpha", "Beta", "Hub", "No unit"]


def test_adoption_roll_up_with_a_unit_under_the_line(as_hr, counted):
    """With the line at 60%, Alpha (66.7%) is over it but Alpha directly is not a unit
    below; raise Alpha One's share under it by adding someone, and Alpha says so."""
    from tests.factories import UserFactory

    settings = ReportSettings.load()
    settings.tipping_point_percent = 60
    settings.save()
    UserFactory(first_name="Otto", unit=counted.alpha_one)  # Alpha One: 1 of 2 = 50%
    response = as_hr.get(reverse("reports:adoption"), {"end": "2026-04-30"})
    rows = {
        row.spec.label: (row, status, text) for row, _q, status, text in response.context["rows"]
    }
    alpha, status, _text = rows["Alpha"]
    assert (alpha.people, alpha.adopted) == (4, 2)  # 50%: under 60% itself
    assert status == "near"
    settings.tipping_point_percent = 50
    settings.save()
    response = as_hr.get(reverse("reports:adoption"), {"end": "2026-04-30"})
    rows = {
        row.spec.label: (row, status, text) for row, _q, status, text in response.context["rows"]
    }
    alpha, status, _text = rows["Alpha"]
    assert status == "past"  # 2 of 4 = 50%, Alpha One 1 of 2 = 50%: both on the line
    settings.tipping_point_percent = 51
    settings.save()
    UserFactory(first_name="Pia", unit=counted.alpha)  # Alpha directly: Ann, Abe, Pia
    response = as_hr.get(reverse("reports:adoption"), {"end": "2026-04-30"})
    rows = {
        row.spec.label: (row, status, text) for row, _q, status, text in response.context["rows"]
    }
    alpha, status, _text = rows["Alpha"]
    assert (alpha.adopted, alpha.people, status) == (2, 5, "near")  # 40%: past half of 51%


def test_months_are_the_companys_across_the_summer_time_switch(as_hr, counted):
    """Ari adopted at 22:30 UTC on 31 March: 1 April in Amsterdam, so April counts him."""
    response = as_hr.get(
        reverse("reports:adoption"), {"unit": counted.alpha.pk, "end": "2026-04-30"}
    )
    report = response.context["report"]
    ends = [f"{month:%Y-%m-%d %H:%M %z}" for month in report.months[-3:]]
    assert ends == ["2026-02-28 23:59 +0100", "2026-03-31 23:59 +0200", "2026-04-30 23:59 +0200"]
    alpha_one = next(row for row in report.rows if row.spec.label == "Alpha One")
    assert alpha_one.trend[-3:] == [0, 0, 1]
    html = response.content.decode()
    for label in ("Feb 2026", "Mar 2026", "Apr 2026"):
        assert html.count(f'class="num">{label}</th>') == 1  # the trend table's header


def test_month_labels_do_not_shift_for_a_reader_in_another_zone(client, counted, hr_person):
    """A reader in New York sees the company's twelve months, each once, in order."""
    hr_person.time_zone = "America/New_York"
    hr_person.save()
    client.force_login(hr_person)
    response = client.get(reverse("reports:adoption"), {"end": "2026-12-31", "format": "csv"})
    _block, rows = csv_block_and_rows(response)
    months = rows[0][6:]
    assert months == [f"2026-{month:02}" for month in range(1, 13)]
    page = client.get(reverse("reports:adoption"), {"end": "2026-12-31"})
    html = page.content.decode()
    assert html.count('class="num">Dec 2026</th>') == 1
    assert html.count('class="num">Jan 2026</th>') == 1
    assert 'class="num">Dec 2025</th>' not in html


def test_the_end_of_a_day_is_the_companys(as_hr, counted):
    """Evidence at 23:30 UTC on 31 March is on 1 April in Amsterdam: not "as of" 31 March."""
    found = as_hr.get(reverse("reports:heatmap"), {"unit": counted.alpha.pk, "end": "2026-03-31"})
    rows = {row.spec.label: row for row in found.context["report"].rows}
    listening = [c.name for c in found.context["report"].competencies].index("Listening")
    assert rows["Alpha One"].cells[listening].count == 0
    found = as_hr.get(reverse("reports:heatmap"), {"unit": counted.alpha.pk, "end": "2026-04-01"})
    rows = {row.spec.label: row for row in found.context["report"].rows}
    assert rows["Alpha One"].cells[listening].count == 1


def test_hub_and_spoke_first_view_counts_by_hand(as_hr, counted):
    """Alpha: 2 champions, 2 ready, 2 adopted of 3; Beta: none of them."""
    response = as_hr.get(reverse("reports:hub_and_spoke"), {"end": "2026-04-30"})
    spokes = {spoke.unit.name: spoke for spoke in response.context["report"].spokes}
    alpha, beta = spokes["Alpha"], spokes["Beta"]
    assert (alpha.people, alpha.champions, alpha.ready, alpha.adopted) == (3, 2, 2, 2)
    assert (beta.people, beta.champions, beta.ready, beta.adopted) == (1, 0, 0, 0)
    assert spokes["Hub"].is_hub
    _block, rows = csv_block_and_rows(
        as_hr.get(reverse("reports:hub_and_spoke"), {"end": "2026-04-30", "format": "csv"})
    )
    body = {row[0]: row for row in rows[1:]}
    assert body["Alpha"][1:8] == ["3", "2", "1", "1", "2", "2", "66.7"]
    assert body["Beta"][1:8] == ["1", "0", "0", "0", "0", "0", "0.0"]


def test_heat_map_first_view_and_its_filters(as_hr, counted):
    """The level in force shows in the control and the caption; the file records it."""
    response = as_hr.get(reverse("reports:heatmap"))
    html = response.content.decode()
    assert '<option value="2" selected>' in html
    assert "Level: <strong>Practising</strong>" in html
    assert 'name="start"' not in html  # levels are read as of a day: no "from"
    rows = {row.spec.label: row for row in response.context["report"].rows}
    assert list(rows) == ["Alpha", "Beta", "Hub", "No unit"]
    # Crisis: Abe, Ann, Ari practising or above; Listening: Ann, Ari.
    assert [cell.count for cell in rows["Alpha"].cells] == [3, 2]
    block, table = csv_block_and_rows(as_hr.get(reverse("reports:heatmap"), {"format": "csv"}))
    assert block["Level"] == "Practising"
    assert table[1][:2] == ["Alpha", "3"]


@pytest.mark.parametrize("name", ["adoption", "readiness", "hub_and_spoke"])
def test_reports_without_a_level_do_not_offer_one(as_hr, counted, name):
    """Only the heat map has a level; the others show only what changes them."""
    html = as_hr.get(reverse(f"reports:{name}")).content.decode()
    assert 'name="level"' not in html
    assert 'name="start"' not in html
    assert 'name="end"' in html


def test_a_manager_opens_on_their_own_team(client, counted):
    """Max's people are in Alpha and Alpha One: rows are those units, never "Hub"."""
    client.force_login(counted.max)
    for name in ("heatmap", "adoption", "readiness"):
        response = client.get(reverse(f"reports:{name}"))
        assert response.status_code == HTTPStatus.OK
        assert labels(response.context["rows"]) == ["Alpha One", "Alpha"], name
