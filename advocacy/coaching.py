"""Ambassadors who coach: services and reads.

A cohort's trainer (or an advocacy lead, or a site admin) asks an active ambassador to
coach the cohort (:func:`coach_appoint`). A coach sees the practice work handed in by the
cohort's learners (never their own, never anyone else's) and gives feedback on an attempt
against its rubric (:func:`coach_feedback_give`): the criteria they think it shows and a
few words. The learner reads it as a coach's, beside their work; the trainer reads it on
the review screen and still decides accept or revise. When a trainer endorses the
feedback (:func:`coach_feedback_endorse`), it is written to the ledger as evidence of the
coach's coaching competency (``Competency.is_coaching``) at the "Coach" level.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import RubricCriterion, Submission
from cohorts.models import Cohort
from cohorts.selectors import user_runs_cohort
from competencies.levels import Level
from competencies.models import Competency
from competencies.services import evidence_record
from core.personcache import person_changed
from core.tasks import notify_after_commit
from people import roles

from .models import CoachFeedback, CohortCoach, RosterMembership, Tier

EMAIL = "advocacy/email/"
MAX_FEEDBACK = 2000
# The work a coach sees: handed in, sent back for revision, or accepted (never drafts).
SEEN = (
    Submission.Status.SUBMITTED,
    Submission.Status.NEEDS_REVISION,
    Submission.Status.ACCEPTED,
)


# --- Who may do what ------------------------------------------------------------------------


def user_may_appoint_coaches(*, user, cohort: Cohort) -> bool:
    """The cohort's trainers, advocacy leads and site admins."""
    return roles.user_is_advocacy_lead(user) or user_runs_cohort(user=user, cohort=cohort)


def ambassadors_active() -> QuerySet:
    """The people who may be asked to coach: active ambassadors, by name."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            roster_memberships__tier=Tier.AMBASSADOR,
            roster_memberships__status=RosterMembership.Status.ACTIVE,
        )
        .order_by("last_name", "first_name", "pk")
    )


def user_coaches(*, user, cohort_id: int) -> bool:
    return CohortCoach.objects.filter(cohort_id=cohort_id, coach_id=user.pk).exists()


# --- Reads ----------------------------------------------------------------------------------


def cohorts_coached(*, user) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(coaches__coach=user)
        .select_related("course")
        .order_by("-pk")
        .distinct()
    )


def cohorts_with_coaches_for(*, user) -> QuerySet[Cohort]:
    """The cohorts whose coaches ``user`` may manage: every cohort for leads and site
    admins, a trainer's own cohorts."""
    cohorts = Cohort.objects.select_related("course").prefetch_related(
        Prefetch("coaches", queryset=CohortCoach.objects.select_related("coach"))
    )
    if roles.user_is_advocacy_lead(user):
        return cohorts.order_by("-pk")
    return cohorts.filter(trainers=user).order_by("-pk")


def cohort_coaches(*, cohort: Cohort) -> list[CohortCoach]:
    return list(cohort.coaches.select_related("coach", "appointed_by"))


def coach_work_list(*, user, cohort: Cohort) -> list[Submission]:
    """The work handed in by ``cohort``'s learners (the coach's own aside), newest first,
    with this coach's feedback on each (``mine``). Two queries."""
    work = list(
        Submission.objects.filter(cohort=cohort, status__in=SEEN)
        .exclude(user=user)
        .select_related("user", "assignment")
        .order_by("-submitted_at", "-pk")[:200]
    )
    mine = {
        feedback.submission_id: feedback
        for feedback in CoachFeedback.objects.filter(
            coach=user, submission_id__in=[submission.pk for submission in work]
        )
    }
    for submission in work:
        submission.mine = mine.get(submission.pk)
    return work


def coach_work_or_none(*, user, pk: int) -> Submission | None:
    """One attempt a coach may see: handed in, in a cohort they coach, not their own."""
    return (
        Submission.objects.filter(pk=pk, status__in=SEEN, cohort__coaches__coach=user)
        .exclude(user=user)
        .select_related("user", "assignment", "cohort", "platform")
        .first()
    )


def feedback_for_submissions(*, submission_ids: list[int]) -> list[CoachFeedback]:
    """Every coach's feedback on these attempts, with the criteria they ticked. Two
    queries."""
    return list(
        CoachFeedback.objects.filter(submission_id__in=submission_ids)
        .select_related("coach", "endorsed_by", "submission")
        .prefetch_related(
            Prefetch(
                "criteria_shown",
                queryset=RubricCriterion.objects.select_related("competency").order_by(
                    "sort_order", "pk"
                ),
            )
        )
        .order_by("submission__attempt", "created_at", "pk")
    )


def coaching_competency() -> Competency | None:
    return Competency.objects.filter(is_coaching=True).order_by("sort_order", "pk").first()


