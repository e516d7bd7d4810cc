"""Reads about practice: when each assignment opens and is due in a cohort, what a person
has to do, and who may see a submission.

Windows follow the cohort's sessions: an assignment opens when the session it follows
ends and is due when the next session starts (a week after opening when it follows the
last session). Trainers may set other dates for their cohort (``AssignmentWindow``).
Everything here costs a fixed number of queries, however many cohorts and assignments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext

from cohorts.models import Cohort, Enrollment, Session
from cohorts.release import cohort_schedules
from cohorts.selectors import user_runs_cohort
from core.pagecache import stamped
from people.roles import user_is_site_admin

from .models import Assignment, AssignmentWindow, Submission

AFTER_LAST_SESSION = timedelta(days=7)
# How long reviewed work stays on the learner's list, so they see the feedback.
FEEDBACK_SHOWN_FOR = timedelta(days=14)


@dataclass(frozen=True)
class Window:
    """When an assignment is open to a cohort, and the session it follows (if any)."""

    assignment: Assignment
    cohort: Cohort
    opens_at: datetime
    due_at: datetime
    session: Session | None = None
    is_custom: bool = False
    # The dates the schedule gives, when the cohort has the session (also when trainers
    # set other dates, so a form can show what "use the schedule" would bring back).
    scheduled_opens_at: datetime | None = None
    scheduled_due_at: datetime | None = None

    def is_open_at(self, moment: datetime) -> bool:
        return self.opens_at <= moment


def _session_after(assignment: Assignment, sessions: list[Session], covers: dict) -> int | None:
    """The index in ``sessions`` (by start time) of the session the assignment follows."""
    if assignment.after_session is not None:
        for index, session in enumerate(sessions):
            if session.number == assignment.after_session:
                return index
        return None
    for index, session in enumerate(sessions):
        if assignment.after_lesson_id in covers.get(session.pk, ()):
            return index
    return None


def _assignments_and_windows(*, course_ids: list[int], cohort_ids: list[int]):
    """The courses' assignments and the cohorts' own windows, kept until the content stamp
    changes (writing either changes it: see ``assessments.apps``)."""

    def read():
        assignments: dict[int, list[Assignment]] = {}
        for assignment in Assignment.objects.filter(course_id__in=course_ids).order_by("pk"):
            assignments.setdefault(assignment.course_id, []).append(assignment)
        custom = {
            (window.cohort_id, window.assignment_id): window
            for window in AssignmentWindow.objects.filter(cohort_id__in=cohort_ids)
        }
        return assignments, custom

    key = f"{','.join(map(str, course_ids))}:{','.join(map(str, cohort_ids))}"
    return stamped(f"assessments:assignments:{key}", read)


def assignment_windows(*, cohorts: Iterable[Cohort]) -> dict[tuple[int, int], Window]:
    """Every assignment's window in each of ``cohorts``, keyed by (cohort id, assignment
    id), in four queries. Assignments whose session the cohort does not have are left out:
    they never open there (unless trainers set dates)."""
    cohorts = list(cohorts)
    if not cohorts:
        return {}
    by_id = {cohort.pk: cohort for cohort in cohorts}
    assignments, custom = _assignments_and_windows(
        course_ids=sorted({cohort.course_id for cohort in cohorts}), cohort_ids=sorted(by_id)
    )
    if not assignments:  # courses without practice: nothing to schedule, no more queries
        return {}
    sessions, covers = cohort_schedules(cohort_ids=list(by_id))
    windows: dict[tuple[int, int], Window] = {}
    for cohort in cohorts:
        schedule = sessions[cohort.pk]
        for assignment in assignments.get(cohort.course_id, []):
            key = (cohort.pk, assignment.pk)
            index = _session_after(assignment, schedule, covers)
            session = schedule[index] if index is not None else None
            opens = due = None
            if session is not None:
                following = schedule[index + 1] if index + 1 < len(schedule) else None
                opens = session.ends_at
                due = following.starts_at if following else session.ends_at + AFTER_LAST_SESSION
            if key in custom:
                windows[key] = Window(
                    assignment=assignment,
                    cohort=cohort,
                    opens_at=custom[key].opens_at,
                    due_at=custom[key].due_at,
                    session=session,
                    is_custom=True,
                    scheduled_opens_at=opens,
                    scheduled_due_at=due,
                )
            elif session is not None:
                windows[key] = Window(
                    assignment=assignment,
                    cohort=cohort,
                    opens_at=opens,
                    due_at=due,
                    session=session,
                    scheduled_opens_at=opens,
                    scheduled_due_at=due,
                )
    return windows


def assignment_window(*, cohort: Cohort, assignment: Assignment) -> Window | None:
    return assignment_windows(cohorts=[cohort]).get((cohort.pk, assignment.pk))


def latest_attempts(*, user_ids: Iterable[int], cohort_ids: Iterable[int]) -> dict:
    """Each person's latest attempt per (cohort, assignment), keyed by
    (user id, cohort id, assignment id), with its review, in one or two queries."""
    latest: dict[tuple[int, int, int], Submission] = {}
    submissions = (
        Submission.objects.filter(user_id__in=list(user_ids), cohort_id__in=list(cohort_ids))
        .select_related("review")
        .order_by("attempt")
    )
    for submission in submissions:
        latest[(submission.user_id, submission.cohort_id, submission.assignment_id)] = submission
    return latest


@dataclass(frozen=True)
class DueItem:
    """One assignment on a person's list: its window and their latest attempt."""

    window: Window
    submission: Submission | None
    now: datetime

    @property
    def state(self) -> str:
        return self.submission.status if self.submission else "not_started"

    @property
    def state_label(self) -> str:
        if self.submission is None:
            return gettext("Not started")
        return self.submission.get_status_display()

    @property
    def is_overdue(self) -> bool:
        done = self.submission and self.submission.status in (
            Submission.Status.SUBMITTED,
            Submission.Status.ACCEPTED,
        )
        return not done and self.now > self.window.due_at

    @property
    def review(self):
        return getattr(self.submission, "review", None) if self.submission else None

    @property
    def has_feedback(self) -> bool:
        review = self.review
        return bool(review and (review.feedback or review.decision))

    @property
    def feedback_unread(self) -> bool:
        """A decision (with or without words) the learner has not opened yet."""
        return self.has_feedback and self.review.read_at is None

    @property
    def is_done(self) -> bool:
        """Accepted: nothing more to do."""
        return self.state == Submission.Status.ACCEPTED


