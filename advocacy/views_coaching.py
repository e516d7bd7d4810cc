"""Ambassadors who coach, under /roster/coaching/ (see ``urls_coaching`` and
``advocacy.coaching``).

- A coach: the cohorts they coach, each cohort's practice work, and one attempt with the
  rubric and their feedback. Work outside their cohorts, and their own, is a 404.
- A cohort's trainers and advocacy leads (and site admins): who coaches which cohort,
  asking an ambassador to coach and stopping it. Another trainer's cohort is a 404.
- A trainer endorses a coach's feedback from the review screen (a POST).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import RubricCriterion
from assessments.views import https_href
from cohorts.models import Cohort
from core.errors import error_text
from core.responses import private_response, safe_next
from people import roles

from .coaching import (
    ambassadors_active,
    coach_appoint,
    coach_feedback_endorse,
    coach_feedback_give,
    coach_remove,
    coach_work_list,
    coach_work_or_none,
    cohort_coaches,
    cohorts_coached,
    cohorts_with_coaches_for,
    user_coaches,
    user_may_appoint_coaches,
)
from .forms import CoachAppointForm, CoachFeedbackForm
from .models import CoachFeedback


def _cohort_or_404(pk: int) -> Cohort:
    cohort = Cohort.objects.select_related("course").filter(pk=pk).first()
    if cohort is None:
        raise Http404(_("No cohort found."))
    return cohort


@login_required
@require_GET
def coaching_home(request):
    """The cohorts I coach; for trainers and leads, the cohorts whose coaches they manage."""
    user = request.user
    manages = roles.user_is_advocacy_lead(user) or roles.user_is_trainer(user)
    return private_response(
        render(
            request,
            "advocacy/coaching/home.html",
            {
                "coached": list(cohorts_coached(user=user)),
                "managed": list(cohorts_with_coaches_for(user=user)[:100]) if manages else None,
            },
        )
    )


@login_required
@require_GET
def coaching_cohort(request, pk: int):
    """A cohort's practice work, for its coaches only."""
    cohort = _cohort_or_404(pk)
    if not user_coaches(user=request.user, cohort_id=cohort.pk):
        raise Http404(_("No cohort found."))
    return private_response(
        render(
            request,
            "advocacy/coaching/cohort.html",
            {"cohort": cohort, "work": coach_work_list(user=request.user, cohort=cohort)},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_work(request, pk: int):
    """One attempt: the evidence, the rubric, and the coach's feedback form."""
    submission = coach_work_or_none(user=request.user, pk=pk)
    if submission is None:
        raise Http404(_("No work found."))
    criteria = RubricCriterion.objects.filter(assignment_id=submission.assignment_id).order_by(
        "sort_order", "pk"
    )
    mine = CoachFeedback.objects.filter(submission=submission, coach=request.user).first()
    initial = (
        {"text": mine.text, "criteria": list(mine.criteria_shown.values_list("pk", flat=True))}
        if mine
        else None
    )
    form = CoachFeedbackForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            coach_feedback_give(
                submission=submission,
                coach=request.user,
                text=form.cleaned_data["text"],
                criteria=list(form.cleaned_data["criteria"]),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you: the learner can read your feedback."))
            return redirect("coaching:cohort", pk=submission.cohort_id)
    return private_response(
        render(
            request,
            "advocacy/coaching/work.html",
            {
                "submission": submission,
                "href": https_href(submission.link_url),
                "form": form,
                "mine": mine,
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_coaches(request, pk: int):
    """Who coaches a cohort; ask an ambassador (a POST)."""
    cohort = _cohort_or_404(pk)
    if not user_may_appoint_coaches(user=request.user, cohort=cohort):
        if roles.user_is_trainer(request.user):
            raise Http404(_("No cohort found."))  # another trainer's cohort
        raise PermissionDenied
    ambassadors = ambassadors_active().exclude(cohorts_coached__cohort=cohort)
    form = CoachAppointForm(request.POST or None, ambassadors=ambassadors)
    if request.method == "POST" and form.is_valid():
        try:
            coach_appoint(cohort=cohort, coach=form.cleaned_data["coach"], by=request.user)
        except ValidationError as error:
            form.add_error("coach", error_text(error))
        else:
            messages.success(
                request,
                _("%(name)s now coaches this cohort and is told by e-mail.")
                % {"name": form.cleaned_data["coach"].display_name},
            )
            return redirect("coaching:coaches", pk=cohort.pk)
    return private_response(
        render(
            request,
            "advocacy/coaching/coaches.html",
            {
                "cohort": cohort,
                "coaches": cohort_coaches(cohort=cohort),
                "form": form,
                "has_ambassadors": ambassadors.exists(),
            },
        )
    )


@login_required
@require_POST
def coaching_coach_remove(request, pk: int, user_pk: int):
    cohort = _cohort_or_404(pk)
    coach_remove(cohort=cohort, coach_id=user_pk, by=request.user)
    messages.success(request, _("They no longer coach this cohort; their feedback stays."))
    return redirect("coaching:coaches", pk=cohort.pk)


@login_required
@require_POST
def coaching_endorse(request, pk: int):
    """A trainer endorses a coach's feedback (from the review screen)."""
    feedback = (
        CoachFeedback.objects.select_related(
            "submission__cohort", "submission__assignment", "coach"
        )
        .filter(pk=pk)
        .first()
    )
    if feedback is None:
        raise Http404(_("No feedback found."))
    try:
        coach_feedback_endorse(feedback=feedback, by=request.user)
    except PermissionDenied:
        raise Http404(_("No feedback found.")) from None
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Endorsed: %(name)s's coaching is recorded.") % {"name": feedback.coach.display_name},
        )
    return redirect(safe_next(request, default="/"))
