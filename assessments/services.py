"""Writes about practice: drafts, submissions, reviews, link checks and the reminders.

A person works on one open attempt per assignment and cohort: a draft they may save as
often as they like (whatever they typed is kept, checked or not), then submit, when every
piece of evidence the assignment asks for is checked. A trainer of the cohort decides a
submitted attempt once: accepted (competency evidence is written for each criterion met)
or needs revision (the person starts a new attempt from the old one; all are kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cohorts.models import Cohort, Enrollment
from cohorts.selectors import user_runs_cohort
from cohorts.services import local_time
from competencies.services import evidence_record
from core.audit import audit_log
from core.files import storage_file_delete, storage_orphans_delete
from core.personcache import person_changed
from core.tasks import notify_after_commit

from . import evidence, selectors
from .audit import REVIEW_ACCEPTED, REVIEW_REVISION
from .models import (
    SCREENSHOT_FOLDER,
    Assignment,
    AssignmentWindow,
    Review,
    RubricCriterion,
    Submission,
)
from .selectors import (
    AFTER_LAST_SESSION,
    assignment_windows,
    latest_attempts,
)

Status = Submission.Status
EMAIL = "assessments/email/"
MAX_REFLECTION_INPUT = evidence.MAX_REFLECTION_CHARS  # what a draft keeps, before cleaning
# A trainer's feedback is an e-mail's worth of plain text.
MAX_FEEDBACK = 10_000


def work_path(*, cohort_id: int, assignment_id: int) -> str:
    """Where a person works on an assignment in a cohort."""
    return reverse("assessments:work", args=[cohort_id, assignment_id])


# --- Opening an attempt -------------------------------------------------------------------


_GATE_REFUSALS = {
    selectors.GATE_ANONYMOUS: (PermissionDenied, _lazy("Sign in to practise."), None),
    selectors.GATE_NO_PLACE: (
        PermissionDenied,
        _lazy("Only the people enrolled in this cohort practise in it."),
        None,
    ),
    selectors.GATE_CANCELLED: (ValidationError, _lazy("This cohort is cancelled."), "cancelled"),
    selectors.GATE_OTHER_COURSE: (
        PermissionDenied,
        _lazy("This assignment belongs to another course."),
        None,
    ),
    selectors.GATE_NOT_OPEN: (
        ValidationError,
        _lazy("This assignment is not open yet."),
        "not_open",
    ),
}


def _require_can_practise(*, assignment: Assignment, cohort, user, now: datetime):
    """The window, if ``user`` may work on ``assignment`` in ``cohort`` now."""
    reason, window = selectors.practice_gate(
        assignment=assignment, cohort=cohort, user=user, now=now
    )
    if reason is not None:
        error, message, code = _GATE_REFUSALS[reason]
        if error is PermissionDenied:
            raise PermissionDenied(str(message))
        raise ValidationError(str(message), code=code)
    return window


def submission_current(*, assignment: Assignment, cohort, user, now: datetime | None = None):
    """The person's open attempt (a draft or one waiting for review), creating a draft when
    there is none: the first, or the next after a request for revision, which starts from
    what the last attempt held. An accepted assignment gets no new attempt."""
    now = now or timezone.now()
    _require_can_practise(assignment=assignment, cohort=cohort, user=user, now=now)
    attempts = Submission.objects.filter(assignment=assignment, cohort=cohort, user=user)
    current = attempts.filter(status__in=Submission.OPEN).first()
    if current is not None:
        return current
    last = attempts.order_by("-attempt").first()
    if last is not None and last.status == Status.ACCEPTED:
        raise ValidationError(_("This work is accepted: there is nothing more to do."), code="done")
    draft = selectors.next_draft(assignment=assignment, cohort=cohort, user=user, last=last)
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        # Two tabs saved the first draft at once: the other one made it.
        return attempts.get(status__in=Submission.OPEN)
    return draft


def submission_work_save(
    *,
    assignment: Assignment,
    cohort,
    by,
    link_url: str = "",
    reflection: str = "",
    screenshot=None,
    remove_screenshot: bool = False,
    submit: bool = False,
    now: datetime | None = None,
) -> Submission:
    """What the work page's form does: open the person's attempt (the first save creates
    the draft, or the next attempt after a request for revision), keep what they typed
    (``submission_draft_save``) and, when asked, hand it in (``submission_submit``).
    Raises what those refuse; a ``ValidationError`` with field errors comes after the rest
    of the draft is saved."""
    current = submission_current(assignment=assignment, cohort=cohort, user=by, now=now)
    submission_draft_save(
        submission=current,
        by=by,
        link_url=link_url,
        reflection=reflection,
        screenshot=screenshot,
        remove_screenshot=remove_screenshot,
    )
    if not submit:
        return current
    return submission_submit(submission=current, by=by, now=now)


# --- Drafts and submitting ----------------------------------------------------------------


def _require_own_draft(*, submission: Submission, by) -> None:
    if by is None or by.pk != submission.user_id:
        raise PermissionDenied(_("Only its author changes a submission."))
    if submission.status != Status.DRAFT:
        raise ValidationError(
            _("This attempt is already submitted: it can no longer change."), code="submitted"
        )


def submission_draft_save(
    *,
    submission: Submission,
    by,
    link_url: str = "",
    reflection: str = "",
    screenshot=None,
    remove_screenshot: bool = False,
) -> Submission:
    """Keep what the person typed. The reflection is kept as plain text, in their own words
    (pages show it escaped, with its paragraphs), and the link
    kept as typed (it is checked on submitting). A new screenshot is checked, re-encoded and
    stored under a random name (it replaces the stored one, and wins over
    ``remove_screenshot``).

    What cannot be kept (a link or reflection over the limit, a bad screenshot) leaves the
    stored value as it was; everything else is saved, then a ``ValidationError`` with one
    message per refused field is raised. The row is locked while it is written, so a draft
    saved from a stale tab cannot turn an attempt submitted meanwhile back into a draft.
    """
    _require_own_draft(submission=submission, by=by)
    errors: dict[str, list] = {}
    link_url = link_url.strip()
    if len(link_url) > evidence.MAX_LINK_CHARS:
        errors["link_url"] = [
            _("This link has %(length)s characters; a link can have at most %(max)s.")
            % {"length": len(link_url), "max": evidence.MAX_LINK_CHARS}
        ]
    clean = None
    if len(reflection) > MAX_REFLECTION_INPUT:
        errors["reflection"] = [
            _(
                "The reflection is too long to keep: %(length)s characters, and the limit "
                "is %(max)s. Shorten it."
            )
            % {"length": len(reflection), "max": MAX_REFLECTION_INPUT}
        ]
    else:
        clean = evidence.reflection_normalise(reflection)
    processed = None
    if screenshot is not None:
        try:
            processed = evidence.screenshot_process(screenshot)
        except ValidationError as error:
            errors["screenshot"] = error.messages
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        _require_own_draft(submission=current, by=by)
        if "link_url" not in errors:
            current.link_url = link_url
        if clean is not None:
            current.reflection = clean
            current.reflection_chars = evidence.reflection_length(clean)
        replaced = current.screenshot.name or ""
        if processed is not None:
            current.screenshot.save(processed.name, processed.content, save=False)
            current.screenshot_width, current.screenshot_height = (
                processed.width,
                processed.height,
            )
        elif remove_screenshot:
            current.screenshot = ""
            current.screenshot_width = current.screenshot_height = None
        current.save(
            update_fields=[
                "link_url",
                "reflection",
                "reflection_chars",
                "screenshot",
                "screenshot_width",
                "screenshot_height",
                "updated_at",
            ]
        )
        if replaced and current.screenshot.name != replaced:
            transaction.on_commit(lambda: screenshot_delete_unless_used(name=replaced))
    for field in (
        "link_url",
        "reflection",
        "reflection_chars",
        "screenshot",
        "screenshot_width",
        "screenshot_height",
        "updated_at",
    ):
        setattr(submission, field, getattr(current, field))
    if errors:
        raise ValidationError(errors)
    return submission


def submission_submit(*, submission: Submission, by, now: datetime | None = None) -> Submission:
    """Hand the draft in for review once every piece of evidence the assignment asks for is
    there and checked; late work is accepted and marked late. The link is then checked in
    the background.

    The row is locked and read again first, so what is checked is what is stored, and two
    submits at once (two tabs, a double click) hand it in once: the second is told it is
    already submitted."""
    _require_own_draft(submission=submission, by=by)
    now = now or timezone.now()
    assignment = submission.assignment
    window = _require_can_practise(
        assignment=assignment, cohort=submission.cohort, user=by, now=now
    )
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if current.status != Status.DRAFT:
            raise ValidationError(_("This attempt is already submitted."), code="submitted")
        errors: dict[str, list] = {}
        platform = None
        if assignment.needs_link:
            try:
                platform, _kind = evidence.link_check_platform(
                    current.link_url, assignment.platforms.all()
                )
            except ValidationError as error:
                errors["link_url"] = error.messages
        if assignment.needs_screenshot and not current.screenshot:
            errors["screenshot"] = [_("Add a screenshot.")]
        if assignment.needs_reflection:
            try:
                evidence.reflection_clean(
                    current.reflection, min_chars=assignment.reflection_min_chars
                )
            except ValidationError as error:
                errors["reflection"] = error.messages
        if errors:
            raise ValidationError(errors)
        current.platform = platform
        current.status = Status.SUBMITTED
        current.submitted_at = now
        current.due_at = window.due_at
        current.is_late = now > window.due_at
        current.link_check = Submission.LinkCheck.PENDING
        current.save()
        if current.link_url and assignment.needs_link:
            from .tasks import submission_link_check

            transaction.on_commit(lambda: submission_link_check.delay(current.pk))
    for field in ("platform", "status", "submitted_at", "due_at", "is_late", "link_check"):
        setattr(submission, field, getattr(current, field))
    return current


# --- Screenshots no longer needed --------------------------------------------------------


def _screenshot_storage():
    """Where the screenshot field writes (the ``private`` storage)."""
    return Submission._meta.get_field("screenshot").storage


def screenshot_delete_unless_used(*, name: str) -> bool:
    """Delete the screenshot file ``name`` unless an attempt still points at it (an
    earlier attempt hands its screenshot on to the next, so a file may have several).
    Called after the transaction that let go of it commits. Returns whether it went."""
    if not name or Submission.objects.filter(screenshot=name).exists():
        return False
    return storage_file_delete(storage=_screenshot_storage(), name=name)


@dataclass(frozen=True)
class ScreenshotsCleanReport:
    drafts: int = 0  # stale drafts whose screenshot was let go
    files: int = 0  # files deleted


def screenshots_clean(*, now: datetime | None = None) -> ScreenshotsCleanReport:
    """Let go of the screenshots of drafts nobody has touched for
    ``SPOKE_DRAFT_SCREENSHOT_RETENTION_DAYS`` (the draft and the rest of what it holds
    stay), then delete every file under ``screenshots/`` that no attempt points at and
    that is older than ``SPOKE_PRIVATE_ORPHAN_GRACE_HOURS``. Run daily by beat."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SPOKE_DRAFT_SCREENSHOT_RETENTION_DAYS)
    stale = Submission.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff).exclude(
        screenshot=""
    )
    names = set(stale.values_list("screenshot", flat=True))
    # One statement that checks again: a draft saved meanwhile is newer than the cut-off.
    # ``update`` leaves ``updated_at`` as it was: the draft was not touched by its author.
    drafts = stale.update(screenshot="", screenshot_width=None, screenshot_height=None)
    files = sum(screenshot_delete_unless_used(name=name) for name in sorted(names))
    files += storage_orphans_delete(
        storage=_screenshot_storage(),
        folder=SCREENSHOT_FOLDER,
        referenced=lambda batch: Submission.objects.filter(screenshot__in=batch).values_list(
            "screenshot", flat=True
        ),
        older_than=now - timedelta(hours=settings.SPOKE_PRIVATE_ORPHAN_GRACE_HOURS),
    )
    return ScreenshotsCleanReport(drafts=drafts, files=files)


