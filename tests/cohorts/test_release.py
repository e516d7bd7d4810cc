"""Releasing lessons by schedule: who may read which lesson of a course run in cohorts."""

import re
import zoneinfo
from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from cohorts.models import Cohort, Enrollment
from cohorts.release import cohort_releases, lesson_release_for_person
from core.pagecache import content_stamp
from courses.models import KnowledgeCheckAttempt, LessonCompletion
from courses.release import LockReason
from courses.selectors import lesson_is_available, lesson_release_for_course
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    LessonPageFactory,
    SessionFactory,
    UserFactory,
    course_with_lessons,
)

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _at(days: float):
    """A moment ``days`` from now, on a whole minute (negative: in the past)."""
    return (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)


def _cohort(course, plan, **fields) -> Cohort:
    """A published cohort of ``course`` with one session per ``(days from now, lessons)``
    in ``plan``, numbered in time order; the cohort's first start and last end follow."""
    cohort = CohortFactory(course=course, **fields)
    for number, (days, lessons) in enumerate(plan, 1):
        session = SessionFactory(
            cohort=cohort, number=number, title=f"Meeting {number}", starts_at=_at(days)
        )
        session.lessons.add(*lessons)
    sessions = list(cohort.sessions.order_by("starts_at"))
    if sessions:
        Cohort.objects.filter(pk=cohort.pk).update(
            starts_at=sessions[0].starts_at, ends_at=sessions[-1].ends_at
        )
        cohort.refresh_from_db()
    return cohort


def _fresh(user):
    """The person as a new request would load them (nothing cached on the object)."""
    return type(user).objects.get(pk=user.pk)


def _open(user, course) -> list[str]:
    """The titles of the course's lessons ``user`` may read now."""
    release = lesson_release_for_course(user=_fresh(user), course=course)
    lessons = course.get_children().live().order_by("path")
    return [lesson.title for lesson in lessons if release.is_open(lesson.pk)]


@pytest.fixture
def course(db):
    """A live course of six lessons, L0 to L5."""
    course, lessons = course_with_lessons(lessons=6, revision=False, title="Replying well")
    for number, lesson in enumerate(lessons):
        lesson.title = f"L{number}"
        lesson.save(update_fields=["title"])
    return course


@pytest.fixture
def lessons(course):
    return list(course.get_children().specific().order_by("path"))


@pytest.fixture
def cohort(course, lessons):
    """Session 1 started yesterday and covers L1; session 2 (in three days) covers L3;
    session 3, the last (in ten days), covers L4. L0, L2 and L5 are in no session."""
    return _cohort(
        course,
        [(-1, [lessons[1]]), (3, [lessons[3]]), (10, [lessons[4]])],
        name="Support spring group",
    )


@pytest.fixture
def member(learner, cohort):
    EnrollmentFactory(cohort=cohort, user=learner)
    return learner


# --- Rules ------------------------------------------------------------------------------


def test_started_session_opens_its_lessons_and_every_earlier_one(member, course):
    """Lessons up to the last one a started session covers are open, L0 (no session) too."""
    assert _open(member, course) == ["L0", "L1"]


def test_before_the_first_session_nothing_is_open(learner, course, lessons):
    """Until the first session starts, a member reads nothing; each lesson says when."""
    cohort = _cohort(course, [(2, [lessons[0], lessons[1]]), (9, [lessons[2]])])
    EnrollmentFactory(cohort=cohort, user=learner)
    release = lesson_release_for_course(user=_fresh(learner), course=course)
    assert _open(learner, course) == []
    first = cohort.sessions.get(number=1)
    lock = release.lock_for(lessons[0].pk)
    assert lock.reason == LockReason.SCHEDULED
    assert (lock.opens_at, lock.session_number) == (first.starts_at, 1)


