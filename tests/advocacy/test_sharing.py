"""The sharing kit: posts for advocates, each advocate's tracked link, the redirect that
counts, the hub's counts, and who sees what."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from advocacy import sharing
from advocacy.models import (
    RosterMembership,
    ShareClick,
    ShareLink,
    SharePostIndexPage,
    SharePostPage,
    SharingChoice,
    validate_https,
)
from advocacy.privacy import personal_data_erase, personal_data_export
from cms.models import HomePage, Platform
from tests.factories import BusinessUnitFactory, RosterMembershipFactory, UserFactory

KIT = reverse("advocacy:share_kit")
HUB = reverse("advocacy:share_hub")


def publish_post(*, title="Trains back on time", days=7, link="https://example.com/news",
                 platforms=("linkedin",), live=True, **fields):  # fmt: skip
    page = SharePostPage(
        title=title,
        text=fields.pop("text", "Good news: our trains are back on time."),
        link=link,
        expires_at=timezone.now() + timedelta(days=days),
        **fields,
    )
    page.platforms = list(Platform.objects.filter(slug__in=platforms))
    SharePostIndexPage.objects.get().add_child(instance=page)
    if live:
        page.save_revision().publish()
    else:
        SharePostPage.objects.filter(pk=page.pk).update(live=False)
    return SharePostPage.objects.get(pk=page.pk)


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    """Two advocates in two units, one person not on the roster, one live post."""
    north, south = BusinessUnitFactory(name="North"), BusinessUnitFactory(name="South")
    ann = RosterMembershipFactory(user=UserFactory(first_name="Ann", unit=north)).user
    bob = RosterMembershipFactory(user=UserFactory(first_name="Bob", unit=south)).user
    outsider = UserFactory(first_name="Out")
    with django_capture_on_commit_callbacks(execute=True):
        post = publish_post()
    return {"ann": ann, "bob": bob, "outsider": outsider, "post": post}


def code_of(post, user) -> str:
    return ShareLink.objects.get(post=post, advocate=user).code


def test_publishing_makes_one_link_and_one_email_per_advocate(
    world, django_capture_on_commit_callbacks
):
    post = world["post"]
    assert ShareLink.objects.filter(post=post).count() == 2
    assert not ShareLink.objects.filter(advocate=world["outsider"]).exists()
    sent = [m for m in mail.outbox if "A new post to share" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([world["ann"].email, world["bob"].email])
    assert KIT in sent[0].body
    # Publishing again: no new links, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        post.save_revision().publish()
    assert ShareLink.objects.filter(post=post).count() == 2
    assert len([m for m in mail.outbox if "A new post to share" in m.subject]) == 2


def test_reading_the_kit_writes_nothing(world, client, django_assert_num_queries):
    carol = RosterMembershipFactory().user  # joined without the event: no link yet
    client.force_login(carol)
    response = client.get(KIT)
    assert response.status_code == HTTPStatus.OK
    assert "being made" in response.text
    assert not ShareLink.objects.filter(advocate=carol).exists()


def test_joining_the_roster_makes_links_for_live_posts(world, django_capture_on_commit_callbacks):
    dan = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sharing.share_links_for_person(user_id=dan.pk, now=timezone.now())
    assert not ShareLink.objects.filter(advocate=dan).exists()  # not on the roster yet
    RosterMembershipFactory(user=dan)
    assert sharing.share_links_for_person(user_id=dan.pk, now=timezone.now()) == 1
    assert sharing.share_links_for_person(user_id=dan.pk, now=timezone.now()) == 0


def test_the_membership_event_makes_links_only_for_people_on_the_roster(world):
    from advocacy import handlers

    eve = RosterMembershipFactory().user
    handlers.membership_changed(user_id=eve.pk, status="paused", previous_status="active")
    assert ShareLink.objects.filter(advocate=eve).count() == 1
    left = RosterMembershipFactory(status=RosterMembership.Status.DECLINED).user
    handlers.membership_changed(user_id=left.pk, status="declined", previous_status="eligible")
    assert not ShareLink.objects.filter(advocate=left).exists()


def test_the_kit_shows_share_links_with_the_tracking_code(world, client):
    client.force_login(world["ann"])
    response = client.get(KIT)
    code = code_of(world["post"], world["ann"])
    assert response.status_code == HTTPStatus.OK
    assert world["post"].title in response.text
    assert f"/s/{code}/" in response.text  # the plain, selectable link
    assert f"%2Fs%2F{code}%2F" in response.text  # inside LinkedIn's share address
    assert code_of(world["post"], world["bob"]) not in response.text
    assert "share-kit.js" in response.text
    assert "<script>" not in response.text


def test_expired_and_unpublished_posts_leave_the_kit(world, client):
    old = publish_post(title="Last week's strike news", days=7)
    SharePostPage.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(world["ann"])
    assert "strike news" not in client.get(KIT).text
    world["post"].unpublish()
    assert "No posts to share right now" in client.get(KIT).text


def test_people_not_on_the_roster_are_told_visitors_log_in(world, client):
    client.force_login(world["outsider"])
    response = client.get(KIT)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "for people on the roster" in response.text
    RosterMembership.objects.filter(user=world["bob"]).update(status=RosterMembership.Status.LAPSED)
    client.force_login(world["bob"])
    assert client.get(KIT).status_code == HTTPStatus.FORBIDDEN
    client.logout()
    assert client.get(KIT).status_code == HTTPStatus.FOUND


def test_kit_queries_do_not_grow(world, client, django_assert_max_num_queries):
    client.force_login(world["ann"])
    client.get(KIT)  # the first view makes the site's settings row and fills the caches
    with django_assert_max_num_queries(16) as small:
        client.get(KIT)
    for n in range(4):
        publish_post(title=f"Post {n}", platforms=("linkedin", "x"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(KIT)
    assert response.text.count("share-post") >= 5


# --- The redirect ---------------------------------------------------------------------------


def follow(client, code, *, ip="203.0.113.7", agent="Firefox"):
    return client.get(f"/s/{code}/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def clicks(post) -> int:
    return sum(ShareClick.objects.filter(link__post=post).values_list("count", flat=True))


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_link_counts_once_per_reader_and_hour_and_redirects(world, client):
    code = code_of(world["post"], world["ann"])
    response = follow(client, code)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "https://example.com/news"
    for _ in range(20):  # a bot hammering
        follow(client, code)
    follow(client, code, ip="198.51.100.2")
    follow(client, code, agent="Safari")
    assert clicks(world["post"]) == 3


def test_an_expired_post_still_redirects_and_counts(world, client):
    SharePostPage.objects.filter(pk=world["post"].pk).update(
        expires_at=timezone.now() - timedelta(days=30)
    )
    response = follow(client, code_of(world["post"], world["ann"]))
    assert response["Location"] == "https://example.com/news"
    assert clicks(world["post"]) == 1


def test_an_unpublished_post_sends_home_uncounted_and_a_deleted_one_is_gone(world, client):
    code = code_of(world["post"], world["ann"])
    world["post"].unpublish()
    response = follow(client, code)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert clicks(world["post"]) == 0
    world["post"].delete()
    assert follow(client, code).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "path",
    [
        "/s/AAAAAAAA/",
        "/s/short/",
        "/s/%2F%2Fevil.example/",
        "/s/aaaaaaaa%00/",
        "/s/" + "a" * 300 + "/",
    ],
)
def test_unknown_and_malformed_codes_are_404(world, client, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_the_target_is_only_ever_the_stored_link(world, client):
    code = code_of(world["post"], world["ann"])
    response = client.get(f"/s/{code}/?next=https://evil.example/", REMOTE_ADDR="1.2.3.4")
    assert response["Location"] == "https://example.com/news"
    with pytest.raises(ValidationError):
        validate_https("http://example.com/")
    for hostile in ("javascript:alert(1)", "//evil.example/", "https://user@evil.example/"):
        with pytest.raises(ValidationError):
            validate_https(hostile)


def test_a_broken_cache_still_redirects_and_counts(world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(sharing.cache, "add", broken)
    response = follow(client, code_of(world["post"], world["ann"]))
    assert response.status_code == HTTPStatus.FOUND
    assert clicks(world["post"]) == 1


# --- The hub ---------------------------------------------------------------------------------


def test_the_hub_sees_counts_per_post_and_unit_and_names_only_by_choice(world, client, hr):
    ann_code, bob_code = code_of(world["post"], world["ann"]), code_of(world["post"], world["bob"])
    follow(client, ann_code, ip="10.0.0.1")
    follow(client, ann_code, ip="10.0.0.2")
    follow(client, bob_code, ip="10.0.0.3")
    client.force_login(hr)
    response = client.get(HUB)
    rows = response.context["rows"]
    assert rows[0].total == 3
    assert rows[0].advocates == 2
    assert rows[0].units == [("North", 2), ("South", 1)]
    assert rows[0].named == []
    assert "Ann" not in response.text
    assert "Bob" not in response.text
    # Ann chooses to show her name.
    client.force_login(world["ann"])
    client.post(reverse("advocacy:share_kit_name"), {"show_name": "1"})
    assert SharingChoice.objects.get(user=world["ann"]).show_name
    client.force_login(hr)
    response = client.get(HUB)
    assert response.context["rows"][0].named == [(f"Ann {world['ann'].last_name}", 2)]
    assert "Ann" in response.text
    assert "Bob" not in response.text


def test_the_hub_empty_states(db, client, lead):
    client.force_login(lead)
    assert "No posts for advocates yet" in client.get(HUB).text
    publish_post()
    assert "No clicks yet" in client.get(HUB).text


def test_hub_queries_do_not_grow(world, client, lead, django_assert_max_num_queries):
    client.force_login(lead)
    with django_assert_max_num_queries(16) as small:
        client.get(HUB)
    for n in range(3):
        publish_post(title=f"Post {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(HUB)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("learner", HTTPStatus.FORBIDDEN),
        ("manager", HTTPStatus.FORBIDDEN),
        ("trainer", HTTPStatus.FORBIDDEN),
        ("hr", HTTPStatus.OK),
        ("lead", HTTPStatus.OK),
        ("site_admin", HTTPStatus.OK),
    ],
)
def test_who_reads_the_hub(db, client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(HUB).status_code == status


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("learner", False),
        ("manager", False),
        ("trainer", False),
        ("hr", True),
        ("lead", True),
        ("site_admin", True),
    ],
)
def test_who_writes_posts_in_the_wagtail_admin(db, client, request, role, allowed):
    """The hub (HR, leads, site admins) opens the form for a post in its folder; no one else."""
    client.force_login(request.getfixturevalue(role))
    index = SharePostIndexPage.objects.get()
    response = client.get(f"/admin/pages/add/advocacy/sharepostpage/{index.pk}/")
    assert (response.status_code == HTTPStatus.OK) is allowed


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_hub_people_cannot_write_other_pages(db, client, request, role):
    """HR and leads write posts only: no standard page under the home page."""
    client.force_login(request.getfixturevalue(role))
    home = HomePage.objects.get()
    response = client.get(f"/admin/pages/add/cms/standardpage/{home.pk}/")
    assert response.status_code != HTTPStatus.OK


def test_the_post_is_not_a_public_page(world, client):
    assert client.get(world["post"].url).status_code == HTTPStatus.NOT_FOUND


# --- Privacy ---------------------------------------------------------------------------------


def test_the_advocate_s_links_are_in_their_copy_and_go_at_erasure(world, client):
    follow(client, code_of(world["post"], world["ann"]))
    SharingChoice.objects.create(user=world["ann"], show_name=True)
    data = personal_data_export(user=world["ann"])[0].data
    assert data["share_links"][0]["clicks"] == 1
    assert data["show_name_with_clicks"] is True
    erased = personal_data_erase(user=world["ann"], pseudonym="x")
    assert erased.deleted["share links"] == 1
    assert not ShareLink.objects.filter(advocate=world["ann"]).exists()
    assert not SharingChoice.objects.filter(user=world["ann"]).exists()
    assert ShareLink.objects.filter(advocate=world["bob"]).exists()


def _admin_post_data(**changes):
    data = {
        "title": "Strike is over",
        "slug": "strike-over",
        "text": "Trains run as usual again.",
        "link": "https://example.com/strike",
        "platforms": [Platform.objects.get(slug="linkedin").pk],
        "expires_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
        "suggestions-TOTAL_FORMS": "0",
        "suggestions-INITIAL_FORMS": "0",
        "suggestions-MIN_NUM_FORMS": "0",
        "suggestions-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    data.update(changes)
    return data


def test_a_site_admin_publishes_a_post_in_the_admin(
    db, client, site_admin, django_capture_on_commit_callbacks
):
    ann = RosterMembershipFactory().user
    client.force_login(site_admin)
    index = SharePostIndexPage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/pages/add/advocacy/sharepostpage/{index.pk}/", _admin_post_data()
        )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    post = SharePostPage.objects.get(slug="strike-over")
    assert post.live
    assert ShareLink.objects.filter(post=post, advocate=ann).exists()
    assert [m.to for m in mail.outbox if "A new post to share" in m.subject] == [[ann.email]]


def test_a_link_that_is_not_https_is_refused_and_nothing_typed_is_lost(db, client, site_admin):
    client.force_login(site_admin)
    index = SharePostIndexPage.objects.get()
    response = client.post(
        f"/admin/pages/add/advocacy/sharepostpage/{index.pk}/",
        _admin_post_data(link="javascript:alert(1)"),
    )
    assert response.status_code == HTTPStatus.OK
    assert "link" in response.context["form"].errors
    assert "Trains run as usual again." in response.text
    assert not SharePostPage.objects.exists()
