"""The course catalogue: who sees it, filters, search, progress and query counts."""

from http import HTTPStatus

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses.models import Audience, LessonCompletion
from courses.services import lesson_complete
from tests.factories import (
    CompetencyFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    course_with_lessons,
)

ROLES = ["anonymous", "learner", "manager", "trainer", "hr", "lead", "site_admin"]


@pytest.fixture
def catalogue(db):
    return CourseIndexPageFactory(title="Courses", intro="<p>Learn together.</p>")


def _login(client, request, role):
    if role != "anonymous":
        person = request.getfixturevalue(role)
        client.force_login(person)
        return person
    return None


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_catalogue_with_published_courses(client, request, catalogue, role):
    """Every role, signed in or not, sees the catalogue and its live courses, never drafts."""
    CoursePageFactory(title="Listening first", summary="Hear before you speak.")
    CoursePageFactory(title="Secret draft course", live=False)
    _login(client, request, role)
    content = _page(client, catalogue.url)
    assert "Listening first" in content
    assert "Hear before you speak." in content
    assert "Secret draft course" not in content
    assert "Learn together." in content


def test_catalogue_cards_show_audience_lessons_time_and_competencies(client, catalogue):
    """A card says who the course is for, how many lessons, the time and what it covers."""
    listening = CompetencyFactory(name="Listening")
    crisis = CompetencyFactory(name="Crisis updates")
    course, _lessons = course_with_lessons(
        lessons=2, audience=Audience.MANAGERS, competencies=[listening]
    )
    LessonPageFactory(parent=course, minutes=50, competencies=[crisis])
    LessonPageFactory(parent=course, minutes=99, live=False)  # drafts do not count
    content = _page(client, catalogue.url)
    assert "For managers" in content
    assert "3 lessons" in content
    assert "about 1 h 1 min" in content  # 5 + 6 + 50 minutes
    assert "Listening" in content
    assert "Crisis updates" in content


def test_learner_sees_own_progress_on_cards_and_visitors_do_not(client, catalogue, learner):
    """Started courses show a progress bar with the numbers in words; visitors see none."""
    _course, lessons = course_with_lessons(lessons=3, title="Started course")
    lesson_complete(user=learner, lesson=lessons[0])
    assert "lessons done" not in _page(client, catalogue.url)
    client.force_login(learner)
    content = _page(client, catalogue.url)
    assert "1 of 3 lessons done (33%)" in content
    assert '<progress class="course-progress__bar"' in content


def test_completed_course_is_marked_completed(client, catalogue, learner):
    """A course the person completed says so in words on its card."""
    _course, lessons = course_with_lessons(lessons=1)
    lesson_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)
    assert "Completed" in _page(client, catalogue.url)


