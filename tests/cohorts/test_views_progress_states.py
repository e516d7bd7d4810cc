"""Progress and states that mean one thing: the dashboard, the course page and the cohort
page count a person's lessons with the same selector; nobody enrolled reads "You have not
started a course yet"; no "0 of 0" bar; a cohort is not "Completed" at 0 of 5 lessons."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from courses.models import LessonCompletion
from tests.factories import CohortFactory, CoursePageFactory, EnrollmentFactory, SessionFactory
from tests.factories.courses import course_with_lessons

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")


def flat(response) -> str:
    return " ".join(response.content.decode().split())


def _panel(response, key):
    return next((panel for panel in response.context["panels"] if panel.key == key), None)


def _running(course, *, lessons_first, lessons_later, name):
    """A cohort of ``course``: session 1 started yesterday (``lessons_first`` released),
    session 2 is next week (``lessons_later``)."""
    cohort = CohortFactory(course=course, name=name)
    now = timezone.now()
    first = SessionFactory(cohort=cohort, number=1, starts_at=now - timedelta(days=1))
    first.lessons.add(*lessons_first)
    second = SessionFactory(cohort=cohort, number=2, starts_at=now + timedelta(days=7))
    second.lessons.add(*lessons_later)
    Cohort.objects.filter(pk=cohort.pk).update(starts_at=first.starts_at, ends_at=second.ends_at)
    cohort.refresh_from_db()
    return cohort


@pytest.fixture
def two_cohorts(learner):
    """Lena holds a place in two running cohorts of two three-lesson courses, and has done
    no lesson yet."""
    cohorts = []
    for title in ("Listening", "Replying"):
        course, lessons = course_with_lessons(lessons=3, title=title)
        cohort = _running(
            course, lessons_first=lessons[:2], lessons_later=lessons[2:], name=f"{title} · now"
        )
        EnrollmentFactory(cohort=cohort, user=learner)
        cohorts.append((cohort, lessons))
    return cohorts


def test_enrolled_in_cohorts_is_not_told_they_started_nothing(client, learner, two_cohorts):
    """Both courses are listed under "Your courses" at 0 of 3, with the first lesson next;
    no "You have not started a course yet"."""
    client.force_login(learner)
    response = client.get(DASHBOARD)
    content = flat(response)
    assert "You have not started a course yet." not in content
    courses = _panel(response, "courses").context["courses"]
    assert [course.title for course, _progress in courses] == ["Listening", "Replying"]
    assert content.count("0 of 3 lessons done") >= 2


def test_a_newcomer_in_no_cohort_still_reads_the_empty_state(client, learner):
    """The message stays true for someone who takes nothing."""
    client.force_login(learner)
    assert "You have not started a course yet." in flat(client.get(DASHBOARD))


def test_the_same_numbers_on_dashboard_course_and_cohort_pages(client, learner, two_cohorts):
    """1 of 3 lessons done reads "1 of 3" on the dashboard's cohort card, "Your courses",
    the course page and the cohort page; the card adds how many are released so far."""
    cohort, lessons = two_cohorts[0]
    LessonCompletion.objects.create(user=learner, lesson=lessons[0])
    client.force_login(learner)
    dashboard = client.get(DASHBOARD)
    card = next(
        card for card in _panel(dashboard, "my-cohorts").context["cards"] if card.cohort == cohort
    )
    assert (card.progress.done_count, card.progress.lesson_count, card.released_count) == (1, 3, 2)
    content = flat(dashboard)
    assert '1 of 3 lessons done <span class="hint">· 2 released so far</span>' in content
    assert "1 of 3 lessons done (33%)" in content  # "Your courses"
    assert "1 of 3 lessons done (33%)" in flat(client.get(cohort.course.url))
    cohort_page = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert cohort_page.context["progress"].done_count == 1
    assert "1 of 3 lessons done (33%)" in flat(cohort_page)
    assert "released lesson" not in content


def test_no_zero_of_zero_bar(client, learner):
    """A cohort of a course with no published lesson yet says the lessons are on their
    way; no "0 of 0" anywhere on the dashboard."""
    cohort = CohortFactory(course=CoursePageFactory(title="Empty for now"), name="Early")
    EnrollmentFactory(cohort=cohort, user=learner)
    client.force_login(learner)
    content = flat(client.get(DASHBOARD))
    assert "Early" in content
    assert "0 of 0" not in content
    assert "The lessons of this course are on their way." in content


@pytest.fixture
def ended(learner):
    """A five-lesson course whose cohort ended last week; Lena's place marked completed
    by the nightly job, with no lesson done."""
    course, lessons = course_with_lessons(lessons=5, title="Crisis basics")
    cohort = CohortFactory(course=course, name="Crisis · winter")
    start = timezone.now() - timedelta(days=21)
    session = SessionFactory(
        cohort=cohort, number=1, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    session.lessons.add(*lessons)
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_at=start, ends_at=timezone.now() - timedelta(days=7)
    )
    EnrollmentFactory(cohort=cohort, user=learner, status=Enrollment.Status.COMPLETED)
    return cohort, lessons


def test_a_cohort_is_not_completed_at_zero_of_five(client, learner, ended):
    """The dashboard and the cohort page say the cohort ended, not that Lena completed it."""
    cohort, _lessons = ended
    client.force_login(learner)
    card = _panel(client.get(DASHBOARD), "my-cohorts").context["cards"][0]
    assert card.status_label == "Cohort ended"
    page = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert page.status_code == HTTPStatus.OK
    assert page.context["my_status_label"] == "Cohort ended"
    content = flat(client.get(DASHBOARD))
    assert "0 of 5 lessons done" in content
    assert "Completed" not in content


def test_completed_when_every_lesson_is_done(client, learner, ended):
    """With all five lessons done, "Completed" is true and says so."""
    cohort, lessons = ended
    for lesson in lessons:
        LessonCompletion.objects.create(user=learner, lesson=lesson)
    client.force_login(learner)
    card = _panel(client.get(DASHBOARD), "my-cohorts").context["cards"][0]
    assert card.status_label == "Completed"
    page = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert page.context["my_status_label"] == "Completed"


def test_dashboard_queries_do_not_grow_with_cohorts(
    client, learner, two_cohorts, django_assert_max_num_queries
):
    """A learner's dashboard costs the same with two cohorts or eight (and their courses
    under "Your courses")."""
    client.force_login(learner)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(60) as few:
        client.get(DASHBOARD)
    for number in range(6):
        course, lessons = course_with_lessons(lessons=3, title=f"Extra {number}")
        cohort = _running(
            course, lessons_first=lessons[:1], lessons_later=lessons[1:], name=f"Extra {number}"
        )
        EnrollmentFactory(cohort=cohort, user=learner)
        LessonCompletion.objects.create(user=learner, lesson=lessons[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(DASHBOARD)
    assert len(_panel(response, "my-cohorts").context["cards"]) == 8
