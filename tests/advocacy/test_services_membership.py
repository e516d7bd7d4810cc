"""Roster membership services: the re-check (invite, withdraw, lapse, reinstate), opting in
and the person's own choices, a lead's decisions, a new policy version; every change logged
with who and why, every message sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy import services
from advocacy.models import RosterEvent, RosterMembership, RosterTier, Tier
from cms.models import PolicyVersion
from competencies.levels import Level
from core.models import NotificationLog
from people.models import User
from tests.factories import (
    PlatformAccountFactory,
    PolicyAcknowledgementFactory,
    PolicyPageFactory,
    RosterMembershipFactory,
    UserFactory,
    add_role,
    qualify,
    roster_framework,
    standing_set,
)

pytestmark = pytest.mark.django_db

Status = RosterMembership.Status


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def framework():
    return roster_framework()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the services schedule on commit (e-mails) at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def policy_version():
    return PolicyVersion.objects.get(page=PolicyPageFactory())


@pytest.fixture
def person(framework):
    """Someone who meets the advocate rules (no policy is published)."""
    user = UserFactory(email="nora@spoke.example", first_name="Nora", last_name="Quist")
    qualify(user, framework)
    return user


@pytest.fixture
def account(person):
    return PlatformAccountFactory(user=person)


def events(membership):
    return list(
        RosterEvent.objects.filter(membership=membership)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "by_id", "reason")
    )


def keys(prefix="roster:"):
    return sorted(
        NotificationLog.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    )


def membership(user, tier=Tier.ADVOCATE):
    return RosterMembership.objects.get(user=user, tier=tier)


def refused(call, code):
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.code == code, caught.value
    return caught.value


# --- The re-check: becoming eligible ------------------------------------------------------


def test_meeting_the_rules_makes_an_invitation_and_tells_once(person, committed, now):
    """A first sync creates an ELIGIBLE row with its event and one e-mail; a second sync
    changes nothing and sends nothing."""
    with committed():
        assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "invited"}
    row = membership(person)
    assert row.status == Status.ELIGIBLE
    assert (row.eligible_since, row.status_changed_at) == (now, now)
    assert events(row) == [("", Status.ELIGIBLE, None, "practising in every core competency")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora@spoke.example"]
    assert message.subject == "You can join the roster as advocate"
    assert "practising in every core competency" in message.body
    assert "Hello Nora" in message.body
    with committed():
        assert services.membership_sync(user=person, now=now + timedelta(hours=1)) == {}
    assert len(mail.outbox) == 1
    assert RosterEvent.objects.filter(membership=row).count() == 1


def test_the_invitation_mentions_the_policy_to_acknowledge(person, policy_version, committed, now):
    """With a policy published and not yet acknowledged, the person is still told they may
    join (the policy is acknowledged while opting in), and the message says so."""
    with committed():
        services.membership_sync(user=person, now=now)
    assert membership(person).status == Status.ELIGIBLE
    assert "acknowledge the social media policy (version 1)" in mail.outbox[0].body


def test_nobody_who_falls_short_is_invited(learner, framework, now):
    """No row for someone who does not meet a tier."""
    standing_set(learner, framework["listening"], Level.COACH)
    assert services.membership_sync(user=learner, now=now) == {}
    assert not RosterMembership.objects.exists()


def test_an_invitation_goes_when_the_rules_stop_holding(person, framework, committed, now):
    """An ELIGIBLE row whose person no longer qualifies is deleted; qualifying again makes a
    new row and a new message."""
    with committed():
        services.membership_sync(user=person, now=now)
    first = membership(person)
    core = [c for c in framework.values() if c.is_core]
    standing_set(person, core[0], Level.AWARE)
    with committed():
        assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "withdrawn"}
    assert not RosterMembership.objects.filter(pk=first.pk).exists()
    assert not RosterEvent.objects.filter(membership_id=first.pk).exists()
    standing_set(person, core[0], Level.PRACTISING)
    with committed():
        assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "invited"}
    assert len(mail.outbox) == 2


def test_a_former_members_invitation_keeps_its_history(person, framework, now):
    """A former member invited again after a long lapse, who stops qualifying, is not
    deleted: the row lapses again, quietly, and is invited again once the rules hold."""
    row = RosterMembershipFactory(user=person)
    standing_set(person, framework["crisis"], Level.AWARE)
    services.membership_sync(user=person, now=now - timedelta(days=100))
    standing_set(person, framework["crisis"], Level.PRACTISING)
    assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "reinvited"}
    standing_set(person, framework["crisis"], Level.AWARE)
    assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "withdrawn"}
    row.refresh_from_db()
    assert row.status == Status.LAPSED
    assert [event[:2] for event in events(row)] == [
        (Status.ACTIVE, Status.LAPSED),
        (Status.LAPSED, Status.ELIGIBLE),
        (Status.ELIGIBLE, Status.LAPSED),
    ]
    standing_set(person, framework["crisis"], Level.PRACTISING)
    later = now + timedelta(days=1)
    assert services.membership_sync(user=person, now=later) == {Tier.ADVOCATE: "reinvited"}
    row.refresh_from_db()
    assert row.status == Status.ELIGIBLE  # never back on the roster without opting in


# --- The re-check: lapsing and coming back ------------------------------------------------


def test_a_member_lapses_with_the_missing_rules_as_reason(person, framework, committed, now):
    """An ACTIVE member below a rule lapses: status, time, reason, event and one e-mail."""
    row = RosterMembershipFactory(user=person)
    standing_set(person, framework["crisis"], Level.AWARE)
    with committed():
        assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "lapsed"}
    row.refresh_from_db()
    reason = "practising in every core competency: 1 to go (Crisis communication)"
    assert (row.status, row.lapsed_at, row.status_changed_at, row.reason) == (
        Status.LAPSED,
        now,
        now,
        reason,
    )
    assert events(row) == [(Status.ACTIVE, Status.LAPSED, None, reason)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your place as advocate has lapsed"
    assert "Crisis communication" in mail.outbox[0].body
    assert keys() == [f"roster:lapsed:{RosterEvent.objects.get(membership=row).pk}"]
    with committed():
        assert services.membership_sync(user=person, now=now) == {}
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", [Status.PAUSED, Status.PENDING])
def test_paused_and_pending_rows_lapse_too(person, framework, status, now):
    """Paused members and people waiting for approval lapse like active members."""
    row = RosterMembershipFactory(user=person, status=status)
    standing_set(person, framework["crisis"], Level.AWARE)
    services.membership_sync(user=person, now=now)
    row.refresh_from_db()
    assert row.status == Status.LAPSED


@pytest.mark.parametrize("before", [Status.ACTIVE, Status.PAUSED, Status.PENDING])
def test_back_where_they_were_within_90_days(person, framework, committed, before, now):
    """Rules that hold again within 90 days of the lapse put the row back in the state it
    lapsed from, without a new opt-in or approval, and the person is told."""
    row = RosterMembershipFactory(user=person, status=before)
    standing_set(person, framework["crisis"], Level.AWARE)
    services.membership_sync(user=person, now=now - timedelta(days=89))
    standing_set(person, framework["crisis"], Level.PRACTISING)
    with committed():
        assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "reinstated"}
    row.refresh_from_db()
    assert row.status == before
    assert row.status_changed_at == now
    assert [event[:2] for event in events(row)] == [
        (before, Status.LAPSED),
        (Status.LAPSED, before),
    ]
    assert [message.subject for message in mail.outbox] == [
        "You are back on the roster as advocate"
    ]


def test_after_90_days_a_lapsed_member_starts_again_as_eligible(person, framework, committed, now):
    """Past 90 days, a lapsed row that qualifies again becomes an invitation: opt-in and
    approval are cleared, and the person is told as a new invitation."""
    approver = UserFactory()
    row = RosterMembershipFactory(
        user=person, tier=Tier.AMBASSADOR, approved_at=now, approved_by=approver
    )
    qualify(person, framework, Tier.AMBASSADOR)
    standing_set(person, framework["crisis"], Level.AWARE)
    services.membership_sync(user=person, now=now - timedelta(days=91))
    row.refresh_from_db()
    assert row.status == Status.LAPSED
    standing_set(person, framework["crisis"], Level.PROFICIENT)
    with committed():
        result = services.membership_sync(user=person, now=now)
    assert result[Tier.AMBASSADOR] == "reinvited"
    row.refresh_from_db()
    assert row.status == Status.ELIGIBLE
    assert (row.opted_in_at, row.approved_at, row.approved_by) == (None, None, None)
    assert row.eligible_since == now
    subjects = sorted(message.subject for message in mail.outbox)
    assert "You can join the roster as ambassador" in subjects


def test_a_lapse_for_the_policy_waits_for_the_acknowledgement(
    person, policy_version, committed, now
):
    """Within 90 days a lapsed member who meets the competency rules but not the policy stays
    lapsed; acknowledging puts them back."""
    row = RosterMembershipFactory(user=person, status=Status.LAPSED, lapsed_at=now)
    RosterEvent.objects.create(
        membership=row, from_status=Status.ACTIVE, to_status=Status.LAPSED, at=now
    )
    assert services.membership_sync(user=person, now=now) == {}
    PolicyAcknowledgementFactory(user=person, version=policy_version)
    assert services.membership_sync(user=person, now=now) == {Tier.ADVOCATE: "reinstated"}
    row.refresh_from_db()
    assert row.status == Status.ACTIVE


@pytest.mark.parametrize("status", [Status.DECLINED, Status.REMOVED])
def test_declined_and_removed_are_left_alone(person, status, now):
    """People who said no, and people a lead removed, are not invited again by the rules."""
    row = RosterMembershipFactory(user=person, status=status)
    assert services.membership_sync(user=person, now=now) == {}
    row.refresh_from_db()
    assert row.status == status


def test_a_deactivated_account_lapses(person, now):
    """Someone who left the company lapses; an open invitation goes."""
    row = RosterMembershipFactory(user=person)
    RosterMembershipFactory(user=person, tier=Tier.AMBASSADOR, status=Status.ELIGIBLE)
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    result = services.membership_sync(user=person, now=now)
    assert result == {Tier.ADVOCATE: "lapsed", Tier.AMBASSADOR: "withdrawn"}
    row.refresh_from_db()
    assert row.reason == "an active account"


def test_sync_all_touches_only_who_needs_it(person, framework, now, committed):
    """The nightly run: invitations, lapses for practice that grew old, nothing for others."""
    old = UserFactory()
    qualify(old, framework, Tier.AMBASSADOR)
    ambassador = RosterMembershipFactory(user=old, tier=Tier.AMBASSADOR)
    RosterMembershipFactory(user=old, tier=Tier.ADVOCATE)
    UserFactory()  # meets nothing
    with committed():
        totals = services.membership_sync_all(now=now)
    assert totals == {"invited": 1}
    assert membership(person).status == Status.ELIGIBLE
    with committed():
        later = services.membership_sync_all(now=now + timedelta(days=90))
    assert later == {"lapsed": 1}
    ambassador.refresh_from_db()
    assert ambassador.status == Status.LAPSED
    assert ambassador.reason == "an accepted practice submission in the last 90 days"


def test_a_quiet_night_costs_the_same_for_few_and_many(framework, now):
    """With nothing to change, the nightly run reads a fixed number of queries."""

    def measure(count):
        for index in range(count):
            status = (Status.LAPSED, Status.DECLINED, Status.REMOVED)[index % 3]
            RosterMembershipFactory(status=status, lapsed_at=now - timedelta(days=5))
        cache.clear()  # both runs read the roster's requirements, as the first of a night does
        with CaptureQueriesContext(connection) as queries:
            assert services.membership_sync_all(now=now) == {}
        return len(queries)

    assert measure(3) == measure(30)


# --- Opting in -----------------------------------------------------------------------------


def test_an_advocate_joins_at_once(person, account, now, committed):
    """Opting in to a tier without approval makes an ACTIVE row speaking on the chosen
    account, logged as the person's own choice."""
    with committed():
        row = services.membership_opt_in(
            user=person, tier=Tier.ADVOCATE, platform_account_ids=[account.pk], now=now
        )
    assert row.status == Status.ACTIVE
    assert row.opted_in_at == now
    assert list(row.platforms.all()) == [account]
    assert events(row) == [("", Status.ACTIVE, person.pk, "opted in")]
    assert mail.outbox == []


