"""The hub writes posts for advocates in the Wagtail admin: who may, where (the one "Posts
for advocates" folder), what the form refuses, and what HR and leads still cannot touch."""

from datetime import UTC, timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from advocacy.models import ShareLink, SharePostIndexPage, SharePostPage, Tier
from advocacy.sharing import share_post_index_ensure
from cms.models import HomePage, Platform
from people import roles
from tests.factories import CoursePageFactory, RosterMembershipFactory, UserFactory

KIT = "/roster/share/"
WRITERS = ["hr", "lead", "site_admin"]
NOT_WRITERS = ["learner", "advocate", "ambassador", "manager", "trainer"]


@pytest.fixture
def advocate(db):
    return RosterMembershipFactory(user=UserFactory(first_name="Ada", last_name="Vocate")).user


@pytest.fixture
def ambassador(db):
    return RosterMembershipFactory(tier=Tier.AMBASSADOR).user


@pytest.fixture
def index(db):
    return SharePostIndexPage.objects.get()


def add_url(parent) -> str:
    return f"/admin/pages/add/advocacy/sharepostpage/{parent.pk}/"


def post_data(**changes):
    data = {
        "title": "The new timetable",
        "slug": "new-timetable",
        "text": "Our winter timetable is out: more trains in the morning.",
        "link": "https://example.com/timetable",
        "platforms": [Platform.objects.get(slug="linkedin").pk, Platform.objects.get(slug="x").pk],
        "expires_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
        "suggestions-TOTAL_FORMS": "1",
        "suggestions-INITIAL_FORMS": "0",
        "suggestions-MIN_NUM_FORMS": "0",
        "suggestions-MAX_NUM_FORMS": "1000",
        "suggestions-0-platform": Platform.objects.get(slug="x").pk,
        "suggestions-0-text": "Winter timetable: more morning trains.",
        "suggestions-0-ORDER": "1",
        "action-publish": "action-publish",
    }
    data.update(changes)
    return data


def test_the_folder_is_under_the_home_page_and_holds_only_posts(index):
    """One folder under the home page; posts go only there; it is not a page to read."""
    assert index.get_parent().specific_class is HomePage
    assert SharePostPage.allowed_parent_page_models() == [SharePostIndexPage]
    assert SharePostIndexPage.allowed_subpage_models() == [SharePostPage]
    assert not SharePostIndexPage.can_create_at(HomePage.objects.get())  # max_count = 1
    assert not SharePostPage.can_create_at(HomePage.objects.get())


