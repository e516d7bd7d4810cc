"""The person's side of the roster: the dashboard panel, /roster/me/, joining, pausing,
resuming and leaving."""

from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from advocacy import panels
from advocacy.models import (
    PlatformAccount,
    PolicyAcknowledgement,
    RosterEvent,
    RosterMembership,
    RosterTier,
)
from advocacy.services import membership_opt_in, membership_sync
from cms.models import Platform
from cms.selectors import policy_current
from competencies.levels import Level
from competencies.models import CompetencyStanding
from tests.factories import CompetencyFactory, PolicyPageFactory, UserFactory, policy_answers

ME = reverse("advocacy:me")
DASHBOARD = reverse("dashboard")
Status = RosterMembership.Status


@pytest.fixture
def core(db):
    """One core competency: the advocate tier asks for "practising" in it."""
    return CompetencyFactory(name="Listening", slug="listening", is_core=True)


@pytest.fixture
def policy(db):
    return PolicyPageFactory()


@pytest.fixture
def as_learner(client, learner):
    client.force_login(learner)
    return client


def _level(user, competency, level=Level.PRACTISING):
    CompetencyStanding.objects.update_or_create(
        user=user, competency=competency, defaults={"level": level}
    )


def _acknowledge(user):
    PolicyAcknowledgement.objects.create(
        user=user, version=policy_current(), acknowledged_at=timezone.now()
    )


def _account(user, slug="linkedin", handle="@me"):
    return PlatformAccount.objects.create(
        user=user, platform=Platform.objects.get(slug=slug), handle=handle
    )


def _url(name, tier="advocate"):
    return reverse(f"advocacy:{name}", args=[tier])


def _membership(user, tier="advocate", status=Status.ACTIVE, **fields):
    return RosterMembership.objects.create(
        user=user, tier=tier, status=status, status_changed_at=timezone.now(), **fields
    )


def _ready(user, core, policy):
    """Eligible for advocates, the policy acknowledged, one account listed."""
    _level(user, core)
    _acknowledge(user)
    return _account(user)


# --- Who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [ME, *(f"/roster/me/advocate/{action}/" for action in ("join", "decline", "pause", "resume"))],
)
def test_anonymous_is_sent_to_log_in(client, db, url):
    """Nobody reaches or changes a place on the roster without logging in."""
    for response in (client.get(url), client.post(url)):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    assert not RosterMembership.objects.exists()


def test_every_role_sees_their_own_place(client, any_person, core):
    """Every role has a place on the roster page and sees both tiers."""
    client.force_login(any_person)
    response = client.get(ME)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'id="tier-advocate"' in content
    assert 'id="tier-ambassador"' in content


def test_not_yet_eligible_sees_what_is_missing(as_learner, core):
    """Without the levels, the page lists what is missing and offers no way to join."""
    response = as_learner.get(ME)
    content = response.content.decode()
    assert "practising in every core competency" in content
    assert "Listening" in content
    assert "Not yet: keep practising" in content
    assert _url("opt_in") not in content


# --- The whole way, from invitation to leaving -----------------------------------------------


def test_the_full_way_from_invitation_to_leaving(client, learner, core, policy):
    """Eligible, told on the dashboard, sent to the policy, joins, pauses, resumes, leaves."""
    client.force_login(learner)
    _level(learner, core)
    assert membership_sync(user=learner, now=timezone.now()) == {"advocate": "invited"}

    dashboard = client.get(DASHBOARD).content.decode()
    assert 'data-panel="roster-standing"' in dashboard
    assert "you meet the rules to speak for the company" in dashboard
    assert f"{ME}#tier-advocate" in dashboard

    page = client.get(ME).content.decode()
    policy_url = f"{reverse('advocacy:policy_check')}?next={quote(ME, safe='')}"
    assert policy_url.replace("&", "&amp;") in page
    assert "You are invited" in page

    # No platform yet: add one, and come back here.
    linkedin = Platform.objects.get(slug="linkedin")
    response = client.post(
        f"{reverse('advocacy:platform_add')}?next={ME}",
        {"platform": linkedin.pk, "handle": "@lena", "next": ME},
    )
    assert response["Location"] == ME
    account = PlatformAccount.objects.get(user=learner)

    # Trying to join before acknowledging the policy leads to the policy check.
    response = client.post(_url("opt_in"), {"advocate-platforms": [account.pk]})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == policy_url
    assert RosterMembership.objects.get(user=learner).status == Status.ELIGIBLE

    # The check sends them back here.
    version = policy_current()
    response = client.post(
        policy_url, {"version": version.pk, "next": ME, **policy_answers(policy)}
    )
    assert response["Location"] == ME

    page = client.get(ME).content.decode()
    assert _url("opt_in") in page
    assert "@lena" in page
    response = client.post(_url("opt_in"), {"advocate-platforms": [account.pk]}, follow=True)
    assert "Welcome aboard" in response.content.decode()
    membership = RosterMembership.objects.get(user=learner)
    assert membership.status == Status.ACTIVE
    assert list(membership.platforms.all()) == [account]
    dashboard = client.get(DASHBOARD).content.decode()
    assert "Active" in dashboard
    assert "you meet the rules to speak for the company" not in dashboard

    response = client.post(_url("pause"), follow=True)
    assert "Paused." in response.content.decode()
    assert RosterMembership.objects.get(pk=membership.pk).status == Status.PAUSED

    response = client.post(_url("resume"), follow=True)
    assert "Welcome back" in response.content.decode()
    assert RosterMembership.objects.get(pk=membership.pk).status == Status.ACTIVE

    confirm = client.get(_url("leave"))
    assert confirm.status_code == HTTPStatus.OK
    assert "Leave the Advocate tier?" in confirm.content.decode()
    assert RosterMembership.objects.get(pk=membership.pk).status == Status.ACTIVE
    response = client.post(_url("leave"))
    assert response.status_code == HTTPStatus.FOUND
    assert RosterMembership.objects.get(pk=membership.pk).status == Status.DECLINED

    events = list(
        RosterEvent.objects.filter(membership=membership)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "by")
    )
    assert events == [
        ("", Status.ELIGIBLE, None),
        (Status.ELIGIBLE, Status.ACTIVE, learner.pk),
        (Status.ACTIVE, Status.PAUSED, learner.pk),
        (Status.PAUSED, Status.ACTIVE, learner.pk),
        (Status.ACTIVE, Status.DECLINED, learner.pk),
    ]
    # Having left, they may join again.
    assert _url("opt_in") in client.get(ME).content.decode()