def test_opting_in_from_an_invitation_keeps_the_row(person, account, now):
    """The invitation row becomes the membership; its history goes on."""
    services.membership_sync(user=person, now=now)
    row = services.membership_opt_in(
        user=person, tier=Tier.ADVOCATE, platform_account_ids=[str(account.pk)], now=now
    )
    assert row.pk == membership(person).pk
    assert [event[:2] for event in events(row)] == [
        ("", Status.ELIGIBLE),
        (Status.ELIGIBLE, Status.ACTIVE),
    ]


def test_an_ambassador_waits_for_approval(person, framework, account, now):
    """A tier that needs approval makes a PENDING row."""
    qualify(person, framework, Tier.AMBASSADOR)
    row = services.membership_opt_in(
        user=person,
        tier=RosterTier.objects.get(tier=Tier.AMBASSADOR),
        platform_account_ids=[account.pk],
        now=now,
    )
    assert row.status == Status.PENDING
    assert row.approved_at is None


def test_opt_in_refused_when_a_rule_does_not_hold(person, account, now):
    """Not eligible: code "not_eligible", with what is missing; nothing is written."""
    error = refused(
        lambda: services.membership_opt_in(
            user=person, tier=Tier.AMBASSADOR, platform_account_ids=[account.pk], now=now
        ),
        "not_eligible",
    )
    assert error.params["items"] == [
        "proficient in every core competency: 3 to go (Listening, Publishing, "
        "Crisis communication)",
        "coach in at least one competency",
        "an accepted practice submission in the last 90 days",
    ]
    assert "Still to do: proficient in every core competency" in error.messages[0]
    assert not RosterMembership.objects.exists()