# --- Writes ---------------------------------------------------------------------------------


def coach_appoint(*, cohort: Cohort, coach, by) -> CohortCoach:
    """Ask an active ambassador to coach ``cohort``; they are told by e-mail."""
    if not user_may_appoint_coaches(user=by, cohort=cohort):
        raise PermissionDenied
    if not ambassadors_active().filter(pk=coach.pk).exists():
        raise ValidationError(_("Only active ambassadors can coach."))
    if cohort.trainers.filter(pk=coach.pk).exists():
        raise ValidationError(_("They already run this cohort as a trainer."))
    try:
        with transaction.atomic():
            appointment = CohortCoach.objects.create(
                cohort=cohort, coach=coach, appointed_by=by, appointed_at=timezone.now()
            )
            notify_after_commit(
                user_id=coach.pk,
                key=f"coaching:appointed:{appointment.pk}",
                template=EMAIL + "coach_appointed",
                context={
                    "cohort": cohort.name,
                    "path": reverse("coaching:cohort", kwargs={"pk": cohort.pk}),
                },
            )
    except IntegrityError:
        raise ValidationError(_("They already coach this cohort.")) from None
    return appointment


def coach_remove(*, cohort: Cohort, coach_id: int, by) -> None:
    """Stop someone coaching ``cohort``; their feedback so far stays."""
    if not user_may_appoint_coaches(user=by, cohort=cohort):
        raise PermissionDenied
    CohortCoach.objects.filter(cohort=cohort, coach_id=coach_id).delete()


def coach_feedback_give(
    *, submission: Submission, coach, text: str, criteria: list[RubricCriterion]
) -> CoachFeedback:
    """A coach's feedback on an attempt: new, or changed while no trainer has endorsed it.
    The learner is told once, when it is first given."""
    if coach_work_or_none(user=coach, pk=submission.pk) is None:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say something the learner can act on.")})
    if len(text) > MAX_FEEDBACK:
        raise ValidationError({"text": _("Keep it under %(n)s characters.") % {"n": MAX_FEEDBACK}})
    if any(criterion.assignment_id != submission.assignment_id for criterion in criteria):
        raise ValidationError({"criteria": _("Choose criteria of this assignment's rubric.")})
    with transaction.atomic():
        feedback, created = CoachFeedback.objects.select_for_update().get_or_create(
            submission=submission, coach=coach, defaults={"text": text}
        )
        if feedback.endorsed_at is not None:
            raise ValidationError(_("A trainer endorsed this feedback: it can no longer change."))
        if not created:
            feedback.text = text
            feedback.save(update_fields=["text", "updated_at"])
        feedback.criteria_shown.set(criteria)
        if created:
            notify_after_commit(
                user_id=submission.user_id,
                key=f"coaching:feedback:{feedback.pk}",
                template=EMAIL + "coach_feedback",
                context={
                    "coach": coach.display_name,
                    "assignment": submission.assignment.title,
                    "path": reverse(
                        "assessments:work",
                        kwargs={
                            "cohort_pk": submission.cohort_id,
                            "assignment_pk": submission.assignment_id,
                        },
                    ),
                },
            )
    return feedback


def coach_feedback_endorse(*, feedback: CoachFeedback, by) -> CoachFeedback:
    """A trainer of the cohort endorses a coach's feedback: it becomes evidence of the
    coach's coaching at the "Coach" level (once), and the coach is told."""
    cohort = feedback.submission.cohort
    if not user_runs_cohort(user=by, cohort=cohort):
        raise PermissionDenied
    competency = coaching_competency()
    if competency is None:
        raise ValidationError(
            _("No competency is marked as coaching yet: mark one in the competency framework.")
        )
    now = timezone.now()
    with transaction.atomic():
        endorsed = CoachFeedback.objects.filter(pk=feedback.pk, endorsed_at__isnull=True).update(
            endorsed_by=by, endorsed_at=now
        )
        if not endorsed:
            raise ValidationError(_("This feedback is already endorsed."))
        person_changed(feedback.coach_id, feedback.submission.user_id)
        feedback.endorsed_by, feedback.endorsed_at = by, now
        evidence_record(
            user=feedback.coach,
            competency=competency,
            level=Level.COACH,
            source=feedback,
            awarded_by=by,
            note=_("Coaching feedback on “%(title)s”, endorsed by a trainer")
            % {"title": feedback.submission.assignment.title},
        )
        notify_after_commit(
            user_id=feedback.coach_id,
            key=f"coaching:endorsed:{feedback.pk}",
            template=EMAIL + "coach_endorsed",
            context={
                "assignment": feedback.submission.assignment.title,
                "competency": competency.name,
                "path": reverse("competencies:mine"),
            },
        )
    return feedback
