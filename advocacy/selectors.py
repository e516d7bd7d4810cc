"""Reads about the roster: who meets which tier's rules, and who is on it.

Eligibility is computed, never stored: :func:`eligibility` checks a tier's competency rules,
its recent-practice rule and its policy rule for any number of people in a fixed number of
queries (the tiers and their rules, the core competencies and the current policy; one
aggregate over the people's standings; one query each for acknowledgements of the current
policy and for recent practice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from assessments.models import Submission
from cms.selectors import policy_current
from competencies.levels import Level
from competencies.models import Competency, CompetencyEvidence
from competencies.selectors import level_reached
from core.pagecache import stamped
from people.models import BusinessUnit
from people.selectors import unit_descendant_ids

from .models import (
    PlatformAccount,
    PolicyAcknowledgement,
    RosterMembership,
    RosterRule,
    RosterTier,
    Tier,
)

Status = RosterMembership.Status
Scope = RosterRule.Scope

# A search box gets a few words of a name or an address, not an essay.
MAX_QUERY_WORDS = 5


# --- Ready for a bad day (Plan B) -----------------------------------------------------------


def crisis_competencies() -> list[Competency]:
    """The competencies marked for crisis readiness, by name (one query)."""
    return list(Competency.objects.filter(is_crisis_readiness=True).order_by("name"))


def crisis_ready(people: QuerySet, *, crisis: list[Competency], version, as_of: datetime):
    """``people`` narrowed to those ready for a bad day: proficient or above in every
    crisis-readiness competency (as the evidence up to ``as_of`` shows), and, when a policy
    is published (``version``), having acknowledged that version.

    The one statement of the readiness rule: the readiness and hub-and-spoke reports count
    with it and Plan B call-outs choose whom to call with it. With no crisis competency
    nobody is ready."""
    if not crisis:
        return people.none()
    for competency in crisis:
        people = people.filter(
            Exists(
                CompetencyEvidence.objects.filter(
                    level_reached(Level.PROFICIENT),
                    user_id=OuterRef("pk"),
                    competency=competency,
                    created_at__lte=as_of,
                )
            )
        )
    if version is not None:
        people = people.filter(
            Exists(PolicyAcknowledgement.objects.filter(user_id=OuterRef("pk"), version=version))
        )
    return people


MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class TierCheck:
    """Where one person stands against one tier's requirements, in plain words.

    ``eligible``: every requirement holds, the policy included: the person may join, or
    stay. ``qualifies``: every requirement but the policy holds; the policy is acknowledged
    while opting in, so this is what makes someone "eligible, not joined". ``missing`` and
    ``met`` list the requirements that do not and do hold, in the tier's order (the policy
    last). ``policy_ok``: the tier needs no policy, none is published, or the current version
    is acknowledged; ``policy_version``: the current version's number when the tier needs it.
    """

    tier: str
    eligible: bool
    missing: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)
    qualifies: bool = False
    policy_ok: bool = True
    policy_version: int | None = None

    @property
    def rules_missing(self) -> list[str]:
        """What is missing apart from the policy acknowledgement."""
        return self.missing if self.policy_ok else self.missing[:-1]


@dataclass(frozen=True)
class _Requirements:
    """Everything the checks need that does not depend on the person (three or four queries)."""

    tiers: list[RosterTier]
    rules: dict[str, list[RosterRule]]
    core: list[tuple[int, str]]  # (pk, name) of every core competency, in framework order
    policy: object | None  # the current cms.PolicyVersion, when a tier needs it
    words: dict = field(default_factory=dict)  # phrases already translated (see _words)

    @property
    def competency_ids(self) -> list[int]:
        """The competencies whose level a rule reads: every core one and every named one."""
        ids = {pk for pk, _name in self.core}
        for rules in self.rules.values():
            ids.update(rule.competency_id for rule in rules if rule.scope == Scope.COMPETENCY)
        return sorted(ids)

    @property
    def practice_days(self) -> set[int]:
        return {tier.practice_within_days for tier in self.tiers if tier.practice_within_days}


def _requirements() -> _Requirements:
    """The tiers, their rules, the core competencies and the current policy, kept until
    the content stamp changes (writing any of them changes it: see ``advocacy.apps``)."""
    return stamped("advocacy:requirements", _read_requirements)


def _read_requirements() -> _Requirements:
    tiers = list(
        RosterTier.objects.order_by("tier").prefetch_related(
            Prefetch(
                "rules",
                queryset=RosterRule.objects.select_related("competency").order_by(
                    "sort_order", "pk"
                ),
            )
        )
    )
    core = list(Competency.objects.filter(is_core=True).values_list("pk", "name"))
    policy = policy_current() if any(tier.needs_policy for tier in tiers) else None
    return _Requirements(
        tiers=tiers,
        rules={tier.tier: list(tier.rules.all()) for tier in tiers},
        core=core,
        policy=policy,
    )


def _level_word(level: int) -> str:
    return str(Level(level).label).lower()


def _words(requirements: _Requirements, key: tuple, make) -> str:
    """Translate each phrase once per call: thousands of people share the same words."""
    words = requirements.words
    if key not in words:
        words[key] = make()
    return words[key]


def _rule_result(
    rule: RosterRule, requirements: _Requirements, levels: dict[int, int], best: int
) -> tuple[bool, str]:
    """Whether one rule holds for a person, and the words for it either way."""
    if rule.scope == Scope.COMPETENCY:
        held = levels.get(rule.competency_id, 0) >= rule.min_level
        return held, _words(
            requirements,
            ("rule", rule.pk),
            lambda: (
                _("%(level)s in %(competency)s")
                % {"level": _level_word(rule.min_level), "competency": rule.competency.name}
            ),
        )
    if rule.scope == Scope.ANY:
        return best >= rule.min_level, _words(
            requirements,
            ("rule", rule.pk),
            lambda: (
                _("%(level)s in at least one competency") % {"level": _level_word(rule.min_level)}
            ),
        )
    text = _words(
        requirements,
        ("rule", rule.pk),
        lambda: _("%(level)s in every core competency") % {"level": _level_word(rule.min_level)},
    )
    if not requirements.core:
        # No competency is marked core yet: the rule cannot be met, rather than let everyone in.
        return False, _words(
            requirements,
            ("no core", rule.pk),
            lambda: _("%(requirement)s (no competency is marked core yet)") % {"requirement": text},
        )
    short = tuple(name for pk, name in requirements.core if levels.get(pk, 0) < rule.min_level)
    if not short:
        return True, text
    return False, _words(
        requirements,
        ("short", rule.pk, short),
        lambda: (
            _("%(requirement)s: %(count)d to go (%(names)s)")
            % {"requirement": text, "count": len(short), "names": ", ".join(short)}
        ),
    )


def _tier_check(
    tier: RosterTier,
    requirements: _Requirements,
    *,
    active: bool,
    levels: dict[int, int],
    best: int,
    acknowledged: bool,
    practised: dict[int, bool],
) -> TierCheck:
    met: list[str] = []
    missing: list[str] = []
    if not active:
        missing.append(_words(requirements, ("inactive",), lambda: _("an active account")))
    for rule in requirements.rules[tier.tier]:
        held, text = _rule_result(rule, requirements, levels, best)
        (met if held else missing).append(text)
    days = tier.practice_within_days
    if days:
        text = _words(
            requirements,
            ("practice", days),
            lambda: _("an accepted practice submission in the last %(days)d days") % {"days": days},
        )
        (met if practised[days] else missing).append(text)
    qualifies = not missing
    policy = requirements.policy if tier.needs_policy else None
    if policy is not None:
        number = {"number": policy.number}
        if acknowledged:
            met.append(
                _words(
                    requirements,
                    ("policy", True),
                    lambda: _("acknowledged the policy (version %(number)d)") % number,
                )
            )
        else:
            missing.append(
                _words(
                    requirements,
                    ("policy", False),
                    lambda: _("acknowledge the policy (version %(number)d)") % number,
                )
            )
    return TierCheck(
        tier=tier.tier,
        eligible=not missing,
        missing=missing,
        met=met,
        qualifies=qualifies,
        policy_ok=policy is None or acknowledged,
        policy_version=policy.number if policy is not None else None,
    )


def eligibility(
    *, user_ids: Iterable[int] | None = None, now: datetime
) -> dict[int, dict[str, TierCheck]]:
    """Each person's check against every tier: ``{user_id: {tier: TierCheck}}``.

    With ``user_ids=None``, everyone with an active account; otherwise exactly those people
    (a deactivated account is checked too, and meets no tier). A policy rule holds when no
    policy is published yet: there is nothing to acknowledge. Queries, whatever the number of
    people: the tiers and their rules (2), the core competencies (1), the current policy (1),
    the people with their levels (1), who acknowledged the current policy (1) and who
    practised recently, one per distinct practice window (with the default tiers, 1): 7.
    """
    User = get_user_model()
    if user_ids is None:
        people = User.objects.filter(is_active=True)
        scope = {"user__is_active": True}
    else:
        ids = sorted({int(pk) for pk in user_ids})
        if not ids:
            return {}
        people = User.objects.filter(pk__in=ids)
        scope = {"user_id__in": ids}
    requirements = _requirements()

    # Levels: one pass over the people's standings, grouped by person. (Reading them through
    # a subquery per competency, or the acknowledgement and practice below as EXISTS columns
    # of this grouped query, measured two to four times slower on PostgreSQL: see
    # bench/roster_eligibility.py.)
    competency_ids = requirements.competency_ids
    columns = {
        f"level_{pk}": Max(
            "competency_standings__level", filter=Q(competency_standings__competency_id=pk)
        )
        for pk in competency_ids
    }
    rows = (
        people.order_by()
        .values("pk", "is_active")
        .annotate(best_level=Max("competency_standings__level"), **columns)
    )
    acknowledged: set[int] = set()
    if requirements.policy is not None:
        acknowledged = set(
            PolicyAcknowledgement.objects.filter(
                version_id=requirements.policy.pk, **scope
            ).values_list("user_id", flat=True)
        )
    practised: dict[int, set[int]] = {}
    for days in requirements.practice_days:
        practised[days] = set(
            Submission.objects.filter(
                status=Submission.Status.ACCEPTED,
                review__decided_at__gte=now - timedelta(days=days),
                review__decided_at__lte=now,
                **scope,
            )
            .order_by()
            .values_list("user_id", flat=True)
            .distinct()
        )

    result: dict[int, dict[str, TierCheck]] = {}
    for row in rows:
        user_id = row["pk"]
        levels = {pk: row[f"level_{pk}"] or 0 for pk in competency_ids}
        result[user_id] = {
            tier.tier: _tier_check(
                tier,
                requirements,
                active=row["is_active"],
                levels=levels,
                best=row["best_level"] or 0,
                acknowledged=user_id in acknowledged,
                practised={days: user_id in users for days, users in practised.items()},
            )
            for tier in requirements.tiers
        }
    return result


def eligibility_for(*, user, now: datetime) -> dict[str, TierCheck]:
    """One person's check against every tier (the same queries as :func:`eligibility`)."""
    return eligibility(user_ids=[user.pk], now=now).get(user.pk, {})