def test_opt_in_refused_until_the_policy_is_acknowledged(person, account, policy_version, now):
    """Only the policy missing: code "policy", naming the version; after acknowledging, in."""
    error = refused(
        lambda: services.membership_opt_in(
            user=person, tier=Tier.ADVOCATE, platform_account_ids=[account.pk], now=now
        ),
        "policy",
    )
    assert "version 1" in error.messages[0]
    PolicyAcknowledgementFactory(user=person, version=policy_version)
    row = services.membership_opt_in(
        user=person, tier=Tier.ADVOCATE, platform_account_ids=[account.pk], now=now
    )
    assert row.status == Status.ACTIVE


@pytest.mark.parametrize("choice", ["theirs", "none", "garbage", "unknown"])
def test_opt_in_refused_for_platforms_not_ones_own(person, account, now, choice):
    """Another person's account, no account, a malformed id or an unknown one: code
    "platforms", and nothing is written."""
    ids = {
        "theirs": [account.pk, PlatformAccountFactory().pk],
        "none": [],
        "garbage": ["1 OR 1=1"],
        "unknown": [account.pk + 1000],
    }[choice]
    refused(
        lambda: services.membership_opt_in(
            user=person, tier=Tier.ADVOCATE, platform_account_ids=ids, now=now
        ),
        "platforms",
    )
    assert not RosterMembership.objects.exists()


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (Status.ACTIVE, "already"),
        (Status.PAUSED, "already"),
        (Status.PENDING, "already"),
        (Status.REMOVED, "removed"),
    ],
)
def test_opt_in_refused_for_members_and_removed_people(person, account, now, status, code):
    """On the roster or waiting: "already"; removed by a lead: "removed"."""
    RosterMembershipFactory(user=person, status=status)
    refused(
        lambda: services.membership_opt_in(
            user=person, tier=Tier.ADVOCATE, platform_account_ids=[account.pk], now=now
        ),
        code,
    )


