"""The social media policy page: versions on publication, the admin form, the page itself,
the selectors and the demo policy."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.events import POLICY_VERSION_PUBLISHED
from cms.extensions import POLICY_PAGE_SECTIONS
from cms.models import HomePage, PolicyPage, PolicyVersion
from cms.selectors import policy_current, policy_page_live, policy_questions
from core.dashboard import DashboardPanel
from demo.content import policy as demo_policy
from demo.seeds.cms import demo_cms_seed
from tests.events import listening
from tests.factories import PolicyPageFactory, policy_republish

pytestmark = pytest.mark.django_db


def _numbers(page) -> list[int]:
    return list(page.versions.order_by("number").values_list("number", flat=True))


@pytest.fixture
def published():
    """Every ``POLICY_VERSION_PUBLISHED`` handled during the test, as the payloads."""
    with listening(POLICY_VERSION_PUBLISHED) as heard:
        yield heard


# --- Versions on publication --------------------------------------------------------------


def test_first_publication_starts_version_one():
    """Publishing the page for the first time starts version 1 with that revision."""
    page = PolicyPageFactory()
    version = page.versions.get()
    assert version.number == 1
    assert version.revision_id == page.live_revision_id
    assert version.change_note == ""
    assert abs(version.published_at - timezone.now()) < timedelta(minutes=1)


def test_draft_and_scheduled_pages_have_no_version_yet():
    """A draft, or a first publication scheduled for later, starts nothing until it is live."""
    draft = PolicyPageFactory(live=False)
    assert _numbers(draft) == []
    draft.get_latest_revision_as_object().save_revision().publish()
    assert _numbers(draft) == [1]

    PolicyPage.objects.all().delete()
    later = PolicyPageFactory(live=False, slug="later")
    scheduled = later.get_latest_revision_as_object()
    scheduled.go_live_at = timezone.now() + timedelta(days=1)
    revision = scheduled.save_revision()
    revision.publish()
    assert _numbers(later) == []
    assert not PolicyPage.objects.get(pk=later.pk).live
    # When the time comes, publish_scheduled publishes the revision: it goes live now.
    revision.content["go_live_at"] = None
    revision.save(update_fields=["content"])
    revision.publish()
    assert _numbers(later) == [1]


def test_editorial_publication_keeps_the_version():
    """Publishing with "material change" unticked starts no version, even with new text."""
    page = PolicyPageFactory()
    policy_republish(page, material=False, summary="Same rules, clearer words.")
    assert _numbers(page) == [1]
    assert PolicyPage.objects.get().summary == "Same rules, clearer words."


def test_material_publication_starts_the_next_version_with_its_note():
    """A material change starts version 2 (then 3) with the published revision and note."""
    page = PolicyPageFactory()
    page = policy_republish(page, material=True, change_note="Crises: wait for the team.")
    page = policy_republish(page, material=False)
    page = policy_republish(page, material=True, change_note="Customer data: new rule.")
    versions = list(page.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.change_note for v in versions] == [
        "",
        "Crises: wait for the team.",
        "Customer data: new rule.",
    ]
    assert versions[2].revision_id == page.live_revision_id
    assert versions[1].revision_id not in (versions[0].revision_id, versions[2].revision_id)


def test_publishing_the_same_revision_twice_starts_one_version(
    published, django_capture_on_commit_callbacks
):
    """Publishing a revision again (a retry, a double click) never starts a second version."""
    with django_capture_on_commit_callbacks(execute=True):
        page = PolicyPageFactory()
        page.live_revision.publish()
    assert _numbers(page) == [1]
    draft = page.get_latest_revision_as_object()
    draft.material_change = True
    draft.change_note = "A new rule."
    revision = draft.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
        revision.publish()
    assert _numbers(page) == [1, 2]
    assert [event["number"] for event in published] == [1, 2]


def test_saving_a_draft_starts_nothing():
    """A material change saved as a draft waits for its publication."""
    page = PolicyPageFactory()
    draft = page.get_latest_revision_as_object()
    draft.material_change = True
    draft.change_note = "Not yet."
    draft.save_revision()
    assert _numbers(page) == [1]


def test_the_event_is_announced_once_after_commit(published, django_capture_on_commit_callbacks):
    """``POLICY_VERSION_PUBLISHED`` waits for the commit, then goes out once per version."""
    page = PolicyPageFactory()
    published.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        policy_republish(page, material=True, change_note="New rule.")
    assert published == []
    for callback in callbacks:
        callback()
    version = PolicyVersion.objects.get(number=2)
    assert published == [{"version_id": version.pk, "page_id": page.pk, "number": 2}]

    with django_capture_on_commit_callbacks(execute=True):
        policy_republish(page, material=False)
    assert len(published) == 1


# --- The admin form -----------------------------------------------------------------------


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _form_data(questions, **fields) -> dict:
    data = {
        "title": "Social media policy",
        "slug": "policy",
        "summary": "Speak for yourself.",
        "body": streamfield(
            [("heading", "Speaking about work"), ("paragraph", rich_text("<p>Say so.</p>"))]
        ),
        "questions": inline_formset(questions),
        "change_note": "",
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


GOOD_QUESTION = {
    "prompt": "Who answers the press?",
    "choices": "You\nThe press office",
    "correct_choice": "2",
    "explanation": "The press office.",
}


def test_edit_form_starts_unticked_with_an_empty_note(client, site_admin):
    """After a material publication the next edit starts as an editorial fix again."""
    page = policy_republish(PolicyPageFactory(), material=True, change_note="Old note here.")
    assert page.get_latest_revision_as_object().material_change
    client.force_login(site_admin)
    soup = client.get(_edit_url(page)).content.decode()
    form = BeautifulSoup(soup, "html.parser")
    box = form.find("input", attrs={"name": "material_change"})
    note = form.find(attrs={"name": "change_note"})
    assert box is not None
    assert note is not None
    assert not box.has_attr("checked")
    assert "Old note here." not in soup
    assert note.get("value", "") == ""


def test_admin_shows_question_errors_and_keeps_what_was_typed(client, site_admin):
    """Too few choices, a right answer out of range and a material change without a note:
    each error shows where it belongs, everything typed comes back, nothing is published."""
    page = PolicyPageFactory()
    client.force_login(site_admin)
    data = _form_data(
        [
            {"prompt": "Typed prompt one", "choices": "Only one choice", "correct_choice": "1"},
            {"prompt": "Typed prompt two", "choices": "Yes\nNo", "correct_choice": "7"},
            {"prompt": "Typed prompt three", "choices": "Same\nSame", "correct_choice": "1"},
        ],
        summary="A summary I typed",
        material_change="on",
    )
    response = client.post(_edit_url(page), data)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "could not be" in content  # Wagtail's "page could not be saved" message
    assert "Write two to six choices, one per line." in content
    assert "Choose a number from 1 to 2." in content
    assert "Two choices are the same." in content
    assert "Say in a sentence what changed" in content
    for typed in (
        "Typed prompt one",
        "Typed prompt two",
        "Typed prompt three",
        "A summary I typed",
    ):
        assert typed in content
    assert _numbers(page) == [1]
    assert PolicyPage.objects.get().summary != "A summary I typed"


def test_admin_refuses_a_note_without_a_material_change(client, site_admin):
    """A note with the box unticked is most likely a forgotten tick: the editor decides."""
    page = PolicyPageFactory()
    client.force_login(site_admin)
    response = client.post(_edit_url(page), _form_data([GOOD_QUESTION], change_note="New rule"))
    assert response.status_code == HTTPStatus.OK
    assert "Tick “this change is material”" in response.content.decode()
    assert _numbers(page) == [1]


def test_admin_needs_at_least_one_question(client, site_admin):
    """The check cannot be published empty."""
    page = PolicyPageFactory()
    client.force_login(site_admin)
    data = _form_data([])
    data["questions-MIN_NUM_FORMS"] = "1"
    response = client.post(_edit_url(page), data)
    assert response.status_code == HTTPStatus.OK
    assert "could not be" in response.content.decode()
    assert PolicyPage.objects.get().questions.count() == 3


def test_admin_publications_material_and_editorial(client, site_admin, published):
    """Through the admin: an editorial publish keeps version 1, a material one starts 2."""
    page = PolicyPageFactory()
    client.force_login(site_admin)
    response = client.post(_edit_url(page), _form_data([GOOD_QUESTION], summary="Clearer."))
    assert response.status_code == HTTPStatus.FOUND
    assert _numbers(page) == [1]
    response = client.post(
        _edit_url(page),
        _form_data([GOOD_QUESTION], material_change="on", change_note="Press: new rule."),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert _numbers(page) == [1, 2]
    assert page.versions.get(number=2).change_note == "Press: new rule."
    prompts = PolicyPage.objects.get().questions.values_list("prompt", flat=True)
    assert "Who answers the press?" in prompts


def test_admin_first_publication_starts_version_one(client, site_admin):
    """Adding and publishing the policy in the admin starts version 1."""
    home = HomePage.objects.get()
    client.force_login(site_admin)
    url = reverse("wagtailadmin_pages:add", args=["cms", "policypage", home.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, _form_data([GOOD_QUESTION]))
    assert response.status_code == HTTPStatus.FOUND
    page = PolicyPage.objects.get()
    assert page.live
    assert _numbers(page) == [1]


# --- Selectors ----------------------------------------------------------------------------


def test_selectors_without_a_published_policy():
    """No page, or only a draft: nothing is current."""
    assert policy_current() is None
    assert policy_page_live() is None
    PolicyPageFactory(live=False)
    assert policy_current() is None
    assert policy_page_live() is None


def test_policy_current_is_the_latest_version_in_one_query(django_assert_num_queries):
    """The live page's latest version, its page loaded, in one query."""
    page = policy_republish(PolicyPageFactory(), material=True, change_note="Two.")
    with django_assert_num_queries(1):
        current = policy_current()
        assert current.page.title == page.title
    assert current.number == 2
    with django_assert_num_queries(1):
        assert policy_page_live() == page
    with django_assert_num_queries(1):
        questions = policy_questions(page=page)
    assert [question.prompt for question in questions][:1] == [
        "A journalist asks you online about a delay. What do you do?"
    ]


