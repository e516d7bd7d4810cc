"""Deciding submitted practice (``review_decide``) and a cohort's own assignment dates
(``assignment_window_set`` / ``assignment_window_clear``): who may, what each decision
needs, what it writes, and two trainers deciding the same work at once on PostgreSQL."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import AssignmentWindow, Review, RubricCriterion
from assessments.selectors import assignment_window
from assessments.services import (
    MAX_FEEDBACK,
    assignment_window_clear,
    assignment_window_set,
    review_decide,
)
from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from core.models import NotificationLog
from tests.concurrency import race, skip_unless_postgresql
from tests.factories import EnrollmentFactory, UserFactory, add_role

from .helpers_review import Status, assignment_for, attempt, member, running_cohort

Decision = Review.Decision
db = pytest.mark.django_db


@pytest.fixture
def mine(trainer):
    return running_cohort(trainers=[trainer])


@pytest.fixture
def task(mine):
    return assignment_for(mine, title="Reply to a complaint", criteria=2)


@pytest.fixture
def waiting(task, mine):
    return attempt(task, mine, member(mine, email="lena@spoke.example"))


def rubric(task) -> list[RubricCriterion]:
    return list(task.criteria.select_related("competency").order_by("sort_order"))


# --- review_decide: who may -----------------------------------------------------------------


@db
@pytest.mark.parametrize("role", ["learner", "manager", "hr", "lead"])
def test_only_the_cohorts_trainers_decide(request, waiting, role):
    with pytest.raises(PermissionDenied):
        review_decide(
            submission=waiting,
            by=request.getfixturevalue(role),
            decision=Decision.NEEDS_REVISION,
            feedback="No.",
        )
    assert not Review.objects.exists()


@db
def test_a_trainer_of_another_cohort_may_not_decide(waiting):
    other = add_role(UserFactory(), "Trainer")
    with pytest.raises(PermissionDenied):
        review_decide(submission=waiting, by=other, decision=Decision.NEEDS_REVISION, feedback="x")


@db
def test_a_site_admin_may_decide(site_admin, waiting):
    review = review_decide(
        submission=waiting, by=site_admin, decision=Decision.NEEDS_REVISION, feedback="More."
    )
    assert review.reviewer == site_admin


@db
def test_nobody_reviews_their_own_work(trainer, mine, task):
    EnrollmentFactory(cohort=mine, user=trainer)
    own = attempt(task, mine, trainer)
    with pytest.raises(PermissionDenied, match="own work"):
        review_decide(
            submission=own, by=trainer, decision=Decision.ACCEPTED, criteria_met=rubric(task)
        )


# --- review_decide: what each decision needs ------------------------------------------------


@db
def test_a_decision_that_is_not_a_choice_is_refused(trainer, waiting):
    with pytest.raises(ValidationError) as error:
        review_decide(submission=waiting, by=trainer, decision="approve", feedback="x")
    assert "decision" in error.value.error_dict


@db
def test_accepting_needs_a_criterion(trainer, waiting):
    with pytest.raises(ValidationError) as error:
        review_decide(submission=waiting, by=trainer, decision=Decision.ACCEPTED, feedback="Nice")
    assert "criteria_met" in error.value.error_dict


@db
def test_a_revision_needs_feedback(trainer, waiting):
    with pytest.raises(ValidationError) as error:
        review_decide(
            submission=waiting, by=trainer, decision=Decision.NEEDS_REVISION, feedback="  \n "
        )
    assert "feedback" in error.value.error_dict


@db
def test_feedback_has_a_limit(trainer, waiting):
    with pytest.raises(ValidationError) as error:
        review_decide(
            submission=waiting,
            by=trainer,
            decision=Decision.NEEDS_REVISION,
            feedback="x" * (MAX_FEEDBACK + 1),
        )
    assert "feedback" in error.value.error_dict
    assert not Review.objects.exists()


@db
def test_a_criterion_of_another_assignment_is_refused(trainer, waiting, mine):
    stranger = rubric(assignment_for(mine))[0]
    with pytest.raises(ValidationError) as error:
        review_decide(
            submission=waiting, by=trainer, decision=Decision.ACCEPTED, criteria_met=[stranger]
        )
    assert "criteria_met" in error.value.error_dict
    assert not CompetencyEvidence.objects.exists()


@db
def test_a_draft_cannot_be_decided(trainer, task, mine):
    draft = attempt(task, mine, member(mine), status=Status.DRAFT)
    with pytest.raises(ValidationError, match="not handed in yet"):
        review_decide(
            submission=draft, by=trainer, decision=Decision.ACCEPTED, criteria_met=rubric(task)
        )


# --- review_decide: what it writes ----------------------------------------------------------


@db
def test_accepting_writes_one_piece_of_evidence_per_criterion(
    trainer, waiting, task, django_capture_on_commit_callbacks
):
    first, second = rubric(task)
    second.level = Level.PROFICIENT
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        review = review_decide(
            submission=waiting,
            by=trainer,
            decision=Decision.ACCEPTED,
            criteria_met=[first, second],
            feedback=" Calm and clear. ",
        )
    waiting.refresh_from_db()
    assert waiting.status == Status.ACCEPTED
    assert review.feedback == "Calm and clear."
    assert set(review.criteria_met.all()) == {first, second}
    rows = CompetencyEvidence.objects.filter(user=waiting.user)
    assert sorted((row.competency_id, row.level) for row in rows) == sorted(
        [(first.competency_id, Level.PRACTISING), (second.competency_id, Level.PROFICIENT)]
    )
    assert {row.source_kind for row in rows} == {CompetencyEvidence.Source.PRACTICE_REVIEW}
    assert {row.awarded_by_id for row in rows} == {trainer.pk}
    assert dict(
        CompetencyStanding.objects.filter(user=waiting.user).values_list("competency_id", "level")
    ) == {first.competency_id: Level.PRACTISING, second.competency_id: Level.PROFICIENT}
    assert [message.to for message in mail.outbox] == [["lena@spoke.example"]]


@db
def test_a_revision_writes_no_evidence_and_tells_the_person(
    trainer, waiting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            submission=waiting, by=trainer, decision=Decision.NEEDS_REVISION, feedback="Go private."
        )
    waiting.refresh_from_db()
    assert waiting.status == Status.NEEDS_REVISION
    assert not CompetencyEvidence.objects.exists()
    assert len(mail.outbox) == 1
    assert "Go private." in mail.outbox[0].body


@db
def test_work_is_decided_once_and_the_second_is_told_by_whom(
    trainer, waiting, task, django_capture_on_commit_callbacks
):
    colleague = add_role(UserFactory(first_name="Colin", last_name="Colleague"), "Trainer")
    waiting.cohort.trainers.add(colleague)
    stale = type(waiting).objects.get(pk=waiting.pk)  # the second trainer's copy
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            submission=waiting, by=colleague, decision=Decision.ACCEPTED, criteria_met=rubric(task)
        )
        with pytest.raises(ValidationError, match="already decided by Colin Colleague") as error:
            review_decide(
                submission=stale, by=trainer, decision=Decision.NEEDS_REVISION, feedback="Hmm"
            )
    assert error.value.code == "decided"
    assert Review.objects.count() == 1
    assert CompetencyEvidence.objects.count() == 2
    assert len(mail.outbox) == 1


@db
def test_the_learner_is_told_once_even_if_the_task_runs_twice(
    trainer, waiting, django_capture_on_commit_callbacks
):
    """The e-mail goes through the send-once log, keyed by the review."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_decide(
            submission=waiting, by=trainer, decision=Decision.NEEDS_REVISION, feedback="Again."
        )
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key__startswith="practice-feedback:").count() == 1


