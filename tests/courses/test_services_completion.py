"""Marking lessons done, completing courses, and who a lesson is open to."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from courses.models import CourseCompletion, LessonCompletion
from courses.selectors import courses_in_progress, lesson_is_available
from courses.services import lesson_complete
from tests.factories import CourseIndexPageFactory, LessonPageFactory, course_with_lessons


@pytest.fixture
def course_and_lessons(db):
    CourseIndexPageFactory()
    return course_with_lessons(lessons=3)


@pytest.fixture
def course(course_and_lessons):
    return course_and_lessons[0]


@pytest.fixture
def lessons(course_and_lessons):
    return course_and_lessons[1]


def _url(lesson):
    return reverse("courses:lesson_complete", args=[lesson.pk])


# --- The service ------------------------------------------------------------------------


def test_marking_a_lesson_done_records_it(lessons, learner):
    """The first time, a completion is stored and reported as new."""
    result = lesson_complete(user=learner, lesson=lessons[0])
    assert result.lesson_newly_done
    assert result.completion.lesson_id == lessons[0].pk
    assert not result.course_newly_completed
    assert result.course_completion is None


def test_marking_done_twice_changes_nothing(lessons, learner):
    """Marking done is idempotent: one row, reported as not new the second time."""
    first = lesson_complete(user=learner, lesson=lessons[0])
    again = lesson_complete(user=learner, lesson=lessons[0])
    assert not again.lesson_newly_done
    assert again.completion == first.completion
    assert LessonCompletion.objects.count() == 1


def test_doing_every_live_lesson_completes_the_course_once(course, lessons, learner):
    """The last live lesson completes the course; repeating it does not complete it again."""
    for lesson in lessons[:-1]:
        assert lesson_complete(user=learner, lesson=lesson).course_completion is None
    result = lesson_complete(user=learner, lesson=lessons[-1])
    assert result.course_newly_completed
    assert result.course_completion.course_id == course.pk
    again = lesson_complete(user=learner, lesson=lessons[-1])
    assert not again.course_newly_completed
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1


def test_draft_lessons_do_not_hold_back_completion(course, lessons, learner):
    """A lesson still in draft is not needed to complete the course."""
    LessonPageFactory(parent=course, live=False)
    for lesson in lessons:
        lesson_complete(user=learner, lesson=lesson)
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_completion_order_does_not_matter(course, lessons, learner):
    """Lessons can be done in any order; the course completes with the last one."""
    for lesson in reversed(lessons):
        lesson_complete(user=learner, lesson=lesson)
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_completion_is_per_person(course, lessons, learner, manager):
    """One person's lessons do not complete a course for another."""
    for lesson in lessons:
        lesson_complete(user=learner, lesson=lesson)
    lesson_complete(user=manager, lesson=lessons[0])
    assert not CourseCompletion.objects.filter(user=manager).exists()


def test_draft_lesson_cannot_be_marked_done(course, learner):
    """The service refuses a lesson that is not published."""
    draft = LessonPageFactory(parent=course, live=False)
    with pytest.raises(PermissionDenied):
        lesson_complete(user=learner, lesson=draft)
    assert not LessonCompletion.objects.exists()


def test_courses_in_progress_lists_started_not_completed(course, lessons, learner):
    """Started courses are in progress until completed."""
    assert courses_in_progress(user=learner) == []
    lesson_complete(user=learner, lesson=lessons[0])
    [(found, progress)] = courses_in_progress(user=learner)
    assert found == course
    assert (progress.done_count, progress.lesson_count) == (1, 3)
    assert progress.next_lesson == lessons[1]
    for lesson in lessons[1:]:
        lesson_complete(user=learner, lesson=lesson)
    assert courses_in_progress(user=learner) == []


# --- Who a lesson is open to ------------------------------------------------------------


def test_published_lesson_is_open_to_every_signed_in_person(lessons, learner, manager, hr, lead):
    """Until cohorts exist, a published lesson of a published course is open to all."""
    for person in (learner, manager, hr, lead):
        assert lesson_is_available(user=person, lesson=lessons[0])


def test_visitors_and_inactive_people_are_not_let_in(lessons, learner):
    """Anonymous visitors and deactivated accounts get no lesson."""
    assert not lesson_is_available(user=AnonymousUser(), lesson=lessons[0])
    learner.is_active = False
    assert not lesson_is_available(user=learner, lesson=lessons[0])


def test_drafts_are_not_open_to_learners(course, lessons, learner):
    """A draft lesson, or any lesson of a course taken offline, is closed to learners."""
    draft = LessonPageFactory(parent=course, live=False)
    assert not lesson_is_available(user=learner, lesson=draft)
    course.live = False
    course.save(update_fields=["live"])
    lessons[0].refresh_from_db()
    assert not lesson_is_available(user=learner, lesson=lessons[0])


def test_trainers_and_admins_always_see_lessons(course, trainer, site_admin):
    """Trainers and site admins may look at any lesson, even one that would be closed."""
    draft = LessonPageFactory(parent=course, live=False)
    course.live = False
    course.save(update_fields=["live"])
    for person in (trainer, site_admin):
        assert lesson_is_available(user=person, lesson=draft)


# --- The endpoint -----------------------------------------------------------------------


def test_post_marks_done_and_redirects_back_with_a_message(client, lessons, learner):
    """Post, redirect to the lesson's 'done' section, and say it worked."""
    client.force_login(learner)
    response = client.post(_url(lessons[0]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{lessons[0].url}#lesson-done"
    content = client.get(lessons[0].url).content.decode()
    assert "Lesson marked as done." in content
    assert "You finished this lesson." in content


def test_posting_again_is_harmless(client, lessons, learner):
    """A second post (a double click, the back button) keeps one row and says so."""
    client.force_login(learner)
    client.post(_url(lessons[0]))
    response = client.post(_url(lessons[0]), follow=True)
    assert "You had already marked this lesson as done." in response.content.decode()
    assert LessonCompletion.objects.count() == 1


def test_last_lesson_says_the_course_is_complete(client, course, lessons, learner):
    """Finishing the last lesson congratulates on the whole course."""
    client.force_login(learner)
    for lesson in lessons[:-1]:
        client.post(_url(lesson))
    response = client.post(_url(lessons[-1]), follow=True)
    assert f"the whole course “{course.title}”" in response.content.decode()


def test_get_is_not_allowed(client, lessons, learner):
    """Marking done changes data, so GET is refused."""
    client.force_login(learner)
    assert client.get(_url(lessons[0])).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not LessonCompletion.objects.exists()


def test_visitor_is_sent_to_log_in(client, lessons):
    """An anonymous post goes to the log-in page, coming back to the lesson."""
    response = client.post(_url(lessons[0]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not LessonCompletion.objects.exists()


def test_draft_lesson_endpoint_is_not_found(client, course, learner, trainer):
    """Posting to a lesson that is not live is a 404, whoever posts."""
    draft = LessonPageFactory(parent=course, live=False)
    for person in (learner, trainer):
        client.force_login(person)
        assert client.post(_url(draft)).status_code == HTTPStatus.NOT_FOUND
    assert not LessonCompletion.objects.exists()


def test_csrf_is_enforced(lessons, learner):
    """Without the CSRF token the post is refused; with it, it goes through."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert browser.post(_url(lessons[0])).status_code == HTTPStatus.FORBIDDEN
    assert not LessonCompletion.objects.exists()
    browser.get(lessons[0].url)
    token = browser.cookies["csrftoken"].value
    response = browser.post(_url(lessons[0]), {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert LessonCompletion.objects.filter(user=learner).count() == 1