def test_a_tier_that_needs_approval_waits_for_a_lead(as_learner, learner, core, policy):
    """Ambassadors ask to join; the page says a lead looks at it and offers to withdraw."""
    RosterTier.objects.filter(tier="ambassador").update(practice_within_days=None)
    _level(learner, core, Level.COACH)
    _acknowledge(learner)
    account = _account(learner)
    response = as_learner.post(
        _url("opt_in", "ambassador"), {"ambassador-platforms": [account.pk]}, follow=True
    )
    assert "An advocacy lead looks at your request" in response.content.decode()
    assert RosterMembership.objects.get(user=learner, tier="ambassador").status == Status.PENDING
    assert "Withdraw my request" in response.content.decode()
    response = as_learner.get(_url("leave", "ambassador"))
    assert "Withdraw your request to join as Ambassador?" in response.content.decode()
    as_learner.post(_url("leave", "ambassador"))
    assert RosterMembership.objects.get(user=learner, tier="ambassador").status == Status.DECLINED


def test_declining_an_invitation_keeps_the_door_open(as_learner, learner, core, policy):
    """ "No thanks" declines; the form to join stays on the page."""
    _ready(learner, core, policy)
    membership_sync(user=learner, now=timezone.now())
    response = as_learner.post(_url("decline"), follow=True)
    assert "You can still join later" in response.content.decode()
    assert RosterMembership.objects.get(user=learner).status == Status.DECLINED
    assert _url("opt_in") in response.content.decode()


def test_resuming_without_the_rules_lapses(as_learner, learner, core, policy):
    """A paused member whose levels dropped lapses on resuming, and is told what is missing."""
    account = _ready(learner, core, policy)
    membership = membership_opt_in(
        user=learner, tier="advocate", platform_account_ids=[account.pk], now=timezone.now()
    )
    as_learner.post(_url("pause"))
    _level(learner, core, Level.AWARE)
    response = as_learner.post(_url("resume"), follow=True)
    content = response.content.decode()
    assert "You no longer meet every rule of this tier" in content
    membership.refresh_from_db()
    assert membership.status == Status.LAPSED
    assert "Leave this tier" in content


def test_a_removed_person_sees_the_reason_and_no_form(as_learner, learner, core, policy):
    """Removed by a lead: the reason is shown; joining again is not offered."""
    _ready(learner, core, policy)
    _membership(learner, status=Status.REMOVED, reason="Shared a customer's data.")
    content = as_learner.get(ME).content.decode()
    assert "Shared a customer&#x27;s data." in content
    assert _url("opt_in") not in content


# --- Bad input -------------------------------------------------------------------------------


def test_joining_without_a_platform_is_refused(as_learner, learner, core, policy):
    """No box ticked: an error on the form, nothing joined."""
    _ready(learner, core, policy)
    response = as_learner.post(_url("opt_in"), {})
    assert response.status_code == HTTPStatus.OK
    assert "Tick at least one platform." in response.content.decode()
    assert not RosterMembership.objects.filter(status=Status.ACTIVE).exists()