def test_opt_in_to_an_unknown_tier_is_refused(person, account, now):
    """A tier the code does not know: code "tier"."""
    refused(
        lambda: services.membership_opt_in(
            user=person, tier="champion", platform_account_ids=[account.pk], now=now
        ),
        "tier",
    )


def test_someone_who_declined_may_opt_in_later(person, account, now):
    """Declining is not for ever."""
    services.membership_sync(user=person, now=now)
    row = membership(person)
    services.membership_decline(membership=row, by=person, now=now)
    assert row.status == Status.DECLINED
    row = services.membership_opt_in(
        user=person, tier=Tier.ADVOCATE, platform_account_ids=[account.pk], now=now
    )
    assert row.status == Status.ACTIVE


# --- The person's own choices --------------------------------------------------------------


def test_pause_resume_and_leave(person, now):
    """A member pauses, resumes and leaves; each step is logged as theirs."""
    row = RosterMembershipFactory(user=person)
    services.membership_pause(membership=row, by=person, now=now, reason="Busy season")
    assert row.status == Status.PAUSED
    services.membership_resume(membership=row, by=person, now=now + timedelta(days=1))
    assert row.status == Status.ACTIVE
    services.membership_leave(membership=row, by=person, now=now + timedelta(days=2))
    row.refresh_from_db()
    assert (row.status, row.reason) == (Status.DECLINED, "left")
    assert events(row) == [
        (Status.ACTIVE, Status.PAUSED, person.pk, "Busy season"),
        (Status.PAUSED, Status.ACTIVE, person.pk, "resumed"),
        (Status.ACTIVE, Status.DECLINED, person.pk, "left"),
    ]


