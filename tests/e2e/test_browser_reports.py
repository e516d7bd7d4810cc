"""In a browser: HR reads the heat map, drills into a unit, switches the level and takes
the table away as XLSX; a manager sees only their own people."""

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
    page.locator("table.heatmap").get_by_role("link", name="Hub").click()
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
    sheet = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
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
    page.locator("table.heatmap").get_by_role("link", name="Hub").click()
    labels = list(_table(page))
    assert labels == ["Alpha"]
    expect(page.locator("body")).not_to_contain_text("Beta")
    # Names behind the map are for HR only.
    assert page.goto("/reports/heatmap/people/").status == 403
