"""A manager's team page and the page of one person on it: what each person is learning,
how far they are, what practice waits or is late, their levels, their roster tier and
when they last did something. Levels, states and dates only: never what people wrote.

Who may open what: a manager sees the people under them (directly or through managers
who report to them); HR may open any active person's page. Everyone else gets 404, as
if the person did not exist.

Every function reads a page of people at once, in a fixed number of queries whatever the
size of the team.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, Q, QuerySet

from advocacy.models import RosterMembership
from assessments.models import Submission
from assessments.selectors import assignment_windows, latest_attempts
from cohorts.models import Cohort, Enrollment, Session
from cohorts.selectors import cohort_schedules
from competencies.levels import Level
from competencies.models import Competency, CompetencyEvidence, CompetencyStanding
from courses.models import LessonCompletion
from courses.selectors import CourseProgress
from people.models import User
from people.roles import user_is_hr, user_is_manager

from .scope import manages, team_of

# Enrollments that make a cohort "current" for someone: everything but withdrawn.
CURRENT = (
    Enrollment.Status.INVITED,
    Enrollment.Status.ENROLLED,
    Enrollment.Status.WAITLISTED,
    Enrollment.Status.COMPLETED,
)


def team_people(*, manager) -> QuerySet[User]:
    """The active people under ``manager`` (directly and below), by name."""
    return (
        team_of(manager=manager)
        .select_related("unit", "manager")
        .order_by("last_name", "first_name", "pk")
    )


def person_for_viewer(*, viewer, pk: int) -> User | None:
    """The person ``pk`` if ``viewer`` may open their page (their manager, above them,
    or HR), else None."""
    if not viewer.is_authenticated:
        return None
    people = User.objects.filter(pk=pk, is_active=True).select_related("unit", "manager")
    if user_is_hr(viewer):
        return people.first()
    if user_is_manager(viewer) and manages(manager=viewer, pk=pk):
        return people.first()
    return None


@dataclass
class CohortLine:
    enrollment: Enrollment
    progress: CourseProgress

    @property
    def cohort(self) -> Cohort:
        return self.enrollment.cohort


@dataclass
class PracticeLine:
    title: str
    cohort: str
    due_at: datetime
    state: str  # "to_do", "late", "waiting" (handed in, not reviewed), "revise"


@dataclass
class MemberLine:
    person: User
    cohorts: list[CohortLine] = field(default_factory=list)
    practice: list[PracticeLine] = field(default_factory=list)
    levels: list[tuple[Competency, Level]] = field(default_factory=list)
    tier: RosterMembership | None = None
    last_activity: datetime | None = None

    @property
    def late(self) -> int:
        return sum(1 for line in self.practice if line.state == "late")

    @property
    def waiting(self) -> int:
        return sum(1 for line in self.practice if line.state == "waiting")

    @property
    def to_do(self) -> int:
        return sum(1 for line in self.practice if line.state in ("to_do", "revise"))


def _practice_state(submission, window, now) -> str | None:
    status = submission.status if submission else None
    if status == Submission.Status.ACCEPTED:
        return None
    if status == Submission.Status.SUBMITTED:
        return "waiting"
    if now > window.due_at:
        return "late"
    return "revise" if status == Submission.Status.NEEDS_REVISION else "to_do"


def team_lines(*, people: list[User], now: datetime) -> list[MemberLine]:
    """Each of ``people`` (a page of a team) with their current cohorts and progress,
    practice to do, late or waiting for review, levels, roster tier and last activity.
    A fixed number of queries for any number of people."""
    lines = {person.pk: MemberLine(person=person) for person in people}
    if not lines:
        return []
    ids = list(lines)
    enrollments = list(
        Enrollment.objects.filter(
            user_id__in=ids,
            status__in=CURRENT,
            cohort__is_published=True,
            cohort__cancelled_at__isnull=True,
        )
        .filter(Q(cohort__ends_at__isnull=True) | Q(cohort__ends_at__gte=now))
        .select_related("cohort__course")
        .order_by("cohort__starts_at", "pk")
    )
    cohorts = {e.cohort_id: e.cohort for e in enrollments}
    schedules = cohort_schedules(cohort_ids=list(cohorts), now=now)
    released = {lesson.pk for s in schedules.values() for lesson in s.released}
    done: dict[int, set[int]] = {}
    for user_id, lesson_id in LessonCompletion.objects.filter(
        user_id__in=ids, lesson_id__in=released
    ).values_list("user_id", "lesson_id"):
        done.setdefault(user_id, set()).add(lesson_id)
    for enrollment in enrollments:
        lines[enrollment.user_id].cohorts.append(
            CohortLine(
                enrollment=enrollment,
                progress=CourseProgress(
                    lessons=schedules[enrollment.cohort_id].released,
                    done_ids=done.get(enrollment.user_id, set()),
                    completed=enrollment.status == Enrollment.Status.COMPLETED,
                ),
            )
        )
    _add_practice(lines, enrollments=enrollments, cohorts=list(cohorts.values()), now=now)
    _add_levels(lines, ids)
    for membership in RosterMembership.objects.filter(
        user_id__in=ids, status__in=RosterMembership.ON_ROSTER
    ).order_by("-tier", "pk"):
        lines[membership.user_id].tier = lines[membership.user_id].tier or membership
    _add_last_activity(lines, ids)
    return [lines[person.pk] for person in people]


def _add_practice(lines, *, enrollments, cohorts, now) -> None:
    holding = [e for e in enrollments if e.status in Enrollment.HOLDS_A_PLACE]
    if not holding:
        return
    windows = [w for w in assignment_windows(cohorts=cohorts).values() if w.is_open_at(now)]
    if not windows:
        return
    latest = latest_attempts(user_ids=list(lines), cohort_ids=[c.pk for c in cohorts])
    for enrollment in holding:
        for window in windows:
            if window.cohort.pk != enrollment.cohort_id:
                continue
            submission = latest.get((enrollment.user_id, window.cohort.pk, window.assignment.pk))
            state = _practice_state(submission, window, now)
            if state is not None:
                lines[enrollment.user_id].practice.append(
                    PracticeLine(
                        title=window.assignment.title,
                        cohort=window.cohort.name,
                        due_at=window.due_at,
                        state=state,
                    )
                )
    for line in lines.values():
        line.practice.sort(key=lambda item: item.due_at)


def _add_levels(lines, ids) -> None:
    standings = (
        CompetencyStanding.objects.filter(user_id__in=ids, level__gt=Level.NOT_YET)
        .select_related("competency")
        .order_by("-competency__is_core", "competency__name")
    )
    for standing in standings:
        lines[standing.user_id].levels.append((standing.competency, Level(standing.level)))


def _add_last_activity(lines, ids) -> None:
    """The latest of: a lesson done, practice handed in, evidence recorded, a log-in."""
    sources = [
        LessonCompletion.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(last=Max("completed_at")),
        Submission.objects.filter(user_id__in=ids, submitted_at__isnull=False)
        .values("user_id")
        .annotate(last=Max("submitted_at")),
        CompetencyEvidence.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(last=Max("created_at")),
    ]
    for source in sources:
        for row in source.order_by():
            line = lines[row["user_id"]]
            if row["last"] and (line.last_activity is None or row["last"] > line.last_activity):
                line.last_activity = row["last"]
    for line in lines.values():
        login = line.person.last_login
        if login and (line.last_activity is None or login > line.last_activity):
            line.last_activity = login


# --- One person's page -------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """A practice attempt's state, never its content (no reflection, link or screenshot)."""

    assignment: str
    cohort: str
    attempt: int
    status: str
    status_label: str
    submitted_at: datetime | None
    due_at: datetime | None
    is_late: bool
    decided_at: datetime | None


