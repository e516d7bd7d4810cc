"""In a browser: an advocate opens their sharing kit from their roster page, finds the
hub's post with their own tracked link in the share button and in the plain link field,
a reader's browser following the link is sent on to the post's page, and the lead sees the click;
and a lead writes a post in the Wagtail admin that an advocate then finds in the kit."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from advocacy.models import ShareLink, SharePostIndexPage, SharePostPage
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


def test_a_lead_publishes_a_post_in_the_admin_and_an_advocate_finds_it(
    live_server, lead, password, new_page, log_in, screenshot, settings
):
    """The lead writes a post in the "Posts for advocates" folder; an advocate's kit has it."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # the form is posted once, as typed
    cache.clear()
    ann = RosterMembershipFactory(user=UserFactory(email="ann@spoke.example")).user
    for person in (ann, lead):
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    index = SharePostIndexPage.objects.get()

    admin = new_page()
    log_in(admin, email=lead.email, password=password)
    admin.goto("/admin/pages/")
    admin.get_by_role("link", name="Posts for advocates").first.click()
    expect(admin).to_have_url(re.compile(rf"/admin/pages/{index.pk}/$"))
    admin.get_by_role("link", name="Add child page").click()
    expect(admin).to_have_url(re.compile(rf"/admin/pages/add/advocacy/sharepostpage/{index.pk}/$"))
    admin.get_by_role("textbox", name=re.compile(r"^Title\*?$")).fill("Summer timetable")
    admin.get_by_label(re.compile(r"^Suggested text")).fill("More evening trains from June.")
    admin.get_by_label(re.compile(r"^Link")).fill("https://news.example/summer")
    admin.get_by_label("LinkedIn").check()
    expires = timezone.now() + timedelta(days=7)
    admin.get_by_label(re.compile(r"^Offered until")).fill(expires.strftime("%Y-%m-%d %H:%M"))
    admin.keyboard.press("Escape")  # close the date picker
    screenshot(admin, "sharing-lead-writes-a-post")
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Publish", exact=True).click()
    expect(admin).to_have_url(re.compile(rf"/admin/pages/{index.pk}/$"))
    expect(admin.get_by_role("status")).to_contain_text("created and published")

    post = SharePostPage.objects.get(title="Summer timetable")
    assert post.live
    code = ShareLink.objects.get(post=post, advocate=ann).code

    page = new_page()
    log_in(page, email=ann.email, password=password)
    page.goto("/roster/share/")
    expect(page.get_by_role("heading", name="Summer timetable")).to_be_visible()
    expect(page.get_by_label("Your link")).to_have_value(re.compile(rf"/s/{code}/$"))