def test_someone_elses_account_is_refused_and_the_ticks_kept(as_learner, learner, core, policy):
    """A forged account id is refused; the person's own tick is still there."""
    mine = _ready(learner, core, policy)
    theirs = _account(UserFactory(), "x", "@them")
    response = as_learner.post(_url("opt_in"), {"advocate-platforms": [mine.pk, theirs.pk]})
    assert response.status_code == HTTPStatus.OK
    assert "Choose the platforms from your own list." in response.content.decode()
    card = next(card for card in response.context["cards"] if card.tier == "advocate")
    assert str(mine.pk) in card.form["platforms"].value()
    assert "@them" not in response.content.decode()
    assert not RosterMembership.objects.exists()


@pytest.mark.parametrize("value", ["abc", "1; DROP TABLE x", "-1", "9" * 40])
def test_odd_account_ids_are_refused(as_learner, learner, core, policy, value):
    """Ids that are not numbers, or not there, are a form error, not a crash."""
    _ready(learner, core, policy)
    response = as_learner.post(_url("opt_in"), {"advocate-platforms": [value]})
    assert response.status_code == HTTPStatus.OK
    assert "Choose the platforms from your own list." in response.content.decode()
    assert not RosterMembership.objects.exists()


def test_joining_without_the_rules_shows_the_services_answer(as_learner, learner, core, policy):
    """Posting the form without meeting the rules shows what is missing, ticks kept."""
    account = _account(learner)
    response = as_learner.post(_url("opt_in"), {"advocate-platforms": [account.pk]})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "You do not meet this tier" in content
    assert "Listening" in content
    assert not RosterMembership.objects.exists()


def test_unknown_tiers_are_not_found(as_learner, learner):
    """A tier that does not exist is a 404 for every action."""
    for action in ("join", "decline", "pause", "resume"):
        assert as_learner.post(f"/roster/me/bogus/{action}/").status_code == HTTPStatus.NOT_FOUND
    assert as_learner.get("/roster/me/bogus/leave/").status_code == HTTPStatus.NOT_FOUND


def test_actions_without_a_membership_are_not_found(as_learner, learner):
    """Pausing, resuming or leaving a tier one is not in is a 404."""
    for name in ("pause", "resume", "decline"):
        assert as_learner.post(_url(name)).status_code == HTTPStatus.NOT_FOUND
    assert as_learner.get(_url("leave")).status_code == HTTPStatus.NOT_FOUND


def test_someone_elses_membership_cannot_be_touched(as_learner, learner):
    """Another person's active membership is out of reach: each action works on one's own."""
    other = _membership(UserFactory())
    assert as_learner.post(_url("pause")).status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert other.status == Status.ACTIVE


def test_changes_need_a_post(as_learner, learner):
    """Pausing, resuming and declining by GET is refused."""
    _membership(learner)
    for name in ("pause", "resume", "decline"):
        assert as_learner.get(_url(name)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert RosterMembership.objects.get().status == Status.ACTIVE


def test_a_service_refusal_is_a_message(as_learner, learner):
    """Pausing a paused membership says why it cannot be done."""
    _membership(learner, status=Status.PAUSED)
    response = as_learner.post(_url("pause"), follow=True)
    assert "cannot be done now" in response.content.decode()


def test_the_page_queries_are_bounded(
    as_learner, learner, core, policy, django_assert_max_num_queries
):
    """The page costs the same with both memberships and every platform listed."""
    _ready(learner, core, policy)
    for platform in Platform.objects.exclude(slug="linkedin"):
        _account(learner, platform.slug, f"@me_{platform.slug}")
    _membership(learner, tier="ambassador", status=Status.DECLINED)
    as_learner.get(ME)
    with django_assert_max_num_queries(24):
        response = as_learner.get(ME)
    assert response.content.decode().count("@me_") >= 8


# --- The dashboard panels --------------------------------------------------------------------


def test_the_standing_panel_is_for_everyone_logged_in(client, any_person, core):
    """Every role sees where they stand; the dashboard stays closed to visitors."""
    client.force_login(any_person)
    assert 'data-panel="roster-standing"' in client.get(DASHBOARD).content.decode()


def test_no_panel_for_anonymous_visitors(rf, db):
    """The panel hooks give nothing to someone not logged in."""
    request = rf.get("/")
    request.user = AnonymousUser()
    assert panels.roster_standing_panel(request) is None
    assert panels.roster_overview_panel(request) is None


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("learner", False),
        ("manager", False),
        ("trainer", False),
        ("hr", True),
        ("lead", True),
        ("site_admin", True),
    ],
)
def test_the_roster_panel_follows_roles(client, request, role, shown):
    """Leads, HR and site admins get the roster at a glance and a way to it."""
    client.force_login(request.getfixturevalue(role))
    content = client.get(DASHBOARD).content.decode()
    assert ('data-panel="roster"' in content) is shown
    assert (f'href="{reverse("advocacy:roster")}"' in content) is shown


def test_the_panel_follows_a_new_standing_at_once(client, learner, core):
    """The panel is worked out on each visit: a new standing shows straight away."""
    client.force_login(learner)
    assert "Still to do" in client.get(DASHBOARD).content.decode()
    _level(learner, core)
    assert "Join as Advocate" in client.get(DASHBOARD).content.decode()