# --- Reviewing ----------------------------------------------------------------------------


def review_decide(
    *,
    submission: Submission,
    by,
    decision: str,
    criteria_met: list[RubricCriterion] | tuple = (),
    feedback: str = "",
) -> Review:
    """A trainer of the cohort decides a submitted attempt, once: two trainers deciding at
    the same moment queue on the row's lock, and the second is told it is decided.

    Accepting needs at least one criterion met and writes one piece of competency evidence
    per criterion; asking for a revision needs feedback. The person is told either way.
    """
    if not user_runs_cohort(user=by, cohort=submission.cohort):
        raise PermissionDenied(_("Only the trainers of this cohort review its work."))
    if by.pk == submission.user_id:
        raise PermissionDenied(_("Nobody reviews their own work."))
    if decision not in Review.Decision.values:
        raise ValidationError({"decision": _("Choose to accept or to ask for a revision.")})
    feedback = feedback.strip()
    criteria = list(criteria_met)
    if any(criterion.assignment_id != submission.assignment_id for criterion in criteria):
        raise ValidationError({"criteria_met": _("A criterion of another assignment was sent.")})
    if decision == Review.Decision.ACCEPTED and not criteria:
        raise ValidationError(
            {"criteria_met": _("Tick the criteria the work meets: accepting needs one.")}
        )
    if decision == Review.Decision.NEEDS_REVISION and not feedback:
        raise ValidationError({"feedback": _("Say what to change: a revision needs feedback.")})
    if len(feedback) > MAX_FEEDBACK:
        raise ValidationError(
            {
                "feedback": _("Keep the feedback under %(n)s characters.")
                % {"n": f"{MAX_FEEDBACK:,}"}
            },
            code="too_long",
        )
    with transaction.atomic():
        current = (
            Submission.objects.select_for_update()
            .select_related("user", "assignment", "cohort")
            .get(pk=submission.pk)
        )
        if current.status == Status.DRAFT:
            raise ValidationError(
                _("This attempt is not handed in yet: there is nothing to decide."),
                code="draft",
            )
        if current.status != Status.SUBMITTED:
            decided = Review.objects.filter(submission=current).select_related("reviewer").first()
            who = decided.reviewer.get_full_name() if decided and decided.reviewer else ""
            raise ValidationError(
                _("This work was already decided%(by)s: it is %(status)s.")
                % {
                    "by": _(" by %(name)s") % {"name": who} if who else "",
                    "status": current.get_status_display().lower(),
                },
                code="decided",
            )
        review = Review.objects.create(
            submission=current, reviewer=by, decision=decision, feedback=feedback
        )
        review.criteria_met.set(criteria)
        current.status = (
            Status.ACCEPTED if decision == Review.Decision.ACCEPTED else Status.NEEDS_REVISION
        )
        current.save(update_fields=["status", "updated_at"])
        if decision == Review.Decision.ACCEPTED:
            for criterion in criteria:
                evidence_record(
                    user=current.user,
                    competency=criterion.competency,
                    level=criterion.level,
                    source=review,
                    awarded_by=by,
                    note=criterion.description[:200],
                )
        audit_log(
            instance=current,
            action=(
                REVIEW_ACCEPTED if decision == Review.Decision.ACCEPTED else REVIEW_REVISION
            ).name,
            by=by,
            data={"attempt": current.attempt, "criteria": len(criteria), "review": review.pk},
        )
        notify_after_commit(
            user_id=current.user_id,
            key=f"practice-feedback:{review.pk}",
            template=EMAIL + "feedback",
            context={
                "path": work_path(cohort_id=current.cohort_id, assignment_id=current.assignment_id),
                "assignment_title": current.assignment.title,
                "cohort_name": current.cohort.name,
                "accepted": decision == Review.Decision.ACCEPTED,
                "feedback": feedback,
                "attempt": current.attempt,
            },
        )
    submission.status = current.status
    return review


