"""evidence_correct: an admin sets a level right; the ledger keeps every row."""

import pytest
from django.core.exceptions import PermissionDenied

from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from competencies.services import evidence_correct, evidence_record
from tests.factories import CompetencyFactory

pytestmark = pytest.mark.django_db

Source = CompetencyEvidence.Source


@pytest.fixture
def competency(db):
    return CompetencyFactory(name="Publishing")


def level_of(user, competency) -> int:
    return CompetencyStanding.objects.get(user=user, competency=competency).level


def test_a_correction_lowers_the_standing_and_keeps_the_ledger(
    learner, trainer, admin_user, competency
):
    """Coach corrected to Practising: the standing drops, both rows stay in the ledger."""
    evidence_record(user=learner, competency=competency, level=4, source=None, awarded_by=trainer)
    evidence_correct(
        user=learner,
        competency=competency,
        level=Level.PRACTISING,
        by=admin_user,
        note="Recorded for the wrong person",
    )
    assert level_of(learner, competency) == Level.PRACTISING
    standing = CompetencyStanding.objects.get(user=learner, competency=competency)
    assert standing.evidence_count == 2
    kinds = list(
        CompetencyEvidence.objects.filter(user=learner).values_list("source_kind", flat=True)
    )
    assert sorted(kinds) == [Source.CORRECTION, Source.TRAINER_AWARD]


def test_evidence_after_a_correction_counts_again(learner, trainer, admin_user, competency):
    """New evidence after the correction raises the standing as usual."""
    evidence_record(user=learner, competency=competency, level=4, source=None, awarded_by=trainer)
    evidence_correct(user=learner, competency=competency, level=1, by=admin_user, note="wrong")
    evidence_record(user=learner, competency=competency, level=3, source=None, awarded_by=trainer)
    assert level_of(learner, competency) == Level.PROFICIENT


def test_the_latest_correction_wins(learner, trainer, admin_user, competency):
    """Two corrections: the later one decides."""
    evidence_record(user=learner, competency=competency, level=4, source=None, awarded_by=trainer)
    evidence_correct(user=learner, competency=competency, level=1, by=admin_user, note="a")
    evidence_correct(user=learner, competency=competency, level=2, by=admin_user, note="b")
    assert level_of(learner, competency) == Level.PRACTISING


@pytest.mark.parametrize("who", ["trainer", "hr", "learner"])
def test_only_site_admins_correct(request, learner, competency, who):
    """Trainers, HR and the person themselves are refused."""
    with pytest.raises(PermissionDenied):
        evidence_correct(
            user=learner,
            competency=competency,
            level=1,
            by=request.getfixturevalue(who),
            note="no",
        )
    assert not CompetencyEvidence.objects.exists()


def test_a_correction_needs_a_note(learner, admin_user, competency):
    """Why it was corrected is part of the record."""
    with pytest.raises(ValueError, match="note"):
        evidence_correct(user=learner, competency=competency, level=1, by=admin_user, note="")
