""" "Where I am online": a person lists, adds, changes and deletes their platform accounts."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import PlatformAccount, RosterMembership
from cms.models import Platform
from tests.factories import UserFactory

LIST = reverse("advocacy:platforms")
ADD = reverse("advocacy:platform_add")


@pytest.fixture
def linkedin(db):
    return Platform.objects.get(slug="linkedin")


@pytest.fixture
def x_platform(db):
    return Platform.objects.get(slug="x")


@pytest.fixture
def as_learner(client, learner):
    client.force_login(learner)
    return client


def _account(user, platform, handle="@someone"):
    return PlatformAccount.objects.create(user=user, platform=platform, handle=handle)


def _edit(account):
    return reverse("advocacy:platform_edit", args=[account.pk])


def _delete(account):
    return reverse("advocacy:platform_delete", args=[account.pk])


# --- Who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, ADD, "/roster/platforms/1/", "/roster/platforms/1/delete/"])
def test_anonymous_is_sent_to_log_in(client, db, url):
    """Nobody sees or changes an inventory without logging in."""
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(url, {"platform": 1, "handle": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert not PlatformAccount.objects.exists()


def test_every_role_has_its_own_inventory(client, any_person, linkedin):
    """Every role reaches its own list and the add form."""
    client.force_login(any_person)
    assert client.get(LIST).status_code == HTTPStatus.OK
    assert client.get(ADD).status_code == HTTPStatus.OK


def test_empty_list_explains_itself(as_learner):
    """With nothing listed, the page says so and offers to add one."""
    content = as_learner.get(LIST).content.decode()
    assert "You have not listed any platform yet" in content
    assert ADD in content


def test_the_list_shows_only_ones_own_accounts(as_learner, learner, linkedin, x_platform):
    """Someone else's handle never shows on my list."""
    _account(learner, linkedin, "@mine")
    _account(UserFactory(), x_platform, "@theirs")
    content = as_learner.get(LIST).content.decode()
    assert "@mine" in content
    assert "@theirs" not in content


def test_list_queries_are_bounded(as_learner, learner, django_assert_max_num_queries):
    """The list costs the same few queries with one account or nine."""
    for platform in Platform.objects.all():
        _account(learner, platform, f"@me_{platform.slug}")
    as_learner.get(LIST)  # the first request of a session writes a few one-off rows
    # The layout (session, person, roles, site settings) takes 8; the list itself 3.
    with django_assert_max_num_queries(11):
        response = as_learner.get(LIST)
    assert response.content.decode().count("@me_") == Platform.objects.count()
    assert "You listed an account on every platform we know" in response.content.decode()


# --- Adding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handle",
    ["@ana.gomez", "ana_gomez", "ana-gomez", "@ana@mastodon.social", "  @padded  "],
)
def test_a_plain_handle_is_accepted(as_learner, learner, linkedin, handle):
    """Handles with an @, dots, dashes, underscores or a server are fine, spaces trimmed."""
    response = as_learner.post(ADD, {"platform": linkedin.pk, "handle": handle})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == LIST
    account = PlatformAccount.objects.get(user=learner)
    assert (account.platform, account.handle) == (linkedin, handle.strip())


def test_a_profile_address_of_the_platform_is_accepted(as_learner, learner, linkedin):
    """The https address of a LinkedIn profile is a LinkedIn handle."""
    url = "https://www.linkedin.com/in/ana-gomez/"
    response = as_learner.post(ADD, {"platform": linkedin.pk, "handle": url})
    assert response.status_code == HTTPStatus.FOUND
    assert PlatformAccount.objects.get(user=learner).handle == url


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("https://www.linkedin.com/posts/ana_hello-activity-123", "This is the address of a post"),
        ("https://x.com/ana", "This is not a LinkedIn profile address"),
        ("http://www.linkedin.com/in/ana", "starting with https://"),
        ("javascript:alert(1)//x", "starting with https://"),
        ("www.linkedin.com/in/ana", "starting with https://"),
        ("<script>alert(1)</script>", "A handle has letters, digits"),
        ("ana gomez", "A handle has letters, digits"),
        ('=HYPERLINK("http://evil")', "A handle has letters, digits"),
        ("https://ana:secret@www.linkedin.com/in/ana", "This is not a LinkedIn profile address"),
    ],
)
def test_hostile_or_wrong_handles_are_refused_and_kept(as_learner, linkedin, handle, message):
    """A post, another site, plain http, markup or spaces: a clear error, the input kept."""
    response = as_learner.post(ADD, {"platform": linkedin.pk, "handle": handle})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert message in content
    form = response.context["form"]
    assert form.data["handle"] == handle
    assert str(form["platform"].value()) == str(linkedin.pk)
    assert "<script>alert" not in content
    assert not PlatformAccount.objects.exists()


def test_an_overlong_handle_is_refused(as_learner, linkedin):
    """More than 200 characters is refused with the limit named."""
    response = as_learner.post(ADD, {"platform": linkedin.pk, "handle": "a" * 5000})
    assert response.status_code == HTTPStatus.OK
    assert "at most 200 characters" in response.content.decode()
    assert not PlatformAccount.objects.exists()


