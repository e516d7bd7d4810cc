"""Writes about roster membership: the re-check, opting in and out, a lead's decisions, and a
new policy version.

Every change of a membership's status goes through :func:`_move`: the row is locked, the
change is written to :class:`~advocacy.models.RosterEvent` with who made it (``None``: the
rules, checked by Spoke) and why, ``status_changed_at`` is set, and the person's message is
sent once, after the commit, under a key that names the event (or the policy version), so a
retried task never sends it twice.

The states, in short: a row appears as ELIGIBLE when someone first meets a tier's rules (the
policy aside: it is acknowledged while opting in). Opting in makes it ACTIVE, or PENDING
when a lead approves the tier. A member may pause, resume and leave (DECLINED, reason
"left"); a lead may approve or reject (DECLINED, with the lead's reason) a pending request
and remove anyone (REMOVED). When a rule stops holding, ACTIVE, PAUSED and PENDING rows
LAPSE; when the rules hold again within :data:`REINSTATE_WITHIN` the row goes back to the
state it lapsed from, with no new approval; after that it starts again as ELIGIBLE.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.selectors import policy_current, policy_questions
from core.audit import audit_log
from core.events import event_announce
from core.personcache import person_changed
from core.tasks import notify_after_commit
from people import roles

from .audit import ROSTER_APPROVED, ROSTER_REJECTED, ROSTER_REMOVED
from .events import MEMBERSHIP_CHANGED, POLICY_ACKNOWLEDGED
from .models import (
    PlatformAccount,
    PolicyAcknowledgement,
    RosterEvent,
    RosterMembership,
    RosterTier,
    Tier,
)
from .policy import policy_answers_grade, policy_question_id
from .selectors import TierCheck, eligibility, eligibility_for

Status = RosterMembership.Status
EMAIL = "advocacy/email/"
# A lapsed member whose rules hold again within this time is back where they were, without
# opting in or being approved again; after it, they start again from "eligible".
REINSTATE_WITHIN = timedelta(days=90)
# What a lapse can happen to: on the roster, or waiting to be.
HELD = (Status.ACTIVE, Status.PAUSED, Status.PENDING)
MAX_REASON = 500


# --- Shared steps --------------------------------------------------------------------------


def _tier_label(tier: str) -> str:
    return str(Tier(tier).label)


def _join(texts: Iterable[str]) -> str:
    return "; ".join(str(text) for text in texts)[:MAX_REASON]


def _roster_path() -> str:
    """Where the e-mails send people: their own roster page."""
    return reverse("advocacy:me")


def _move(
    membership: RosterMembership,
    *,
    to: str,
    by,
    reason: str,
    now: datetime,
    **fields,
) -> RosterEvent:
    """Change a locked membership's status, log the change and save the row."""
    reason = str(reason)[:MAX_REASON]
    event = RosterEvent.objects.create(
        membership=membership,
        from_status=membership.status,
        to_status=to,
        by=by,
        reason=reason,
        at=now,
    )
    membership.status = to
    membership.status_changed_at = now
    membership.reason = reason
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.save()
    _announce(membership, event)
    return event


def _announce(membership: RosterMembership, event: RosterEvent) -> None:
    """After the commit: credentials issues or revokes the tier's credential."""
    event_announce(
        MEMBERSHIP_CHANGED,
        user_id=membership.user_id,
        membership_id=membership.pk,
        tier=str(membership.tier),
        status=str(event.to_status),
        previous_status=str(event.from_status),
    )


def _create(*, user, tier: str, to: str, by, reason: str, now: datetime, **fields):
    """A new membership row in state ``to`` and its first event (from no state), or ``None``
    when a concurrent request created the row first."""
    reason = str(reason)[:MAX_REASON]
    membership = RosterMembership(
        user=user, tier=tier, status=to, status_changed_at=now, reason=reason, **fields
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        return None, None
    event = RosterEvent.objects.create(
        membership=membership, from_status="", to_status=to, by=by, reason=reason, at=now
    )
    _announce(membership, event)
    return membership, event


def _locked(membership: RosterMembership) -> RosterMembership:
    """The membership's row, locked until the transaction ends, with its person."""
    return (
        RosterMembership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk)
    )


