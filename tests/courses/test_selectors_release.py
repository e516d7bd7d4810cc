"""How courses asks the apps above it which lessons are open (the lesson-release hook)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from courses.extensions import LESSON_RELEASE
from courses.release import LessonLock, LessonRelease, LockReason
from courses.selectors import lesson_is_available, lesson_release_for_course
from tests.factories import course_with_lessons

pytestmark = pytest.mark.django_db

LATER = LessonLock(reason=LockReason.SCHEDULED, opens_at=timezone.now() + timedelta(days=2))


@pytest.fixture
def course_and_lessons(db):
    return course_with_lessons(lessons=3, revision=False)


def test_course_nobody_has_a_say_about_is_open_to_everyone(course_and_lessons, learner):
    """With no app answering, every lesson is open to every signed-in person."""
    course, lessons = course_and_lessons
    release = lesson_release_for_course(user=learner, course=course)
    assert release.everything
    assert all(lesson_is_available(user=learner, lesson=lesson) for lesson in lessons)


def test_an_answer_limits_learners_not_trainers(course_and_lessons, learner, trainer):
    """A hook's answer decides for learners; trainers are never asked about."""
    course, lessons = course_and_lessons
    calls = []

    def only_first(*, user, course, now):
        calls.append((user, course, now))
        return LessonRelease(open_ids={lessons[0].pk}, locks={lessons[1].pk: LATER})

    with LESSON_RELEASE.registered(only_first):
        assert lesson_is_available(user=learner, lesson=lessons[0])
        assert not lesson_is_available(user=learner, lesson=lessons[1])
        release = lesson_release_for_course(user=learner, course=course)
        assert all(lesson_is_available(user=trainer, lesson=lesson) for lesson in lessons)
    assert release.lock_for(lessons[0].pk) is None
    assert release.lock_for(lessons[1].pk) == LATER
    assert release.lock_for(lessons[2].pk).reason == LockReason.MEMBERS_ONLY  # the default
    assert calls
    assert all(who == learner and which.pk == course.pk and when for who, which, when in calls)


def test_several_answers_open_only_what_all_open(course_and_lessons, learner):
    """When two apps answer, a lesson is open only if both open it; None is no say."""
    course, lessons = course_and_lessons
    first = LessonRelease(open_ids={lessons[0].pk, lessons[1].pk})
    second = LessonRelease(open_ids={lessons[0].pk}, locks={lessons[1].pk: LATER})
    answers = [first, second, None]

    def answer(index):
        return lambda *, user, course, now: answers[index]

    with (
        LESSON_RELEASE.registered(answer(0)),
        LESSON_RELEASE.registered(answer(1)),
        LESSON_RELEASE.registered(answer(2)),
    ):
        release = lesson_release_for_course(user=learner, course=course)
    assert release.is_open(lessons[0].pk)
    assert release.lock_for(lessons[1].pk) == LATER
    assert not release.is_open(lessons[2].pk)


def test_visitors_get_nothing_open(course_and_lessons):
    """Someone signed out has nothing open and is asked to log in."""
    course, lessons = course_and_lessons
    release = lesson_release_for_course(user=AnonymousUser(), course=course)
    assert release.lock_for(lessons[0].pk).reason == LockReason.SIGN_IN