def test_locked_lessons_say_which_session_opens_them(member, course, lessons, cohort):
    """L2 (no session) and L3 open with session 2; L4 and L5 with the last session."""
    release = lesson_release_for_course(user=_fresh(member), course=course)
    second, third = cohort.sessions.get(number=2), cohort.sessions.get(number=3)
    for lesson, session in [
        (lessons[2], second),
        (lessons[3], second),
        (lessons[4], third),
        (lessons[5], third),
    ]:
        lock = release.lock_for(lesson.pk)
        assert lock.reason == LockReason.SCHEDULED
        assert lock.opens_at == session.starts_at
        assert lock.session_number == session.number
        assert lock.session_title == session.title
        assert lock.cohort_name == "Support spring group"


def test_second_session_starting_opens_up_to_its_last_lesson(member, course, cohort):
    """When session 2 starts, everything up to L3 is open, not yet L4 and L5."""
    cohort.sessions.filter(number=2).update(starts_at=_at(-0.1), ends_at=_at(0.1))
    assert _open(member, course) == ["L0", "L1", "L2", "L3"]


def test_last_session_started_opens_everything(member, course, cohort):
    """Once the last session has started, every lesson is open, L5 (in no session) too."""
    cohort.sessions.filter(number=2).update(starts_at=_at(-0.5), ends_at=_at(-0.4))
    cohort.sessions.filter(number=3).update(starts_at=_at(-0.1), ends_at=_at(0.1))
    assert _open(member, course) == ["L0", "L1", "L2", "L3", "L4", "L5"]


def test_finished_cohort_opens_everything(member, course, cohort):
    """A cohort that has finished has released every lesson of its course."""
    Cohort.objects.filter(pk=cohort.pk).update(ends_at=_at(-0.01))
    assert _open(member, course) == ["L0", "L1", "L2", "L3", "L4", "L5"]


def test_completed_enrollment_opens_everything(learner, course, cohort):
    """Someone whose enrollment is completed reads every lesson, whatever the schedule."""
    EnrollmentFactory(cohort=cohort, user=learner, status=Enrollment.Status.COMPLETED)
    assert _open(learner, course) == ["L0", "L1", "L2", "L3", "L4", "L5"]


@pytest.mark.parametrize("status", [None, "invited", "waitlisted", "withdrawn"])
def test_without_a_place_no_lesson_is_open(learner, course, cohort, status):
    """Not enrolled, invited, waiting or withdrawn: no lesson of a course run in cohorts."""
    if status is not None:
        EnrollmentFactory(cohort=cohort, user=learner, status=status)
    release = lesson_release_for_course(user=_fresh(learner), course=course)
    assert _open(learner, course) == []
    assert all(
        release.lock_for(lesson.pk).reason == LockReason.MEMBERS_ONLY
        for lesson in course.get_children()
    )


@pytest.mark.parametrize(
    "fields",
    [{"cancelled_at": timezone.now()}, {"is_published": False}],
    ids=["cancelled", "draft"],
)
def test_a_place_in_a_cancelled_or_draft_cohort_does_not_count(
    learner, course, cohort, lessons, fields
):
    """A place in a cancelled or draft cohort opens nothing while the course runs in
    another cohort."""
    other = _cohort(course, [(-2, [lessons[5]])], **fields)
    EnrollmentFactory(cohort=other, user=learner)
    assert _open(learner, course) == []


@pytest.mark.parametrize(
    "fields",
    [{"cancelled_at": timezone.now()}, {"is_published": False}],
    ids=["cancelled", "draft"],
)
def test_course_with_only_cancelled_or_draft_cohorts_is_self_paced(course, lessons, fields):
    """A course whose cohorts are all cancelled or drafts is open to everyone signed in."""
    _cohort(course, [(3, [lessons[0]])], **fields)
    anyone = UserFactory()
    assert _open(anyone, course) == ["L0", "L1", "L2", "L3", "L4", "L5"]
    assert lesson_release_for_person(user=anyone, course=course, now=timezone.now()) is None