def _copy_state(source: RosterMembership, target: RosterMembership) -> None:
    """Let the caller's object see what the service wrote."""
    for name in (
        "status",
        "status_changed_at",
        "reason",
        "eligible_since",
        "opted_in_at",
        "approved_at",
        "approved_by_id",
        "lapsed_at",
    ):
        setattr(target, name, getattr(source, name))


def _require_self(*, membership: RosterMembership, by) -> None:
    if by is None or not getattr(by, "is_authenticated", False) or by.pk != membership.user_id:
        raise PermissionDenied(_("Only the person themselves changes their membership this way."))


def _require_lead(by) -> None:
    if by is None or not getattr(by, "is_active", False) or not roles.user_is_advocacy_lead(by):
        raise PermissionDenied(_("Only advocacy leads decide about memberships."))


def _require_status(membership: RosterMembership, *allowed: str) -> None:
    if membership.status not in allowed:
        raise ValidationError(
            _("This membership is %(status)s: that cannot be done now.")
            % {"status": membership.get_status_display().lower()},
            code="status",
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Say why: the person is told."), code="required")}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Keep the reason under %(max)d characters.") % {"max": MAX_REASON},
                    code="too_long",
                )
            }
        )
    return reason


# --- Messages ------------------------------------------------------------------------------


def _tell_eligible(membership: RosterMembership, event: RosterEvent, check: TierCheck) -> None:
    notify_after_commit(
        user_id=membership.user_id,
        key=f"roster:eligible:{membership.tier}:{membership.user_id}:{event.pk}",
        template=EMAIL + "eligible",
        context={
            "tier": membership.tier,
            "tier_label": _tier_label(membership.tier),
            "met": [str(text) for text in check.met],
            "policy_version": check.policy_version if not check.eligible else None,
            "path": _roster_path(),
        },
    )


def _tell_lapsed(membership: RosterMembership, event: RosterEvent, missing: list[str]) -> None:
    notify_after_commit(
        user_id=membership.user_id,
        key=f"roster:lapsed:{event.pk}",
        template=EMAIL + "lapsed",
        context={
            "tier": membership.tier,
            "tier_label": _tier_label(membership.tier),
            "missing": [str(text) for text in missing],
            "days": REINSTATE_WITHIN.days,
            "path": _roster_path(),
        },
    )


def _tell_reinstated(membership: RosterMembership, event: RosterEvent) -> None:
    notify_after_commit(
        user_id=membership.user_id,
        key=f"roster:reinstated:{event.pk}",
        template=EMAIL + "reinstated",
        context={
            "tier": membership.tier,
            "tier_label": _tier_label(membership.tier),
            "status": membership.status,
            "status_label": str(membership.get_status_display()),
            "path": _roster_path(),
        },
    )


def _tell_decision(membership: RosterMembership, event: RosterEvent, template: str) -> None:
    notify_after_commit(
        user_id=membership.user_id,
        key=f"roster:{template}:{event.pk}",
        template=EMAIL + template,
        context={
            "tier": membership.tier,
            "tier_label": _tier_label(membership.tier),
            "reason": event.reason,
            "path": _roster_path(),
        },
    )


# --- The re-check --------------------------------------------------------------------------

INVITE, WITHDRAW, LAPSE, REINSTATE, REINVITE = (
    "invited",
    "withdrawn",
    "lapsed",
    "reinstated",
    "reinvited",
)


def _sync_action(membership: RosterMembership | None, check: TierCheck, now: datetime) -> str:
    """What the re-check does to one membership (``""``: nothing). Pure, so that the nightly
    run can find the few people with something to do before locking anything."""
    if membership is None:
        return INVITE if check.qualifies else ""
    status = membership.status
    if status == Status.ELIGIBLE:
        return WITHDRAW if not check.qualifies else ""
    if status in HELD:
        return LAPSE if not check.eligible else ""
    if status == Status.LAPSED:
        # A lapsed invitation (a former member invited again, see WITHDRAW) has no opt-in.
        recent = (
            membership.opted_in_at is not None
            and membership.lapsed_at is not None
            and now - membership.lapsed_at <= REINSTATE_WITHIN
        )
        if recent:
            return REINSTATE if check.eligible else ""
        return REINVITE if check.qualifies else ""
    return ""  # declined and removed rows are people's and leads' decisions: left alone