@dataclass
class PersonPage:
    line: MemberLine
    enrollments: list[Enrollment]
    attempts: list[Attempt]
    history: list[CompetencyEvidence]
    upcoming: list[Session]
    history_limit: int


HISTORY_SHOWN = 100
UPCOMING_SHOWN = 10


def person_page(*, person: User, now: datetime) -> PersonPage:
    """Everything the person page shows, in a fixed number of queries."""
    line = team_lines(people=[person], now=now)[0]
    enrollments = list(
        Enrollment.objects.filter(user=person)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("cohort__course")
        .order_by("-cohort__starts_at", "pk")
    )
    attempts = [
        Attempt(
            assignment=row["assignment__title"],
            cohort=row["cohort__name"],
            attempt=row["attempt"],
            status=row["status"],
            status_label=Submission.Status(row["status"]).label,
            submitted_at=row["submitted_at"],
            due_at=row["due_at"],
            is_late=row["is_late"],
            decided_at=row["review__decided_at"],
        )
        # values(): the reflection, link and screenshot are never read.
        for row in Submission.objects.filter(user=person)
        .order_by("-created_at", "-pk")
        .values(
            "assignment__title",
            "cohort__name",
            "attempt",
            "status",
            "submitted_at",
            "due_at",
            "is_late",
            "review__decided_at",
        )
    ]
    history = list(
        CompetencyEvidence.objects.filter(user=person)
        .select_related("competency")
        .only(
            "competency__name",
            "level",
            "source_kind",
            "created_at",
            "user_id",
            "competency_id",
        )
        .order_by("-created_at", "-pk")[:HISTORY_SHOWN]
    )
    upcoming = list(
        Session.objects.filter(
            cohort__enrollments__user=person,
            cohort__enrollments__status__in=Enrollment.HOLDS_A_PLACE,
            cohort__cancelled_at__isnull=True,
            starts_at__gte=now,
        )
        .select_related("cohort")
        .order_by("starts_at", "pk")[:UPCOMING_SHOWN]
    )
    return PersonPage(
        line=line,
        enrollments=enrollments,
        attempts=attempts,
        history=history,
        upcoming=upcoming,
        history_limit=HISTORY_SHOWN,
    )
