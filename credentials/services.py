"""Issuing, revoking and hiding credentials.

Three kinds of achievement earn one, each once per person (a unique constraint on person and
achievement among credentials not revoked):

- a **course** completed: every live lesson done (``courses.CourseCompletion``, the moment
  the learner sees "course completed");
- a **competency level** reached: a standing at or above a level configured for that
  competency (:class:`~credentials.models.CompetencyCredentialLevel`);
- a **roster tier** joined: a membership that becomes active, as advocate or ambassador.

The ``*_sync`` functions compare what a person holds with what they have earned: they issue
what is missing and revoke what no longer holds (a membership that ended, a competency
corrected below the credential's level). They are safe to run any number of times, which is
what the handlers' tasks and the nightly sweep do. Nothing is issued without a signing key:
the refusal is logged and the admin home says so; the next sweep issues what was missed.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from advocacy.models import RosterMembership, RosterTier, Tier
from cms.models import SiteSettings
from competencies.levels import LEVEL_DESCRIPTIONS, Level
from competencies.models import Competency, CompetencyEvidence, CompetencyStanding
from core.personcache import person_changed
from core.tasks import notify_after_commit
from courses.models import CourseCompletion

from . import keys, ob3
from .models import STATUS_LIST_SIZE, CompetencyCredentialLevel, Credential

logger = logging.getLogger(__name__)
Kind = Credential.Kind
Status = RosterMembership.Status
# Memberships in these states no longer stand behind a roster credential.
ENDED = (Status.LAPSED, Status.DECLINED, Status.REMOVED)
EMAIL = "credentials/email/"


# --- Shared steps --------------------------------------------------------------------------


def issuer_name() -> str:
    """The company that issues, from the default site's settings."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return "Spoke"
    return SiteSettings.for_site(site).company_name or "Spoke"


def holder_name(user) -> str:
    """The name on the certificate: never the e-mail address itself."""
    return user.get_full_name().strip() or user.email.split("@")[0]


def _status_index(number: int) -> int:
    """A free, random place in status list ``number`` (random, so that neighbouring bits
    say nothing about who earned what when)."""
    taken = set(
        Credential.objects.filter(status_list=number).values_list("status_index", flat=True)
    )
    if len(taken) >= STATUS_LIST_SIZE // 2:
        raise OverflowError("status list is half full")
    while True:
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if index not in taken:
            return index


def _status_place() -> tuple[int, int]:
    number = Credential.objects.order_by("-status_list").values_list("status_list", flat=True)
    number = number.first() or 1
    try:
        return number, _status_index(number)
    except OverflowError:
        return number + 1, _status_index(number + 1)


def _issue(
    *,
    user,
    kind: str,
    achievement_key: str,
    name: str,
    description: str,
    criteria: str,
    achievement_id: str,
    now: datetime,
    alignment: dict | None = None,
    evidence_kinds: list[dict] | None = None,
    **fields,
) -> Credential | None:
    """Issue one credential unless a live one exists; ``None`` when nothing was issued
    (already held, a concurrent issue won, no signing key, or the person was erased)."""
    if getattr(user, "erased_at", None) is not None:
        return None  # nobody to certify: the record stays for the figures only
    if Credential.objects.filter(
        user=user, achievement_key=achievement_key, revoked_at__isnull=True
    ).exists():
        return None
    try:
        key, private = keys.current_key()
    except keys.NoSigningKey as exc:
        logger.error("credentials: not issued %s to person %s: %s", achievement_key, user.pk, exc)
        return None
    for _attempt in range(3):
        status_list, status_index = _status_place()
        credential = Credential(
            user=user,
            kind=kind,
            achievement_key=achievement_key,
            name=name[:200],
            description=description,
            criteria=criteria,
            holder_name=holder_name(user)[:300],
            issuer_name=issuer_name()[:120],
            evidence_kinds=evidence_kinds or [],
            issued_at=now,
            status_list=status_list,
            status_index=status_index,
            kid=key.kid,
            **fields,
        )
        credential.document = ob3.credential_document(
            credential=credential, achievement_id=achievement_id, alignment=alignment
        )
        credential.jwt = ob3.sign(document=credential.document, key=key, private=private)
        try:
            with transaction.atomic():
                credential.save()
        except IntegrityError:
            if Credential.objects.filter(
                user=user, achievement_key=achievement_key, revoked_at__isnull=True
            ).exists():
                return None  # issued by a concurrent run
            continue  # the status index was taken meanwhile: draw another
        notify_after_commit(
            user_id=user.pk,
            key=f"credential:issued:{credential.uuid}",
            template=EMAIL + "issued",
            context={
                "name": credential.name,
                "kind": credential.get_kind_display(),
                "path": reverse("credentials:certificate", args=[credential.token]),
                "mine_path": reverse("credentials:mine"),
            },
        )
        logger.info("credentials: issued %s to person %s", achievement_key, user.pk)
        return credential
    return None