def review_mark_read(*, submission: Submission, by, now: datetime | None = None) -> bool:
    """The learner opened the feedback on their attempt: "New feedback" goes away.

    Only the attempt's author marks it; a second call changes nothing. Returns whether
    the review was unread until now. Called from a POST (the button that opens the
    feedback), never from a page view: reading a page writes nothing.
    """
    if by.pk != submission.user_id:
        raise PermissionDenied(_("Only the author of this work reads its feedback."))
    now = now or timezone.now()
    with transaction.atomic():
        changed = Review.objects.filter(submission=submission, read_at__isnull=True).update(
            read_at=now
        )
        if changed:  # "New feedback" leaves their dashboard
            person_changed(submission.user_id)
    return bool(changed)


# --- A cohort's own dates -----------------------------------------------------------------


def _require_runs_cohort_for(*, cohort, assignment: Assignment, by) -> None:
    if not user_runs_cohort(user=by, cohort=cohort):
        raise PermissionDenied(_("Only the trainers of this cohort change its dates."))
    if assignment.course_id != cohort.course_id:
        raise PermissionDenied(_("This assignment belongs to another course."))


def assignment_window_set(
    *, cohort, assignment: Assignment, by, opens_at: datetime, due_at: datetime
) -> AssignmentWindow:
    """A trainer of the cohort gives ``assignment`` its own dates there, replacing what the
    schedule says (or the dates set before). Work already handed in keeps the due date it
    was handed in against."""
    _require_runs_cohort_for(cohort=cohort, assignment=assignment, by=by)
    if cohort.cancelled_at is not None:
        raise ValidationError(_("This cohort is cancelled: its dates no longer change."))
    if opens_at is None or due_at is None:
        raise ValidationError(_("Set both dates: when it opens and when it is due."))
    if due_at <= opens_at:
        raise ValidationError(
            {"due_at": _("The due date must come after the opening date.")}, code="order"
        )
    values = {"opens_at": opens_at, "due_at": due_at}
    try:
        with transaction.atomic():
            window, _created = AssignmentWindow.objects.update_or_create(
                cohort=cohort, assignment=assignment, defaults=values
            )
    except IntegrityError:
        # Another trainer created the row at the same moment: the last one wins.
        window = AssignmentWindow.objects.get(cohort=cohort, assignment=assignment)
        for name, value in values.items():
            setattr(window, name, value)
        window.save(update_fields=[*values, "updated_at"])
    return window


