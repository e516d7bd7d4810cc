"""Where course pages may live in the page tree."""

import pytest

from cms.models import HomePage, StandardPage
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory


@pytest.fixture
def home(db):
    return HomePage.objects.get()


def test_catalogue_goes_only_under_the_home_page(home):
    """A catalogue sits under the home page and nowhere else."""
    assert CourseIndexPage.allowed_parent_page_models() == [HomePage]
    assert CourseIndexPage in HomePage.allowed_subpage_models()
    assert CourseIndexPage.can_create_at(home)
    standard = StandardPage(title="About", slug="about")
    home.add_child(instance=standard)
    assert not CourseIndexPage.can_create_at(standard)


def test_courses_go_only_under_a_catalogue(home):
    """Courses sit under a catalogue: not under home, a standard page or another course."""
    catalogue = CourseIndexPageFactory()
    course = CoursePageFactory(parent=catalogue)
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.can_create_at(catalogue)
    assert not CoursePage.can_create_at(home)
    assert not CoursePage.can_create_at(course)


def test_lessons_go_only_under_a_course_and_have_no_children(home):
    """Lessons sit under a course; nothing goes under a lesson."""
    catalogue = CourseIndexPageFactory()
    course = CoursePageFactory(parent=catalogue)
    lesson = LessonPageFactory(parent=course)
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert CoursePage.allowed_subpage_models() == [LessonPage]
    assert LessonPage.allowed_subpage_models() == []
    assert LessonPage.can_create_at(course)
    assert not LessonPage.can_create_at(catalogue)
    assert not LessonPage.can_create_at(home)
    assert not LessonPage.can_create_at(lesson)


def test_home_page_can_hold_courses_only_through_a_catalogue(home):
    """The home page offers a catalogue, never a course or lesson directly."""
    allowed = HomePage.allowed_subpage_models()
    assert CoursePage not in allowed
    assert LessonPage not in allowed
