"""Demo cohorts for Kestrel Rail: one of every state, run by the demo trainer.

``seed_demo`` calls :func:`demo_cohorts_seed` after the courses. The cohorts are dated
relative to the moment of the first run, so a fresh demo always shows one finished, one
running (its next session this week), one open for self-enrolment, one full with a
waitlist and one cancelled.

The rows are written directly, not through ``cohorts.services``: the services refuse
sessions in the past and finished cohorts, and they e-mail everyone invited, enrolled or
cancelled. Demo history is not news to anyone, so nothing here sends a message.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cohorts.models import Attendance, Cohort, CourseInterest, Enrollment, Session
from courses.models import CoursePage, LessonPage
from demo import content
from demo.seeds.people import ACCOUNTS
from people.models import BusinessUnit, User

_DATA = content.load_yaml("cohorts.yaml")
TIME_ZONE = _DATA["time_zone"]
TRAINER = "trainer@spoke.example"
ROOM = _DATA["room"]
VIDEO = _DATA["video"]


@dataclass(frozen=True)
class DemoSession:
    days: int  # from today, in the cohort's time zone
    start: time
    minutes: int
    title: str
    online: bool = False


@dataclass(frozen=True)
class DemoCohort:
    name: str
    course: str  # course slug
    sessions: tuple[DemoSession, ...]
    state: str  # finished, running, open, full, cancelled
    units: tuple[str, ...]  # where the people come from
    managers_only: bool = False
    size: int = 0  # people holding a place (or invited, when cancelled)
    waitlist: int = 0
    capacity: int = 12
    mode: str = Cohort.EnrollmentMode.ASSIGNED
    open_to: tuple[str, ...] = ()  # allowed units for self-enrolment
    accounts: tuple[str, ...] = ()  # demo accounts among the people, first
    video_room: str = ""


def _cohort(data: dict) -> DemoCohort:
    sessions = tuple(
        DemoSession(**{**session, "start": time.fromisoformat(session["start"])})
        for session in data["sessions"]
    )
    tuples = {name: tuple(data.get(name, ())) for name in ("units", "open_to", "accounts")}
    return DemoCohort(**{**data, **tuples, "sessions": sessions})


COHORTS = [_cohort(cohort) for cohort in _DATA["cohorts"]]

# A few people missed a session: (person position, session position) -> status.
ABSENCES = {
    (absence["person"], absence["session"]): Attendance.Status(absence["status"])
    for absence in _DATA["absences"]
}


def _generated_staff():
    """The generated staff (not the demo accounts), in a stable order."""
    demo = [account.email for account in ACCOUNTS]
    return User.objects.exclude(email__in=demo).filter(is_active=True).order_by("email")


def _people(plan: DemoCohort, used: set[int]) -> list[User]:
    staff = _generated_staff()
    if plan.managers_only:
        pool = list(staff.filter(role=User.Role.MANAGER))
    else:
        units = BusinessUnit.objects.filter(slug__in=plan.units)
        pool = list(staff.filter(unit__in=units, role=User.Role.EMPLOYEE))
    fresh = [person for person in pool if person.pk not in used]
    wanted = plan.size + plan.waitlist - len(plan.accounts)
    chosen = (fresh + [person for person in pool if person.pk in used])[:wanted]
    if len(chosen) < wanted:
        raise RuntimeError(f"Not enough demo staff for {plan.name!r}: run the people seed.")
    used.update(person.pk for person in chosen)
    chosen[:0] = [User.objects.get(email=email) for email in plan.accounts]
    return chosen


def _lesson_chunks(course: CoursePage, count: int) -> list[list[LessonPage]]:
    """The course's lessons in order, spread over ``count`` sessions."""
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    return [lessons[i * len(lessons) // count : (i + 1) * len(lessons) // count]
            for i in range(count)]  # fmt: skip


def _create(plan: DemoCohort, *, now: datetime, trainer: User, used: set[int]) -> dict[str, int]:
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    course = CoursePage.objects.get(slug=plan.course)
    times = [
        (
            datetime.combine(now.date() + timedelta(days=s.days), s.start, tzinfo=zone),
            datetime.combine(now.date() + timedelta(days=s.days), s.start, tzinfo=zone)
            + timedelta(minutes=s.minutes),
        )
        for s in plan.sessions
    ]
    cohort = Cohort.objects.create(
        course=course,
        name=plan.name,
        time_zone=TIME_ZONE,
        capacity=plan.capacity,
        enrollment_mode=plan.mode,
        is_published=True,
        cancelled_at=now - timedelta(days=2) if plan.state == "cancelled" else None,
        # What cohorts.services._schedule_refresh keeps in step: first start, last end.
        starts_at=min(start for start, _ in times),
        ends_at=max(end for _, end in times),
    )
    cohort.trainers.add(trainer)
    if plan.open_to:
        cohort.allowed_units.set(BusinessUnit.objects.filter(slug__in=plan.open_to))

    sessions = []
    chunks = _lesson_chunks(course, len(plan.sessions))
    for number, (demo, (starts_at, ends_at), lessons) in enumerate(
        zip(plan.sessions, times, chunks, strict=True), 1
    ):
        session = Session.objects.create(
            cohort=cohort,
            number=number,
            title=demo.title,
            starts_at=starts_at,
            ends_at=ends_at,
            place="" if demo.online else ROOM,
            video_url=VIDEO + plan.video_room if demo.online else "",
            # cohort_cancel raises the sequence so calendars drop the events.
            sequence=1 if plan.state == "cancelled" else 0,
        )
        session.lessons.set(lessons)
        sessions.append(session)

    people = _people(plan, used)
    first = cohort.starts_at
    enrollments = []
    for position, person in enumerate(people):
        values = {"cohort": cohort, "user": person, "invited_by": trainer}
        if plan.state == "cancelled":
            values["status"] = Enrollment.Status.INVITED
        elif position >= plan.size:  # the waitlist, first come first served
            values["status"] = Enrollment.Status.WAITLISTED
            values["waitlisted_at"] = now - timedelta(hours=50 - 12 * (position - plan.size))
            values["invited_by"] = None
        else:
            values["status"] = (
                Enrollment.Status.COMPLETED
                if plan.state == "finished"
                else Enrollment.Status.ENROLLED
            )
            values["enrolled_at"] = min(now, first) - timedelta(days=10, hours=position)
            if plan.mode == Cohort.EnrollmentMode.OPEN:
                values["invited_by"] = None
        enrollments.append(Enrollment.objects.create(**values))

    attendance = 0
    for index, session in enumerate(sessions, 1):
        if session.ends_at > now or plan.state == "cancelled":
            continue
        for position, enrollment in enumerate(enrollments, 1):
            if enrollment.status not in Enrollment.HOLDS_A_PLACE:
                continue
            Attendance.objects.create(
                session=session,
                enrollment=enrollment,
                status=ABSENCES.get((position, index), Attendance.Status.PRESENT),
                recorded_by=trainer,
            )
            attendance += 1
    return {
        "cohorts": 1,
        "sessions": len(sessions),
        "enrollments": len(enrollments),
        "attendance": attendance,
    }


@transaction.atomic
def demo_cohorts_seed() -> dict[str, int]:
    """Create the demo cohorts that do not exist yet. Returns counts of rows written.

    Cohorts are found by name. Their dates are set relative to the moment they are first
    created (today in Europe/Amsterdam, on the hour) and are never moved afterwards: a
    second run finds every cohort by its name, keeps it exactly as it is and writes
    nothing. To bring the dates back to "now", delete the demo cohorts and seed again.

    Rows are written directly instead of through ``cohorts.services``, inside this one
    transaction: the services refuse past dates, and they would queue invitation and
    cancellation e-mails, but demo history is not news to anyone. No message is sent.
    """
    written = {"cohorts": 0, "sessions": 0, "enrollments": 0, "attendance": 0, "interest": 0}
    missing = [plan for plan in COHORTS if not Cohort.objects.filter(name=plan.name).exists()]
    if not missing:
        written["interest"] = _interest()
        return written
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(TIME_ZONE)).replace(
        minute=0, second=0, microsecond=0
    )
    trainer = User.objects.get(email=TRAINER)
    used: set[int] = set()
    for plan in missing:
        for what, count in _create(plan, now=now, trainer=trainer, used=used).items():
            written[what] += count
    written["interest"] = _interest()
    return written


def _interest() -> int:
    """The interest in the next run of a course that ``cohorts.yaml`` lists, for people in
    no cohort of the course; rows that exist stay as they are. Written directly: asking
    for the next run sends nobody anything."""
    created = 0
    for entry in _DATA.get("interest", []):
        course = CoursePage.objects.get(slug=entry["course"])
        if CourseInterest.objects.filter(course=course, user__unit__slug=entry["unit"]).exists():
            continue
        people = (
            _generated_staff()
            .filter(unit__slug=entry["unit"], role=User.Role.EMPLOYEE)
            .exclude(enrollments__cohort__course=course)[: entry["people"]]
        )
        for person in people:
            created += int(CourseInterest.objects.get_or_create(user=person, course=course)[1])
    return created