def assignment_window_clear(*, cohort, assignment: Assignment, by) -> bool:
    """Back to the schedule's dates for ``assignment`` in ``cohort``; whether there were
    other dates to remove."""
    _require_runs_cohort_for(cohort=cohort, assignment=assignment, by=by)
    if cohort.cancelled_at is not None:
        raise ValidationError(_("This cohort is cancelled: its dates no longer change."))
    deleted, _rows = AssignmentWindow.objects.filter(cohort=cohort, assignment=assignment).delete()
    return bool(deleted)


# --- Link checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowChange:
    """One row of the dates form: ``action`` is "set" (with both dates), "clear" (back to
    the schedule) or "" (leave it as it is)."""

    assignment: Assignment
    action: str = ""
    opens_at: datetime | None = None
    due_at: datetime | None = None


class WindowRowsError(ValidationError):
    """Some rows of a dates form were refused; ``rows`` maps a row's index to its error
    (a ``PermissionDenied`` or a ``ValidationError``). Nothing was saved."""

    def __init__(self, rows: dict[int, Exception]):
        super().__init__(_("The dates could not be saved."))
        self.rows = rows


def assignment_windows_save(*, cohort, changes: list[WindowChange], by) -> int:
    """Apply every row of a cohort's dates form at once, or none of them: each row is
    checked by ``assignment_window_set``/``assignment_window_clear``, and when any is
    refused everything is rolled back and ``WindowRowsError`` names the refused rows.
    Returns how many rows asked for a change."""
    refused: dict[int, Exception] = {}
    changed = 0
    with transaction.atomic():
        for index, change in enumerate(changes):
            try:
                if change.action == "set":
                    assignment_window_set(
                        cohort=cohort,
                        assignment=change.assignment,
                        by=by,
                        opens_at=change.opens_at,
                        due_at=change.due_at,
                    )
                elif change.action == "clear":
                    assignment_window_clear(cohort=cohort, assignment=change.assignment, by=by)
            except (PermissionDenied, ValidationError) as error:
                refused[index] = error
            else:
                changed += bool(change.action)
        if refused:
            transaction.set_rollback(True)
    if refused:
        raise WindowRowsError(refused)
    return changed


