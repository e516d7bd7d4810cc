"""Reads about cohorts: who runs them, places and waitlists, sessions due for a reminder,
the dashboard's cohort panels, who may see a cohort's page and what it shows, and the
sessions of the calendar files.

Each selector loads what its callers need with ``select_related``/``prefetch_related``, so
pages run a fixed number of queries whatever the number of cohorts, sessions and people.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import LessonCompletion, LessonPage
from courses.selectors import CourseProgress, course_progress_map
from people.models import BusinessUnit
from people.roles import user_is_site_admin
from people.selectors import unit_and_ancestor_ids, unit_descendant_ids

from .models import Attendance, CalendarFeed, Cohort, CourseInterest, Enrollment, Session
from .release import cohort_releases


def user_runs_cohort(*, user, cohort: Cohort) -> bool:
    """Whether ``user`` may run ``cohort``: one of its trainers, or a site admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user_is_site_admin(user):
        return True
    return cohort.trainers.filter(pk=user.pk).exists()


def cohorts_for_trainer(*, user) -> QuerySet[Cohort]:
    """The cohorts ``user`` runs (every cohort for a site admin), with their course."""
    cohorts = Cohort.objects.select_related("course").order_by("starts_at", "name")
    if user_is_site_admin(user):
        return cohorts
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return cohorts.none()
    return cohorts.filter(trainers=user)


def cohort_places_taken(*, cohort: Cohort) -> int:
    """How many people hold one of the cohort's places (enrolled or completed)."""
    return Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.HOLDS_A_PLACE).count()


def cohort_waitlist(*, cohort: Cohort) -> QuerySet[Enrollment]:
    """The cohort's waitlist, first come first served (ties broken by id)."""
    return (
        Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")
    )


def users_in_unit(*, unit: BusinessUnit) -> QuerySet:
    """The active people of ``unit`` and of every unit below it."""
    return (
        get_user_model()
        .objects.filter(unit_id__in=unit_descendant_ids(unit=unit), is_active=True)
        .order_by("pk")
    )


def sessions_due_for_reminder(
    *, now: datetime, before: timedelta, window: timedelta
) -> QuerySet[Session]:
    """Sessions of published, not cancelled cohorts starting in ``before`` give or take
    ``window``: ``before - window < starts_at - now <= before``.

    A scan every ``window`` therefore finds each session exactly once per reminder.
    """
    return (
        Session.objects.filter(
            starts_at__gt=now + before - window,
            starts_at__lte=now + before,
            cohort__is_published=True,
            cohort__cancelled_at__isnull=True,
        )
        .select_related("cohort", "cohort__course")
        .order_by("starts_at", "pk")
    )


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
    """Each cohort's next session and the lessons it has released so far, by the rule of
    :mod:`cohorts.release` (in course order, every lesson up to the last one a started
    session covers; all of them once the last session has started or the cohort has
    finished), in four queries for any number of cohorts."""
    schedules: dict[int, CohortSchedule] = {pk: CohortSchedule() for pk in cohort_ids}
    if not schedules:
        return schedules
    cohorts = Cohort.objects.filter(pk__in=list(schedules)).select_related("course")
    for cohort_id, release in cohort_releases(cohorts=cohorts, now=now).items():
        schedule = schedules[cohort_id]
        schedule.released = release.released
        schedule.next_session = next(
            (session for session in release.sessions if session.ends_at > now), None
        )
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


def enrollment_status_label(*, status: str, progress: CourseProgress | None) -> str:
    """A person's status in a cohort, in words that mean one thing: "Completed" only when
    they did every lesson of the course (or completed it); a cohort that ended before
    that reads "Cohort ended", not "Completed" at 0 of 5 lessons."""
    if status == Enrollment.Status.COMPLETED and not (
        progress is not None
        and (
            progress.completed
            or (progress.lessons and progress.done_count == progress.lesson_count)
        )
    ):
        return str(_("Cohort ended"))
    return str(Enrollment.Status(status).label)


@dataclass
class CohortCard:
    """One of the person's cohorts, with their status, next session and progress: their
    progress in the whole course (``courses.selectors.course_progress_map``, the numbers
    the course page shows) and how many of its lessons the schedule has released."""

    cohort: Cohort
    status: str
    schedule: CohortSchedule
    progress: CourseProgress

    @property
    def status_label(self) -> str:
        return enrollment_status_label(status=self.status, progress=self.progress)

    @property
    def released_count(self) -> int:
        return len(self.schedule.released)

    @property
    def may_see_video(self) -> bool:
        return self.status in Enrollment.HOLDS_A_PLACE