@pytest.mark.parametrize("platform", ["999999", "abc", "", "1 OR 1=1"])
def test_an_unknown_platform_is_refused_and_the_handle_kept(as_learner, platform):
    """A made-up or missing platform id is an error on the field, not a crash."""
    response = as_learner.post(ADD, {"platform": platform, "handle": "@ana"})
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "platform" in form.errors
    assert form.data["handle"] == "@ana"
    assert not PlatformAccount.objects.exists()


def test_one_account_per_platform(as_learner, learner, linkedin):
    """A second LinkedIn account is refused with a clear message; the first stays."""
    _account(learner, linkedin, "@first")
    response = as_learner.post(ADD, {"platform": linkedin.pk, "handle": "@second"})
    assert response.status_code == HTTPStatus.OK
    assert "You already listed your LinkedIn account" in response.content.decode()
    assert response.context["form"].data["handle"] == "@second"
    assert list(PlatformAccount.objects.values_list("handle", flat=True)) == ["@first"]


def test_someone_elses_account_on_the_same_platform_is_no_obstacle(as_learner, learner, linkedin):
    """The one-per-platform rule is per person."""
    _account(UserFactory(), linkedin, "@them")
    response = as_learner.post(ADD, {"platform": linkedin.pk, "handle": "@me"})
    assert response.status_code == HTTPStatus.FOUND
    assert PlatformAccount.objects.filter(user=learner).count() == 1


def test_adding_returns_to_a_safe_next_address(as_learner, linkedin, x_platform):
    """``next`` on this site is followed; one to another site is ignored."""
    me = reverse("advocacy:me")
    response = as_learner.post(
        f"{ADD}?next={me}", {"platform": linkedin.pk, "handle": "@a", "next": me}
    )
    assert response["Location"] == me
    response = as_learner.post(
        ADD, {"platform": x_platform.pk, "handle": "@b", "next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_adding_needs_a_csrf_token(client, learner, linkedin):
    """A forged cross-site POST is refused."""
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(ADD, {"platform": linkedin.pk, "handle": "@a"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not PlatformAccount.objects.exists()


# --- Changing and deleting -------------------------------------------------------------------


def test_editing_ones_own_account(as_learner, learner, linkedin):
    """The same platform with a new handle is no duplicate."""
    account = _account(learner, linkedin, "@old")
    assert as_learner.get(_edit(account)).status_code == HTTPStatus.OK
    response = as_learner.post(_edit(account), {"platform": linkedin.pk, "handle": "@new"})
    assert response.status_code == HTTPStatus.FOUND
    account.refresh_from_db()
    assert account.handle == "@new"


def test_editing_to_a_platform_already_listed_is_refused(as_learner, learner, linkedin, x_platform):
    """Moving an account onto a platform that has one already is refused."""
    _account(learner, linkedin, "@in")
    other = _account(learner, x_platform, "@x")
    response = as_learner.post(_edit(other), {"platform": linkedin.pk, "handle": "@x"})
    assert response.status_code == HTTPStatus.OK
    assert "You already listed your LinkedIn account" in response.content.decode()
    other.refresh_from_db()
    assert other.platform == x_platform


def test_someone_elses_account_is_not_found(as_learner, linkedin):
    """Another person's account is a 404 to see, change or delete, and stays as it was."""
    theirs = _account(UserFactory(), linkedin, "@theirs")
    for url in (_edit(theirs), _delete(theirs)):
        assert as_learner.get(url).status_code == HTTPStatus.NOT_FOUND
        response = as_learner.post(url, {"platform": linkedin.pk, "handle": "@stolen"})
        assert response.status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.handle == "@theirs"


@pytest.mark.parametrize(
    "url",
    ["/roster/platforms/abc/", "/roster/platforms/-1/delete/", "/roster/platforms/99999/"],
)
def test_odd_ids_are_not_found(as_learner, url):
    """Ids that are not numbers, or not there, are a 404."""
    assert as_learner.get(url).status_code == HTTPStatus.NOT_FOUND


def test_deleting_asks_first_then_deletes(as_learner, learner, linkedin):
    """GET shows the question and changes nothing; POST deletes."""
    account = _account(learner, linkedin, "@gone")
    response = as_learner.get(_delete(account))
    assert response.status_code == HTTPStatus.OK
    assert "Delete your LinkedIn account from the list?" in response.content.decode()
    assert PlatformAccount.objects.filter(pk=account.pk).exists()
    response = as_learner.post(_delete(account))
    assert response.status_code == HTTPStatus.FOUND
    assert not PlatformAccount.objects.filter(pk=account.pk).exists()


def test_deleting_an_account_in_use_says_which_tier_loses_it(as_learner, learner, linkedin):
    """The confirmation names the tiers that speak on the account."""
    account = _account(learner, linkedin, "@used")
    membership = RosterMembership.objects.create(
        user=learner, tier="advocate", status="active", status_changed_at=timezone.now()
    )
    membership.platforms.add(account)
    content = as_learner.get(_delete(account)).content.decode()
    assert "it is taken off them too" in content
    assert "Advocate" in content
    as_learner.post(_delete(account))
    assert membership.platforms.count() == 0