def submission_link_check_record(*, submission_id: int, result) -> None:
    """Store what the background link check found; never changes anything else."""
    Submission.objects.filter(pk=submission_id).update(
        link_check=result.status,
        link_http_status=result.http_status,
        link_title=(result.title or "")[:300],
        link_checked_at=timezone.now(),
    )
    person_changed(*Submission.objects.filter(pk=submission_id).values_list("user_id", flat=True))


# --- Reminders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanReport:
    opened: int = 0
    due_soon: int = 0
    digests: int = 0


# Only assignments that opened this recently are announced (a new deployment does not
# announce last year's).
OPENED_WINDOW = timedelta(days=2)
DUE_SOON = timedelta(hours=24)


def practice_reminders_send(*, now: datetime | None = None) -> ScanReport:
    """Tell people an assignment opened, and remind those who have not submitted a day
    before it is due; each message once per person, cohort and assignment (send-once keys),
    however often this runs."""
    now = now or timezone.now()
    # Cohorts still going (or just finished: the last assignment is due after it).
    cohorts = Cohort.objects.filter(
        is_published=True,
        cancelled_at__isnull=True,
        ends_at__gt=now - AFTER_LAST_SESSION - OPENED_WINDOW,
    ).select_related("course")
    windows = [
        window
        for window in assignment_windows(cohorts=cohorts).values()
        if (now - OPENED_WINDOW < window.opens_at <= now)
        or (window.opens_at <= now < window.due_at <= now + DUE_SOON)
    ]
    if not windows:
        return ScanReport()
    cohort_ids = {window.cohort.pk for window in windows}
    people: dict[int, list] = {}
    for enrollment in Enrollment.objects.filter(
        cohort_id__in=cohort_ids, status=Enrollment.Status.ENROLLED
    ).select_related("user"):
        people.setdefault(enrollment.cohort_id, []).append(enrollment.user)
    latest = latest_attempts(
        user_ids={user.pk for users in people.values() for user in users}, cohort_ids=cohort_ids
    )
    opened = due_soon = 0
    for window in windows:
        cohort, assignment = window.cohort, window.assignment
        context = {
            "assignment_title": assignment.title,
            "cohort_name": cohort.name,
            "path": work_path(cohort_id=cohort.pk, assignment_id=assignment.pk),
        }
        for user in people.get(cohort.pk, []):
            due = local_time(window.due_at, user.time_zone)
            if now - OPENED_WINDOW < window.opens_at <= now:
                notify_after_commit(
                    user_id=user.pk,
                    key=f"practice-open:{cohort.pk}:{assignment.pk}:{user.pk}",
                    template=EMAIL + "assignment_open",
                    context={**context, "due": due},
                )
                opened += 1
            attempt = latest.get((user.pk, cohort.pk, assignment.pk))
            handed_in = attempt is not None and attempt.status in (
                Status.SUBMITTED,
                Status.ACCEPTED,
            )
            if not handed_in and window.opens_at <= now < window.due_at <= now + DUE_SOON:
                notify_after_commit(
                    user_id=user.pk,
                    key=f"practice-due:{cohort.pk}:{assignment.pk}:{user.pk}",
                    template=EMAIL + "assignment_due",
                    context={**context, "due": due},
                )
                due_soon += 1
    return ScanReport(opened=opened, due_soon=due_soon)