def credential_revoke(*, credential: Credential, reason: str, now: datetime) -> bool:
    """Revoke ``credential`` for good (its status bit is set); ``False`` if it already was."""
    updated = Credential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
        revoked_at=now, revocation_reason=str(reason)[:300], updated_at=now
    )
    if updated:
        person_changed(credential.user_id)
        credential.revoked_at, credential.revocation_reason = now, str(reason)[:300]
        logger.info("credentials: revoked %s (%s)", credential.uuid, reason)
    return bool(updated)


def credential_set_hidden(*, credential: Credential, by, hidden: bool) -> Credential:
    """The holder hides or shows their credential; nobody else may (``PermissionDenied``)."""
    if by is None or credential.user_id != by.pk:
        raise PermissionDenied
    Credential.objects.filter(pk=credential.pk).update(hidden=hidden)
    person_changed(credential.user_id)
    credential.hidden = hidden
    return credential


# --- Courses -------------------------------------------------------------------------------


def course_credential_sync(*, user, course, now: datetime) -> Credential | None:
    """Issue the course's credential when ``user`` has completed ``course``."""
    completion = CourseCompletion.objects.filter(user=user, course=course).first()
    if completion is None:
        return None
    outcomes = "\n".join(f"- {line}" for line in course.outcome_list)
    criteria = _("Completed every lesson of the course “%(course)s” on Spoke.") % {
        "course": course.title
    }
    if outcomes:
        criteria += "\n\n" + _("After the course they can:") + "\n" + outcomes
    return _issue(
        user=user,
        kind=Kind.COURSE,
        achievement_key=f"course:{course.pk}",
        name=course.title,
        description=course.summary,
        criteria=criteria,
        achievement_id=ob3.absolute(course.get_url() or "/"),
        now=completion.completed_at if completion.completed_at <= now else now,
        course=course,
    )


# --- Competencies --------------------------------------------------------------------------


def competency_url(competency: Competency) -> str:
    return ob3.absolute(f"{reverse('competencies:mine')}#competency-{competency.slug}")


def _evidence_kinds(*, user, competency: Competency) -> list[dict]:
    """The kinds of evidence behind ``level``: source kinds and counts, never notes or
    reflections."""
    rows = (
        CompetencyEvidence.objects.filter(user=user, competency=competency)
        .values("source_kind")
        .annotate(count=Count("pk"))
        .order_by("source_kind")
    )
    labels = dict(CompetencyEvidence.Source.choices)
    return [
        {
            "kind": row["source_kind"],
            "label": str(labels.get(row["source_kind"], row["source_kind"])),
            "count": row["count"],
            "description": _("%(count)d item(s) recorded in Spoke's competency ledger.")
            % {"count": row["count"]},
        }
        for row in rows
    ]


def competency_credentials_sync(*, user, competency: Competency, now: datetime) -> dict:
    """Issue the credentials of every configured level ``user`` has reached in
    ``competency``; revoke those above the level they stand at now (a correction)."""
    standing = CompetencyStanding.objects.filter(user=user, competency=competency).first()
    current = standing.level if standing else Level.NOT_YET
    result = {"issued": 0, "revoked": 0}
    live = Credential.objects.filter(
        user=user, competency=competency, kind=Kind.COMPETENCY, revoked_at__isnull=True
    )
    for credential in live.filter(level__gt=current):
        result["revoked"] += credential_revoke(
            credential=credential,
            reason=_("The competency level was corrected to “%(level)s”.")
            % {"level": Level(current).label},
            now=now,
        )
    levels = CompetencyCredentialLevel.objects.filter(competency=competency, level__lte=current)
    for configured in levels.order_by("level"):
        level = Level(configured.level)
        name = _("%(competency)s: %(level)s") % {
            "competency": competency.name,
            "level": level.label,
        }
        criteria = _(
            "Reached the level “%(level)s” in the competency “%(competency)s”, on evidence "
            "reviewed in Spoke's competency ledger. %(level_text)s"
        ) % {
            "level": level.label,
            "competency": competency.name,
            "level_text": LEVEL_DESCRIPTIONS[level],
        }
        issued = _issue(
            user=user,
            kind=Kind.COMPETENCY,
            achievement_key=f"competency:{competency.pk}:{level.value}",
            name=name,
            description=competency.description,
            criteria=criteria,
            achievement_id=ob3.absolute(
                reverse("credentials:achievement", args=[f"competency-{competency.slug}-{level}"])
            ),
            alignment={
                "type": ["Alignment"],
                "targetName": competency.name,
                "targetDescription": competency.description,
                "targetUrl": competency_url(competency),
                "targetFramework": _("%(company)s social media competencies")
                % {"company": issuer_name()},
                "targetCode": competency.slug,
                "targetType": "ext:SpokeCompetency",
            },
            evidence_kinds=_evidence_kinds(user=user, competency=competency),
            now=now,
            competency=competency,
            level=level.value,
        )
        result["issued"] += issued is not None
    return result