def _lapse(membership: RosterMembership, *, missing: list[str], now: datetime) -> RosterEvent:
    event = _move(
        membership, to=Status.LAPSED, by=None, reason=_join(missing), now=now, lapsed_at=now
    )
    _tell_lapsed(membership, event, missing)
    return event


def _reinstated_status(membership: RosterMembership) -> str:
    """The state a lapsed membership lapsed from (active, paused or waiting for approval)."""
    before = (
        membership.events.filter(to_status=Status.LAPSED)
        .order_by("-at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    return before if before in HELD else Status.ACTIVE


def _apply(
    membership: RosterMembership | None, *, user, tier: str, check: TierCheck, now: datetime
) -> str:
    """Carry out :func:`_sync_action` on a locked (or missing) membership."""
    action = _sync_action(membership, check, now)
    if action == INVITE:
        membership, event = _create(
            user=user,
            tier=tier,
            to=Status.ELIGIBLE,
            by=None,
            reason=_join(check.met),
            now=now,
            eligible_since=now,
        )
        if membership is None:
            return ""  # a concurrent re-check created it, and tells the person
        _tell_eligible(membership, event, check)
    elif action == WITHDRAW:
        # An invitation, not a membership: it goes (with its one event) when the person no
        # longer qualifies, so that "eligible, not joined" means what it says; qualifying
        # again makes a new row and a new message. A former member's row, invited again
        # after a long lapse, keeps its history: it lapses again, without a message.
        if membership.events.exclude(to_status=Status.ELIGIBLE).exists():
            _move(
                membership,
                to=Status.LAPSED,
                by=None,
                reason=_join(check.missing),
                now=now,
                lapsed_at=now,
            )
        else:
            membership.delete()
    elif action == LAPSE:
        _lapse(membership, missing=check.missing, now=now)
    elif action == REINSTATE:
        event = _move(
            membership,
            to=_reinstated_status(membership),
            by=None,
            reason=_("the rules hold again"),
            now=now,
        )
        _tell_reinstated(membership, event)
    elif action == REINVITE:
        event = _move(
            membership,
            to=Status.ELIGIBLE,
            by=None,
            reason=_join(check.met),
            now=now,
            eligible_since=now,
            opted_in_at=None,
            approved_at=None,
            approved_by=None,
        )
        _tell_eligible(membership, event, check)
    return action


def membership_sync(*, user, now: datetime) -> dict[str, str]:
    """Re-check one person against every tier and bring their memberships in step.

    - No row and the tier's rules hold (the policy aside): an ELIGIBLE row is created and
      the person is told once.
    - ELIGIBLE, and the rules no longer hold: the row is deleted (it was an invitation, not a
      membership); qualifying again creates a new one and a new message. (A former member's
      row, invited again after a long lapse, is not deleted: it lapses again, quietly.)
    - ACTIVE, PAUSED or PENDING, and a requirement (the policy included) no longer holds: the
      row LAPSES with the missing requirements as its reason, and the person is told.
    - LAPSED, and every requirement holds again within 90 days of the lapse: back to the
      state it lapsed from (no new opt-in or approval), and the person is told; after 90
      days, once the rules hold (the policy aside), back to ELIGIBLE, told as a new invitation.
    - DECLINED and REMOVED rows are left alone.

    A deactivated account meets no tier. Returns ``{tier: what happened}`` for the tiers
    where something did ("invited", "withdrawn", "lapsed", "reinstated", "reinvited").
    """
    done: dict[str, str] = {}
    with transaction.atomic():
        held = {
            membership.tier: membership
            for membership in RosterMembership.objects.select_for_update().filter(user=user)
        }
        checks = eligibility_for(user=user, now=now)
        for tier, check in checks.items():
            action = _apply(held.get(tier), user=user, tier=tier, check=check, now=now)
            if action:
                done[tier] = action
    return done


def membership_sync_all(*, now: datetime) -> dict[str, int]:
    """The nightly re-check of everyone, for the rules that change with time alone (practice
    older than a tier allows, a lapse older than 90 days) and anything a trigger missed.

    Eligibility is read for everyone at once and compared with every membership in memory;
    only the people with something to change are re-checked, one by one, under their locks.
    Returns how many memberships each action touched.
    """
    checks = eligibility(now=now)
    memberships: dict[int, dict[str, RosterMembership]] = {}
    for membership in RosterMembership.objects.only(
        "pk", "user_id", "tier", "status", "lapsed_at", "opted_in_at"
    ).order_by():
        memberships.setdefault(membership.user_id, {})[membership.tier] = membership
    # Members whose accounts were deactivated are not among the active people checked.
    to_check = {
        user_id
        for user_id, by_tier in memberships.items()
        if user_id not in checks
        and any(m.status in (Status.ELIGIBLE, *HELD) for m in by_tier.values())
    }
    for user_id, by_tier in checks.items():
        held = memberships.get(user_id, {})
        if any(_sync_action(held.get(tier), check, now) for tier, check in by_tier.items()):
            to_check.add(user_id)
    totals: dict[str, int] = {}
    User = get_user_model()
    for user in User.objects.filter(pk__in=sorted(to_check)).order_by("pk").iterator():
        for action in membership_sync(user=user, now=now).values():
            totals[action] = totals.get(action, 0) + 1
    return totals


# --- The person's own choices --------------------------------------------------------------


def _tier_value(tier) -> str:
    value = tier.tier if isinstance(tier, RosterTier) else str(tier)
    if value not in Tier.values:
        raise ValidationError(_("There is no such tier."), code="tier")
    return value


def _platform_ids(values) -> set[int]:
    ids = set()
    for value in values or ():
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise ValidationError(_("Choose the platforms from your own list."), code="platforms")
        ids.add(int(text))
    return ids


def membership_opt_in(
    *, user, tier, platform_account_ids: Iterable[int | str], now: datetime
) -> RosterMembership:
    """``user`` joins ``tier`` (a :class:`~advocacy.models.Tier` value or a RosterTier),
    speaking on the platform accounts chosen from their own inventory.

    Refused with ``ValidationError``: code ``"not_eligible"`` when a rule of the tier does not
    hold (``params["items"]`` lists what is missing), ``"policy"`` when only the current
    policy's acknowledgement is missing, ``"platforms"`` when no account is chosen or one is
    not theirs, ``"already"`` when they are on the roster or waiting for approval,
    ``"removed"`` when a lead removed them. Joins as ACTIVE, or PENDING when the tier needs a
    lead's approval; a person who declined or left may opt in again.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to join the roster."))
    tier = _tier_value(tier)
    chosen = _platform_ids(platform_account_ids)
    roster_tier = RosterTier.objects.filter(tier=tier).first()
    if roster_tier is None:
        raise ValidationError(_("There is no such tier."), code="tier")
    with transaction.atomic():
        membership = (
            RosterMembership.objects.select_for_update().filter(user=user, tier=tier).first()
        )
        if membership is not None and membership.status in HELD:
            raise ValidationError(
                _("You are already on the roster as %(tier)s, or waiting for approval.")
                % {"tier": _tier_label(tier).lower()},
                code="already",
            )
        if membership is not None and membership.status == Status.REMOVED:
            raise ValidationError(
                _("An advocacy lead removed you from this tier: ask them first."),
                code="removed",
            )
        check = eligibility_for(user=user, now=now)[tier]
        if not check.qualifies:
            missing = check.rules_missing
            raise ValidationError(
                _("You do not meet this tier's rules yet. Still to do: %(missing)s."),
                code="not_eligible",
                params={"missing": _join(missing), "items": missing},
            )
        if not check.eligible:
            raise ValidationError(
                _("Acknowledge the current policy (version %(number)d) first, then join."),
                code="policy",
                params={"number": check.policy_version},
            )
        accounts = list(PlatformAccount.objects.filter(pk__in=chosen, user=user))
        if not chosen or len(accounts) != len(chosen):
            raise ValidationError(
                _("Choose at least one of your own platform accounts to speak on.")
                if not chosen
                else _("Choose the platforms from your own list."),
                code="platforms",
            )
        to = Status.PENDING if roster_tier.needs_approval else Status.ACTIVE
        if membership is None:
            membership, _event = _create(
                user=user,
                tier=tier,
                to=to,
                by=user,
                reason=_("opted in"),
                now=now,
                eligible_since=now,
                opted_in_at=now,
            )
            if membership is None:
                raise ValidationError(
                    _("You joined from another window a moment ago."), code="already"
                )
        else:
            _move(
                membership,
                to=to,
                by=user,
                reason=_("opted in"),
                now=now,
                opted_in_at=now,
                approved_at=None,
                approved_by=None,
            )
        membership.platforms.set(accounts)
    return membership


def _own_change(
    *, membership: RosterMembership, by, now: datetime, allowed: tuple, to: str, reason: str
) -> RosterMembership:
    _require_self(membership=membership, by=by)
    with transaction.atomic():
        current = _locked(membership)
        _require_status(current, *allowed)
        _move(current, to=to, by=by, reason=reason, now=now)
    _copy_state(current, membership)
    return current


def membership_decline(*, membership: RosterMembership, by, now: datetime) -> RosterMembership:
    """The person says no thanks to an invitation (ELIGIBLE → DECLINED). They may opt in
    later while they meet the rules."""
    return _own_change(
        membership=membership,
        by=by,
        now=now,
        allowed=(Status.ELIGIBLE,),
        to=Status.DECLINED,
        reason=_("declined"),
    )


def membership_pause(
    *, membership: RosterMembership, by, now: datetime, reason: str = ""
) -> RosterMembership:
    """The member steps back for a while (ACTIVE → PAUSED); the rules keep being checked."""
    return _own_change(
        membership=membership,
        by=by,
        now=now,
        allowed=(Status.ACTIVE,),
        to=Status.PAUSED,
        reason=(reason or "").strip()[:MAX_REASON] or _("paused"),
    )


def membership_resume(*, membership: RosterMembership, by, now: datetime) -> RosterMembership:
    """A paused member comes back: ACTIVE when every requirement still holds, otherwise
    the membership LAPSES with what is missing (and the person is told)."""
    _require_self(membership=membership, by=by)
    with transaction.atomic():
        current = _locked(membership)
        _require_status(current, Status.PAUSED)
        check = eligibility_for(user=current.user, now=now)[current.tier]
        if check.eligible:
            _move(current, to=Status.ACTIVE, by=by, reason=_("resumed"), now=now)
        else:
            _lapse(current, missing=check.missing, now=now)
    _copy_state(current, membership)
    return current


def membership_leave(*, membership: RosterMembership, by, now: datetime) -> RosterMembership:
    """The member leaves the tier (→ DECLINED, reason "left"), from the roster, the approval
    queue or a lapse. They may opt in again later."""
    return _own_change(
        membership=membership,
        by=by,
        now=now,
        allowed=(*HELD, Status.LAPSED),
        to=Status.DECLINED,
        reason=_("left"),
    )


# --- A lead's decisions --------------------------------------------------------------------


def _lead_decision(*, membership: RosterMembership, by) -> None:
    _require_lead(by)
    if by.pk == membership.user_id:
        raise ValidationError(_("Another lead decides about your own membership."), code="own")


def _audit(membership: RosterMembership, action, *, by, previous: str) -> None:
    """The lead's decision in the audit trail: codes only (the reason stays in the roster's
    own history, where an erasure blanks it)."""
    audit_log(
        instance=membership,
        action=action.name,
        by=by,
        data={"tier": membership.tier, "from": previous, "to": membership.status},
    )


def membership_approve(*, membership: RosterMembership, by, now: datetime) -> RosterMembership:
    """A lead approves a request to join (PENDING → ACTIVE); the person is told. Refused
    for non-leads (PermissionDenied), for one's own membership (code ``"own"``), for rows
    that are not waiting (``"status"``) and when a requirement no longer holds
    (``"not_eligible"``: reject it instead, or wait for the person)."""
    _lead_decision(membership=membership, by=by)
    with transaction.atomic():
        current = _locked(membership)
        _require_status(current, Status.PENDING)
        check = eligibility_for(user=current.user, now=now)[current.tier]
        if not check.eligible:
            raise ValidationError(
                _("%(name)s no longer meets this tier's rules: %(missing)s."),
                code="not_eligible",
                params={
                    "name": current.user.get_full_name() or current.user.email,
                    "missing": _join(check.missing),
                    "items": check.missing,
                },
            )
        event = _move(
            current,
            to=Status.ACTIVE,
            by=by,
            reason=_("approved"),
            now=now,
            approved_at=now,
            approved_by=by,
        )
        _audit(current, ROSTER_APPROVED, by=by, previous=Status.PENDING)
        _tell_decision(current, event, "approved")
    _copy_state(current, membership)
    return current


def membership_reject(
    *, membership: RosterMembership, by, reason: str, now: datetime
) -> RosterMembership:
    """A lead turns down a request to join (PENDING → DECLINED), saying why; the person is
    told the reason and may ask again later. Refusals as for :func:`membership_approve`,
    and an error on ``reason`` when it is empty."""
    _lead_decision(membership=membership, by=by)
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _locked(membership)
        _require_status(current, Status.PENDING)
        event = _move(current, to=Status.DECLINED, by=by, reason=reason, now=now)
        _audit(current, ROSTER_REJECTED, by=by, previous=Status.PENDING)
        _tell_decision(current, event, "rejected")
    _copy_state(current, membership)
    return current


def membership_remove(
    *, membership: RosterMembership, by, reason: str, now: datetime
) -> RosterMembership:
    """A lead takes someone off a tier for good (→ REMOVED), saying why; the person is told
    and cannot opt in again on their own. Leads only, never their own membership (code
    ``"own"``); the reason is required."""
    _lead_decision(membership=membership, by=by)
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _locked(membership)
        if current.status == Status.REMOVED:
            raise ValidationError(_("This person is already removed."), code="status")
        previous = current.status
        event = _move(current, to=Status.REMOVED, by=by, reason=reason, now=now)
        _audit(current, ROSTER_REMOVED, by=by, previous=previous)
        _tell_decision(current, event, "removed")
    _copy_state(current, membership)
    return current


# --- A person who left ---------------------------------------------------------------------


def membership_end_for_leaver(*, user_id: int, reason: str, now: datetime) -> int:
    """A deactivated person's memberships end: every one on the roster or on its way there
    (active, paused, pending) LAPSES, with "account deactivated" and ``reason`` as the
    event's reason, so the roster history says why; an invitation (eligible, not joined)
    is withdrawn like any invitation whose rules stopped holding. Nobody is e-mailed.
    If the person is switched on again, the roster re-checks them by its usual rules.
    Returns how many rows changed."""
    why = _("account deactivated: %(reason)s") % {"reason": reason} if reason else ""
    why = why or _("account deactivated")
    changed = 0
    with transaction.atomic():
        memberships = RosterMembership.objects.select_for_update().filter(
            user_id=user_id, status__in=(Status.ELIGIBLE, *HELD)
        )
        for membership in memberships:
            if (
                membership.status == Status.ELIGIBLE
                and not membership.events.exclude(to_status=Status.ELIGIBLE).exists()
            ):
                membership.delete()
            else:
                _move(membership, to=Status.LAPSED, by=None, reason=why, now=now, lapsed_at=now)
            changed += 1
    return changed


# --- A new policy version ------------------------------------------------------------------


def policy_version_started(*, version, now: datetime) -> int:
    """Everyone ACTIVE, PAUSED or PENDING in a tier that needs the policy, who has not
    acknowledged ``version`` (or a later one), lapses with the reason "acknowledge the policy
    (version N)" and is asked to acknowledge it (one message per person and version).
    Acknowledging within 90 days puts them back where they were (see
    :func:`membership_sync`).

    Set-based: the selection, the status change and the event log take one query each per
    500 members (the same change for all), whatever the roster's size. Returns how many
    memberships lapsed.
    """
    tiers = list(RosterTier.objects.filter(needs_policy=True).values_list("tier", flat=True))
    if not tiers:
        return 0
    acknowledged = PolicyAcknowledgement.objects.filter(
        user_id=OuterRef("user_id"),
        version__page_id=version.page_id,
        version__number__gte=version.number,
    )
    reason = _("acknowledge the policy (version %(number)d)") % {"number": version.number}
    path = reverse("advocacy:policy_check")
    with transaction.atomic():
        memberships = list(
            RosterMembership.objects.select_for_update(of=("self",))
            .filter(tier__in=tiers, status__in=HELD)
            .exclude(Exists(acknowledged))
            .order_by("pk")
        )
        if not memberships:
            return 0
        events = [
            RosterEvent(
                membership=membership,
                from_status=membership.status,
                to_status=Status.LAPSED,
                by=None,
                reason=reason,
                at=now,
            )
            for membership in memberships
        ]
        pks = [membership.pk for membership in memberships]
        for start in range(0, len(pks), 500):
            RosterMembership.objects.filter(pk__in=pks[start : start + 500]).update(
                status=Status.LAPSED,
                status_changed_at=now,
                lapsed_at=now,
                reason=reason,
                updated_at=now,
            )
        RosterEvent.objects.bulk_create(events, batch_size=500)
        person_changed(*(membership.user_id for membership in memberships))
        tiers_by_person: dict[int, list[str]] = {}
        for membership in memberships:
            tiers_by_person.setdefault(membership.user_id, []).append(_tier_label(membership.tier))
        for user_id, labels in tiers_by_person.items():
            notify_after_commit(
                user_id=user_id,
                key=f"roster:policy:{version.pk}:{user_id}",
                template=EMAIL + "policy_version",
                context={
                    "number": version.number,
                    "change_note": version.change_note,
                    "tiers": labels,
                    "days": REINSTATE_WITHIN.days,
                    "path": path,
                },
            )
    return len(memberships)


# --- A person's platform accounts ----------------------------------------------------------


def platform_account_save(
    *, user, platform, handle: str, account: PlatformAccount | None = None
) -> PlatformAccount:
    """List one of ``user``'s platform accounts, or change ``account`` (theirs only). The
    handle is checked by ``forms.PlatformAccountForm``; here, a platform listed twice (two
    windows at once) is refused on ``platform``."""
    if account is not None and account.user_id != user.pk:
        raise PermissionDenied
    account = account or PlatformAccount(user=user)
    account.platform, account.handle = platform, handle
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise ValidationError(
            {
                "platform": _(
                    "You already listed an account on this platform. Change that one instead."
                )
            },
            code="listed",
        ) from None
    return account


def platform_account_delete(*, account: PlatformAccount, by) -> None:
    """Take one of ``by``'s own accounts off their list (and off the tiers that used it)."""
    if account.user_id != by.pk:
        raise PermissionDenied
    account.delete()


# --- The policy check -----------------------------------------------------------------


def policy_acknowledge(
    *, user, version_id: Any, answers: dict, now: datetime
) -> PolicyAcknowledgement:
    """Grade ``answers`` (question pk → chosen 1-based choice number) for the current
    version and record that ``user`` acknowledged it.

    Refuses with ``ValidationError``: code ``"no_policy"`` when no policy is published,
    ``"old_version"`` when ``version_id`` is not the current version (the message names
    it), and an error dict keyed ``q<pk>`` (each with code ``"failed"`` and the question's
    explanation) unless every question is answered right. Acknowledging a version again
    returns the existing row and changes nothing.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to acknowledge the policy."))
    current = policy_current()
    if current is None:
        raise ValidationError(
            _("There is no policy to acknowledge yet."),
            code="no_policy",
        )
    if policy_question_id(version_id) != current.pk:
        raise ValidationError(
            _(
                "The policy changed while you were reading it: version %(number)d is now "
                "current. Read what changed, then answer its questions."
            ),
            code="old_version",
            params={"number": current.number},
        )
    errors = policy_answers_grade(policy_questions(page=current.page), answers)
    if errors:
        raise ValidationError(errors)

    existing = PolicyAcknowledgement.objects.filter(user=user, version=current).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acknowledgement = PolicyAcknowledgement.objects.create(
                user=user, version=current, acknowledged_at=now
            )
    except IntegrityError:
        # The same person's other click won the race: theirs is the acknowledgement.
        return PolicyAcknowledgement.objects.get(user=user, version=current)
    event_announce(POLICY_ACKNOWLEDGED, user_id=user.pk, version_id=current.pk)
    return acknowledgement
