"""Releasing lessons by schedule: which lessons of a course a cohort has opened, and to whom.

The rules (``courses`` asks them through :data:`courses.extensions.LESSON_RELEASE`,
registered in ``wagtail_hooks.py``):

1. A course is *run in cohorts* when it has at least one published, not cancelled cohort.
   Any other course is self-paced: cohorts have no say about it.
2. In a course run in cohorts, a person reads lessons only through a cohort of that course
   (published, not cancelled) in which they hold a place (enrolled or completed). Anyone
   else (not enrolled, invited, on the waitlist, withdrawn) reads none of its lessons.
3. In one cohort, lessons open in the course's order (the order of the page tree, among
   its live lessons): once a session has started, every lesson up to the last one it
   covers is open, so earlier lessons, and lessons no session covers, stay open.
4. Everything is open once the cohort's last session has started or the cohort has
   finished, and to a person whose enrollment is completed.
5. Someone in several cohorts of the course gets every lesson any of them has opened.

A lesson not open yet opens with the first session (by start time) that covers it or a
later lesson, or with the last session, whichever starts first.

Everything here costs a fixed number of queries, however many cohorts, sessions and
lessons there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from core.pagecache import stamped
from courses.models import CoursePage, LessonPage
from courses.release import LessonLock, LessonRelease, LockReason
from courses.selectors import course_lessons_map

from .models import Cohort, Enrollment, Session


@dataclass(frozen=True)
class CohortRelease:
    """What one cohort has released of its course at one moment."""

    lessons: tuple[LessonPage, ...]  # the course's live lessons, in course order
    released_count: int  # the first ``released_count`` of them are open
    sessions: tuple[Session, ...]  # the cohort's sessions, by start time
    # For each lesson not open yet (by id), the session it opens with, when there is one.
    opens_with: Mapping[int, Session] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def released(self) -> list[LessonPage]:
        return list(self.lessons[: self.released_count])

    @property
    def everything(self) -> bool:
        return self.released_count >= len(self.lessons)


def _release_of(
    cohort: Cohort,
    *,
    lessons: list[LessonPage],
    sessions: list[Session],
    covered: dict[int, set[int]],
    now: datetime,
) -> CohortRelease:
    position = {lesson.pk: index for index, lesson in enumerate(lessons)}
    last = sessions[-1] if sessions else None
    # How far into the course each session reaches: the last lesson it covers; the last
    # session reaches the end.
    reach = {
        session.pk: (
            len(lessons) - 1
            if session is last
            else max(
                (position[pk] for pk in covered.get(session.pk, ()) if pk in position),
                default=-1,
            )
        )
        for session in sessions
    }
    finished = cohort.ends_at is not None and cohort.ends_at <= now
    if finished or (last is not None and last.starts_at <= now):
        released_count = len(lessons)
    else:
        released_count = 1 + max(
            (reach[session.pk] for session in sessions if session.starts_at <= now), default=-1
        )
    opens_with: dict[int, Session] = {}
    next_locked = released_count
    for session in sessions:
        if session.starts_at <= now:
            continue
        for index in range(next_locked, reach[session.pk] + 1):
            opens_with[lessons[index].pk] = session
        next_locked = max(next_locked, reach[session.pk] + 1)
    return CohortRelease(
        lessons=tuple(lessons),
        released_count=released_count,
        sessions=tuple(sessions),
        opens_with=MappingProxyType(opens_with),
    )


def cohort_schedules(
    *, cohort_ids: list[int]
) -> tuple[dict[int, list[Session]], dict[int, set[int]]]:
    """Each cohort's sessions by start time, and the lessons each session covers (by
    session id), in two queries, kept until the content stamp changes (writing a cohort,
    a session or the lessons it covers changes it: see ``cohorts.apps``).

    The schedule alone: what is open at a given moment is worked out from it at each
    request, so a lesson opens at its session's start, not when a cache expires.
    """
    ids = sorted(set(cohort_ids))
    return stamped(f"cohorts:schedules:{','.join(map(str, ids))}", lambda: _read_schedules(ids))


def _read_schedules(cohort_ids: list[int]):
    sessions: dict[int, list[Session]] = {pk: [] for pk in cohort_ids}
    for session in Session.objects.filter(cohort_id__in=cohort_ids).order_by(
        "starts_at", "number", "pk"
    ):
        sessions[session.cohort_id].append(session)
    covered: dict[int, set[int]] = {}
    for session_id, lesson_id in Session.lessons.through.objects.filter(
        session__cohort_id__in=cohort_ids
    ).values_list("session_id", "lessonpage_id"):
        covered.setdefault(session_id, set()).add(lesson_id)
    return sessions, covered


def cohort_releases(
    *, cohorts: Iterable[Cohort], now: datetime, courses: Iterable[CoursePage] | None = None
) -> dict[int, CohortRelease]:
    """What each cohort has released at ``now``, by cohort id, in three queries for any
    number of cohorts (lessons, sessions, the lessons each session covers), none while
    they are in the cache (:func:`cohort_schedules`).

    Each cohort's course is read from ``cohort.course``; pass ``courses`` when they are
    already at hand and not loaded on the cohorts. This is the schedule alone: whether a
    given person may read them is :func:`lesson_release_for_person`'s question.
    """
    cohorts = list(cohorts)
    if not cohorts:
        return {}
    if courses is None:
        courses = {cohort.course.pk: cohort.course for cohort in cohorts}.values()
    lessons_map = course_lessons_map(courses=list(courses))
    sessions, covered = cohort_schedules(cohort_ids=[cohort.pk for cohort in cohorts])
    return {
        cohort.pk: _release_of(
            cohort,
            lessons=lessons_map.get(cohort.course_id, []),
            sessions=sessions[cohort.pk],
            covered=covered,
            now=now,
        )
        for cohort in cohorts
    }


def running_cohorts(*, course_id: int) -> list[Cohort]:
    """The course's published, not cancelled cohorts by start, kept until the content
    stamp changes (writing a cohort changes it)."""
    return stamped(
        f"cohorts:running:{course_id}",
        lambda: list(
            Cohort.objects.filter(
                course_id=course_id, is_published=True, cancelled_at__isnull=True
            ).order_by("starts_at", "pk")
        ),
    )


def lesson_release_for_person(*, user, course: CoursePage, now: datetime) -> LessonRelease | None:
    """The lessons of ``course`` open to ``user`` at ``now`` under the rules above, or None
    when the course is not run in cohorts (self-paced: cohorts have no say).

    Registered under ``courses.extensions.LESSON_RELEASE``; ``courses`` has already let
    trainers and site admins through. One query (the person's places) once the course's
    cohorts and their schedules are in the cache.
    """
    cohorts = running_cohorts(course_id=course.pk)
    if not cohorts:
        return None
    places = dict(
        Enrollment.objects.filter(
            user=user,
            cohort_id__in=[cohort.pk for cohort in cohorts],
            status__in=Enrollment.HOLDS_A_PLACE,
        ).values_list("cohort_id", "status")
    )
    mine = [cohort for cohort in cohorts if cohort.pk in places]
    for cohort in mine:
        cohort.my_status = places[cohort.pk]
    if not mine:
        return LessonRelease(default_lock=LessonLock(reason=LockReason.MEMBERS_ONLY))
    if any(cohort.my_status == Enrollment.Status.COMPLETED for cohort in mine):
        return LessonRelease.all_open()
    for cohort in mine:
        cohort.course = course
    releases = cohort_releases(cohorts=mine, now=now, courses=[course])
    if any(releases[cohort.pk].everything for cohort in mine):
        return LessonRelease.all_open()
    open_ids = {lesson.pk for cohort in mine for lesson in releases[cohort.pk].released}
    locks: dict[int, LessonLock] = {}
    for cohort in mine:
        for lesson_id, session in releases[cohort.pk].opens_with.items():
            if lesson_id in open_ids:
                continue
            known = locks.get(lesson_id)
            if known is None or session.starts_at < known.opens_at:
                locks[lesson_id] = LessonLock(
                    reason=LockReason.SCHEDULED,
                    opens_at=session.starts_at,
                    session_number=session.number,
                    session_title=session.title,
                    cohort_name=cohort.name,
                )
    return LessonRelease(
        open_ids=frozenset(open_ids),
        locks=locks,
        default_lock=LessonLock(reason=LockReason.SCHEDULED, cohort_name=mine[0].name),
    )
