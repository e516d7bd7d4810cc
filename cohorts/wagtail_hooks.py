"""Cohorts on the dashboard: the person's own cohorts, open ones to join, a manager's team.

Each panel reads what it needs in a fixed number of queries, however many cohorts,
sessions and people there are.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from core.dashboard import HOOK_NAME, DashboardPanel
from courses.models import LessonCompletion, LessonPage
from courses.selectors import CourseProgress
from people import roles
from people.models import BusinessUnit, zone_or_utc

from .models import Cohort, Enrollment, Session

# Enrollments the panels show: everything but withdrawn.
SHOWN_STATUSES = (
    Enrollment.Status.INVITED,
    Enrollment.Status.ENROLLED,
    Enrollment.Status.WAITLISTED,
    Enrollment.Status.COMPLETED,
)


@dataclass
class CohortSchedule:
    """What the panels need of one cohort's sessions at a moment."""

    next_session: Session | None = None
    released: list[LessonPage] = field(default_factory=list)


def cohort_schedules(*, cohort_ids, now) -> dict[int, CohortSchedule]:
    """Each cohort's next session and the lessons released so far (those of the sessions
    already started), in two queries for any number of cohorts."""
    schedules: dict[int, CohortSchedule] = {pk: CohortSchedule() for pk in cohort_ids}
    if not schedules:
        return schedules
    sessions = (
        Session.objects.filter(cohort_id__in=list(schedules))
        .prefetch_related(Prefetch("lessons", queryset=LessonPage.objects.defer("body")))
        .order_by("cohort_id", "starts_at", "pk")
    )
    for session in sessions:
        schedule = schedules[session.cohort_id]
        if session.starts_at <= now:
            seen = {lesson.pk for lesson in schedule.released}
            schedule.released.extend(
                lesson
                for lesson in sorted(session.lessons.all(), key=lambda lesson: lesson.path)
                if lesson.pk not in seen
            )
        if schedule.next_session is None and session.ends_at > now:
            schedule.next_session = session
    return schedules


def _done_ids(*, users, lessons) -> dict[int, set[int]]:
    """Which of ``lessons`` each of ``users`` has done, in one query."""
    lesson_ids = {lesson.pk for lesson in lessons}
    done: dict[int, set[int]] = {user.pk: set() for user in users}
    if not lesson_ids or not done:
        return done
    for user_id, lesson_id in LessonCompletion.objects.filter(
        user_id__in=list(done), lesson_id__in=lesson_ids
    ).values_list("user_id", "lesson_id"):
        done[user_id].add(lesson_id)
    return done


@dataclass
class CohortCard:
    """One of the person's cohorts, with their status, next session and progress."""

    cohort: Cohort
    status: str
    schedule: CohortSchedule
    progress: CourseProgress

    @property
    def status_label(self) -> str:
        return Enrollment.Status(self.status).label

    @property
    def may_see_video(self) -> bool:
        return self.status in Enrollment.HOLDS_A_PLACE


def _unit_and_ancestor_ids(unit_id: int | None) -> set[int]:
    """The person's unit and every unit above it, from one query (none without a unit)."""
    if unit_id is None:
        return set()
    parents = dict(BusinessUnit.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    current = unit_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def my_cohorts_overview(*, user, now) -> tuple[list[CohortCard], list[Cohort]]:
    """The person's published cohorts (any status but withdrawn), with the next session
    and their progress in the lessons released so far; and the open cohorts they may join
    (published, not cancelled or finished, open to their unit, not already in).

    One query finds both lists, so the panel costs one query for someone in no cohort.
    """
    through = Cohort.allowed_units.through
    restricted = through.objects.filter(cohort_id=OuterRef("pk"))
    units = _unit_and_ancestor_ids(user.unit_id)
    open_to_them = (
        Q(enrollment_mode=Cohort.EnrollmentMode.OPEN, cancelled_at__isnull=True)
        & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        & (~Exists(restricted) | Exists(restricted.filter(businessunit_id__in=units)))
        & (Q(my_status__isnull=True) | Q(my_status=Enrollment.Status.WITHDRAWN))
    )
    mine = Enrollment.objects.filter(user=user, cohort_id=OuterRef("pk")).values("status")[:1]
    cohorts = list(
        Cohort.objects.filter(is_published=True)
        .annotate(my_status=Subquery(mine))
        .filter(Q(my_status__in=SHOWN_STATUSES) | open_to_them)
        .select_related("course")
        .order_by("starts_at", "name", "pk")
    )
    taking = [cohort for cohort in cohorts if cohort.my_status in SHOWN_STATUSES]
    joinable = [cohort for cohort in cohorts if cohort.my_status not in SHOWN_STATUSES]
    schedules = cohort_schedules(cohort_ids=[cohort.pk for cohort in taking], now=now)
    released = [lesson for schedule in schedules.values() for lesson in schedule.released]
    done = _done_ids(users=[user], lessons=released)[user.pk]
    cards = [
        CohortCard(
            cohort=cohort,
            status=cohort.my_status,
            schedule=schedules[cohort.pk],
            progress=CourseProgress(lessons=schedules[cohort.pk].released, done_ids=done),
        )
        for cohort in taking
    ]
    return cards, joinable


@hooks.register(HOOK_NAME)
def my_cohorts_panel(request):
    """Everyone signed in: their cohorts, what comes next, and open cohorts to join."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    cards, joinable = my_cohorts_overview(user=user, now=timezone.now())
    return DashboardPanel(
        title=_("My cohorts"),
        template="cohorts/panels/my_cohorts.html",
        context={
            "cards": cards,
            "open_cohorts": joinable,
            "viewer_tz": zone_or_utc(user.time_zone),
        },
        order=15,
        key="my-cohorts",
    )


@dataclass
class TeamRow:
    enrollment: Enrollment
    progress: CourseProgress


def team_learning_rows(*, manager, now) -> list[TeamRow]:
    """The cohorts of a manager's direct reports (not withdrawn), with each person's
    progress in the lessons released so far, in a fixed number of queries."""
    enrollments = list(
        Enrollment.objects.filter(
            user__manager=manager,
            user__is_active=True,
            status__in=SHOWN_STATUSES,
            cohort__is_published=True,
        )
        .select_related("user", "cohort")
        .order_by("user__last_name", "user__first_name", "user__email", "cohort__starts_at", "pk")
    )
    if not enrollments:
        return []
    schedules = cohort_schedules(cohort_ids={e.cohort_id for e in enrollments}, now=now)
    released = [lesson for schedule in schedules.values() for lesson in schedule.released]
    done = _done_ids(users={e.user for e in enrollments}, lessons=released)
    return [
        TeamRow(
            enrollment=enrollment,
            progress=CourseProgress(
                lessons=schedules[enrollment.cohort_id].released,
                done_ids=done.get(enrollment.user_id, set()),
            ),
        )
        for enrollment in enrollments
    ]


@hooks.register(HOOK_NAME)
def team_learning_panel(request):
    """Managers: the cohorts their direct reports take, and how far each person is."""
    if not roles.user_is_manager(request.user):
        return None
    return DashboardPanel(
        title=_("Your team's learning"),
        template="cohorts/panels/team_learning.html",
        context={"rows": team_learning_rows(manager=request.user, now=timezone.now())},
        order=35,
        key="team-learning",
        wide=True,
    )