def test_an_unpublished_policy_has_no_current_version():
    """Unpublishing the page withdraws its versions from the roster's view."""
    page = PolicyPageFactory()
    page.unpublish()
    assert policy_current() is None


# --- The page -----------------------------------------------------------------------------


def test_page_shows_title_summary_version_and_body(client):
    """Version 1 shows its number and date, but no "what changed"."""
    page = PolicyPageFactory()
    content = client.get(page.url).content.decode()
    assert "<h1>Social media policy</h1>" in content
    assert escape(page.summary) in content
    assert ">1</dd>" in content.replace("\n", "").replace(" ", "")
    assert timezone.localdate(page.versions.get().published_at).strftime("%Y") in content
    assert "Speaking about work" in content
    assert "What changed" not in content


def test_page_shows_what_changed_from_version_two(client):
    """A later version says what changed."""
    page = policy_republish(PolicyPageFactory(), material=True, change_note="Crises: wait.")
    content = client.get(page.url).content.decode()
    assert "What changed in version 2" in content
    assert "Crises: wait." in content


def test_page_renders_the_sections_other_apps_register(client, learner):
    """A function registered under the extension point adds its section; ``None`` adds
    nothing."""
    page = PolicyPageFactory()
    seen = {}

    def section(*, request, page, version):
        seen["version"] = version
        return DashboardPanel(
            title="From another app",
            template="blocks/heading.html",
            context={},
            key="another",
        )

    def nothing(*, request, page, version):
        return None

    with (
        POLICY_PAGE_SECTIONS.registered(section),
        POLICY_PAGE_SECTIONS.registered(nothing),
    ):
        content = client.get(page.url).content.decode()
    assert 'data-section="another"' in content
    assert "From another app" in content
    assert seen["version"] == page.versions.get()