def test_the_folder_sends_visitors_to_the_kit(index, client):
    """Someone who finds the folder's address is sent to the kit, not shown a page."""
    response = client.get(index.url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == KIT


def test_only_the_hub_holds_permissions_on_the_folder(index):
    """HR and leads: add, change and publish on the folder, and on no other page."""
    granted = {
        (row.group.name, row.permission.codename)
        for row in GroupPagePermission.objects.filter(page=index).select_related(
            "group", "permission"
        )
    }
    hub = {(roles.HR, c) for c in ("add_page", "change_page", "publish_page")}
    hub |= {(roles.ADVOCACY_LEAD, c) for c in ("add_page", "change_page", "publish_page")}
    assert granted == hub
    elsewhere = GroupPagePermission.objects.filter(
        group__name__in=[roles.HR, roles.ADVOCACY_LEAD]
    ).exclude(page=index)
    assert not elsewhere.exists()


def test_ensuring_the_folder_again_changes_nothing(index):
    """Running the set-up again (the demo does) makes no second folder and no second grant."""
    count = GroupPagePermission.objects.count()
    assert share_post_index_ensure() == index
    assert SharePostIndexPage.objects.count() == 1
    assert GroupPagePermission.objects.count() == count


def test_ensuring_the_folder_moves_a_stray_post_into_it(index):
    """A post found right under the home page (an old site) is moved into the folder."""
    stray = SharePostPage(
        title="Old post",
        text="Words",
        link="https://example.com/",
        expires_at=timezone.now() + timedelta(days=1),
    )
    HomePage.objects.get().add_child(instance=stray)
    share_post_index_ensure()
    stray.refresh_from_db()
    assert stray.get_parent().pk == index.pk
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.mark.parametrize("role", WRITERS)
def test_the_hub_writes_and_publishes_a_post_an_advocate_then_sees(
    role, request, client, index, advocate, django_capture_on_commit_callbacks
):
    """HR, a lead or a site admin publishes a post; the advocate finds it in the kit."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(add_url(index)).status_code == HTTPStatus.OK
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(index), post_data())
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    post = SharePostPage.objects.get(slug="new-timetable")
    assert post.live
    assert post.get_parent().pk == index.pk
    assert post.text_for(Platform.objects.get(slug="x").pk).startswith("Winter timetable")
    assert [m.to for m in mail.outbox if "A new post to share" in m.subject] == [[advocate.email]]

    client.force_login(advocate)
    kit = client.get(KIT)
    code = ShareLink.objects.get(post=post, advocate=advocate).code
    assert "The new timetable" in kit.text
    assert f"/s/{code}/" in kit.text
    assert f"%2Fs%2F{code}%2F" in kit.text  # inside a platform's share address


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_no_one_else_opens_or_posts_the_form(role, request, client, index):
    """Learners, advocates, ambassadors, managers and trainers write no post."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(add_url(index)).status_code != HTTPStatus.OK
    response = client.post(add_url(index), post_data())
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert not SharePostPage.objects.exists()


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_the_hub_sees_the_folder_edits_and_unpublishes_a_post(role, request, client, index):
    """In the explorer the folder is there; HR or a lead edits a post, then takes it down."""
    client.force_login(request.getfixturevalue(role))
    client.post(add_url(index), post_data())
    post = SharePostPage.objects.get(slug="new-timetable")

    explorer = client.get("/admin/pages/", follow=True)
    assert explorer.status_code == HTTPStatus.OK
    assert "Posts for advocates" in explorer.text
    listing = client.get(f"/admin/pages/{index.pk}/")
    assert "The new timetable" in listing.text

    response = client.post(
        f"/admin/pages/{post.pk}/edit/",
        post_data(title="The winter timetable", **{"suggestions-TOTAL_FORMS": "0"}),
    )
    assert response.status_code == HTTPStatus.FOUND
    post.refresh_from_db()
    assert post.title == "The winter timetable"
    assert post.live

    response = client.post(f"/admin/pages/{post.pk}/unpublish/")
    assert response.status_code == HTTPStatus.FOUND
    post.refresh_from_db()
    assert not post.live


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_the_hub_cannot_touch_courses_or_the_home_page(role, request, client, index):
    """Edit, unpublish, move, add under: Wagtail turns HR and leads back everywhere else."""
    course = CoursePageFactory(title="Basics")
    course.save_revision().publish()
    home = HomePage.objects.get()
    client.force_login(request.getfixturevalue(role))
    for page in (course, home):
        for action in ("edit", "unpublish", "move", "delete", "copy"):
            response = client.get(f"/admin/pages/{page.pk}/{action}/")
            assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}, (page, action)
        response = client.post(f"/admin/pages/{page.pk}/unpublish/")
        assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert client.get(f"/admin/pages/add/cms/standardpage/{home.pk}/").status_code != HTTPStatus.OK
    course.refresh_from_db()
    home.refresh_from_db()
    assert course.live
    assert home.live


def test_a_trainer_cannot_unpublish_or_move_a_post(trainer, client, index):
    """Trainers' reach over the home page does not cover the hub's posts."""
    post = SharePostPage(
        title="Hub post",
        text="Words",
        link="https://example.com/",
        expires_at=timezone.now() + timedelta(days=1),
    )
    index.add_child(instance=post)
    post.save_revision().publish()
    client.force_login(trainer)
    turned_back = {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert client.post(f"/admin/pages/{post.pk}/unpublish/").status_code in turned_back
    assert client.get(f"/admin/pages/{post.pk}/edit/").status_code in turned_back
    response = client.post(f"/admin/pages/{post.pk}/move/{HomePage.objects.get().pk}/confirm/")
    assert response.status_code in turned_back
    post.refresh_from_db()
    assert post.live
    assert post.get_parent().pk == index.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"link": "http://example.com/timetable"}, "link"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"platforms": []}, "platforms"),
        (
            {"expires_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")},
            "expires_at",
        ),
        ({"expires_at": "next Tuesday"}, "expires_at"),
        ({"text": ""}, "text"),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(client, lead, index, changes, field):
    """An http link, no platform, an end in the past: a message, and nothing typed is lost."""
    client.force_login(lead)
    response = client.post(add_url(index), post_data(**changes))
    assert response.status_code == HTTPStatus.OK
    assert field in response.context["form"].errors
    assert "The new timetable" in response.text
    if field != "text":
        assert "more trains in the morning" in response.text
    assert "Winter timetable: more morning trains." in response.text
    assert not SharePostPage.objects.exists()


