"""In a browser: HR reads the heat map, drills into a unit, switches the level and takes
the table away as XLSX; a manager sees only their own people and opens their team; no
chart label is clipped on a phone or a desktop."""

import io

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.factories import UserFactory, add_role
from tests.factories.people import PASSWORD
from tests.reports.company import small_company

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _text(locator) -> str:
    """The element's text as written (headers are upper-cased by CSS only)."""
    return locator.text_content().strip()


def _table(page) -> dict[str, list[str]]:
    """The heat map as {row label: [cell texts]} read from the page."""
    rows = {}
    for row in page.locator("table.heatmap tbody tr").all():
        label = _text(row.locator("th")).replace("directly in this unit", "").strip()
        rows[label] = [_text(cell).split()[0] for cell in row.locator("td").all()]
    return rows


def test_hr_drills_into_a_unit_switches_the_level_and_exports(new_page, log_in, screenshot):
    company = small_company()
    hr = _verified(add_role(UserFactory(first_name="Hana", last_name="Vos"), "HR"))
    page = new_page()
    log_in(page, email=hr.email, password=PASSWORD)

    page.get_by_role("link", name="Reports").first.click()
    page.get_by_role("link", name="Competency heat map").click()
    # The first view is the hub's spokes, the hub's own people and the total.
    expect(page.locator("table.heatmap tbody tr")).to_have_count(4)
    assert list(_table(page)) == ["Alpha", "Beta", "Hub", "No unit"]
    expect(page.locator("#id_level")).to_have_value("2")  # the level in force: Practising
    page.locator("table.heatmap").get_by_role("link", name="Alpha", exact=True).click()
    expect(page.locator("h1")).to_have_text("Competency heat map")
    expect(page.locator(".report-trail")).to_contain_text("Alpha")

    heads = page.locator("table.heatmap thead th").all()
    header = [_text(th).splitlines()[0].strip() for th in heads]
    listening = header.index("Listening") - 1  # cells start after the row's header
    at_practising = _table(page)
    assert at_practising["Alpha One"][listening] == "1/1"
    assert at_practising["Alpha"][listening] == "1/2"

    levels = page.get_by_role("navigation", name="Level shown")
    levels.get_by_role("link", name="Proficient").click()
    expect(levels.locator("strong")).to_have_text("Proficient")
    at_proficient = _table(page)
    assert at_proficient["Alpha One"][listening] == "1/1"
    assert at_proficient["Alpha"][listening] == "0/2"
    screenshot(page, "reports-heat-map-alpha-proficient")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    book = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    rows = {row[0]: row for row in book.worksheets[0].iter_rows(values_only=True)}
    about = {row[0]: row[1] for row in book.worksheets[1].iter_rows(values_only=True)}
    assert about["Level"] == "Proficient"
    assert about["Unit"] == "Alpha"
    column = list(rows["Unit"]).index("Listening: people")
    assert rows["Alpha One"][column] == 1
    assert rows["Alpha"][column] == 0
    assert rows["Alpha"][1] == 2  # people counted
    assert company.alpha.name in rows


def test_a_manager_sees_only_their_team(new_page, log_in):
    company = small_company()
    manager = _verified(company.max)
    page = new_page()
    log_in(page, email=manager.email, password=PASSWORD)
    page.goto("/reports/heatmap/")
    # Max's people are in Alpha and Alpha One: his first view is his own team.
    expect(page.locator("table.heatmap tbody tr")).to_have_count(2)
    labels = list(_table(page))
    assert labels == ["Alpha One", "Alpha"]
    expect(page.locator("body")).not_to_contain_text("Beta")
    # Names behind the map are for HR only.
    assert page.goto("/reports/heatmap/people/").status == 403


def test_a_manager_opens_their_team_and_a_person(new_page, log_in, screenshot):
    company = small_company()
    manager = _verified(company.max)
    page = new_page()
    log_in(page, email=manager.email, password=PASSWORD)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Open your team page").click()
    expect(page.locator("h1")).to_have_text("Your team")
    team = page.locator("table.team-table")
    expect(team).to_contain_text(company.people["ann"].get_full_name())
    expect(team).to_contain_text(company.people["ari"].get_full_name())
    team.get_by_role("link", name=company.people["ari"].get_full_name()).click()
    expect(page.locator("h1")).to_have_text(company.people["ari"].get_full_name())
    expect(page.locator("main")).to_contain_text("Listening")
    screenshot(page, "reports-person-page")
    # Someone outside his team is not found.
    assert page.goto(f"/reports/people/{company.people['bea'].pk}/").status == 404


# Every text of every chart lies inside its SVG's viewBox (else the browser clips it).
_CLIPPED_LABELS = """() => {
    const out = [];
    for (const svg of document.querySelectorAll("main svg[viewBox]")) {
        const box = svg.viewBox.baseVal;
        for (const text of svg.querySelectorAll("text")) {
            const b = text.getBBox();
            if (b.x < box.x - 0.5 || b.y < box.y - 0.5
                || b.x + b.width > box.x + box.width + 0.5
                || b.y + b.height > box.y + box.height + 0.5) {
                out.push(text.textContent.trim());
            }
        }
    }
    return out;
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_no_chart_label_is_clipped(new_page, log_in, screenshot, width):
    company = small_company()
    hr = _verified(add_role(UserFactory(first_name="Hana", last_name="Vos"), "HR"))
    from tests.reports.company import give

    give(company.people["ann"], company.crisis, 2, by=hr)  # Ann adopts: a line to draw
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, email=hr.email, password=PASSWORD)
    for path in ("/reports/adoption/?end=2026-12-31", "/reports/hub-and-spoke/"):
        page.goto(path)
        assert page.locator("main svg[viewBox] text").count() > 0, path
        assert page.evaluate(_CLIPPED_LABELS) == [], path
        # The page itself never scrolls sideways (wide tables and the map scroll inside).
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"reports-{path.split('/')[2]}-{width}")
    page.goto("/reports/adoption/?end=2026-12-31")
    expect(page.locator(".multiples__item").first).to_contain_text("Alpha")
