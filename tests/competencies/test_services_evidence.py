"""evidence_record: the ledger only grows, and each standing follows it in the same transaction."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from competencies import services
from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from competencies.services import evidence_record, standing_level_from_ledger
from people.models import BusinessUnit
from tests.factories import BusinessUnitFactory, CompetencyFactory, UserFactory

Source = CompetencyEvidence.Source


@pytest.fixture
def competency(db):
    return CompetencyFactory(name="Listening to what is said about us")


@pytest.fixture
def knowledge_check(monkeypatch, db):
    """Any saved object whose class says it is a knowledge check."""
    monkeypatch.setattr(BusinessUnit, "evidence_source_kind", Source.KNOWLEDGE_CHECK, raising=False)
    return BusinessUnitFactory(name="Stand-in knowledge check")


@pytest.fixture
def practice_review(monkeypatch, db):
    """Any saved object whose class says it is a reviewed practice submission."""
    monkeypatch.setattr(BusinessUnit, "evidence_source_kind", Source.PRACTICE_REVIEW, raising=False)
    return BusinessUnitFactory(name="Stand-in practice review")


def _standing(user, competency) -> CompetencyStanding:
    return CompetencyStanding.objects.get(user=user, competency=competency)


def _award(user, competency, level, trainer, note=""):
    return evidence_record(
        user=user, competency=competency, level=level, source=None, awarded_by=trainer, note=note
    )


def test_rule_in_one_function():
    """The standing rule: highest trainer level, knowledge checks count up to aware only."""
    assert standing_level_from_ledger(trainer_max=None, knowledge_check_max=None) == Level.NOT_YET
    assert standing_level_from_ledger(trainer_max=None, knowledge_check_max=1) == Level.AWARE
    assert standing_level_from_ledger(trainer_max=None, knowledge_check_max=4) == Level.AWARE
    assert standing_level_from_ledger(trainer_max=3, knowledge_check_max=1) == Level.PROFICIENT
    assert standing_level_from_ledger(trainer_max=0, knowledge_check_max=1) == Level.AWARE


def test_knowledge_check_raises_to_aware(learner, competency, knowledge_check):
    """A passed knowledge check gives the person "aware" and records where it came from."""
    evidence = evidence_record(
        user=learner, competency=competency, level=Level.AWARE, source=knowledge_check
    )
    assert evidence.source_kind == Source.KNOWLEDGE_CHECK
    assert evidence.source == knowledge_check
    assert evidence.awarded_by is None
    assert _standing(learner, competency).level == Level.AWARE


def test_knowledge_check_above_aware_is_refused(learner, competency, knowledge_check):
    """A knowledge check claiming "practising" is refused, and nothing is written."""
    with pytest.raises(ValueError, match="awareness at most"):
        evidence_record(
            user=learner, competency=competency, level=Level.PRACTISING, source=knowledge_check
        )
    assert not CompetencyEvidence.objects.exists()
    assert not CompetencyStanding.objects.exists()


def test_trainer_award_raises_to_awarded_level(learner, trainer, competency):
    """A trainer's direct award sets the standing to the awarded level."""
    evidence = _award(
        learner, competency, Level.PROFICIENT, trainer, note="Handled a complaint well."
    )
    assert evidence.source_kind == Source.TRAINER_AWARD
    assert evidence.awarded_by == trainer
    assert _standing(learner, competency).level == Level.PROFICIENT


def test_practice_review_counts_as_trainer_evidence(learner, trainer, competency, practice_review):
    """A reviewed practice submission can raise a standing above aware."""
    evidence_record(
        user=learner,
        competency=competency,
        level=Level.PRACTISING,
        source=practice_review,
        awarded_by=trainer,
    )
    assert _standing(learner, competency).level == Level.PRACTISING


def test_lower_later_award_does_not_lower_the_standing(learner, trainer, competency):
    """Highest wins: a later, lower award is kept in the ledger but leaves the level alone."""
    _award(learner, competency, Level.PROFICIENT, trainer)
    _award(learner, competency, Level.AWARE, trainer)
    assert _standing(learner, competency).level == Level.PROFICIENT
    assert CompetencyEvidence.objects.filter(user=learner).count() == 2


