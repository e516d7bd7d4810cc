"""A person's competencies in their download and at their erasure (see ``core.privacy``)."""

from core.privacy import ErasedPart, PersonalDataSection, covers, iso

from .models import CompetencyEvidence, CompetencyStanding

MODELS = ("competencies.CompetencyEvidence", "competencies.CompetencyStanding")


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """Their standings and every line of evidence behind them (with who awarded it)."""
    standings = [
        {
            "competency": s.competency.name,
            "level": s.level,
            "level_name": str(s.get_level_display()),
            "evidence": s.evidence_count,
            "last_evidence": iso(s.last_evidence_at),
        }
        for s in CompetencyStanding.objects.filter(user=user).select_related("competency")
    ]
    evidence = [
        {
            "competency": e.competency.name,
            "level": e.level,
            "source": e.source_kind,
            "awarded_by": e.awarded_by.display_name if e.awarded_by_id else None,
            "note": e.note,
            "recorded": iso(e.created_at),
        }
        for e in CompetencyEvidence.objects.filter(user=user)
        .select_related("competency", "awarded_by")
        .order_by("created_at", "pk")
    ]
    return [
        PersonalDataSection(
            name="competencies", data={"standings": standings, "evidence": evidence}
        )
    ]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """The ledger and the standings stay (every report reads them); the notes written
    about the person go. Evidence they awarded to others stays, under their pseudonym."""
    # The ledger is append-only for the application; erasure is the one exception, and it
    # blanks the free text only.
    notes = CompetencyEvidence.objects.filter(user=user).notes_erase()
    return ErasedPart(
        name="competencies",
        deleted={"evidence notes": notes} if notes else {},
        kept={
            "competency evidence": CompetencyEvidence.objects.filter(user=user).count(),
            "competency standings": CompetencyStanding.objects.filter(user=user).count(),
        },
    )