# --- The roster ----------------------------------------------------------------------------


def roster_credentials_sync(*, user, now: datetime) -> dict:
    """Issue a tier's credential to an active member; revoke it when the membership ended
    (lapsed, declined or left, removed)."""
    result = {"issued": 0, "revoked": 0}
    memberships = {m.tier: m for m in RosterMembership.objects.filter(user=user)}
    for membership in memberships.values():
        membership.user = user
    descriptions = dict(RosterTier.objects.values_list("tier", "description"))
    live = Credential.objects.filter(user=user, kind=Kind.ROSTER, revoked_at__isnull=True)
    for credential in live:
        membership = memberships.get(credential.tier)
        if membership is None or membership.status in ENDED:
            status = membership.get_status_display() if membership else _("ended")
            result["revoked"] += credential_revoke(
                credential=credential,
                reason=_("The roster membership ended (%(status)s).") % {"status": status},
                now=now,
            )
    for membership in memberships.values():
        if membership.status == Status.ACTIVE:
            issued = roster_credential_issue(
                membership=membership, description=descriptions.get(membership.tier), now=now
            )
            result["issued"] += issued is not None
    return result


def roster_credential_issue(
    *, membership: RosterMembership, now: datetime, description: str | None = None
) -> Credential | None:
    """Issue the credential of ``membership``'s tier (unless a live one exists), dated when
    the person joined (or ``now``, if earlier)."""
    label = str(Tier(membership.tier).label).lower()
    if description is None:
        description = (
            RosterTier.objects.filter(tier=membership.tier)
            .values_list("description", flat=True)
            .first()
        )
    joined = membership.status_changed_at
    return _issue(
        user=membership.user,
        kind=Kind.ROSTER,
        achievement_key=f"roster:{membership.tier}",
        name=_("%(company)s social media %(tier)s") % {"company": issuer_name(), "tier": label},
        description=description
        or _("A member of the company's social media roster as %(tier)s.") % {"tier": label},
        criteria=_(
            "Met the roster's rules for the %(tier)s tier (competency levels, the current "
            "social media policy acknowledged and, where the tier asks, recent reviewed "
            "practice), chose to join, and is an active member. The credential is revoked "
            "when the membership ends."
        )
        % {"tier": label},
        achievement_id=ob3.absolute(
            reverse("credentials:achievement", args=[f"roster-{membership.tier}"])
        ),
        now=joined if joined and joined <= now else now,
        tier=membership.tier,
    )


# --- Everything for one person, everyone ---------------------------------------------------


def credentials_sync_for_user(*, user, now: datetime) -> dict:
    """Bring all of ``user``'s credentials in step with what they have earned."""
    result = {"issued": 0, "revoked": 0}
    for completion in CourseCompletion.objects.filter(user=user).select_related("course"):
        result["issued"] += (
            course_credential_sync(user=user, course=completion.course, now=now) is not None
        )
    competency_ids = set(
        CompetencyStanding.objects.filter(user=user).values_list("competency_id", flat=True)
    ) | set(
        Credential.objects.filter(user=user, kind=Kind.COMPETENCY, revoked_at__isnull=True)
        .exclude(competency=None)
        .values_list("competency_id", flat=True)
    )
    for competency in Competency.objects.filter(pk__in=competency_ids):
        for what, count in competency_credentials_sync(
            user=user, competency=competency, now=now
        ).items():
            result[what] += count
    for what, count in roster_credentials_sync(user=user, now=now).items():
        result[what] += count
    return result


def credentials_sync_all(*, now: datetime) -> dict:
    """The nightly sweep: everyone who could hold a credential, for what a trigger missed
    (a bulk change, a time without a signing key)."""
    user_ids = (
        set(CourseCompletion.objects.values_list("user_id", flat=True))
        | set(RosterMembership.objects.values_list("user_id", flat=True))
        | set(Credential.objects.values_list("user_id", flat=True))
        | set(
            CompetencyStanding.objects.filter(
                competency__credential_levels__isnull=False
            ).values_list("user_id", flat=True)
        )
    )
    result = {"people": 0, "issued": 0, "revoked": 0}
    for user in get_user_model().objects.filter(pk__in=user_ids).order_by("pk").iterator():
        counts = credentials_sync_for_user(user=user, now=now)
        result["people"] += 1
        result["issued"] += counts["issued"]
        result["revoked"] += counts["revoked"]
    return result
