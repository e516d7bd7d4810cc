"""Demo roster: platform accounts for a few dozen staff, policy acknowledgements, and
advocates and ambassadors in every state that fits each tier, made through the services with
the trail of events that brought them there; seeded once, and without a message."""

import io
from http import HTTPStatus
from itertools import pairwise

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advocacy.forms import handle_problem
from advocacy.models import PlatformAccount, PolicyAcknowledgement, RosterEvent, RosterMembership
from advocacy.selectors import eligibility
from advocacy.services import membership_sync_all
from assessments.models import Review, Submission
from cms.selectors import policy_current
from competencies.models import CompetencyEvidence, CompetencyStanding
from core.models import NotificationLog
from demo.seeds.advocacy import PEOPLE, demo_advocacy_seed

pytestmark = pytest.mark.django_db
Status = RosterMembership.Status
LEAD = "lead@spoke.example"
LEARNER = "learner@spoke.example"
# Advocates join at once: nobody waits for approval in that tier. Ambassadors are the few
# with recent accepted practice, proficient everywhere and coach somewhere.
ADVOCATE_STATES = {
    Status.ELIGIBLE,
    Status.ACTIVE,
    Status.PAUSED,
    Status.LAPSED,
    Status.DECLINED,
    Status.REMOVED,
}
AMBASSADOR_STATES = {Status.ELIGIBLE, Status.PENDING, Status.ACTIVE}
NOTHING = {
    "platform accounts": 0,
    "evidence": 0,
    "submissions": 0,
    "acknowledgements": 0,
    "memberships": 0,
    "roster events": 0,
}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    """The whole demo, as ``seed_demo`` seeds it (the roster is its last step)."""
    return _seed()


def _statuses(tier: str) -> set[str]:
    return set(RosterMembership.objects.filter(tier=tier).values_list("status", flat=True))


def _rows() -> dict:
    """Everything the roster's step writes, field by field."""
    tables = {
        "memberships": RosterMembership,
        "events": RosterEvent,
        "acknowledgements": PolicyAcknowledgement,
        "accounts": PlatformAccount,
        "evidence": CompetencyEvidence,
        "standings": CompetencyStanding,
        "submissions": Submission,
        "reviews": Review,
    }
    rows = {name: list(model.objects.order_by("pk").values()) for name, model in tables.items()}
    rows["speaks on"] = sorted(
        RosterMembership.platforms.through.objects.values_list(
            "rostermembership_id", "platformaccount_id"
        )
    )
    return rows


def test_every_state_of_each_tier_is_there(demo):
    """Advocates eligible, active, paused, lapsed, declined and removed; ambassadors
    eligible, waiting for approval and active: a few dozen memberships in all."""
    assert "advocacy roster: " in demo
    assert _statuses("advocate") == ADVOCATE_STATES
    assert _statuses("ambassador") == AMBASSADOR_STATES
    assert 15 <= RosterMembership.objects.count() <= 30
    active = RosterMembership.objects.filter(tier="advocate", status=Status.ACTIVE)
    assert active.count() >= 6
    assert active.values("user__unit").distinct().count() >= 3


def test_each_membership_has_the_trail_that_brought_it_there(demo):
    """Every membership starts with the re-check's invitation and each event follows the
    last; the lead approved, turned down and removed, each time with a reason where one is
    needed; nobody decided about themselves."""
    for membership in RosterMembership.objects.select_related("user"):
        events = list(membership.events.order_by("at", "pk"))
        assert events, membership
        assert (events[0].from_status, events[0].to_status, events[0].by) == (
            "",
            Status.ELIGIBLE,
            None,
        ), membership
        for before, after in pairwise(events):
            assert after.from_status == before.to_status, membership
            assert after.at >= before.at, membership
        assert events[-1].to_status == membership.status, membership
        assert membership.status_changed_at == events[-1].at, membership
        for event in events:
            assert event.by is None or event.by.email in {LEAD, membership.user.email}, event
    decisions = RosterEvent.objects.filter(by__email=LEAD)
    assert set(decisions.values_list("to_status", flat=True)) == {
        Status.ACTIVE,
        Status.DECLINED,
        Status.REMOVED,
    }
    for event in decisions.exclude(to_status=Status.ACTIVE):
        assert len(event.reason) > 40, event
    approved = RosterMembership.objects.get(tier="ambassador", status=Status.ACTIVE)
    assert approved.approved_by.email == LEAD
    paused = RosterMembership.objects.filter(status=Status.PAUSED)
    assert all(len(membership.reason) > 10 for membership in paused)