def my_cohorts_overview(*, user, now) -> tuple[list[CohortCard], list[Cohort]]:
    """The person's published cohorts (any status but withdrawn), with the next session
    and their progress in the lessons released so far; and the open cohorts they may join
    (published, not cancelled or finished, open to their unit, not already in).

    One query finds both lists, so the panel costs one query for someone in no cohort.
    """
    through = Cohort.allowed_units.through
    restricted = through.objects.filter(cohort_id=OuterRef("pk"))
    units = unit_and_ancestor_ids(unit_id=user.unit_id)
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
    courses = list({cohort.course_id: cohort.course for cohort in taking}.values())
    progress = course_progress_map(user=user, courses=courses)
    cards = [
        CohortCard(
            cohort=cohort,
            status=cohort.my_status,
            schedule=schedules[cohort.pk],
            progress=progress[cohort.course_id],
        )
        for cohort in taking
    ]
    return cards, joinable


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


# --- The cohort page, its calendar and the person's feed --------------------------------

# Enrollments one can still withdraw from; withdrawn and completed ones are done with.
ACTIVE_STATUSES = (
    Enrollment.Status.INVITED,
    Enrollment.Status.ENROLLED,
    Enrollment.Status.WAITLISTED,
)


@dataclass(frozen=True)
class CohortAccess:
    """Who the viewer is to a cohort: trainer, member (with their enrollment) or admin."""

    cohort: Cohort
    trainers: list
    enrollment: Enrollment | None
    is_trainer: bool
    is_admin: bool
    # Not a member, trainer or admin: someone who may enrol in an open cohort and sees its
    # schedule and trainers only.
    is_visitor: bool = False

    @property
    def is_active_member(self) -> bool:
        return self.enrollment is not None and self.enrollment.status in ACTIVE_STATUSES

    @property
    def may_see_members(self) -> bool:
        return not self.is_visitor

    @property
    def may_enrol(self) -> bool:
        """Show the "Enrol" form: an open, published cohort that has not finished or been
        cancelled, to someone without an active enrollment who does not train it."""
        cohort = self.cohort
        return (
            cohort.enrollment_mode == Cohort.EnrollmentMode.OPEN
            and cohort.status in (Cohort.Status.SCHEDULED, Cohort.Status.RUNNING)
            and not self.is_active_member
            and not self.is_trainer
        )

    @property
    def may_accept(self) -> bool:
        return self.enrollment is not None and self.enrollment.status == Enrollment.Status.INVITED

    @property
    def holds_a_place(self) -> bool:
        return self.enrollment is not None and self.enrollment.status in Enrollment.HOLDS_A_PLACE

    @property
    def may_see_video(self) -> bool:
        """Video links are for people with a place, the cohort's trainers and site admins."""
        return self.is_trainer or self.is_admin or self.holds_a_place


def _people_names_only(queryset):
    """Load names and units only: e-mail addresses never reach the template."""
    return queryset.select_related("unit").only("pk", "first_name", "last_name", "unit__name")


def unit_allowed(*, cohort: Cohort, user) -> bool:
    """Whether ``user``'s unit is one the cohort is open to (sub-units included)."""
    units = list(cohort.allowed_units.all())
    if not units:
        return True
    if user.unit_id is None:
        return False
    allowed: set[int] = set()
    for unit in units:
        allowed |= unit_descendant_ids(unit=unit)
    return user.unit_id in allowed


def cohort_access_for(*, cohort: Cohort, user) -> CohortAccess | None:
    """The viewer's standing in ``cohort``, or None if they may not see it.

    Members (any status but withdrawn) see published cohorts; the cohort's trainers and
    site admins see it whatever its state; anyone else whose unit is allowed sees an open,
    published cohort as a visitor (schedule and trainers, not members or video links).
    """
    trainers = list(
        _people_names_only(cohort.trainers.all()).order_by("last_name", "first_name", "pk")
    )
    is_trainer = any(trainer.pk == user.pk for trainer in trainers)
    is_admin = user_is_site_admin(user)
    enrollment = Enrollment.objects.filter(cohort=cohort, user=user).first()
    is_member = (
        enrollment is not None
        and enrollment.status != Enrollment.Status.WITHDRAWN
        and cohort.is_published
    )
    is_visitor = False
    if not (is_trainer or is_admin or is_member):
        if not (
            cohort.is_published
            and cohort.enrollment_mode == Cohort.EnrollmentMode.OPEN
            and unit_allowed(cohort=cohort, user=user)
        ):
            return None
        is_visitor = True
    return CohortAccess(
        cohort=cohort,
        trainers=trainers,
        enrollment=enrollment,
        is_trainer=is_trainer,
        is_admin=is_admin,
        is_visitor=is_visitor,
    )