def test_an_ended_post_can_still_be_edited_as_it_is(client, lead, index):
    """A post past its end keeps its end when edited: no error for a time already set."""
    client.force_login(lead)
    client.post(add_url(index), post_data())
    post = SharePostPage.objects.get(slug="new-timetable")
    ended = timezone.now() - timedelta(days=2)
    SharePostPage.objects.filter(pk=post.pk).update(expires_at=ended)
    response = client.post(
        f"/admin/pages/{post.pk}/edit/",
        post_data(
            text="Corrected words.",
            # as the admin shows it: Wagtail's own time zone for the user (UTC here)
            expires_at=ended.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            **{"suggestions-TOTAL_FORMS": "0"},
        ),
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    post.refresh_from_db()
    assert post.text == "Corrected words."


@pytest.mark.parametrize(("role", "shown"), [("hr", True), ("lead", True), ("learner", False)])
def test_the_site_menu_leads_the_hub_to_the_admin(role, shown, request, client, index):
    """HR and leads find "Authoring" (the Wagtail admin) in the site's menu; learners do not."""
    client.force_login(request.getfixturevalue(role))
    body = client.get("/dashboard/").text
    assert ('href="/admin/">Authoring</a>' in body) is shown


# --- Images for posts ----------------------------------------------------------------------


def _png(name="winter.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images.tests.utils import get_test_image_file

    return SimpleUploadedFile(name, get_test_image_file().file.getvalue(), "image/png")


@pytest.fixture
def hub_collection(db):
    from wagtail.models import Collection

    return Collection.objects.get(name="Posts for advocates")


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_the_hub_uploads_an_image_into_its_own_collection_only(
    role, request, client, index, hub_collection
):
    """HR or a lead uploads a post's image: it lands in "Posts for advocates", the one
    collection they may add to; the upload form offers no other."""
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    client.force_login(request.getfixturevalue(role))
    form = client.get("/admin/images/add/")
    assert form.status_code == HTTPStatus.OK
    root = Collection.get_first_root_node()
    response = client.post(
        "/admin/images/add/",
        {"title": "Winter", "file": _png(), "collection": root.pk},
    )
    image = get_image_model().objects.get(title="Winter")
    assert response.status_code == HTTPStatus.FOUND
    assert image.collection_id == hub_collection.pk  # never the root, whatever was sent


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_the_hub_cannot_change_other_images(role, request, client, hub_collection):
    """A trainer's image in the library can be chosen for a post, never edited or
    deleted by HR or a lead."""
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="Course cover", file=get_test_image_file())
    client.force_login(request.getfixturevalue(role))
    for action in ("", "delete/"):
        response = client.get(f"/admin/images/{image.pk}/{action}")
        assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}, action
    chooser = client.get("/admin/images/chooser/")
    assert chooser.status_code == HTTPStatus.OK
    assert "Course cover" in chooser.text
    assert get_image_model().objects.filter(pk=image.pk).exists()


def test_ensuring_again_keeps_one_hub_collection(index, hub_collection):
    from wagtail.models import Collection, GroupCollectionPermission

    share_post_index_ensure()
    share_post_index_ensure()
    assert Collection.objects.filter(name="Posts for advocates").count() == 1
    granted = GroupCollectionPermission.objects.filter(collection=hub_collection)
    assert sorted(granted.values_list("group__name", "permission__codename")) == [
        ("Advocacy lead", "add_image"),
        ("Advocacy lead", "choose_image"),
        ("HR", "add_image"),
        ("HR", "choose_image"),
    ]