class TestFilters:
    @pytest.fixture
    def courses(self, catalogue):
        return {
            "managers": CoursePageFactory(title="Managers course", audience=Audience.MANAGERS),
            "employees": CoursePageFactory(title="Employees course", audience=Audience.EMPLOYEES),
            "everyone": CoursePageFactory(title="Everyone course", audience=Audience.EVERYONE),
        }

    def test_audience_managers_lists_courses_for_managers_and_everyone(
        self, client, catalogue, courses
    ):
        """'For managers' includes courses for everyone, not those for employees."""
        content = _page(client, catalogue.url, audience="managers")
        assert "Managers course" in content
        assert "Everyone course" in content
        assert "Employees course" not in content
        assert "2 courses match." in content

    def test_audience_everyone_lists_only_courses_for_everyone(self, client, catalogue, courses):
        """'For everyone' lists the courses meant for everyone only."""
        content = _page(client, catalogue.url, audience="everyone")
        assert "Everyone course" in content
        assert "Managers course" not in content
        assert "Employees course" not in content

    def test_unknown_audience_is_ignored_with_a_note(self, client, catalogue, courses):
        """A made-up audience is not an error: every course shows, with a note why."""
        content = _page(client, catalogue.url, audience="<b>martians</b>")
        for title in ("Managers course", "Employees course", "Everyone course"):
            assert title in content
        assert "is not an audience we know" in content
        assert "&lt;b&gt;martians&lt;/b&gt;" in content
        assert "<b>martians</b>" not in content

    def test_competency_filter_matches_course_and_lesson_competencies(self, client, catalogue):
        """A competency matches courses that cover it themselves or through a live lesson."""
        listening = CompetencyFactory(name="Listening")
        other = CompetencyFactory(name="Publishing")
        CoursePageFactory(title="Course covering it", competencies=[listening])
        via_lesson = CoursePageFactory(title="Lesson covering it")
        LessonPageFactory(parent=via_lesson, competencies=[listening])
        via_draft = CoursePageFactory(title="Only a draft covers it")
        LessonPageFactory(parent=via_draft, competencies=[listening], live=False)
        CoursePageFactory(title="Unrelated course", competencies=[other])
        content = _page(client, catalogue.url, competency=listening.slug)
        assert "Course covering it" in content
        assert "Lesson covering it" in content
        assert "Only a draft covers it" not in content
        assert "Unrelated course" not in content
        assert f'<option value="{listening.slug}" selected>' in content

    def test_unknown_competency_is_ignored_with_a_note(self, client, catalogue, courses):
        """A competency nobody covers (or that does not exist) is dropped, with a note."""
        content = _page(client, catalogue.url, competency="no-such-thing")
        assert "Managers course" in content
        assert "No course covers a competency called" in content

    def test_search_finds_courses_by_their_own_text_and_their_lessons(self, client, catalogue):
        """Search looks in course titles and summaries and in the lessons' text."""
        CoursePageFactory(title="Handling complaints", summary="Calm replies.")
        with_lesson = CoursePageFactory(title="Plan B", summary="Bad days.")
        LessonPageFactory(
            parent=with_lesson,
            title="Holding statements",
            body=[{"type": "text", "value": "<p>Write a holding statement quickly.</p>"}],
        )
        CoursePageFactory(title="Measuring", summary="Numbers.")
        content = _page(client, catalogue.url, q="complaints")
        assert "Handling complaints" in content
        assert "Measuring" not in content
        content = _page(client, catalogue.url, q="holding statement")
        assert "Plan B" in content
        assert "Handling complaints" not in content

    def test_search_and_filters_combine(self, client, catalogue, courses):
        """Search narrows within the chosen audience."""
        content = _page(client, catalogue.url, q="course", audience="employees")
        assert "Employees course" in content
        assert "Everyone course" in content
        assert "Managers course" not in content

    def test_search_without_matches_offers_the_way_back(self, client, catalogue, courses):
        """No match is an empty state with a link to every course, not a blank page."""
        content = _page(client, catalogue.url, q="zzzqqq")
        assert "No course matches" in content
        assert "Show all courses" in content

    def test_overlong_search_is_ignored_with_a_note(self, client, catalogue, courses):
        """A search longer than the limit is not run; the page says so."""
        content = _page(client, catalogue.url, q="x" * 500)
        assert "Managers course" in content
        assert "longer than 200 characters" in content


def test_header_links_to_the_catalogue(client, catalogue, learner):
    """The main navigation has a 'Courses' link for visitors and signed-in people."""
    assert f'href="{catalogue.url}"' in _page(client, "/")
    client.force_login(learner)
    content = _page(client, "/")
    assert f'href="{catalogue.url}"' in content
    assert ">Courses</a>" in content


def test_header_has_no_courses_link_without_a_catalogue(client, db):
    """With no catalogue published, the navigation does not offer a dead link."""
    assert ">Courses</a>" not in _page(client, "/")


def _fifty_courses_with_progress(catalogue, learner):
    competencies = [CompetencyFactory() for _ in range(5)]
    image = Image.objects.create(title="Cover", file=get_test_image_file())
    for number in range(50):
        _course, lessons = course_with_lessons(
            lessons=3,
            revision=False,
            competencies=[competencies[number % 5]],
            cover_image=image if number % 10 == 0 else None,
        )
        LessonCompletion.objects.create(user=learner, lesson=lessons[0])
        if number % 7 == 0:
            for lesson in lessons[1:]:
                lesson_complete(user=learner, lesson=lesson)
    return competencies


def test_catalogue_query_count_does_not_grow_with_courses(
    client, catalogue, learner, django_assert_max_num_queries
):
    """50 courses of 3 lessons, with progress in all: the same few queries as for one."""
    competencies = _fifty_courses_with_progress(catalogue, learner)
    client.force_login(learner)
    client.get(catalogue.url)  # make the cover image renditions once
    with django_assert_max_num_queries(24):
        content = _page(client, catalogue.url)
    assert content.count('class="course-card"') == 50
    assert content.count("lessons done") >= 40
    with django_assert_max_num_queries(30):
        content = _page(client, catalogue.url, q="course", competency=competencies[0].slug)
    assert content.count('class="course-card"') == 10