def test_resuming_when_a_rule_no_longer_holds_lapses(person, framework, committed, now):
    """A paused member whose rules stopped holding lapses on resuming, and is told why."""
    row = RosterMembershipFactory(user=person, status=Status.PAUSED)
    standing_set(person, framework["listening"], Level.AWARE)
    with committed():
        services.membership_resume(membership=row, by=person, now=now)
    assert row.status == Status.LAPSED
    assert "Listening" in row.reason
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("service", "status"),
    [
        (services.membership_decline, Status.ELIGIBLE),
        (services.membership_pause, Status.ACTIVE),
        (services.membership_resume, Status.PAUSED),
        (services.membership_leave, Status.ACTIVE),
    ],
)
def test_only_the_person_makes_their_own_choices(person, lead, service, status, now):
    """Nobody else, not even a lead, declines, pauses, resumes or leaves for someone."""
    row = RosterMembershipFactory(user=person, status=status)
    with pytest.raises(PermissionDenied):
        service(membership=row, by=lead, now=now)
    row.refresh_from_db()
    assert row.status == status


@pytest.mark.parametrize(
    ("service", "status"),
    [
        (services.membership_decline, Status.ACTIVE),
        (services.membership_pause, Status.PAUSED),
        (services.membership_resume, Status.ACTIVE),
        (services.membership_leave, Status.REMOVED),
    ],
)
def test_choices_from_the_wrong_state_are_refused(person, service, status, now):
    """Declining a membership, pausing a paused one, resuming an active one, leaving after a
    removal: code "status"."""
    refused(lambda: service(membership=RosterMembershipFactory(user=person, status=status),
                            by=person, now=now), "status")  # fmt: skip


# --- A lead's decisions --------------------------------------------------------------------


@pytest.fixture
def pending(person, framework):
    qualify(person, framework, Tier.AMBASSADOR)
    return RosterMembershipFactory(user=person, tier=Tier.AMBASSADOR, status=Status.PENDING)


def test_a_lead_approves(pending, lead, committed, now):
    """PENDING → ACTIVE, with who and when; the person is told once."""
    with committed():
        services.membership_approve(membership=pending, by=lead, now=now)
    pending.refresh_from_db()
    assert (pending.status, pending.approved_at, pending.approved_by) == (
        Status.ACTIVE,
        now,
        lead,
    )
    assert events(pending) == [(Status.PENDING, Status.ACTIVE, lead.pk, "approved")]
    assert [message.subject for message in mail.outbox] == ["Welcome to the roster as ambassador"]


@pytest.mark.parametrize("role", ["learner", "trainer", "hr"])
def test_only_leads_approve(request, pending, role, now):
    """Learners, trainers and HR are refused, and nothing changes."""
    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=pending, by=request.getfixturevalue(role), now=now)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_site_admin_may_approve(pending, site_admin, now):
    """Site admins hold every role, the lead's included."""
    services.membership_approve(membership=pending, by=site_admin, now=now)
    assert pending.status == Status.ACTIVE


