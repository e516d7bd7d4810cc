"""Home and standard pages: what visitors and signed-in people see, and the tree rules."""

from http import HTTPStatus

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailTestUtils

from cms.models import HomePage, StandardPage


@pytest.fixture
def home(db):
    return HomePage.objects.get()


def test_migrations_create_the_home_page_as_site_root(home):
    """A bare 'migrate' gives a live home page at the site root."""
    assert home.live
    assert home.get_site().is_default_site


def test_visitor_sees_what_spoke_is_and_a_sign_in_link(client, home):
    """Visitors get the pitch and the way in, not the dashboard."""
    content = client.get("/").content.decode()
    assert home.headline in content
    assert 'href="/accounts/login/"' in content
    assert "Go to your dashboard" not in content


def test_signed_in_person_gets_a_dashboard_link(client, home, learner):
    """Signed in, the home page leads to the dashboard instead."""
    client.force_login(learner)
    content = client.get("/").content.decode()
    assert "Go to your dashboard" in content
    assert "Create an account" not in content


def test_page_has_landmarks_and_skip_link(client, home):
    """Every page has the skip link, a header, a main landmark and a footer."""
    content = client.get("/").content.decode()
    for fragment in ('href="#main"', "<header", '<main id="main"', "<footer", 'lang="en"'):
        assert fragment in content


def test_standard_page_renders_its_blocks(client, home):
    """Headings, text and callouts render with their templates."""
    page = StandardPage(
        title="Help",
        slug="help",
        intro="Answers.",
        body=[
            {"type": "heading", "value": "Logging in"},
            {"type": "paragraph", "value": "<p>Use your <b>work</b> address.</p>"},
            {"type": "callout", "value": {"title": "Tip", "text": "<p>Ask HR.</p>"}},
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/help/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "<h2>Logging in</h2>" in content
    assert "<b>work</b>" in content
    assert 'class="callout"' in content


def test_draft_pages_are_not_shown(client, home):
    """An unpublished page is a 404 for everyone on the site."""
    page = StandardPage(title="Draft", slug="draft", live=False)
    home.add_child(instance=page)
    assert client.get("/draft/").status_code == HTTPStatus.NOT_FOUND


class TestTreeRules(WagtailTestUtils):
    def test_standard_pages_go_under_home_or_each_other(self, db):
        """Standard pages sit under the home page or another standard page, nowhere else."""
        assert StandardPage in HomePage.allowed_subpage_models()
        assert StandardPage.allowed_parent_page_models() == [HomePage, StandardPage]
        assert StandardPage.allowed_subpage_models() == [StandardPage]
        assert not HomePage.can_create_at(HomePage.objects.get())
        assert not HomePage.can_create_at(Page.get_first_root_node())  # max_count = 1