def test_a_couple_acknowledged_only_version_one_and_lapsed(demo):
    """The members who did not acknowledge version 2 lapsed for it; everyone on the roster
    or waiting for approval acknowledged it, most of them also version 1 before."""
    current = policy_current()
    assert current.number == 2
    lapsed = RosterMembership.objects.filter(status=Status.LAPSED)
    assert lapsed.count() == 2
    for membership in lapsed:
        versions = set(
            PolicyAcknowledgement.objects.filter(user=membership.user).values_list(
                "version__number", flat=True
            )
        )
        assert versions == {1}, membership
        assert membership.reason == "acknowledge the policy (version 2)"
    held = RosterMembership.objects.filter(status__in=(*RosterMembership.ON_ROSTER, Status.PENDING))
    for membership in held:
        assert PolicyAcknowledgement.objects.filter(
            user=membership.user, version=current
        ).exists(), membership
    acknowledged = PolicyAcknowledgement.objects.filter(version=current)
    assert (
        acknowledged.count() > PolicyAcknowledgement.objects.filter(version__number=1).count() / 2
    )
    assert not PolicyAcknowledgement.objects.filter(
        acknowledged_at__lt=current.published_at, version=current
    ).exists()


def test_the_roster_agrees_with_the_rules(demo):
    """The nightly re-check finds nothing to change: the eligible still qualify, everyone
    held meets every requirement, and the ambassadors have recent accepted practice."""
    assert membership_sync_all(now=timezone.now()) == {}
    checks = eligibility(now=timezone.now())
    for membership in RosterMembership.objects.filter(
        status__in=(Status.ELIGIBLE, *RosterMembership.ON_ROSTER, Status.PENDING)
    ):
        check = checks[membership.user_id][membership.tier]
        assert check.qualifies, (membership, check.missing)
        if membership.status != Status.ELIGIBLE:
            assert check.eligible, (membership, check.missing)
    for membership in RosterMembership.objects.filter(tier="ambassador"):
        assert Submission.objects.filter(
            user=membership.user, status=Submission.Status.ACCEPTED
        ).exists(), membership


def test_a_few_dozen_people_list_plausible_accounts(demo):
    """Every demo handle is one the platform form accepts; members speak only on their own
    accounts, and everyone on the roster on at least one."""
    accounts = PlatformAccount.objects.select_related("platform", "user")
    assert accounts.values("user").distinct().count() >= 24
    assert accounts.values("platform").distinct().count() >= 6
    for account in accounts:
        assert handle_problem(account.platform, account.handle) == "", account
    for membership in RosterMembership.objects.prefetch_related("platforms"):
        chosen = list(membership.platforms.all())
        assert all(account.user_id == membership.user_id for account in chosen), membership
        if membership.status in (*RosterMembership.ON_ROSTER, Status.PENDING):
            assert chosen, membership
    assert len({person.address for person in PEOPLE}) == len(PEOPLE)


def test_the_demo_learner_sees_what_is_missing(demo, client):
    """learner@ is not on the roster yet: the dashboard panel lists what is still to do."""
    client.login(username=LEARNER, password="spoke-demo")
    content = client.get(reverse("dashboard")).content.decode()
    assert "Advocates and ambassadors" in content
    assert "Still to do:" in content
    assert "practising in every core competency: 3 to go" in content
    assert "acknowledge the policy (version 2)" in content
    assert not RosterMembership.objects.filter(user__email=LEARNER).exists()


def test_the_demo_lead_finds_a_request_waiting(demo, client):
    """lead@ sees an ambassador's request in the approval queue, and a lapsed member and a
    removed one on the roster's full list."""
    client.login(username=LEAD, password="spoke-demo")
    waiting = RosterMembership.objects.get(status=Status.PENDING)
    response = client.get(reverse("advocacy:approvals"))
    assert response.status_code == HTTPStatus.OK
    assert waiting.user.get_full_name() in response.content.decode()
    everyone = client.get(reverse("advocacy:roster"), {"status": "all"}).content.decode()
    for status in (Status.LAPSED, Status.REMOVED, Status.PAUSED):
        member = RosterMembership.objects.filter(status=status).select_related("user").first()
        assert member.user.get_full_name() in everyone, status


def test_running_twice_writes_nothing_and_changes_no_row(demo):
    """The second run finds the roster in use and writes nothing, not even a timestamp."""
    before = _rows()
    assert demo_advocacy_seed() == NOTHING
    assert _rows() == before


def test_seeding_sends_nothing(django_capture_on_commit_callbacks):
    """Demo history is not news: no e-mail, nothing logged as sent."""
    with django_capture_on_commit_callbacks(execute=True):
        _seed()
    assert RosterMembership.objects.exists()
    assert mail.outbox == []
    assert NotificationLog.objects.count() == 0