def test_nobody_approves_their_own_request(framework, lead, now):
    """A lead's own request waits for another lead: code "own"."""
    qualify(lead, framework, Tier.AMBASSADOR)
    own = RosterMembershipFactory(user=lead, tier=Tier.AMBASSADOR, status=Status.PENDING)
    refused(lambda: services.membership_approve(membership=own, by=lead, now=now), "own")
    refused(
        lambda: services.membership_reject(membership=own, by=lead, reason="No", now=now), "own"
    )
    own.refresh_from_db()
    assert own.status == Status.PENDING


def test_only_waiting_requests_are_decided(person, lead, now):
    """Approving or rejecting an active membership: code "status"."""
    row = RosterMembershipFactory(user=person, status=Status.ACTIVE)
    refused(lambda: services.membership_approve(membership=row, by=lead, now=now), "status")
    refused(
        lambda: services.membership_reject(membership=row, by=lead, reason="No", now=now),
        "status",
    )


def test_approval_refused_when_the_rules_stopped_holding(pending, framework, lead, now):
    """A request whose rules stopped holding while it waited is refused, saying what is
    missing: the lead rejects it or waits."""
    standing_set(pending.user, framework["coaching"], Level.PROFICIENT)
    error = refused(
        lambda: services.membership_approve(membership=pending, by=lead, now=now),
        "not_eligible",
    )
    assert error.params["items"] == ["coach in at least one competency"]


def test_a_lead_rejects_with_a_reason(pending, lead, committed, now):
    """PENDING → DECLINED with the lead's reason, which the person reads."""
    with committed():
        services.membership_reject(
            membership=pending, by=lead, reason="  Let's talk first & plan it.  ", now=now
        )
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (Status.DECLINED, "Let's talk first & plan it.")
    assert events(pending) == [
        (Status.PENDING, Status.DECLINED, lead.pk, "Let's talk first & plan it.")
    ]
    assert "Let's talk first & plan it." in mail.outbox[0].body
    assert "Let&#x27;s talk first &amp; plan it." in mail.outbox[0].alternatives[0].content


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_rejecting_needs_a_reason(pending, lead, reason, now):
    """No reason, only spaces, or an essay: an error on ``reason``; nothing changes."""
    with pytest.raises(ValidationError) as caught:
        services.membership_reject(membership=pending, by=lead, reason=reason, now=now)
    assert list(caught.value.message_dict) == ["reason"]
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_only_leads_reject(pending, learner, now):
    """A learner cannot reject anyone's request."""
    with pytest.raises(PermissionDenied):
        services.membership_reject(membership=pending, by=learner, reason="No", now=now)


def test_a_lead_removes_someone_with_a_reason(person, lead, committed, now):
    """→ REMOVED with the reason; the person is told; a second removal is refused."""
    row = RosterMembershipFactory(user=person)
    with pytest.raises(ValidationError) as caught:
        services.membership_remove(membership=row, by=lead, reason=" ", now=now)
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=row, by=person, reason="Bye", now=now)
    own = RosterMembershipFactory(user=lead)
    refused(
        lambda: services.membership_remove(membership=own, by=lead, reason="Me", now=now), "own"
    )
    with committed():
        services.membership_remove(membership=row, by=lead, reason="Posted customer data", now=now)
    row.refresh_from_db()
    assert (row.status, row.reason) == (Status.REMOVED, "Posted customer data")
    assert mail.outbox[0].subject == "You are no longer on the roster as advocate"
    refused(
        lambda: services.membership_remove(membership=row, by=lead, reason="Again", now=now),
        "status",
    )


# --- A new policy version ------------------------------------------------------------------