@dataclass(frozen=True)
class Practice:
    """What a person has to do (``items``, by due date) and the cohorts it comes from: the
    published, not cancelled cohorts where they hold a place."""

    items: list[DueItem]
    cohorts: list[Cohort]
    now: datetime

    @property
    def due(self) -> list[DueItem]:
        """What is still to do (or waits for a decision): everything but accepted work."""
        return [item for item in self.items if not item.is_done]

    @property
    def feedback_to_read(self) -> list[DueItem]:
        """Accepted work whose feedback the learner has not opened yet."""
        return [item for item in self.items if item.is_done and item.feedback_unread]

    @property
    def has_current_cohort(self) -> bool:
        """A cohort not finished yet, or so recently that its last assignment may still be
        due: for these people an empty list means "nothing to do right now"."""
        since = self.now - AFTER_LAST_SESSION
        return any(cohort.ends_at is None or cohort.ends_at > since for cohort in self.cohorts)


def practice_overview(*, user, now: datetime, cohort: Cohort | None = None) -> Practice:
    """What ``user`` has to do, by due date: the assignments open in the published, not
    cancelled cohorts where they hold a place (or in ``cohort`` only), except work
    accepted more than two weeks ago; with those cohorts. A fixed number of queries: one
    when none of their courses has practice (or they are in no cohort), six at most."""
    cohorts = (
        Cohort.objects.filter(
            is_published=True,
            cancelled_at__isnull=True,
            enrollments__user=user,
            enrollments__status__in=Enrollment.HOLDS_A_PLACE,
        )
        .annotate(has_practice=Exists(Assignment.objects.filter(course_id=OuterRef("course_id"))))
        .select_related("course")
    )
    if cohort is not None:
        cohorts = cohorts.filter(pk=cohort.pk)
    cohorts = list(cohorts)
    practising = [c for c in cohorts if c.has_practice]
    windows = [w for w in assignment_windows(cohorts=practising).values() if w.is_open_at(now)]
    if not windows:
        return Practice(items=[], cohorts=cohorts, now=now)
    latest = latest_attempts(user_ids=[user.pk], cohort_ids=[c.pk for c in cohorts])
    items = []
    for window in windows:
        submission = latest.get((user.pk, window.cohort.pk, window.assignment.pk))
        review = getattr(submission, "review", None) if submission else None
        if (
            submission is not None
            and submission.status == Submission.Status.ACCEPTED
            and review is not None
            and review.decided_at < now - FEEDBACK_SHOWN_FOR
        ):
            continue
        items.append(DueItem(window=window, submission=submission, now=now))
    items.sort(key=lambda item: (item.window.due_at, item.window.assignment.title))
    return Practice(items=items, cohorts=cohorts, now=now)