# --- Memberships ---------------------------------------------------------------------------


def _with_people(memberships: QuerySet[RosterMembership]) -> QuerySet[RosterMembership]:
    """What a listing shows: the person and their unit, and the platforms they speak on."""
    return memberships.select_related("user", "user__unit", "approved_by").prefetch_related(
        Prefetch("platforms", queryset=PlatformAccount.objects.select_related("platform"))
    )


def roster_counts_by_unit(*, unit_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Active members per unit and tier, in one query: ``{unit_id: {tier: count}}``.

    Given ``unit_ids``, every one of them is in the answer (with zeros); otherwise only the
    units that have members, and ``None`` for active members who belong to no unit. Only a
    person's own unit counts: add sub-units up yourself where a report wants them.
    """
    memberships = RosterMembership.objects.filter(status=Status.ACTIVE, user__is_active=True)
    counts: dict[int, dict[str, int]] = {}
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        memberships = memberships.filter(user__unit_id__in=unit_ids)
        counts = {pk: dict.fromkeys(Tier.values, 0) for pk in unit_ids}
    rows = memberships.order_by().values_list("user__unit_id", "tier").annotate(members=Count("pk"))
    for unit_id, tier, members in rows:
        counts.setdefault(unit_id, dict.fromkeys(Tier.values, 0))[tier] = members
    return counts


def memberships_for(*, user) -> QuerySet[RosterMembership]:
    """A person's own memberships (at most one per tier), with the platforms they chose."""
    return (
        RosterMembership.objects.filter(user=user)
        .prefetch_related(
            Prefetch("platforms", queryset=PlatformAccount.objects.select_related("platform"))
        )
        .order_by("tier")
    )


def roster_memberships(
    *,
    tier: str | None = None,
    status: str | Iterable[str] | None = None,
    unit_id: int | None = None,
    platform_id: int | None = None,
    query: str = "",
) -> QuerySet[RosterMembership]:
    """The roster for leads and HR, filtered: by tier, by status (one or several), by unit
    (the unit and every unit below it), by platform (a ``cms.Platform`` someone speaks on)
    and by words of a name or e-mail address (each word must match). Two queries to list
    it, however long, plus one to resolve the unit's sub-units when filtering by unit."""
    memberships = RosterMembership.objects.all()
    if tier:
        memberships = memberships.filter(tier=tier)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        memberships = memberships.filter(status__in=statuses)
    if unit_id is not None:
        units = unit_descendant_ids(unit=BusinessUnit(pk=unit_id))
        memberships = memberships.filter(user__unit_id__in=units)
    if platform_id is not None:
        memberships = memberships.filter(platforms__platform_id=platform_id)
    for word in query[:MAX_QUERY_CHARS].split()[:MAX_QUERY_WORDS]:
        memberships = memberships.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return _with_people(memberships).order_by("tier", "user__last_name", "user__first_name", "pk")


def approvals_waiting() -> QuerySet[RosterMembership]:
    """People waiting for a lead's approval, who asked first first."""
    return _with_people(
        RosterMembership.objects.filter(status=Status.PENDING, user__is_active=True)
    ).order_by("opted_in_at", "pk")


def eligible_not_joined() -> QuerySet[RosterMembership]:
    """People told they are eligible who have neither joined nor said no, longest first."""
    return _with_people(
        RosterMembership.objects.filter(status=Status.ELIGIBLE, user__is_active=True)
    ).order_by("eligible_since", "pk")