def _sessions_with_lessons(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions with their cohort and course, and their lessons in page order: what the
    calendar files and the cohort page read, without a query per session."""
    return queryset.select_related("cohort__course").prefetch_related(
        Prefetch("lessons", queryset=LessonPage.objects.order_by("path"))
    )


def cohort_sessions(*, cohort: Cohort) -> QuerySet[Session]:
    """The cohort's sessions in order, with their lessons (two queries)."""
    return _sessions_with_lessons(cohort.sessions.order_by("number"))


def lessons_done_ids(*, user, lessons: Iterable[LessonPage]) -> frozenset[int]:
    """The ids of those of ``lessons`` that ``user`` has done (one query, none without
    lessons)."""
    return frozenset(_done_ids(users=[user], lessons=lessons)[user.pk])


def cohort_members(*, cohort: Cohort) -> QuerySet:
    """The people holding a place in ``cohort``, by name, with names and units only."""
    return _people_names_only(
        get_user_model().objects.filter(
            enrollments__cohort=cohort,
            enrollments__status__in=Enrollment.HOLDS_A_PLACE,
        )
    ).order_by("last_name", "first_name", "pk")


def calendar_sessions_for(*, user) -> QuerySet[Session]:
    """Every session of every published cohort the person holds a place in, and of every
    cohort they train (all of which may see video links), in time order."""
    taking = Cohort.objects.filter(
        is_published=True,
        enrollments__user=user,
        enrollments__status__in=Enrollment.HOLDS_A_PLACE,
    ).values("pk")
    training = Cohort.objects.filter(trainers=user).values("pk")
    return _sessions_with_lessons(
        Session.objects.filter(Q(cohort__in=taking) | Q(cohort__in=training)).order_by(
            "starts_at", "pk"
        )
    )


# --- The trainers' screens -------------------------------------------------------------

# The statuses the cohort list filters on, in the order a trainer thinks of them.
LISTING_STATUSES = (
    Cohort.Status.DRAFT,
    Cohort.Status.SCHEDULED,
    Cohort.Status.RUNNING,
    Cohort.Status.FINISHED,
    Cohort.Status.CANCELLED,
)


def _status_filter(status: str, now: datetime) -> Q:
    """The rows whose ``Cohort.status_at(now)`` is ``status``, as a query."""
    live = Q(cancelled_at__isnull=True, is_published=True)
    return {
        Cohort.Status.CANCELLED: Q(cancelled_at__isnull=False),
        Cohort.Status.DRAFT: Q(cancelled_at__isnull=True, is_published=False),
        Cohort.Status.SCHEDULED: live & (Q(starts_at__isnull=True) | Q(starts_at__gt=now)),
        Cohort.Status.RUNNING: live
        & Q(starts_at__lte=now)
        & (Q(ends_at__isnull=True) | Q(ends_at__gt=now)),
        Cohort.Status.FINISHED: live & Q(ends_at__lte=now),
    }[status]


def cohorts_listing(*, user, query: str = "", status: str = "", now=None) -> QuerySet[Cohort]:
    """The cohorts ``user`` runs (all for a site admin), optionally by name or course and
    by status, with their places taken and people waiting counted in the same query."""
    now = now or timezone.now()
    cohorts = cohorts_for_trainer(user=user).annotate(
        places_taken=Count(
            "enrollments", filter=Q(enrollments__status__in=Enrollment.HOLDS_A_PLACE)
        ),
        waiting=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
    )
    if query:
        cohorts = cohorts.filter(Q(name__icontains=query) | Q(course__title__icontains=query))
    if status:
        cohorts = cohorts.filter(_status_filter(status, now))
    # Newest runs first: what is on now or next matters more than last year's.
    return cohorts.order_by(F("starts_at").desc(nulls_first=True), "name", "pk")


@dataclass
class RosterRow:
    """One person in a cohort, as its trainers see them."""

    enrollment: Enrollment
    progress: CourseProgress
    present: int = 0
    waitlist_position: int | None = None


@dataclass
class Roster:
    rows: list[RosterRow]
    sessions: list[Session]
    places_taken: int
    free_places: int
    attendance_counts: dict[int, int]  # session id -> people recorded

    @property
    def past_sessions(self) -> int:
        return sum(1 for session in self.sessions if session.is_past)


def cohort_roster(*, cohort: Cohort, now) -> Roster:
    """Everyone in ``cohort`` (the withdrawn last), each with their progress in the
    lessons released so far and the sessions they attended; the sessions with how many
    people have attendance recorded. A fixed number of queries, however many people."""
    order = Case(
        When(status=Enrollment.Status.ENROLLED, then=Value(0)),
        When(status=Enrollment.Status.COMPLETED, then=Value(0)),
        When(status=Enrollment.Status.WAITLISTED, then=Value(1)),
        When(status=Enrollment.Status.INVITED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort)
        .select_related("user", "user__unit")
        .annotate(
            order=order,
            present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
        )
        .order_by("order", "waitlisted_at", "user__last_name", "user__first_name", "pk")
    )
    sessions = list(
        Session.objects.filter(cohort=cohort)
        .annotate(recorded=Count("attendance"))
        .order_by("number")
    )
    for session in sessions:
        session.is_past = session.starts_at <= now
    schedule = cohort_schedules(cohort_ids=[cohort.pk], now=now)[cohort.pk]
    done = _done_ids(users=[e.user for e in enrollments], lessons=schedule.released)
    rows, position = [], 0
    for enrollment in enrollments:
        row = RosterRow(
            enrollment=enrollment,
            progress=CourseProgress(
                lessons=schedule.released, done_ids=done.get(enrollment.user_id, set())
            ),
            present=enrollment.present,
        )
        if enrollment.status == Enrollment.Status.WAITLISTED:
            position += 1
            row.waitlist_position = position
        rows.append(row)
    taken = sum(1 for e in enrollments if e.status in Enrollment.HOLDS_A_PLACE)
    return Roster(
        rows=rows,
        sessions=sessions,
        places_taken=taken,
        free_places=max(cohort.capacity - taken, 0),
        attendance_counts={session.pk: session.recorded for session in sessions},
    )


def session_attendance(*, session: Session) -> tuple[list[Enrollment], dict[int, str]]:
    """The people holding a place in the session's cohort, by name, and the attendance
    already recorded for them (enrollment id -> status)."""
    enrollments = list(
        Enrollment.objects.filter(cohort_id=session.cohort_id, status__in=Enrollment.HOLDS_A_PLACE)
        .select_related("user", "user__unit")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    recorded = dict(
        Attendance.objects.filter(session=session).values_list("enrollment_id", "status")
    )
    return enrollments, recorded


def calendar_feed_for(*, user) -> CalendarFeed | None:
    """The person's private calendar feed, or None until they ask for one."""
    return CalendarFeed.objects.filter(user=user).first()


# --- A trainer's home ------------------------------------------------------------------

# How long after its last session a cohort stays on its trainers' dashboard.
TRAINER_SHOWS_FOR = timedelta(days=14)


@dataclass
class TrainerCohort:
    """One cohort a person trains, as their dashboard shows it: the next session, how
    many people hold a place, and the sessions that started with attendance missing."""

    cohort: Cohort
    next_session: Session | None
    places_taken: int
    attendance_to_take: list[Session] = field(default_factory=list)


def trainer_cohorts_overview(*, user, now) -> list[TrainerCohort]:
    """The cohorts ``user`` trains (only those where they are a trainer, site admins
    included) that are not cancelled and have not finished more than two weeks ago, with
    their next session and the sessions whose attendance is not complete (started, and
    fewer people marked than hold a place). Three queries for any number of cohorts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cohorts = list(
        Cohort.objects.filter(trainers=user, cancelled_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now - TRAINER_SHOWS_FOR))
        .annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.HOLDS_A_PLACE))
        )
        .select_related("course")
        .order_by("starts_at", "name", "pk")
    )
    if not cohorts:
        return []
    rows = {
        cohort.pk: TrainerCohort(cohort=cohort, next_session=None, places_taken=cohort.taken)
        for cohort in cohorts
    }
    sessions = Session.objects.filter(cohort_id__in=list(rows)).annotate(
        recorded=Count("attendance")
    )
    for session in sessions.order_by("starts_at", "number"):
        row = rows[session.cohort_id]
        if session.ends_at > now and row.next_session is None:
            row.next_session = session
        if session.starts_at <= now and session.recorded < row.places_taken:
            row.attendance_to_take.append(session)
    return list(rows.values())


def courses_taken_ids(*, user) -> list[int]:
    """The courses ``user`` holds a place in a published, not cancelled cohort of (one
    query): they take these courses even before opening a lesson."""
    return list(
        Cohort.objects.filter(
            is_published=True,
            cancelled_at__isnull=True,
            enrollments__user=user,
            enrollments__status__in=Enrollment.HOLDS_A_PLACE,
        )
        .order_by()
        .values_list("course_id", flat=True)
        .distinct()
    )


# --- Interest in the next run of a course -----------------------------------------------


def open_for_enrolment(*, now) -> Q:
    """Cohorts people may enrol in themselves: published, open, not cancelled or over."""
    return Q(
        is_published=True, enrollment_mode=Cohort.EnrollmentMode.OPEN, cancelled_at__isnull=True
    ) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def _open_to_units(units: set[int]) -> Q:
    """Cohorts open to every unit, or to one of ``units`` (a unit and those above it)."""
    through = Cohort.allowed_units.through
    restricted = through.objects.filter(cohort_id=OuterRef("pk"))
    return ~Exists(restricted) | Exists(restricted.filter(businessunit_id__in=units))


@dataclass(frozen=True)
class CourseCohorts:
    """What a person can do about a course taught in cohorts: the cohort they are in, the
    ones open to them, or registering interest in the next run."""

    runs_in_cohorts: bool  # the course has (or had) a published cohort
    mine: list[Cohort]  # not over, where they are invited, enrolled or waiting
    open_to_me: list[Cohort]  # open for enrolment, to their unit, and they are not in it
    interest: CourseInterest | None

    @property
    def may_register_interest(self) -> bool:
        return self.runs_in_cohorts and not self.mine and not self.open_to_me


def course_cohorts_for(*, user, course, now) -> CourseCohorts:
    """The person's standing towards ``course``'s cohorts, in three queries (the unit tree,
    the cohorts, the interest)."""
    units = unit_and_ancestor_ids(unit_id=user.unit_id)
    mine_status = Enrollment.objects.filter(user=user, cohort_id=OuterRef("pk")).values("status")[
        :1
    ]
    cohorts = list(
        Cohort.objects.filter(course=course, is_published=True)
        .annotate(
            my_status=Subquery(mine_status),
            open_to_me=Case(
                When(open_for_enrolment(now=now) & _open_to_units(units), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("starts_at", "name", "pk")
    )
    current = [
        c for c in cohorts if c.cancelled_at is None and (c.ends_at is None or c.ends_at > now)
    ]
    mine = [c for c in current if c.my_status in ACTIVE_STATUSES]
    open_to_me = [
        c for c in current if c.open_to_me and c.my_status in (None, Enrollment.Status.WITHDRAWN)
    ]
    interest = CourseInterest.objects.filter(user=user, course=course).first()
    return CourseCohorts(
        runs_in_cohorts=bool(cohorts),
        mine=mine,
        open_to_me=open_to_me,
        interest=interest,
    )


@dataclass(frozen=True)
class CourseDemand:
    """People waiting for the next run of a course: those who registered interest and are
    not in a cohort of it that is still to come or running."""

    people: list
    count: int


def course_demand(*, course, now) -> CourseDemand:
    """Who asked to hear about the next run of ``course`` and holds no place (or
    invitation, or waitlist spot) in a cohort of it that is not over: one query."""
    active_elsewhere = Enrollment.objects.filter(
        user_id=OuterRef("user_id"),
        cohort__course=course,
        cohort__cancelled_at__isnull=True,
        status__in=ACTIVE_STATUSES,
    ).filter(Q(cohort__ends_at__isnull=True) | Q(cohort__ends_at__gt=now))
    interests = list(
        CourseInterest.objects.filter(course=course, user__is_active=True)
        .exclude(Exists(active_elsewhere))
        .select_related("user", "user__unit")
        .order_by("created_at", "pk")
    )
    return CourseDemand(people=interests, count=len(interests))
