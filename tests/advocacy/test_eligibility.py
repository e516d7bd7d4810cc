"""Eligibility for the roster's tiers: every rule scope, the policy and recent practice, the
words people read, many people at once equal to one by one, and a fixed number of queries;
the roster's listings and counts per unit."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.models import PolicyAcknowledgement, RosterMembership, RosterRule, RosterTier, Tier
from advocacy.selectors import (
    TierCheck,
    approvals_waiting,
    eligibility,
    eligibility_for,
    eligible_not_joined,
    memberships_for,
    roster_counts_by_unit,
    roster_memberships,
)
from cms.models import PolicyVersion
from competencies.levels import Level
from competencies.models import Competency, CompetencyStanding
from people.models import User
from tests.factories import (
    BusinessUnitFactory,
    CompetencyFactory,
    PlatformAccountFactory,
    PolicyAcknowledgementFactory,
    PolicyPageFactory,
    RosterMembershipFactory,
    UserFactory,
    practice_accepted,
    roster_framework,
    standing_set,
)

pytestmark = pytest.mark.django_db

Status = RosterMembership.Status
Scope = RosterRule.Scope


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def framework():
    """Three core competencies and two others, in framework order."""
    return roster_framework()


@pytest.fixture
def policy_version():
    """The policy, published: version 1 is current."""
    page = PolicyPageFactory()
    return PolicyVersion.objects.get(page=page)


def all_core(user, framework, level):
    for key in ("listening", "publishing", "crisis"):
        standing_set(user, framework[key], level)


def set_rules(tier: str, *rules, **fields):
    """Replace a tier's rules with ``(scope, level)`` or ``(scope, level, competency)``."""
    roster_tier = RosterTier.objects.get(tier=tier)
    roster_tier.rules.all().delete()
    for position, rule in enumerate(rules):
        scope, level, *competency = rule
        RosterRule.objects.create(
            roster_tier=roster_tier,
            scope=scope,
            min_level=level,
            competency=competency[0] if competency else None,
            sort_order=position,
        )
    if fields:
        RosterTier.objects.filter(pk=roster_tier.pk).update(**fields)


# --- The default tiers ---------------------------------------------------------------------


def test_migration_sets_up_the_two_tiers():
    """Advocates need practising in every core competency and the policy; ambassadors need
    proficient in every core, coach in one, practice in 90 days, the policy and approval."""
    advocate = RosterTier.objects.get(tier=Tier.ADVOCATE)
    ambassador = RosterTier.objects.get(tier=Tier.AMBASSADOR)
    assert (advocate.needs_policy, advocate.needs_approval, advocate.practice_within_days) == (
        True,
        False,
        None,
    )
    assert [(r.scope, r.min_level) for r in advocate.rules.all()] == [
        (Scope.EVERY_CORE, Level.PRACTISING)
    ]
    assert (ambassador.needs_policy, ambassador.needs_approval) == (True, True)
    assert ambassador.practice_within_days == 90
    assert [(r.scope, r.min_level) for r in ambassador.rules.all()] == [
        (Scope.EVERY_CORE, Level.PROFICIENT),
        (Scope.ANY, Level.COACH),
    ]


def test_migration_grants_leads_and_hr_their_permissions(lead, hr, learner):
    """Leads change the rules and see memberships; HR see memberships; learners nothing."""
    assert lead.has_perms(
        [
            "advocacy.change_rostertier",
            "advocacy.change_rosterrule",
            "advocacy.view_rostermembership",
        ]
    )
    assert lead.has_perm("wagtailadmin.access_admin")
    assert hr.has_perm("advocacy.view_rostermembership")
    assert not hr.has_perm("advocacy.change_rostertier")
    assert not learner.has_perm("advocacy.view_rostermembership")


# --- Every scope and its words -------------------------------------------------------------


def test_every_core_rule_lists_what_is_still_to_do(learner, framework, now):
    """Short of two core competencies: the rule says how many and which, in framework order."""
    standing_set(learner, framework["listening"], Level.PROFICIENT)
    standing_set(learner, framework["publishing"], Level.AWARE)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert isinstance(check, TierCheck)
    assert not check.eligible
    assert check.missing == [
        "practising in every core competency: 2 to go (Publishing, Crisis communication)"
    ]
    assert check.met == []