# --- A cohort's own dates -------------------------------------------------------------------


@db
def test_a_trainer_sets_and_clears_the_cohorts_dates(trainer, mine, task):
    scheduled = assignment_window(cohort=mine, assignment=task)
    opens = timezone.now().replace(microsecond=0) + timedelta(days=1)
    window = assignment_window_set(
        cohort=mine, assignment=task, by=trainer, opens_at=opens, due_at=opens + timedelta(days=2)
    )
    again = assignment_window_set(
        cohort=mine, assignment=task, by=trainer, opens_at=opens, due_at=opens + timedelta(days=3)
    )
    assert again.pk == window.pk
    assert AssignmentWindow.objects.get().due_at == opens + timedelta(days=3)
    custom = assignment_window(cohort=mine, assignment=task)
    assert custom.is_custom
    assert (custom.scheduled_opens_at, custom.scheduled_due_at) == (
        scheduled.opens_at,
        scheduled.due_at,
    )
    assert assignment_window_clear(cohort=mine, assignment=task, by=trainer) is True
    assert assignment_window_clear(cohort=mine, assignment=task, by=trainer) is False
    assert assignment_window(cohort=mine, assignment=task) == scheduled


@db
@pytest.mark.parametrize("role", ["learner", "hr", "lead"])
def test_only_the_cohorts_trainers_change_its_dates(request, mine, task, role):
    person = request.getfixturevalue(role)
    opens = timezone.now()
    with pytest.raises(PermissionDenied):
        assignment_window_set(
            cohort=mine, assignment=task, by=person, opens_at=opens, due_at=opens + timedelta(1)
        )
    with pytest.raises(PermissionDenied):
        assignment_window_clear(cohort=mine, assignment=task, by=person)
    other = add_role(UserFactory(), "Trainer")
    with pytest.raises(PermissionDenied):
        assignment_window_clear(cohort=mine, assignment=task, by=other)


