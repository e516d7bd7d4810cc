"""What learners see of practice: their list of work, the page where they do one
assignment, and the screenshots they uploaded.

Only the people holding a place in a cohort work on its assignments; anyone else gets a
404, the answer for a cohort or assignment that does not exist, so nothing is given away.
A screenshot is streamed only to whoever may see its submission (its author, the cohort's
trainers, site admins), never from a public URL.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts.models import Cohort
from core.errors import error_text
from core.responses import private_file_response, private_response
from people.models import zone_or_utc

from . import services
from .extensions import PRACTICE_WORK_SECTIONS
from .forms import SubmissionForm
from .models import Assignment, Submission
from .selectors import (
    PracticeStep,
    practice_for,
    practice_state,
    user_may_see_submission,
)

# The only pictures stored (``evidence.screenshot_process`` writes these), by extension.
SCREENSHOT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}
THUMBNAIL_WIDTH = 320


def https_href(url: str) -> str:
    """``url`` if it is safe to put in an ``href`` (an https address), else ""."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return ""
    return url if parts.scheme.lower() == "https" and parts.netloc else ""


@dataclass(frozen=True)
class Attempt:
    """An attempt as the work page shows it: the submission, a link that is safe to
    follow, and the size of its screenshot's thumbnail."""

    submission: Submission
    href: str
    thumb_width: int | None
    thumb_height: int | None
    # The stored attempt whose screenshot is shown (a draft not yet saved shows the one it
    # carries over from the last attempt).
    screenshot_pk: int | None = None

    @property
    def review(self):
        return getattr(self.submission, "review", None)


def _attempt(submission: Submission, *, shown_from: Submission | None = None) -> Attempt:
    width, height = submission.screenshot_width, submission.screenshot_height
    thumb_w = thumb_h = None
    if submission.screenshot and width and height:
        thumb_w = min(THUMBNAIL_WIDTH, width)
        thumb_h = max(1, round(height * thumb_w / width))
    return Attempt(
        submission=submission,
        href=https_href(submission.link_url),
        thumb_width=thumb_w,
        thumb_height=thumb_h,
        screenshot_pk=(shown_from or submission).pk,
    )


def _work_url(cohort: Cohort, assignment: Assignment) -> str:
    return services.work_path(cohort_id=cohort.pk, assignment_id=assignment.pk)


# --- Everything the person has to do ----------------------------------------------------


@login_required
@require_GET
def practice_mine(request):
    """The person's practice in every cohort where they hold a place, by due date."""
    items = practice_for(user=request.user, now=timezone.now())
    return private_response(
        render(
            request,
            "assessments/mine.html",
            {"items": items, "viewer_tz": zone_or_utc(request.user.time_zone)},
        )
    )


# --- One assignment -----------------------------------------------------------------------