def test_knowledge_check_never_lowers_a_trainer_level(
    learner, trainer, competency, knowledge_check
):
    """A knowledge check after a trainer's "practising" leaves the person at practising."""
    _award(learner, competency, Level.PRACTISING, trainer)
    evidence_record(user=learner, competency=competency, level=Level.AWARE, source=knowledge_check)
    evidence_record(
        user=learner, competency=competency, level=Level.NOT_YET, source=knowledge_check
    )
    assert _standing(learner, competency).level == Level.PRACTISING


def test_count_and_last_evidence_follow_the_ledger(learner, trainer, competency, monkeypatch):
    """evidence_count and last_evidence_at match the rows in the ledger."""
    first = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: first)
    _award(learner, competency, Level.AWARE, trainer)
    standing = _standing(learner, competency)
    assert (standing.evidence_count, standing.last_evidence_at) == (1, first)

    later = first + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    _award(learner, competency, Level.AWARE, trainer)
    standing = _standing(learner, competency)
    assert (standing.evidence_count, standing.last_evidence_at) == (2, later)


def test_standings_are_per_person_and_competency(learner, manager, trainer, competency):
    """Evidence for one person or competency does not touch another's standing."""
    other = CompetencyFactory(name="Replying to complaints")
    _award(learner, competency, Level.COACH, trainer)
    _award(manager, other, Level.AWARE, trainer)
    assert _standing(learner, competency).level == Level.COACH
    assert _standing(manager, other).level == Level.AWARE
    assert not CompetencyStanding.objects.filter(user=learner, competency=other).exists()
    assert not CompetencyStanding.objects.filter(user=manager, competency=competency).exists()


def test_direct_award_needs_a_trainer(learner, competency):
    """Evidence with no source and nobody awarding it is refused."""
    with pytest.raises(ValueError, match="needs the trainer"):
        evidence_record(user=learner, competency=competency, level=Level.AWARE, source=None)
    assert not CompetencyEvidence.objects.exists()


def test_level_off_the_scale_is_refused_by_the_service(learner, trainer, competency):
    """The service refuses a level that is not on the scale before touching the database."""
    with pytest.raises(ValueError, match="is not a valid Level"):
        _award(learner, competency, 5, trainer)
    assert not CompetencyEvidence.objects.exists()


def test_evidence_cannot_be_changed(learner, trainer, competency):
    """Saving an existing evidence row again is refused; the row keeps its note."""
    evidence = _award(learner, competency, Level.AWARE, trainer, note="First attempt.")
    evidence.note = "Rewritten history."
    with pytest.raises(ValueError, match="append-only"):
        evidence.save()
    assert CompetencyEvidence.objects.get().note == "First attempt."


def test_evidence_cannot_be_deleted(learner, trainer, competency):
    """Deleting an evidence row is refused; the row stays."""
    evidence = _award(learner, competency, Level.AWARE, trainer)
    with pytest.raises(ValueError, match="append-only"):
        evidence.delete()
    assert CompetencyEvidence.objects.count() == 1


@pytest.mark.parametrize("level", [5, 99])
def test_database_refuses_evidence_off_the_scale(learner, competency, level):
    """Written around the service, evidence above "coach" is refused by a check constraint."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetencyEvidence.objects.create(
            user=learner, competency=competency, level=level, source_kind=Source.TRAINER_AWARD
        )


def test_database_refuses_knowledge_check_above_aware(learner, competency):
    """Written around the service, knowledge-check evidence above aware is refused."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetencyEvidence.objects.create(
            user=learner,
            competency=competency,
            level=Level.PRACTISING,
            source_kind=Source.KNOWLEDGE_CHECK,
        )


