"""Query counts of the cohort pages, calendars and dashboard, small and large.

Each test measures a page first in a small world (3 cohorts of 4 members, 2 sessions of
one lesson each), then again once 30 cohorts of 40 members (6 sessions of 3 lessons each)
have been added, and asserts both that the count did not move and that it stays under a
small bound. An N+1 would show as a count that grows with the second world.

The rows are bulk-created: factories for 1,200 enrollments would take most of a minute.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CalendarFeed, Cohort, Enrollment, Session
from courses.models import LessonCompletion
from people.models import User
from tests.factories import (
    BusinessUnitFactory,
    CoursePageFactory,
    LessonPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMALL = {"cohorts": 3, "members": 4, "sessions": 2, "lessons": 1}
LARGE = {"cohorts": 30, "members": 40, "sessions": 6, "lessons": 3}
# Bounds a little above what each page measures today (15 to 17 for the cohort page, 7 for
# its .ics, 3 for the feed, 9 for the calendar page, 19 for a manager's dashboard). Most of
# a page's queries are the layout's (session, user bar, site settings, navigation), the
# same on every page.
PAGE_BOUND = 20
ICS_BOUND = 10
FEED_BOUND = 4
CALENDAR_PAGE_BOUND = 12
# Every app adds its panel to the dashboard (the roster's checks its rules): what matters
# is that the large world costs what the small one does.
DASHBOARD_BOUND = 32


@dataclass
class World:
    """The cohorts built for one size, and the people in every one of them."""

    cohorts: list[Cohort] = field(default_factory=list)
    members: list[User] = field(default_factory=list)


@pytest.fixture
def units():
    return [BusinessUnitFactory(name=f"Query unit {number}") for number in range(4)]


@pytest.fixture
def course():
    """One course with three lessons, shared by every cohort (runs of the same course)."""
    course = CoursePageFactory(title="Listening at scale")
    lessons = [
        LessonPageFactory(parent=course, title=f"Lesson {number}", revision=False)
        for number in range(1, 4)
    ]
    return course, lessons


@pytest.fixture
def build(course, units, learner, trainer, manager):
    """``build(**SMALL)`` adds a world: cohorts open to two units, run by the trainer and
    one other, with the learner and the manager's reports in each, about half of their
    sessions past. The learner reports to the manager too, and is in every world."""
    course_page, all_lessons = course
    co_trainer = UserFactory(first_name="Cody", last_name="Cotrainer")
    learner.manager, learner.unit = manager, units[0]
    learner.save(update_fields=["manager", "unit"])
    manager.unit = units[0]
    manager.save(update_fields=["unit"])
    LessonCompletion.objects.create(user=learner, lesson=all_lessons[0])
    batches = iter(range(1, 100))

    def build_world(*, cohorts: int, members: int, sessions: int, lessons: int) -> World:
        batch = next(batches)
        now = timezone.now().replace(microsecond=0)
        lessons_covered = all_lessons[:lessons]
        # Session n starts (n - 1 - past) weeks from now, an hour from now: `past` are over.
        past = sessions // 2
        first_start = now + timedelta(weeks=-past, hours=1)
        others = User.objects.bulk_create(
            User(
                email=f"member-{batch}-{number}@spoke.example",
                first_name=f"Member{number}",
                last_name=f"Batch{batch}",
                password="!",
                unit=units[number % len(units)],
                manager=manager,
            )
            for number in range(members - 1)
        )
        world = World(members=[learner, *others])
        world.cohorts = Cohort.objects.bulk_create(
            Cohort(
                course=course_page,
                name=f"Scale {batch}.{number}",
                capacity=members,
                enrollment_mode=Cohort.EnrollmentMode.OPEN,
                is_published=True,
                starts_at=first_start,
                ends_at=first_start + timedelta(weeks=sessions - 1, hours=1),
            )
            for number in range(cohorts)
        )
        Cohort.trainers.through.objects.bulk_create(
            Cohort.trainers.through(cohort_id=cohort.pk, user_id=person.pk)
            for cohort in world.cohorts
            for person in (trainer, co_trainer)
        )
        Cohort.allowed_units.through.objects.bulk_create(
            Cohort.allowed_units.through(cohort_id=cohort.pk, businessunit_id=unit.pk)
            for cohort in world.cohorts
            for unit in units[:2]
        )
        new_sessions = Session.objects.bulk_create(
            Session(
                cohort=cohort,
                number=number,
                title=f"Session {number}",
                starts_at=first_start + timedelta(weeks=number - 1),
                ends_at=first_start + timedelta(weeks=number - 1, hours=1),
                place="Room 4.12",
                video_url="https://meet.example/scale",
            )
            for cohort in world.cohorts
            for number in range(1, sessions + 1)
        )
        Session.lessons.through.objects.bulk_create(
            Session.lessons.through(session_id=session.pk, lessonpage_id=lesson.pk)
            for session in new_sessions
            for lesson in lessons_covered
        )
        Enrollment.objects.bulk_create(
            Enrollment(cohort=cohort, user=person, status="enrolled", enrolled_at=now)
            for cohort in world.cohorts
            for person in world.members
        )
        LessonCompletion.objects.bulk_create(
            LessonCompletion(user=person, lesson=lessons_covered[-1]) for person in others
        )
        return world

    return build_world


def _same_small_and_large(client, build, url_for, bound, django_assert_max_num_queries):
    """Measure ``url_for(world)`` in the small world, then in the large one (each after a
    first GET that warms the caches: site, settings, the session's one-off rows). Asserts
    equal counts within ``bound``; returns the large world's response."""
    small_url = url_for(build(**SMALL))
    client.get(small_url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(small_url).status_code == HTTPStatus.OK
    large_url = url_for(build(**LARGE))
    client.get(large_url)
    with django_assert_max_num_queries(bound) as large:
        response = client.get(large_url)
    assert response.status_code == HTTPStatus.OK
    assert len(large) == len(small), f"{len(small)} queries small, {len(large)} large"
    return response


def _detail(world: World) -> str:
    return reverse("cohorts:detail", args=[world.cohorts[0].pk])


def test_cohort_page_as_member(client, build, learner, django_assert_max_num_queries):
    """A member's cohort page: 40 members, 6 sessions of 3 lessons, same queries as small."""
    client.force_login(learner)
    response = _same_small_and_large(
        client, build, _detail, PAGE_BOUND, django_assert_max_num_queries
    )
    assert len(response.context["members"]) == LARGE["members"]
    assert len(response.context["rows"]) == LARGE["sessions"]
    assert response.context["access"].holds_a_place


def test_cohort_page_as_trainer(client, build, trainer, django_assert_max_num_queries):
    """The trainer's view of a large cohort costs what a small one does."""
    client.force_login(trainer)
    response = _same_small_and_large(
        client, build, _detail, PAGE_BOUND, django_assert_max_num_queries
    )
    assert response.context["access"].is_trainer
    assert len(response.context["members"]) == LARGE["members"]


def test_cohort_page_as_visitor(client, build, units, django_assert_max_num_queries):
    """Someone outside the cohort sees an open one (schedule and trainers) in fixed queries."""
    visitor = UserFactory(unit=units[1])
    client.force_login(visitor)
    response = _same_small_and_large(
        client, build, _detail, PAGE_BOUND, django_assert_max_num_queries
    )
    assert response.context["access"].is_visitor
    assert response.context["members"] == []


def test_cohort_calendar_download(client, build, learner, django_assert_max_num_queries):
    """The cohort's .ics file: one event per session, the same queries at any size."""
    client.force_login(learner)
    response = _same_small_and_large(
        client,
        build,
        lambda world: reverse("cohorts:calendar_ics", args=[world.cohorts[0].pk]),
        ICS_BOUND,
        django_assert_max_num_queries,
    )
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == LARGE["sessions"]


def test_private_feed_of_a_person_in_every_cohort(
    client, build, learner, django_assert_max_num_queries
):
    """The feed of someone in all 33 cohorts (186 sessions) costs what 3 cohorts cost."""
    token = CalendarFeed.objects.create(user=learner).token
    response = _same_small_and_large(
        client,
        build,
        lambda world: reverse("cohorts:feed", args=[token]),
        FEED_BOUND,
        django_assert_max_num_queries,
    )
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    expected = SMALL["cohorts"] * SMALL["sessions"] + LARGE["cohorts"] * LARGE["sessions"]
    assert len(events) == expected


def test_calendar_page(client, build, learner, django_assert_max_num_queries):
    """The page with the feed address does not grow with the person's cohorts."""
    CalendarFeed.objects.create(user=learner)  # made by the person's first POST, not by a GET
    client.force_login(learner)
    response = _same_small_and_large(
        client,
        build,
        lambda world: reverse("cohorts:calendar"),
        CALENDAR_PAGE_BOUND,
        django_assert_max_num_queries,
    )
    assert response.context["feed_url"].endswith(".ics")


def test_dashboard_of_a_manager_with_reports_in_many_cohorts(
    client, build, manager, django_assert_max_num_queries
):
    """A manager whose 40 reports are each in every one of 33 cohorts: the dashboard, with
    its 1,212 team rows and 33 open cohorts, runs the queries of the small world."""
    client.force_login(manager)
    response = _same_small_and_large(
        client,
        build,
        lambda world: reverse("dashboard"),
        DASHBOARD_BOUND,
        django_assert_max_num_queries,
    )
    panels = {panel.key: panel for panel in response.context["panels"]}
    rows = panels["team-learning"].context["rows"]
    reports = SMALL["members"] + LARGE["members"] - 1  # the learner is in both worlds
    assert len({row.enrollment.user_id for row in rows}) == reports
    assert len(rows) == (SMALL["cohorts"] * SMALL["members"] + LARGE["cohorts"] * LARGE["members"])
    assert len(panels["my-cohorts"].context["open_cohorts"]) == (
        SMALL["cohorts"] + LARGE["cohorts"]
    )