def test_course_without_cohorts_is_open_to_everyone_signed_in(learner):
    """Cohorts have no say about a course they do not run: every lesson is open."""
    course, lessons = course_with_lessons(lessons=2, revision=False)
    assert lesson_release_for_person(user=learner, course=course, now=timezone.now()) is None
    assert all(lesson_is_available(user=_fresh(learner), lesson=lesson) for lesson in lessons)


def test_two_cohorts_open_what_either_opened(learner, course, lessons, cohort):
    """In two cohorts one reads what either released; a locked lesson opens with the
    earlier of their sessions."""
    EnrollmentFactory(cohort=cohort, user=learner)
    evening = _cohort(
        course, [(-3, [lessons[2]]), (1, [lessons[4]]), (20, [])], name="Evening group"
    )
    EnrollmentFactory(cohort=evening, user=learner)
    assert _open(learner, course) == ["L0", "L1", "L2"]
    release = lesson_release_for_course(user=_fresh(learner), course=course)
    lock = release.lock_for(lessons[3].pk)  # evening session 2 (tomorrow) before session 2
    assert (lock.cohort_name, lock.session_number) == ("Evening group", 2)
    assert lock.opens_at == evening.sessions.get(number=2).starts_at


def test_lessons_in_sessions_follow_course_order_not_session_order(learner, course, lessons):
    """A first session covering a late lesson opens every lesson before it."""
    cohort = _cohort(course, [(-1, [lessons[4]]), (5, [lessons[1]])])
    EnrollmentFactory(cohort=cohort, user=learner)
    assert _open(learner, course) == ["L0", "L1", "L2", "L3", "L4"]


def test_draft_lessons_do_not_count(learner, course, lessons):
    """A draft lesson covered by a started session neither counts nor opens later ones."""
    draft = LessonPageFactory(parent=course, title="Draft", live=False)
    cohort = _cohort(course, [(-1, [lessons[0], draft]), (5, [lessons[5]])])
    EnrollmentFactory(cohort=cohort, user=learner)
    assert _open(learner, course) == ["L0"]
    assert not lesson_is_available(user=_fresh(learner), lesson=draft)


@pytest.mark.parametrize("role", ["trainer", "site_admin"])
def test_trainers_and_site_admins_see_everything(request, course, lessons, cohort, role):
    """Trainers and site admins read every lesson of a course run in cohorts, drafts too."""
    person = request.getfixturevalue(role)
    draft = LessonPageFactory(parent=course, live=False)
    assert _open(person, course) == ["L0", "L1", "L2", "L3", "L4", "L5"]
    assert lesson_is_available(user=_fresh(person), lesson=draft)