def review_digests_send(*, now: datetime | None = None) -> int:
    """Each trainer with work waiting in their cohorts gets one e-mail a day saying how much
    waits in each. Returns how many were queued."""
    now = now or timezone.now()
    counts = dict(
        Submission.objects.filter(status=Status.SUBMITTED)
        .values("cohort_id")
        .annotate(waiting=Count("pk"))
        .values_list("cohort_id", "waiting")
    )
    if not counts:
        return 0
    per_trainer: dict[int, dict] = {}
    for cohort in Cohort.objects.filter(pk__in=list(counts)).prefetch_related("trainers"):
        for trainer in cohort.trainers.all():
            entry = per_trainer.setdefault(trainer.pk, {"user": trainer, "cohorts": []})
            entry["cohorts"].append({"name": cohort.name, "waiting": counts[cohort.pk]})
    day = now.date().isoformat()
    for entry in per_trainer.values():
        trainer = entry["user"]
        if not trainer.is_active:
            continue
        notify_after_commit(
            user_id=trainer.pk,
            key=f"review-digest:{trainer.pk}:{day}",
            template=EMAIL + "review_digest",
            context={
                "path": reverse("assessments_admin:queue"),
                "cohorts": sorted(entry["cohorts"], key=lambda c: c["name"]),
                "total": sum(c["waiting"] for c in entry["cohorts"]),
            },
        )
    return len(per_trainer)