@db
def test_dates_are_checked(trainer, mine, task):
    opens = timezone.now()
    with pytest.raises(ValidationError) as error:
        assignment_window_set(
            cohort=mine, assignment=task, by=trainer, opens_at=opens, due_at=opens
        )
    assert "due_at" in error.value.error_dict
    with pytest.raises(ValidationError):
        assignment_window_set(cohort=mine, assignment=task, by=trainer, opens_at=opens, due_at=None)
    theirs = assignment_for(running_cohort(name="Other course"))
    with pytest.raises(PermissionDenied):
        assignment_window_set(
            cohort=mine, assignment=theirs, by=trainer, opens_at=opens, due_at=opens + timedelta(1)
        )
    mine.cancelled_at = timezone.now()
    mine.save()
    with pytest.raises(ValidationError, match="cancelled"):
        assignment_window_set(
            cohort=mine, assignment=task, by=trainer, opens_at=opens, due_at=opens + timedelta(1)
        )
    assert not AssignmentWindow.objects.exists()


# --- Two trainers at once (PostgreSQL) ------------------------------------------------------


# Threads read committed rows only; serialized_rollback puts back the migrated rows (groups,
# the Wagtail tree) that the factories need.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_trainers_deciding_at_once_cannot_both_decide():
    """Two trainers of the cohort press their buttons at the same moment: one decision, one
    set of evidence, one e-mail; the other is told it is already decided."""
    skip_unless_postgresql()
    first, second = (add_role(UserFactory(), "Trainer") for _ in range(2))
    cohort = running_cohort(trainers=[first, second])
    task = assignment_for(cohort, criteria=2)
    submission = attempt(task, cohort, member(cohort))
    criteria = rubric(task)
    mail.outbox = []

    def decide(trainer):
        decision = Decision.ACCEPTED if trainer == first else Decision.NEEDS_REVISION
        review_decide(
            submission=type(submission).objects.get(pk=submission.pk),
            by=trainer,
            decision=decision,
            criteria_met=criteria if decision == Decision.ACCEPTED else (),
            feedback="" if decision == Decision.ACCEPTED else "Try again.",
        )

    errors = race(decide, [first, second])
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert errors[0].code == "decided"
    review = Review.objects.get(submission=submission)
    submission.refresh_from_db()
    evidence = CompetencyEvidence.objects.filter(user=submission.user).count()
    if review.decision == Decision.ACCEPTED:
        assert (submission.status, evidence) == (Status.ACCEPTED, 2)
    else:
        assert (submission.status, evidence) == (Status.NEEDS_REVISION, 0)
    assert len(mail.outbox) == 1