def test_page_queries_are_bounded(client, learner, django_assert_max_num_queries):
    """The page costs the same few queries whether the policy has one version or five."""
    page = PolicyPageFactory()
    client.force_login(learner)
    client.get(page.url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as first:
        client.get(page.url)
    one_version = len(first)  # read now: the next request empties the query log
    for number in range(4):
        page = policy_republish(page, material=True, change_note=f"Change {number}")
    client.get(page.url)
    with django_assert_max_num_queries(one_version):
        assert client.get(page.url).status_code == HTTPStatus.OK
    assert one_version <= 16


# --- Demo ---------------------------------------------------------------------------------


def test_demo_policy_is_at_version_two_and_seeding_again_changes_nothing():
    """The demo publishes the policy, then a material change: version 2 with its note;
    a second run writes nothing."""
    demo_cms_seed()
    page = PolicyPage.objects.get()
    assert page.live
    assert page.get_parent().specific_class is HomePage
    versions = list(page.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].change_note == demo_policy()["v2"]["change_note"]
    assert versions[0].published_at < versions[1].published_at
    questions = list(page.questions.all())
    assert len(questions) == 3
    for question in questions:
        question.full_clean()
        assert question.explanation
    revisions = page.revisions.count()
    assert demo_cms_seed()["pages"] == 0
    assert page.revisions.count() == revisions
    assert PolicyVersion.objects.count() == 2