def practice_for(*, user, now: datetime, cohort: Cohort | None = None) -> list[DueItem]:
    """What ``user`` has to do, by due date (see :func:`practice_overview`)."""
    return practice_overview(user=user, now=now, cohort=cohort).items


class PracticeStep(StrEnum):
    """Where a person stands with one assignment in one cohort."""

    HIDDEN = "hidden"  # no place in the cohort, cancelled, another course's assignment
    NOT_OPEN = "not_open"  # a member, but the assignment has not opened (or has no date)
    OPEN = "open"  # open, nothing started: the first save makes the draft
    DRAFT = "draft"  # a draft is being worked on
    NEEDS_REVISION = "needs_revision"  # the last attempt came back: the next starts from it
    SUBMITTED = "submitted"  # handed in, waiting for review
    ACCEPTED = "accepted"  # done: nothing more to do


EDITABLE_STEPS = (PracticeStep.OPEN, PracticeStep.DRAFT, PracticeStep.NEEDS_REVISION)


# Why someone may not practise, as ``practice_gate`` says it (None: they may).
GATE_ANONYMOUS = "anonymous"
GATE_NO_PLACE = "no_place"
GATE_CANCELLED = "cancelled"
GATE_OTHER_COURSE = "other_course"
GATE_NOT_OPEN = "not_open"


