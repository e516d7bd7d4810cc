"""In a browser: a learner finishes a course and gets a credential; anyone opens its
certificate, finds the LinkedIn link filled in, downloads the JSON and the signed JWT (they
agree), and prints it without the site around it; the learner hides it and the page is gone.

Built with the factories; the key lives in the test's own folder. Celery runs in-process,
so completing the last lesson issues the credential when the transaction commits.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt as pyjwt
import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from courses.services import lesson_complete
from credentials import keys
from credentials.models import Credential
from tests.factories import CourseIndexPageFactory, UserFactory, course_with_lessons

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def credential(settings, tmp_path, password):
    settings.SPOKE_CREDENTIALS_KEY_DIR = tmp_path / "keys"
    keys.key_create()
    learner = UserFactory(email="lena@spoke.example", first_name="Lena", last_name="Fischer")
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    CourseIndexPageFactory()
    _course, lessons = course_with_lessons(lessons=2, title="Speaking for yourself online")
    for lesson in lessons:
        lesson_complete(user=learner, lesson=lesson)
    return Credential.objects.get(user=learner)


def test_certificate_links_downloads_print_and_hide(
    new_page, live_server, credential, log_in, password, screenshot, external_requests
):
    """The whole life of a certificate, as its visitors and its holder see it."""
    visitor = new_page()
    url = reverse("credentials:certificate", args=[credential.token])
    visitor.goto(url)
    expect(visitor.locator("h1")).to_have_text("Speaking for yourself online")
    expect(visitor.locator(".certificate__holder")).to_have_text("Lena Fischer")
    screenshot(visitor, "credential-certificate")

    add = visitor.get_by_role("link", name="Add to LinkedIn profile")
    href = add.get_attribute("href")
    parts = urlsplit(href)
    assert (parts.netloc, parts.path) == ("www.linkedin.com", "/profile/add")
    query = parse_qs(parts.query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Speaking for yourself online"]
    assert query["certId"] == [str(credential.uuid)]
    assert query["certUrl"][0].endswith(url)
    expect(visitor.locator(".share-list a", has_text="LinkedIn")).to_have_count(1)

    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Download the Open Badges credential (JSON)").click()
    document = json.loads(Path(download_info.value.path()).read_text())
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Download the signed credential (VC-JWT)").click()
    token = Path(download_info.value.path()).read_text().strip()
    payload = pyjwt.decode(token, options={"verify_signature": False})
    assert {k: v for k, v in payload.items() if k not in {"iss", "jti", "nbf"}} == document
    assert "OpenBadgeCredential" in document["type"]

    visitor.emulate_media(media="print")
    expect(visitor.locator(".site-header")).to_be_hidden()
    expect(visitor.locator(".certificate-actions")).to_be_hidden()
    expect(visitor.locator(".certificate")).to_be_visible()
    visitor.emulate_media(media="screen")

    holder = new_page()
    log_in(holder, email="lena@spoke.example", password=password)
    holder.goto(reverse("credentials:mine"))
    row = holder.locator("tr", has_text="Speaking for yourself online")
    row.get_by_role("button", name="Hide").click()
    expect(holder.locator("main")).to_contain_text("is hidden")
    expect(holder.locator("tr", has_text="Speaking for yourself online")).to_contain_text("Hidden")

    response = visitor.goto(url)
    assert response.status == 404
    assert external_requests == []