def test_every_core_rule_holds_when_each_core_competency_is_high_enough(learner, framework, now):
    """Practising or better in each core competency meets the advocate tier (no policy yet)."""
    all_core(learner, framework, Level.PRACTISING)
    standing_set(learner, framework["crisis"], Level.COACH)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.eligible
    assert check.qualifies
    assert check.policy_ok
    assert check.missing == []
    assert check.met == ["practising in every core competency"]
    assert check.policy_version is None


def test_every_core_rule_with_no_core_competency_lets_nobody_in(learner, now):
    """A framework with no core competency yet does not open the tier to everyone."""
    standing_set(learner, CompetencyFactory(name="Coaching"), Level.COACH)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert not check.qualifies
    assert check.missing == [
        "practising in every core competency (no competency is marked core yet)"
    ]


def test_competency_rule_names_the_competency(learner, framework, now):
    """A rule about one competency says which, and holds from its level up."""
    set_rules(Tier.ADVOCATE, (Scope.COMPETENCY, Level.PRACTISING, framework["crisis"]))
    standing_set(learner, framework["crisis"], Level.AWARE)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.missing == ["practising in Crisis communication"]
    standing_set(learner, framework["crisis"], Level.PRACTISING)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.eligible
    assert check.met == ["practising in Crisis communication"]


def test_any_rule_needs_one_competency_at_the_level(learner, framework, now):
    """ "Coach in at least one competency" holds with one coach level, in any competency."""
    all_core(learner, framework, Level.PROFICIENT)
    RosterTier.objects.filter(tier=Tier.AMBASSADOR).update(practice_within_days=None)
    check = eligibility_for(user=learner, now=now)[Tier.AMBASSADOR]
    assert check.missing == ["coach in at least one competency"]
    assert check.met == ["proficient in every core competency"]
    standing_set(learner, framework["measurement"], Level.COACH)
    check = eligibility_for(user=learner, now=now)[Tier.AMBASSADOR]
    assert check.eligible
    assert check.met == [
        "proficient in every core competency",
        "coach in at least one competency",
    ]


def test_rules_are_listed_in_the_tier_order(learner, framework, now):
    """Several rules: the missing and met lists follow the order the lead gave them."""
    set_rules(
        Tier.ADVOCATE,
        (Scope.COMPETENCY, Level.COACH, framework["coaching"]),
        (Scope.EVERY_CORE, Level.AWARE),
        (Scope.ANY, Level.PROFICIENT),
    )
    all_core(learner, framework, Level.AWARE)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.missing == ["coach in Coaching", "proficient in at least one competency"]
    assert check.met == ["aware in every core competency"]


# --- Policy and practice -------------------------------------------------------------------


def test_policy_must_be_acknowledged_once_published(learner, framework, policy_version, now):
    """With a policy published, the current version's acknowledgement is required: the person
    qualifies (the policy is acknowledged while opting in) but is not eligible until then."""
    all_core(learner, framework, Level.PRACTISING)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.qualifies
    assert not check.eligible
    assert not check.policy_ok
    assert check.missing == ["acknowledge the policy (version 1)"]
    assert check.rules_missing == []
    assert check.policy_version == 1
    PolicyAcknowledgementFactory(user=learner, version=policy_version)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.eligible
    assert check.policy_ok
    assert check.met[-1] == "acknowledged the policy (version 1)"


def test_an_older_version_does_not_count(learner, framework, policy_version, now):
    """Acknowledging version 1 does not meet the rule once version 2 is current."""
    all_core(learner, framework, Level.PRACTISING)
    PolicyAcknowledgementFactory(user=learner, version=policy_version)
    PolicyVersion.objects.create(
        page=policy_version.page, number=2, published_at=now + timedelta(seconds=1)
    )
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.missing == ["acknowledge the policy (version 2)"]


def test_a_tier_without_the_policy_rule_ignores_it(learner, framework, policy_version, now):
    """Unticking "current policy acknowledged" removes the requirement."""
    all_core(learner, framework, Level.PRACTISING)
    RosterTier.objects.filter(tier=Tier.ADVOCATE).update(needs_policy=False)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert check.eligible
    assert check.policy_version is None


