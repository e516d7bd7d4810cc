"""When an assignment opens and is due in a cohort, and what a person has to do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Assignment, AssignmentWindow, Submission
from assessments.selectors import AFTER_LAST_SESSION, assignment_windows, practice_for
from tests.factories import (
    CohortFactory,
    CoursePageFactory,
    EnrollmentFactory,
    LessonPageFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def assignment(course, **kwargs):
    kwargs.setdefault("after_session", 1)
    return Assignment.objects.create(
        course=course, title=kwargs.pop("title", "Practise"), instructions="<p>Do it.</p>", **kwargs
    )


@pytest.fixture
def cohort():
    """A cohort with three sessions a week apart, the first one two weeks ago."""
    course = CoursePageFactory()
    cohort = CohortFactory(course=course)
    start = timezone.now().replace(microsecond=0) - timedelta(days=14)
    for number in (1, 2, 3):
        begins = start + timedelta(days=7 * (number - 1))
        SessionFactory(cohort=cohort, number=number, starts_at=begins, ends_at=begins + HOUR)
    return cohort


def window(cohort, task):
    return assignment_windows(cohorts=[cohort])[(cohort.pk, task.pk)]


def test_opens_after_its_session_and_is_due_at_the_next(cohort):
    task = assignment(cohort.course, after_session=1)
    first, second = cohort.sessions.order_by("number")[:2]
    assert (window(cohort, task).opens_at, window(cohort, task).due_at) == (
        first.ends_at,
        second.starts_at,
    )


def test_after_the_last_session_it_is_due_a_week_later(cohort):
    task = assignment(cohort.course, after_session=3)
    last = cohort.sessions.get(number=3)
    assert window(cohort, task).due_at == last.ends_at + AFTER_LAST_SESSION


def test_after_a_lesson_means_after_the_session_that_covers_it(cohort):
    lesson = LessonPageFactory(parent=cohort.course)
    cohort.sessions.get(number=2).lessons.add(lesson)
    task = assignment(cohort.course, after_session=None, after_lesson=lesson)
    assert window(cohort, task).session.number == 2


def test_a_session_the_cohort_does_not_have_never_opens(cohort):
    task = assignment(cohort.course, after_session=9)
    assert (cohort.pk, task.pk) not in assignment_windows(cohorts=[cohort])


def test_trainers_dates_replace_the_schedule(cohort):
    task = assignment(cohort.course, after_session=9)
    opens = timezone.now() - HOUR
    AssignmentWindow.objects.create(
        cohort=cohort, assignment=task, opens_at=opens, due_at=opens + 48 * HOUR
    )
    found = window(cohort, task)
    assert found.is_custom
    assert (found.opens_at, found.due_at) == (opens, opens + 48 * HOUR)


def test_windows_cost_a_fixed_number_of_queries(django_assert_num_queries):
    cohorts = []
    for _ in range(5):
        course = CoursePageFactory()
        cohort = CohortFactory(course=course)
        for number in (1, 2):
            SessionFactory(cohort=cohort, number=number)
        for after in (1, 2):
            assignment(course, after_session=after)
        cohorts.append(cohort)
    # Assignments, cohorts' own windows, sessions and the lessons they cover, and the
    # content stamp before each of the two cached reads (outside a request it is read each
    # time); the second time, only the stamps.
    with django_assert_num_queries(6):
        windows = assignment_windows(cohorts=cohorts)
    assert len(windows) == 10
    with django_assert_num_queries(2):
        assert assignment_windows(cohorts=cohorts) == windows


def test_a_persons_list_holds_open_work_by_due_date(cohort, learner):
    EnrollmentFactory(cohort=cohort, user=learner)
    later = assignment(cohort.course, after_session=2, title="Second")
    sooner = assignment(cohort.course, after_session=1, title="First")
    assignment(cohort.course, after_session=3, title="Not open yet")
    items = practice_for(user=learner, now=timezone.now())
    assert [item.window.assignment for item in items] == [sooner, later]
    assert items[0].is_overdue
    assert items[0].state == "not_started"


def test_only_people_holding_a_place_get_a_list(cohort, learner):
    EnrollmentFactory(cohort=cohort, user=learner, status="waitlisted")
    assignment(cohort.course)
    assert practice_for(user=learner, now=timezone.now()) == []


def test_work_accepted_long_ago_leaves_the_list(cohort, learner, trainer):
    from assessments.models import Review

    EnrollmentFactory(cohort=cohort, user=learner)
    task = assignment(cohort.course)
    submission = Submission.objects.create(
        assignment=task,
        cohort=cohort,
        user=learner,
        status=Submission.Status.ACCEPTED,
        submitted_at=timezone.now(),
    )
    review = Review.objects.create(submission=submission, reviewer=trainer, decision="accepted")
    assert len(practice_for(user=learner, now=timezone.now())) == 1
    Review.objects.filter(pk=review.pk).update(decided_at=timezone.now() - timedelta(days=30))
    assert practice_for(user=learner, now=timezone.now()) == []
