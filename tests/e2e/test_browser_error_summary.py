"""In a browser: the error summary takes the focus when a form comes back with errors, and
following one of its links puts the focus in the field; a knowledge check's result takes
the focus after answering."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_the_summary_takes_the_focus_and_its_links_lead_to_the_fields(page, learner):
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    page.goto("/accounts/password/reset/")
    page.locator("main input[name=email]").fill("not an address")
    page.locator("main form[method=post] button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_email")).to_be_focused()
    expect(page.locator("#id_email")).to_have_value("not an address")


def test_a_page_without_errors_keeps_the_focus_where_it_was(page, db):
    page.goto("/accounts/password/reset/")
    assert page.locator("[data-error-summary]").count() == 0
    assert _focused_id(page) in ("", None)