def test_recent_practice_is_required_within_the_window(learner, framework, now):
    """An accepted practice submission reviewed within the tier's days meets the rule; one
    reviewed earlier, or one that needs revision, does not."""
    all_core(learner, framework, Level.PROFICIENT)
    standing_set(learner, framework["coaching"], Level.COACH)
    text = "an accepted practice submission in the last 90 days"
    review = practice_accepted(learner, decided_at=now - timedelta(days=91))
    check = eligibility_for(user=learner, now=now)[Tier.AMBASSADOR]
    assert check.missing == [text]
    review.submission.status = "needs_revision"
    review.submission.save()
    practice_accepted(learner, decided_at=now - timedelta(days=89))
    check = eligibility_for(user=learner, now=now)[Tier.AMBASSADOR]
    assert check.eligible
    assert text in check.met
    # The same practice, seen 2 days later, is too old.
    later = eligibility_for(user=learner, now=now + timedelta(days=2))[Tier.AMBASSADOR]
    assert later.missing == [text]


def test_a_review_that_needs_revision_is_not_practice(learner, framework, now):
    """Only accepted work counts, however recent."""
    all_core(learner, framework, Level.PROFICIENT)
    standing_set(learner, framework["coaching"], Level.COACH)
    review = practice_accepted(learner)
    review.submission.status = "needs_revision"
    review.submission.save()
    assert not eligibility_for(user=learner, now=now)[Tier.AMBASSADOR].eligible


def test_a_deactivated_account_meets_no_tier(learner, framework, now):
    """Someone who left the company is not eligible, whatever their levels."""
    all_core(learner, framework, Level.COACH)
    User.objects.filter(pk=learner.pk).update(is_active=False)
    check = eligibility_for(user=learner, now=now)[Tier.ADVOCATE]
    assert not check.eligible
    assert not check.qualifies
    assert check.missing[0] == "an active account"
    assert learner.pk not in eligibility(now=now)


# --- Many at once --------------------------------------------------------------------------


def _random_company(rng, framework, policy_version, now, people=30):
    competencies = list(framework.values())
    users = []
    for index in range(people):
        user = UserFactory(email=f"random{index}@spoke.example")
        for competency in competencies:
            level = rng.choice([0, 1, 2, 2, 3, 3, 4])
            if level:
                standing_set(user, competency, level)
        if rng.random() < 0.5:
            PolicyAcknowledgementFactory(user=user, version=policy_version)
        if rng.random() < 0.4:
            practice_accepted(user, decided_at=now - timedelta(days=rng.randint(1, 150)))
        users.append(user)
    return users


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_everyone_at_once_equals_each_one(framework, policy_version, now, seed):
    """Over a small random company (levels, acknowledgements, practice of all ages, one
    account deactivated) the checks for everyone equal the checks made one by one."""
    rng = random.Random(seed)
    set_rules(
        Tier.ADVOCATE,
        (Scope.EVERY_CORE, Level.PRACTISING),
        (Scope.COMPETENCY, Level.PROFICIENT, framework["coaching"]),
    )
    users = _random_company(rng, framework, policy_version, now)
    User.objects.filter(pk=users[0].pk).update(is_active=False)
    for competency in framework.values():  # one person surely meets every tier
        standing_set(users[1], competency, Level.COACH)
    PolicyAcknowledgement.objects.get_or_create(
        user=users[1], version=policy_version, defaults={"acknowledged_at": now}
    )
    practice_accepted(users[1], decided_at=now - timedelta(days=1))
    everyone = eligibility(now=now)
    assert set(everyone) >= {user.pk for user in users[1:]}
    assert users[0].pk not in everyone
    for user in users[1:]:
        assert everyone[user.pk] == eligibility_for(user=user, now=now)
    chosen = [user.pk for user in users[:5]]
    assert eligibility(user_ids=chosen, now=now) == {
        pk: eligibility_for(user=User(pk=pk), now=now) for pk in chosen
    }
    assert everyone[users[1].pk][Tier.AMBASSADOR].eligible
    assert sum(checks[Tier.ADVOCATE].eligible for checks in everyone.values()) < len(users) - 1