def test_visitors_and_inactive_people_see_nothing(client, course, lessons, cohort):
    """Nobody signed out, and no inactive account, may read a lesson."""
    inactive = UserFactory(is_active=False)
    EnrollmentFactory(cohort=cohort, user=inactive)
    for person in (AnonymousUser(), inactive):
        assert not lesson_is_available(user=person, lesson=lessons[0])
    response = client.get(lessons[0].url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_cohort_release_has_no_session_no_lesson(course):
    """A cohort without sessions has released nothing; a course without lessons, all."""
    empty = _cohort(course, [])
    release = cohort_releases(cohorts=[empty], now=timezone.now())[empty.pk]
    assert release.released == []
    assert not release.everything
    bare = _cohort(course_with_lessons(lessons=0, revision=False)[0], [(-1, [])])
    assert cohort_releases(cohorts=[bare], now=timezone.now())[bare.pk].everything


# --- The locked-lesson page ------------------------------------------------------------


def _content(response) -> str:
    return response.content.decode()


def test_locked_lesson_says_which_session_opens_it_in_the_viewers_zone(
    client, member, lessons, cohort
):
    """A member opening a lesson not released yet gets a 403 page, in the site layout,
    naming the session and its start in their own time zone."""
    member.time_zone = "America/New_York"
    member.save()
    client.force_login(member)
    response = client.get(lessons[3].url)
    assert response.status_code == HTTPStatus.FORBIDDEN
    content = _content(response)
    starts = cohort.sessions.get(number=2).starts_at.astimezone(NEW_YORK)
    when = dateformat.format(starts, "l j F Y, H:i")
    assert f"This lesson opens with session 2 on {when}." in content
    assert "America/New_York" in content
    assert "Meeting 2" in content
    assert 'id="main"' in content  # the site layout
    assert lessons[3].title in content
    assert "check-1" not in content
    assert "Listen before you post" not in content


def test_a_locked_first_lesson_says_when_it_opens_and_nothing_about_earlier_ones(
    client, learner, course, lessons
):
    """Before the first session, the first lesson says when it opens and does not claim
    that lessons before it are open (there are none, and nothing is open yet)."""
    upcoming = _cohort(course, [(2, [lessons[0]]), (9, [lessons[3]])], name="Autumn group")
    EnrollmentFactory(cohort=upcoming, user=learner)
    learner.time_zone = "America/New_York"
    learner.save()
    client.force_login(learner)
    response = client.get(lessons[0].url)
    assert response.status_code == HTTPStatus.FORBIDDEN
    content = _content(response)
    starts = upcoming.sessions.get(number=1).starts_at.astimezone(NEW_YORK)
    when = dateformat.format(starts, "l j F Y, H:i")
    assert f"This lesson opens with session 1 on {when}." in content
    assert "before it" not in content
    assert "are open now" not in content


def test_locked_lesson_for_someone_without_a_place_points_to_the_course(
    client, learner, course, lessons, cohort
):
    """Someone in no cohort is told the course is taught in cohorts and where to go."""
    client.force_login(learner)
    response = client.get(lessons[0].url)
    assert response.status_code == HTTPStatus.FORBIDDEN
    content = _content(response)
    assert "This course is taught in cohorts: join one to read its lessons." in content
    assert f'href="{course.url}"' in content
    assert reverse("dashboard") in content


def test_member_reads_a_released_lesson(client, member, lessons):
    """A released lesson renders as usual; the next, locked one is named, not linked."""
    client.force_login(member)
    response = client.get(lessons[1].url)
    assert response.status_code == HTTPStatus.OK
    content = _content(response)
    assert "Listen before you post" in content
    assert "Next lesson, opens" in content
    assert f'href="{lessons[2].url}"' not in content
    assert f'href="{lessons[0].url}"' in content  # the previous lesson is open


@pytest.mark.parametrize("status", [None, "waitlisted"])
def test_posting_on_a_locked_lesson_is_refused(client, learner, lessons, cohort, status):
    """ "Mark as done" and a knowledge-check answer on a locked lesson get 403, write nothing."""
    if status is not None:
        EnrollmentFactory(cohort=cohort, user=learner, status=status)
    client.force_login(learner)
    lesson = lessons[0]
    done = client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    answer = client.post(
        reverse("courses:knowledge_check_answer", args=[lesson.pk, "check-1"]),
        {"choice": ["0", "2"]},
    )
    assert done.status_code == HTTPStatus.FORBIDDEN
    assert answer.status_code == HTTPStatus.FORBIDDEN
    assert not LessonCompletion.objects.filter(user=learner).exists()
    assert not KnowledgeCheckAttempt.objects.filter(user=learner).exists()


def test_member_posting_on_a_lesson_not_released_yet_is_refused(client, member, lessons):
    """A member may mark a released lesson done, not one of a session still to come."""
    client.force_login(member)
    allowed = client.post(reverse("courses:lesson_complete", args=[lessons[1].pk]))
    refused = client.post(reverse("courses:lesson_complete", args=[lessons[2].pk]))
    answer = client.post(
        reverse("courses:knowledge_check_answer", args=[lessons[2].pk, "check-1"]),
        {"choice": ["0", "2"]},
    )
    assert allowed.status_code == HTTPStatus.FOUND
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert answer.status_code == HTTPStatus.FORBIDDEN
    assert list(LessonCompletion.objects.filter(user=member).values_list("lesson_id", flat=True))
    assert not LessonCompletion.objects.filter(user=member, lesson=lessons[2]).exists()
    assert not KnowledgeCheckAttempt.objects.filter(user=member).exists()


# --- The course page -------------------------------------------------------------------


def _lesson_links(content: str, lessons) -> list[str]:
    return [lesson.title for lesson in lessons if f'href="{lesson.url}"' in content]


def test_course_outline_links_only_released_lessons(client, member, course, lessons, cohort):
    """A member's outline links the released lessons and says when the others open."""
    member.time_zone = "America/New_York"
    member.save()
    client.force_login(member)
    response = client.get(course.url)
    assert response.status_code == HTTPStatus.OK
    content = _content(response)
    assert _lesson_links(content, lessons) == ["L0", "L1"]
    second = cohort.sessions.get(number=2).starts_at.astimezone(NEW_YORK)
    assert f"opens {dateformat.format(second, 'D j M, H:i')}" in content
    assert content.count("lesson-list__item--locked") == 4
    assert "Start the course" in content  # L0 is open and not done


def test_course_outline_for_someone_without_a_place(client, learner, course, lessons, cohort):
    """Someone in no cohort sees the outline without links, "for cohort members"."""
    client.force_login(learner)
    content = _content(client.get(course.url))
    assert _lesson_links(content, lessons) == []
    assert content.count("for cohort members") == 6
    assert "This course is taught in cohorts: join one to read its lessons." in content
    assert "Start the course" not in content


def test_course_page_says_when_the_next_lesson_opens(client, member, course, lessons):
    """With the released lessons done, the page says when the next one opens."""
    for lesson in lessons[:2]:
        LessonCompletion.objects.create(user=member, lesson=lesson)
    client.force_login(member)
    content = _content(client.get(course.url))
    assert "Your next lesson opens on" in content
    assert "Continue:" not in content


@pytest.mark.parametrize("role", ["trainer", "site_admin"])
def test_course_outline_for_trainers_links_every_lesson(request, client, course, lessons, role):
    """Trainers and site admins get every lesson linked."""
    _cohort(course, [(3, [lessons[0]])])
    client.force_login(request.getfixturevalue(role))
    assert _lesson_links(_content(client.get(course.url)), lessons) == [f"L{n}" for n in range(6)]


def test_course_outline_for_visitors_is_unchanged(client, course, lessons, cohort):
    """Visitors still see the lessons linked: following one asks them to log in."""
    content = _content(client.get(course.url))
    assert len(_lesson_links(content, lessons)) == 6
    assert "Lessons open once you are logged in." in content


# --- Queries ----------------------------------------------------------------------------


def _busy_course(learner, *, cohorts: int, sessions: int, lessons: int):
    """A course run in ``cohorts`` cohorts of ``sessions`` sessions; the learner is in all."""
    course, pages = course_with_lessons(lessons=lessons, revision=False)
    per = max(1, lessons // sessions)
    for index in range(cohorts):
        plan = [
            (number - 2 + index / 10, pages[number * per : (number + 1) * per])
            for number in range(sessions)
        ]
        EnrollmentFactory(cohort=_cohort(course, plan), user=learner)
    return course, pages


def _count(callback) -> int:
    """Queries of a warm call: shared content (cohorts, schedules, outlines) comes from the
    cache once read (core.pagecache); what is counted is what every call pays."""
    callback()
    with CaptureQueriesContext(connection) as queries:
        callback()
    return len(queries)


def test_release_takes_the_same_few_queries_whatever_the_size(
    learner, django_assert_max_num_queries
):
    """A course's release costs the same queries for 1 or 4 cohorts of 8 sessions."""
    small, _ = _busy_course(learner, cohorts=1, sessions=1, lessons=2)
    big, pages = _busy_course(learner, cohorts=4, sessions=8, lessons=24)
    small_count = _count(lambda: lesson_release_for_course(user=_fresh(learner), course=small))
    person = _fresh(learner)
    # Cold: groups, the person's places, and cohorts, lessons, sessions and coverage (each
    # after the content stamp, read at each call outside a request).
    with django_assert_max_num_queries(9):
        release = lesson_release_for_course(user=person, course=big)
    # Warm: groups, places and the stamp before each cached read (one per request in a
    # request; here outside one, read each time).
    with django_assert_max_num_queries(6):
        lesson_release_for_course(user=_fresh(learner), course=big)
    assert _count(lambda: lesson_release_for_course(user=_fresh(learner), course=big)) == (
        small_count
    )
    assert release.is_open(pages[0].pk)
    assert not release.everything


def test_release_for_someone_without_a_place_is_one_query(learner, course, cohort):
    """Learning that one has no place in a course run in cohorts costs one query, once
    the course's cohorts are in the cache (and the content stamp read by the request)."""
    person = _fresh(learner)
    person._spoke_group_names = frozenset()  # roles already read by the request
    lesson_release_for_course(user=person, course=course)
    with (
        mock.patch("core.pagecache._read_stamp", return_value=content_stamp()),
        CaptureQueriesContext(connection) as queries,
    ):
        lesson_release_for_course(user=person, course=course)
    assert len(queries) == 1


def test_course_and_lesson_pages_stay_bounded(client, learner, django_assert_max_num_queries):
    """The course and lesson pages of a busy cohort course need as many queries as those
    of a small one, and few."""
    small, small_pages = _busy_course(learner, cohorts=1, sessions=4, lessons=8)
    big, pages = _busy_course(learner, cohorts=4, sessions=8, lessons=24)
    client.force_login(learner)
    client.get(small.url)  # the first request of a site stores its settings
    for url, bound in [(big.url, 26), (pages[0].url, 28), (pages[-1].url, 24)]:
        client.get(url)  # shared content into the cache; then what every request pays
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == (
            HTTPStatus.FORBIDDEN if url == pages[-1].url else HTTPStatus.OK
        )
    assert _count(lambda: client.get(big.url)) == _count(lambda: client.get(small.url))
    assert _count(lambda: client.get(pages[0].url)) == _count(
        lambda: client.get(small_pages[0].url)
    )
    assert _count(lambda: client.get(pages[-1].url)) == _count(
        lambda: client.get(small_pages[-1].url)
    )


def test_locked_page_does_not_render_the_lesson_body(client, learner, course, lessons, cohort):
    """The page for a locked lesson never includes its body or its forms."""
    client.force_login(learner)
    content = _content(client.get(lessons[2].url))
    assert not re.search(r"<form[^>]+/complete/", content)
    assert "Spend ten minutes reading" not in content


# --- The dashboard follows the same rule ------------------------------------------------


def _my_cohorts_card(client, person):
    client.force_login(person)
    response = client.get(reverse("dashboard"))
    panel = next(panel for panel in response.context["panels"] if panel.key == "my-cohorts")
    return panel.context["cards"][0], response.content.decode()


def test_my_cohorts_counts_earlier_lessons_as_released(client, member, cohort):
    """ "My cohorts" counts L0 (in no session, before L1) as released, as the lessons do."""
    card, content = _my_cohorts_card(client, member)
    assert [lesson.title for lesson in card.schedule.released] == ["L0", "L1"]
    assert card.released_count == 2
    assert "0 of 6 lessons done" in content
    assert "2 released so far" in content


def test_my_cohorts_counts_every_lesson_once_the_last_session_started(client, member, cohort):
    """Once the last session has started, every lesson counts as released on the dashboard."""
    cohort.sessions.filter(number=2).update(starts_at=_at(-0.5), ends_at=_at(-0.4))
    cohort.sessions.filter(number=3).update(starts_at=_at(-0.1), ends_at=_at(0.1))
    card, content = _my_cohorts_card(client, member)
    assert card.released_count == 6
    assert "0 of 6 lessons done" in content
    assert "released so far" not in content
