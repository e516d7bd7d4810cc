"""The only way into the competency ledger."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from core.events import event_announce
from people import roles

from .events import BACKDATED_AFTER, STANDING_CHANGED
from .levels import KNOWLEDGE_CHECK_CAP, Level
from .models import Competency, CompetencyEvidence, CompetencyStanding

Source = CompetencyEvidence.Source


def standing_level_from_ledger(*, trainer_max: int | None, knowledge_check_max: int | None) -> int:
    """The rule, in one place: the highest trainer-awarded level, or "aware" from knowledge
    checks if that is higher; knowledge checks never count above "aware"."""
    from_checks = min(knowledge_check_max or Level.NOT_YET, KNOWLEDGE_CHECK_CAP)
    return max(trainer_max or Level.NOT_YET, from_checks)


def evidence_record(
    *,
    user,
    competency: Competency,
    level: int,
    source: models.Model | None,
    awarded_by=None,
    note: str = "",
    recorded_at: datetime | None = None,
) -> CompetencyEvidence:
    """Add one row to the ledger and bring the person's standing in step, atomically.

    ``source`` is the object the evidence comes from; its class says which kind of source
    it is through ``evidence_source_kind`` (a knowledge-check attempt, a reviewed practice
    submission). With no source, the evidence is a trainer's direct award and
    ``awarded_by`` is required. Knowledge-check evidence above "aware" is refused.
    ``recorded_at`` dates evidence shown before today (records brought in from elsewhere,
    the demo's history); a date in the future is refused.
    """
    level = Level(level)
    if source is None:
        kind = Source.TRAINER_AWARD
        if awarded_by is None:
            raise ValueError("A direct award needs the trainer who awards it.")
    else:
        kind = Source(type(source).evidence_source_kind)
    if kind == Source.KNOWLEDGE_CHECK and level > KNOWLEDGE_CHECK_CAP:
        raise ValueError("Knowledge checks can show awareness at most.")
    now = timezone.now()
    if recorded_at is not None and recorded_at > now:
        raise ValueError("Evidence cannot be recorded in the future.")
    with transaction.atomic():
        evidence = CompetencyEvidence.objects.create(
            user=user,
            competency=competency,
            level=level,
            source_kind=kind,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=source.pk if source is not None else None,
            awarded_by=awarded_by,
            note=note,
            created_at=recorded_at or now,
        )
        standing, previous_level = _standing_refresh(user=user, competency=competency)
        # After the commit: advocacy re-checks the roster, credentials issues or revokes.
        event_announce(STANDING_CHANGED, **_standing_changed(standing, previous_level))
    return evidence


def evidence_correct(
    *, user, competency: Competency, level: int, by, note: str
) -> CompetencyEvidence:
    """An admin corrects ``user``'s level in ``competency`` (up or down), saying why.

    The ledger stays append-only: the correction is a new row, and from it on the standing
    counts only the correction and what was recorded after it (see ``_standing_refresh``).
    Admins only (``PermissionDenied``); the note is required.
    """
    if by is None or not roles.user_is_site_admin(by):
        raise PermissionDenied
    if not (note or "").strip():
        raise ValueError("A correction needs a note saying why.")
    level = Level(level)
    with transaction.atomic():
        evidence = CompetencyEvidence.objects.create(
            user=user,
            competency=competency,
            level=level,
            source_kind=Source.CORRECTION,
            awarded_by=by,
            note=note.strip(),
            created_at=timezone.now(),
        )
        standing, previous_level = _standing_refresh(user=user, competency=competency)
        # After the commit: advocacy re-checks the roster, credentials issues or revokes.
        event_announce(STANDING_CHANGED, **_standing_changed(standing, previous_level))
    return evidence


def _standing_refresh(*, user, competency: Competency) -> tuple[CompetencyStanding, int | None]:
    """Recompute one standing from the ledger, under a row lock so writers queue up; with
    the level it had before (``None`` when the standing is new).

    The level counts the evidence since the latest correction (the correction included);
    with no correction, all of it."""
    standing, created = _standing_locked(user=user, competency=competency)
    previous_level = None if created else standing.level
    rows = CompetencyEvidence.objects.filter(user=user, competency=competency)
    correction = rows.filter(source_kind=Source.CORRECTION).order_by("-created_at", "-pk").first()
    if correction is not None:
        counted = Q(created_at__gt=correction.created_at) | Q(pk=correction.pk)
    else:
        counted = Q()
    totals = rows.aggregate(
        trainer_max=Max("level", filter=counted & ~Q(source_kind=Source.KNOWLEDGE_CHECK)),
        knowledge_check_max=Max("level", filter=counted & Q(source_kind=Source.KNOWLEDGE_CHECK)),
        count=Count("pk"),
        last=Max("created_at"),
    )
    standing.level = standing_level_from_ledger(
        trainer_max=totals["trainer_max"], knowledge_check_max=totals["knowledge_check_max"]
    )
    standing.evidence_count = totals["count"]
    standing.last_evidence_at = totals["last"]
    standing.save(update_fields=["level", "evidence_count", "last_evidence_at", "updated_at"])
    return standing, previous_level


def _standing_changed(standing: CompetencyStanding, previous_level: int | None) -> dict:
    """The payload of :data:`~competencies.events.STANDING_CHANGED` for ``standing``."""
    last = standing.last_evidence_at
    return {
        "user_id": standing.user_id,
        "competency_id": standing.competency_id,
        "level": int(standing.level),
        "previous_level": previous_level,
        "backdated": last is None or last < timezone.now() - BACKDATED_AFTER,
    }


def _standing_locked(*, user, competency: Competency) -> tuple[CompetencyStanding, bool]:
    """The locked standing, and whether it was created just now."""
    rows = CompetencyStanding.objects.select_for_update().filter(user=user, competency=competency)
    standing = rows.first()
    if standing is not None:
        return standing, False
    try:
        with transaction.atomic():
            return CompetencyStanding.objects.create(user=user, competency=competency), True
    except IntegrityError:  # another writer created it first: wait for its lock
        return rows.get(), False
