"""In a browser: an advocate opens their sharing kit from their roster page, finds the
hub's post with their own tracked link in the share button and in the plain link field,
a reader's browser following the link is sent on to the post's page, and the lead sees the click."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from playwright.sync_api import expect

from advocacy.models import ShareLink
from tests.advocacy.test_sharing import publish_post
from tests.factories import BusinessUnitFactory, RosterMembershipFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_advocate_shares_and_the_hub_sees_the_click(
    live_server, lead, password, new_page, log_in, screenshot
):
    cache.clear()
    unit = BusinessUnitFactory(name="North")
    ann = RosterMembershipFactory(
        user=UserFactory(email="ann@spoke.example", first_name="Ann", unit=unit)
    ).user
    for person in (ann, lead):
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    post = publish_post(title="Night trains are back", link="https://news.example/night")
    code = ShareLink.objects.get(post=post, advocate=ann).code
    console_errors: list[str] = []

    page = new_page()
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    log_in(page, email=ann.email, password=password)
    page.goto("/roster/me/")
    page.get_by_role("link", name="Sharing kit").click()
    expect(page.get_by_role("heading", name="Night trains are back")).to_be_visible()
    link_field = page.get_by_label("Your link")
    expect(link_field).to_have_value(re.compile(rf"/s/{code}/$"))
    expect(page.get_by_role("button", name="Copy")).to_be_visible()  # the script ran
    share = page.get_by_role("link", name="Share on LinkedIn")
    expect(share).to_have_attribute("href", re.compile(rf"linkedin\.com/.*%2Fs%2F{code}%2F"))
    screenshot(page, "sharing-kit")

    # A reader follows the link (the target is outside: the 302 is checked, not followed).
    reader = new_page()
    response = reader.request.get(link_field.input_value(), max_redirects=0)
    assert response.status == 302
    assert response.headers["location"] == "https://news.example/night"

    hub = new_page()
    log_in(hub, email=lead.email, password=password)
    hub.goto("/roster/sharing/")
    section = hub.get_by_role("region", name="Night trains are back")
    expect(section).to_contain_text("1 click, links for 1 advocates.")
    expect(section).to_contain_text("North")
    expect(section).not_to_contain_text("Ann")
    assert not console_errors