def test_database_refuses_standing_off_the_scale(learner, competency):
    """A standing above "coach" is refused by a check constraint."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetencyStanding.objects.create(user=learner, competency=competency, level=7)


def test_database_keeps_one_standing_per_person_and_competency(learner, competency):
    """A second standing row for the same person and competency is refused."""
    CompetencyStanding.objects.create(user=learner, competency=competency)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetencyStanding.objects.create(user=learner, competency=competency)


def test_evidence_and_standing_are_one_transaction(learner, trainer, competency, monkeypatch):
    """If the standing cannot be updated, the evidence row is rolled back with it."""

    def broken_refresh(**kwargs):
        raise RuntimeError("standing update failed")

    monkeypatch.setattr(services, "_standing_refresh", broken_refresh)
    with pytest.raises(RuntimeError):
        _award(learner, competency, Level.PROFICIENT, trainer)
    assert not CompetencyEvidence.objects.exists()
    assert not CompetencyStanding.objects.exists()


def test_failed_refresh_keeps_earlier_evidence_and_standing(
    learner, trainer, competency, monkeypatch
):
    """A failure on the second row leaves the first row and its standing as they were."""
    _award(learner, competency, Level.AWARE, trainer)

    def broken_refresh(**kwargs):
        raise RuntimeError("standing update failed")

    monkeypatch.setattr(services, "_standing_refresh", broken_refresh)
    with pytest.raises(RuntimeError):
        _award(learner, competency, Level.COACH, trainer)
    assert CompetencyEvidence.objects.count() == 1
    standing = _standing(learner, competency)
    assert (standing.level, standing.evidence_count) == (Level.AWARE, 1)


def test_two_writers_for_the_same_standing_both_land(learner, trainer, competency):
    """Two records for one person and competency both count; the standing reflects both."""
    other_trainer = UserFactory(first_name="Tom", last_name="Trainer")
    _award(learner, competency, Level.PRACTISING, trainer)
    _award(learner, competency, Level.PROFICIENT, other_trainer)
    assert CompetencyStanding.objects.filter(user=learner, competency=competency).count() == 1
    standing = _standing(learner, competency)
    assert (standing.level, standing.evidence_count) == (Level.PROFICIENT, 2)
    assert set(CompetencyEvidence.objects.values_list("awarded_by__first_name", flat=True)) == {
        "Tara",
        "Tom",
    }


def test_standing_created_by_a_racing_writer_is_reused(learner, trainer, competency, monkeypatch):
    """If another writer creates the standing between the look-up and the insert, it is reused."""
    CompetencyStanding.objects.create(user=learner, competency=competency)
    original_first = QuerySet.first
    missed = []

    def first_misses_once(queryset):
        if queryset.model is CompetencyStanding and not missed:
            missed.append(True)
            return None  # as if the other writer had not committed yet
        return original_first(queryset)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    _award(learner, competency, Level.AWARE, trainer)
    assert missed
    assert CompetencyStanding.objects.filter(user=learner, competency=competency).count() == 1
    assert _standing(learner, competency).level == Level.AWARE


def test_deleting_a_person_removes_their_record(learner, trainer, competency):
    """The ledger is append-only for edits, but a deleted person takes their record with them."""
    _award(learner, competency, Level.AWARE, trainer)
    learner.delete()
    assert not CompetencyEvidence.objects.exists()
    assert not CompetencyStanding.objects.exists()


def test_competency_with_evidence_cannot_be_deleted(learner, trainer, competency):
    """A competency that evidence points at is protected from deletion."""
    _award(learner, competency, Level.AWARE, trainer)
    with pytest.raises(ProtectedError):
        competency.delete()
    assert CompetencyEvidence.objects.count() == 1


def test_trainer_leaving_keeps_the_evidence(learner, trainer, competency):
    """When the awarding trainer's account is deleted, the evidence and the level stay."""
    _award(learner, competency, Level.PROFICIENT, trainer)
    trainer.delete()
    evidence = CompetencyEvidence.objects.get()
    assert evidence.awarded_by is None
    assert _standing(learner, competency).level == Level.PROFICIENT


def test_earlier_evidence_keeps_its_date_and_counts_in_the_standing(competency, trainer):
    person = UserFactory()
    shown = timezone.now() - timedelta(days=200)
    evidence = evidence_record(
        user=person, competency=competency, level=Level.PROFICIENT, source=None,
        awarded_by=trainer, recorded_at=shown,
    )  # fmt: skip
    assert evidence.created_at == shown
    standing = _standing(person, competency)
    assert (standing.level, standing.last_evidence_at) == (Level.PROFICIENT, shown)


def test_evidence_from_the_future_is_refused(competency, trainer):
    person = UserFactory()
    with pytest.raises(ValueError, match="future"):
        evidence_record(
            user=person, competency=competency, level=Level.AWARE, source=None,
            awarded_by=trainer, recorded_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
    assert not CompetencyEvidence.objects.filter(user=person).exists()
