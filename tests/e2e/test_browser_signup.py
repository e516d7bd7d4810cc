"""In a browser: a newcomer signs up, confirms the address from the e-mail, logs in."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from people.models import User

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized_rollback puts back what the
    # migrations created (groups, the Wagtail tree) for whatever runs next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "ada.newcomer@spoke.example"
PASSWORD = "a-long-and-new-passphrase"


def _confirmation_path(body: str) -> str:
    (url,) = re.findall(r"https?://\S+/accounts/confirm-email/\S+", body)
    return urlsplit(url).path


def test_newcomer_signs_up_confirms_and_sees_the_dashboard(
    new_page, log_in, screenshot, external_requests
):
    """Sign-up with a work address, the e-mail link, log-in: the dashboard greets them."""
    page = new_page()
    page.goto("/accounts/signup/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=first_name]").fill("Ada")
    form.locator("input[name=last_name]").fill("Newcomer")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()

    # Verification is mandatory: a page that says so, an e-mail with a link, no dashboard.
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/signup/")
    assert urlsplit(page.url).path == reverse("account_email_verification_sent")
    expect(page.get_by_role("heading", name=re.compile("^Hello,"))).to_have_count(0)
    assert User.objects.filter(email=EMAIL, first_name="Ada").exists()
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    path = _confirmation_path(message.body)

    # The link opened later, in another browser session, like a click in a mail app.
    page = new_page()
    page.goto(path)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path != path)
    if urlsplit(page.url).path != reverse("dashboard"):
        log_in(page, email=EMAIL, password=PASSWORD)

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, Ada\b"))
    screenshot(page, "dashboard-newcomer")
    # The site works offline: no page on the way loaded anything from another host.
    assert external_requests == []