def practice_gate(
    *, assignment: Assignment, cohort: Cohort, user, now: datetime
) -> tuple[str | None, Window | None]:
    """Whether ``user`` may work on ``assignment`` in ``cohort`` at ``now``: the reason
    they may not (one of the ``GATE_`` names) or None, and the assignment's window."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return GATE_ANONYMOUS, None
    enrollment = Enrollment.objects.filter(cohort=cohort, user=user).first()
    if enrollment is None or enrollment.status not in Enrollment.HOLDS_A_PLACE:
        return GATE_NO_PLACE, None
    if cohort.cancelled_at is not None or not cohort.is_published:
        return GATE_CANCELLED, None
    if assignment.course_id != cohort.course_id:
        return GATE_OTHER_COURSE, None
    window = assignment_window(cohort=cohort, assignment=assignment)
    if window is None or not window.is_open_at(now):
        return GATE_NOT_OPEN, window
    return None, window


def next_draft(*, assignment: Assignment, cohort: Cohort, user, last: Submission | None):
    """The draft a person's next attempt starts as (not saved): empty for the first, a copy
    of what the last attempt held after a request for revision."""
    draft = Submission(assignment=assignment, cohort=cohort, user=user, attempt=1)
    if last is not None:
        draft.attempt = last.attempt + 1
        draft.link_url, draft.platform_id = last.link_url, last.platform_id
        draft.reflection, draft.reflection_chars = last.reflection, last.reflection_chars
        draft.screenshot = last.screenshot.name if last.screenshot else ""
        draft.screenshot_width, draft.screenshot_height = (
            last.screenshot_width,
            last.screenshot_height,
        )
    return draft


@dataclass(frozen=True)
class PracticeState:
    """What the work page shows: the step, the window, the attempt in hand (for ``OPEN``
    and ``NEEDS_REVISION`` the draft the first save will create, not yet stored, with
    ``screenshot_from`` the stored attempt whose screenshot it carries over) and the
    earlier attempts, newest first."""

    step: PracticeStep
    window: Window | None = None
    current: Submission | None = None
    screenshot_from: Submission | None = None
    earlier: list[Submission] = field(default_factory=list)

    @property
    def is_editable(self) -> bool:
        return self.step in EDITABLE_STEPS


def practice_state(*, assignment: Assignment, cohort: Cohort, user, now: datetime) -> PracticeState:
    """Where ``user`` stands with ``assignment`` in ``cohort``, read only (nothing is
    created: the first save of the page makes the draft)."""
    reason, window = practice_gate(assignment=assignment, cohort=cohort, user=user, now=now)
    if reason == GATE_NOT_OPEN:
        return PracticeState(step=PracticeStep.NOT_OPEN, window=window)
    if reason is not None:
        return PracticeState(step=PracticeStep.HIDDEN)
    attempts = list(
        Submission.objects.filter(assignment=assignment, cohort=cohort, user=user)
        .select_related("review")
        .order_by("-attempt")
    )
    last = attempts[0] if attempts else None
    if last is None:
        draft = next_draft(assignment=assignment, cohort=cohort, user=user, last=None)
        return PracticeState(step=PracticeStep.OPEN, window=window, current=draft)
    if last.status == Submission.Status.ACCEPTED:
        return PracticeState(step=PracticeStep.ACCEPTED, window=window, earlier=attempts)
    if last.status == Submission.Status.NEEDS_REVISION:
        draft = next_draft(assignment=assignment, cohort=cohort, user=user, last=last)
        return PracticeState(
            step=PracticeStep.NEEDS_REVISION,
            window=window,
            current=draft,
            screenshot_from=last if draft.screenshot else None,
            earlier=attempts,
        )
    step = PracticeStep.DRAFT if last.status == Submission.Status.DRAFT else PracticeStep.SUBMITTED
    return PracticeState(step=step, window=window, current=last, earlier=attempts[1:])


def user_may_see_submission(*, user, submission: Submission) -> bool:
    """Its author, the trainers of its cohort and site admins; nobody else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if submission.user_id == user.pk or user_is_site_admin(user):
        return True
    return user_runs_cohort(user=user, cohort=submission.cohort)


def submissions_waiting(*, user) -> QuerySet[Submission]:
    """Submitted attempts waiting for a decision in the cohorts ``user`` runs (all for a
    site admin), oldest first."""
    submissions = Submission.objects.filter(status=Submission.Status.SUBMITTED)
    if not user_is_site_admin(user):
        submissions = submissions.filter(cohort__trainers=user)
    return submissions.select_related("assignment", "cohort", "user", "user__unit").order_by(
        "submitted_at", "pk"
    )


@dataclass(frozen=True)
class ReviewWaiting:
    """Work waiting for a decision in a trainer's cohorts: how many per cohort, and the
    oldest few submissions (with their assignment, cohort and person) to open directly."""

    total: int
    by_cohort: list[dict]  # {"cohort_id", "cohort__name", "waiting"}, by cohort name
    oldest: list[Submission]


def review_waiting(*, user, first: int = 5) -> ReviewWaiting:
    """What ``user`` has to review in the cohorts they train (site admins: every cohort),
    in two queries whatever the number of submissions."""
    waiting = submissions_waiting(user=user)
    by_cohort = list(
        waiting.order_by()
        .values("cohort_id", "cohort__name")
        .annotate(waiting=Count("pk"))
        .order_by("cohort__name", "cohort_id")
    )
    total = sum(row["waiting"] for row in by_cohort)
    oldest = list(waiting[:first]) if total else []
    return ReviewWaiting(total=total, by_cohort=by_cohort, oldest=oldest)