def _bulk_people(count: int, framework, policy_version, now, *, offset: int):
    """``count`` people with standings, acknowledgements and practice, bulk-written."""
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"bulk{offset + index}@spoke.example", password=password)
        for index in range(count)
    )
    competencies = list(framework.values())
    CompetencyStanding.objects.bulk_create(
        CompetencyStanding(user=user, competency=competency, level=(index + position) % 5)
        for index, user in enumerate(users)
        for position, competency in enumerate(competencies)
    )
    PolicyAcknowledgement.objects.bulk_create(
        PolicyAcknowledgement(user=user, version=policy_version, acknowledged_at=now)
        for user in users[::2]
    )
    return users


def test_queries_do_not_grow_with_the_number_of_people(framework, policy_version, now):
    """The same queries (at most seven) for 10 people as for 210, for everyone and for a
    list; the tiers, rules and policy come from the cache once read."""
    practice_accepted(UserFactory(), decided_at=now - timedelta(days=3))
    small = _bulk_people(10, framework, policy_version, now, offset=0)
    with CaptureQueriesContext(connection) as cold:
        eligibility(now=now)
    with CaptureQueriesContext(connection) as for_ten:
        assert len(eligibility(now=now)) >= 10
    with CaptureQueriesContext(connection) as listed_ten:
        eligibility(user_ids=[user.pk for user in small], now=now)
    large = small + _bulk_people(200, framework, policy_version, now, offset=10)
    with CaptureQueriesContext(connection) as for_many:
        assert len(eligibility(now=now)) >= 210
    with CaptureQueriesContext(connection) as listed_many:
        eligibility(user_ids=[user.pk for user in large], now=now)
    assert len(cold) <= 8  # the stamp, the requirements (four) and three about people
    assert len(for_ten) == len(for_many) <= 7
    assert len(listed_ten) == len(listed_many) == len(for_ten)


def test_ten_thousand_people_in_a_few_queries(framework, policy_version, now):
    """10,000 people with 12 competencies each are checked in the same few queries."""
    for index in range(7):
        CompetencyFactory(name=f"Extra {index}", sort_order=60 + index)
    framework = {c.slug: c for c in Competency.objects.all()}
    _bulk_people(10_000, framework, policy_version, now, offset=0)
    with CaptureQueriesContext(connection) as queries:
        checks = eligibility(now=now)
    assert len(checks) >= 10_000
    assert len(queries) <= 8  # seven, and the content stamp (the tiers come from the cache)


# --- Listings and counts -------------------------------------------------------------------


def test_counts_by_unit_in_one_query(django_assert_num_queries):
    """Active members per unit and tier: paused, pending, lapsed and deactivated people and
    other statuses do not count; asked units with nobody show zeros."""
    north, south, empty = (BusinessUnitFactory(name=name) for name in ("North", "South", "Empty"))
    for _ in range(3):
        RosterMembershipFactory(user=UserFactory(unit=north))
    RosterMembershipFactory(user=UserFactory(unit=north), tier=Tier.AMBASSADOR)
    RosterMembershipFactory(user=UserFactory(unit=south))
    for status in (Status.PAUSED, Status.PENDING, Status.LAPSED, Status.ELIGIBLE):
        RosterMembershipFactory(user=UserFactory(unit=south), status=status)
    RosterMembershipFactory(user=UserFactory(unit=south, is_active=False))
    RosterMembershipFactory(user=UserFactory(unit=None))
    with django_assert_num_queries(1):
        counts = roster_counts_by_unit()
    assert counts[north.pk] == {Tier.ADVOCATE: 3, Tier.AMBASSADOR: 1}
    assert counts[south.pk] == {Tier.ADVOCATE: 1, Tier.AMBASSADOR: 0}
    assert counts[None] == {Tier.ADVOCATE: 1, Tier.AMBASSADOR: 0}
    assert empty.pk not in counts
    with django_assert_num_queries(1):
        asked = roster_counts_by_unit(unit_ids=[south.pk, empty.pk])
    assert asked == {
        south.pk: {Tier.ADVOCATE: 1, Tier.AMBASSADOR: 0},
        empty.pk: {Tier.ADVOCATE: 0, Tier.AMBASSADOR: 0},
    }