def test_a_new_version_lapses_members_until_they_acknowledge_it(
    framework, policy_version, committed, now
):
    """Active, paused and pending members of tiers that need the policy who have not
    acknowledged the new version lapse, with its number as the reason, and get one e-mail
    each (even with two tiers); people who acknowledged it, invitations and tiers without
    the policy rule are left alone. Running it again does nothing."""
    version = PolicyVersion.objects.create(
        page=policy_version.page, number=2, change_note="Crisis posts", published_at=now
    )
    people = {key: UserFactory(email=f"{key}@spoke.example") for key in "abcde"}
    for user in people.values():
        qualify(user, framework)
    a = RosterMembershipFactory(user=people["a"])
    a2 = RosterMembershipFactory(user=people["a"], tier=Tier.AMBASSADOR, status=Status.PENDING)
    b = RosterMembershipFactory(user=people["b"], status=Status.PAUSED)
    c = RosterMembershipFactory(user=people["c"])
    PolicyAcknowledgementFactory(user=people["c"], version=version)
    d = RosterMembershipFactory(user=people["d"], status=Status.ELIGIBLE)
    e = RosterMembershipFactory(user=people["e"], status=Status.DECLINED)
    with committed():
        assert services.policy_version_started(version=version, now=now) == 3
    expected = [
        (a, Status.LAPSED),
        (a2, Status.LAPSED),
        (b, Status.LAPSED),
        (c, Status.ACTIVE),
        (d, Status.ELIGIBLE),
        (e, Status.DECLINED),
    ]
    for row, status in expected:
        row.refresh_from_db()
        assert row.status == status, row
    assert (a.reason, a.lapsed_at) == ("acknowledge the policy (version 2)", now)
    assert events(b) == [(Status.PAUSED, Status.LAPSED, None, "acknowledge the policy (version 2)")]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@spoke.example",
        "b@spoke.example",
    ]
    assert keys() == sorted(f"roster:policy:{version.pk}:{people[key].pk}" for key in ("a", "b"))
    first = mail.outbox[0]
    assert first.subject == "The social media policy changed: please acknowledge version 2"
    assert "Crisis posts" in first.body
    with committed():
        assert services.policy_version_started(version=version, now=now) == 0
    assert len(mail.outbox) == 2


def test_acknowledging_the_new_version_puts_them_back(framework, policy_version, now):
    """Within 90 days, acknowledging the new version reinstates the lapsed member."""
    version = PolicyVersion.objects.create(page=policy_version.page, number=2, published_at=now)
    user = UserFactory()
    qualify(user, framework)
    row = RosterMembershipFactory(user=user, status=Status.PAUSED)
    services.policy_version_started(version=version, now=now)
    PolicyAcknowledgementFactory(user=user, version=version)
    assert services.membership_sync(user=user, now=now + timedelta(days=3)) == {
        Tier.ADVOCATE: "reinstated"
    }
    row.refresh_from_db()
    assert row.status == Status.PAUSED


def test_an_older_version_started_late_spares_who_acknowledged_a_newer_one(
    framework, policy_version, now
):
    """A late task for version 1 does not lapse people who acknowledged version 2."""
    newer = PolicyVersion.objects.create(page=policy_version.page, number=2, published_at=now)
    user = UserFactory()
    RosterMembershipFactory(user=user)
    PolicyAcknowledgementFactory(user=user, version=newer)
    assert services.policy_version_started(version=policy_version, now=now) == 0


def test_a_new_version_takes_the_same_queries_for_few_and_many(framework, policy_version, now):
    """The selection, the status change and the log do not grow with the roster."""
    version = PolicyVersion.objects.create(page=policy_version.page, number=2, published_at=now)

    def measure(count):
        for _ in range(count):
            RosterMembershipFactory()
        with CaptureQueriesContext(connection) as queries:
            assert services.policy_version_started(version=version, now=now) == count
        return len(queries)

    assert measure(3) == measure(40)


def test_a_deactivated_lead_approves_nothing(pending, lead, now):
    """A lead whose account was deactivated decides nothing."""
    User.objects.filter(pk=lead.pk).update(is_active=False)
    lead.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=pending, by=lead, now=now)


def test_leads_are_leads_by_group(pending, now):
    """The lead role is the "Advocacy lead" group."""
    newcomer = add_role(UserFactory(), "Advocacy lead")
    services.membership_approve(membership=pending, by=newcomer, now=now)
    assert pending.status == Status.ACTIVE