def _not_open(request, *, cohort: Cohort, assignment: Assignment, window):
    """For members: when the assignment opens (or that it has no date yet)."""
    return private_response(
        render(
            request,
            "assessments/not_open.html",
            {
                "cohort": cohort,
                "assignment": assignment,
                "window": window,
                "viewer_tz": zone_or_utc(request.user.time_zone),
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def work(request, cohort_pk: int, assignment_pk: int):
    """One assignment in one cohort: what to do, the current attempt's form (or, once
    submitted, what was handed in) and the earlier attempts with their feedback.

    GET only reads (``practice_state``): with no draft yet the form starts empty, or from
    the last attempt after a request for revision. POST saves the draft (``action=save``)
    or saves and submits it (``action=submit``), creating the draft on the first save;
    what a service refuses is shown on its field, with everything the person typed, and
    the rest of the draft is saved.
    """
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_pk).first()
    assignment = Assignment.objects.filter(pk=assignment_pk).first()
    if cohort is None or assignment is None:
        raise Http404(_("No assignment found."))
    now = timezone.now()
    state = practice_state(assignment=assignment, cohort=cohort, user=request.user, now=now)
    if state.step == PracticeStep.HIDDEN:
        # Not in the cohort, a cancelled cohort or another course's assignment: as if it
        # did not exist.
        raise Http404(_("No assignment found."))
    if state.step == PracticeStep.NOT_OPEN:
        return _not_open(request, cohort=cohort, assignment=assignment, window=state.window)

    form = None
    saved_with_errors = False
    if state.is_editable:
        if request.method == "POST":
            form = SubmissionForm(request.POST, request.FILES, assignment=assignment)
            if form.is_valid():
                saved_with_errors = _save_and_maybe_submit(
                    request, form, cohort=cohort, assignment=assignment, now=now
                )
                if not saved_with_errors:
                    return redirect(_work_url(cohort, assignment))
                # Saved except the refused fields: show what is stored now.
                state = practice_state(
                    assignment=assignment, cohort=cohort, user=request.user, now=now
                )
        else:
            form = SubmissionForm(
                initial={
                    "link_url": state.current.link_url,
                    "reflection": state.current.reflection,
                },
                assignment=assignment,
            )
    elif request.method == "POST":
        if state.step == PracticeStep.ACCEPTED:
            messages.error(request, _("This work is accepted: there is nothing more to do."))
        else:
            messages.error(
                request, _("This attempt is already submitted: it can no longer change.")
            )
        return redirect(_work_url(cohort, assignment))

    window = state.window
    current = state.current
    platforms = list(assignment.platforms.order_by("name"))
    # What the trainer will look for, shown before the work is handed in.
    criteria = list(assignment.criteria.select_related("competency").order_by("sort_order"))
    response = render(
        request,
        "assessments/work.html",
        {
            "cohort": cohort,
            "assignment": assignment,
            "platforms": platforms,
            "criteria": criteria,
            "window": window,
            "is_past_due": window is not None and now > window.due_at,
            "viewer_tz": zone_or_utc(request.user.time_zone),
            "current": _attempt(current, shown_from=state.screenshot_from) if current else None,
            "handed_in": state.step == PracticeStep.SUBMITTED,
            "accepted": state.step == PracticeStep.ACCEPTED,
            "form": form,
            "saved_with_errors": saved_with_errors,
            "earlier": [_attempt(submission) for submission in state.earlier],
            "sections": PRACTICE_WORK_SECTIONS.collect(
                request=request,
                submissions=[*state.earlier, *([current] if current and current.pk else [])],
                viewer="learner",
            ),
        },
    )
    return private_response(response)


def _save_and_maybe_submit(
    request, form: SubmissionForm, *, cohort: Cohort, assignment: Assignment, now
) -> bool:
    """Save the draft (the first save creates it), and submit it when asked. ``False`` on
    success or refusal of the whole (a message is queued and the caller redirects);
    ``True`` when the form must be shown again with errors and the draft has been saved
    (all but the refused fields), or saved but not submitted for want of the tick that
    confirms an attempt is final."""
    data = form.cleaned_data
    unconfirmed = form.wants_submit and not form.submit_confirmed
    try:
        submission = services.submission_work_save(
            assignment=assignment,
            cohort=cohort,
            by=request.user,
            link_url=data["link_url"],
            reflection=data["reflection"],
            screenshot=data["screenshot"],
            remove_screenshot=data["remove_screenshot"],
            submit=form.submit_confirmed,
            now=now,
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            # Submitted or accepted meanwhile (another tab): the page now shows it.
            messages.error(request, error_text(error))
            return False
        form.add_service_errors(error)
        if unconfirmed:
            form.add_confirm_error()
        return True
    except PermissionDenied as error:  # their place was withdrawn meanwhile
        messages.error(request, error_text(error))
        return False
    if unconfirmed:
        # Saved as a draft; the page asks for the tick that makes it final.
        form.add_confirm_error()
        return True
    if not form.submit_confirmed:
        messages.success(request, _("Draft saved."))
    elif submission.is_late:
        messages.success(
            request, _("Submitted late: your trainer will still review it. Thank you.")
        )
    else:
        messages.success(request, _("Submitted: your trainer will review it."))
    return False


# --- Feedback: unread until the learner opens it ---------------------------------------


@login_required
@require_POST
def feedback_open(request, pk: int):
    """Open the feedback on one of the person's attempts: mark it read and show it on
    the work page. A POST (the "Read the feedback" button), because it writes; anyone
    else's attempt, or an attempt without a decision, is a 404."""
    submission = (
        Submission.objects.select_related("review").filter(pk=pk, user=request.user).first()
    )
    if submission is None or getattr(submission, "review", None) is None:
        raise Http404(_("No feedback found."))
    services.review_mark_read(submission=submission, by=request.user)
    url = services.work_path(cohort_id=submission.cohort_id, assignment_id=submission.assignment_id)
    return redirect(f"{url}#attempt-{submission.attempt}")


# --- Screenshots ----------------------------------------------------------------------


@login_required
@require_GET
def screenshot(request, pk: int):
    """A submission's screenshot, to its author, the cohort's trainers and site admins;
    a 404 for everyone else, as for a submission that does not exist."""
    submission = Submission.objects.select_related("cohort").filter(pk=pk).first()
    if (
        submission is None
        or not submission.screenshot
        or not user_may_see_submission(user=request.user, submission=submission)
    ):
        raise Http404(_("No screenshot found."))
    extension = PurePosixPath(submission.screenshot.name).suffix.lower()
    content_type = SCREENSHOT_TYPES.get(extension)
    if content_type is None:
        raise Http404(_("No screenshot found."))
    # Opened on its own, the picture can run nothing and be framed by nobody else.
    return private_file_response(
        submission.screenshot,
        content_type=content_type,
        filename=f"screenshot-{submission.pk}{extension}",
        as_attachment=False,
        not_found=_("No screenshot found."),
        sandbox="default-src 'none'; img-src 'self'; sandbox",
    )