@pytest.fixture
def roster():
    """Six people in two units (one a sub-unit of the other), on two platforms."""
    hub = BusinessUnitFactory(name="Operations")
    sub = BusinessUnitFactory(name="Control room", parent=hub)
    other = BusinessUnitFactory(name="Marketing")
    people = {}
    for key, unit, tier, status, platform in [
        ("ada", hub, Tier.ADVOCATE, Status.ACTIVE, "linkedin"),
        ("ben", sub, Tier.ADVOCATE, Status.PAUSED, "x"),
        ("cy", sub, Tier.AMBASSADOR, Status.PENDING, "linkedin"),
        ("di", other, Tier.ADVOCATE, Status.ELIGIBLE, None),
        ("ed", other, Tier.AMBASSADOR, Status.ACTIVE, "x"),
        ("flo", other, Tier.ADVOCATE, Status.LAPSED, "linkedin"),
    ]:
        user = UserFactory(
            email=f"{key}@spoke.example", first_name=key.title(), last_name="Roster", unit=unit
        )
        membership = RosterMembershipFactory(user=user, tier=tier, status=status)
        if platform:
            membership.platforms.add(PlatformAccountFactory(user=user, platform_slug=platform))
        people[key] = membership
    return {"people": people, "hub": hub, "sub": sub, "other": other}


def _names(memberships):
    return sorted(membership.user.first_name for membership in memberships)


def test_roster_listing_filters(roster):
    """By tier, status (one or several), unit with its sub-units, platform and name words."""
    from cms.models import Platform

    assert _names(roster_memberships(tier=Tier.AMBASSADOR)) == ["Cy", "Ed"]
    assert _names(roster_memberships(status=Status.ACTIVE)) == ["Ada", "Ed"]
    assert _names(roster_memberships(status=[Status.PAUSED, Status.LAPSED])) == ["Ben", "Flo"]
    assert _names(roster_memberships(unit_id=roster["hub"].pk)) == ["Ada", "Ben", "Cy"]
    assert _names(roster_memberships(unit_id=roster["sub"].pk)) == ["Ben", "Cy"]
    x = Platform.objects.get(slug="x")
    assert _names(roster_memberships(platform_id=x.pk)) == ["Ben", "Ed"]
    assert _names(roster_memberships(query="flo roster")) == ["Flo"]
    assert _names(roster_memberships(query="ED@SPOKE")) == ["Ed"]
    assert _names(roster_memberships(query="nobody")) == []
    assert _names(roster_memberships(tier=Tier.ADVOCATE, status=Status.ACTIVE, query="a")) == [
        "Ada"
    ]


def test_roster_listing_reads_people_units_and_platforms_up_front(
    roster, django_assert_max_num_queries
):
    """Listing everyone with their unit and platforms is two queries, however many rows."""
    with django_assert_max_num_queries(2):
        rows = [
            (m.user.get_full_name(), m.user.unit.name, [str(a) for a in m.platforms.all()])
            for m in roster_memberships()
        ]
    assert len(rows) == 6
    for _ in range(20):
        member = RosterMembershipFactory(user=UserFactory(unit=roster["other"]))
        member.platforms.add(PlatformAccountFactory(user=member.user))
    with django_assert_max_num_queries(2):
        rows = [
            (m.user.get_full_name(), m.user.unit.name, [str(a) for a in m.platforms.all()])
            for m in roster_memberships()
        ]
    assert len(rows) == 26


def test_waiting_and_eligible_queues(roster):
    """Approvals waiting lists pending requests; eligible-not-joined the open invitations."""
    assert [m.user.first_name for m in approvals_waiting()] == ["Cy"]
    assert [m.user.first_name for m in eligible_not_joined()] == ["Di"]
    User.objects.filter(pk=roster["people"]["cy"].user_id).update(is_active=False)
    assert list(approvals_waiting()) == []


def test_memberships_for_one_person(roster, django_assert_max_num_queries):
    """A person's memberships, one per tier, with their platforms."""
    cy = roster["people"]["cy"].user
    RosterMembershipFactory(user=cy, tier=Tier.ADVOCATE)
    with django_assert_max_num_queries(2):
        rows = [
            (m.tier, [a.platform.slug for a in m.platforms.all()]) for m in memberships_for(user=cy)
        ]
    assert rows == [(Tier.ADVOCATE, []), (Tier.AMBASSADOR, ["linkedin"])]
