"""Course and lesson pages: access by role, drafts, progress, navigation, check results."""

import re
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.urls import reverse

from courses.models import CoursePage, KnowledgeCheckAttempt, LessonCompletion
from courses.services import knowledge_check_answer, lesson_complete
from tests.factories import (
    CompetencyFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    course_with_lessons,
)

ROLES = ["anonymous", "learner", "manager", "trainer", "hr", "lead", "site_admin"]
SIGNED_IN = ROLES[1:]


@pytest.fixture
def catalogue(db):
    return CourseIndexPageFactory()


@pytest.fixture
def course(catalogue):
    listening = CompetencyFactory(name="Listening well", area="Listening")
    course = CoursePageFactory(
        title="Listening first",
        summary="Hear what people say before you speak.",
        outcomes="Find what is said about your team\nNotice when the tone changes",
        competencies=[listening],
    )
    LessonPageFactory(parent=course, title="Why listen", minutes=5)
    LessonPageFactory(
        parent=course, title="Unfinished draft", slug="unfinished-draft", minutes=40, live=False
    )
    LessonPageFactory(parent=course, title="Where to look", minutes=7)
    LessonPageFactory(parent=course, title="What to do next", minutes=8)
    return course


@pytest.fixture
def lessons(course):
    return list(course.get_children().live().specific().order_by("path"))


def _login(client, request, role):
    if role == "anonymous":
        return None
    person = request.getfixturevalue(role)
    client.force_login(person)
    return person


def _content(response):
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


# --- Course page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_course_page_shows_its_summary_to_everyone(client, request, course, role):
    """Every role sees summary, audience, outcomes, competencies, time and the lesson list."""
    _login(client, request, role)
    content = _content(client.get(course.url))
    assert "Hear what people say before you speak." in content
    assert "For everyone" in content
    assert "Notice when the tone changes" in content
    assert "Listening well" in content
    assert "About 20 min" in content  # 5 + 7 + 8; the draft's 40 minutes do not count
    assert "Why listen" in content
    assert "Where to look" in content
    assert "Unfinished draft" not in content


@pytest.mark.parametrize("role", ROLES)
def test_course_page_never_shows_lesson_bodies(client, request, course, role):
    """The course page is an outline: no lesson text, no knowledge checks."""
    _login(client, request, role)
    content = _content(client.get(course.url))
    assert "Spend ten minutes reading" not in content
    assert "knowledge-check" not in content


def test_visitor_is_invited_to_log_in_on_the_course_page(client, course):
    """A visitor gets a log-in link that comes back to the course, and no progress bar."""
    content = _content(client.get(course.url))
    assert f"/accounts/login/?next={quote(course.url)}" in content
    assert "lessons done" not in content


@pytest.mark.parametrize("role", ROLES)
def test_draft_course_is_not_found_for_anyone(client, request, catalogue, role):
    """An unpublished course is a 404 on the site, for trainers too (they preview in the admin)."""
    draft = CoursePageFactory(title="Not yet", live=False)
    _login(client, request, role)
    assert client.get(f"{catalogue.url}{draft.slug}/").status_code == HTTPStatus.NOT_FOUND


def test_course_page_shows_progress_in_numbers_and_the_next_lesson(
    client, course, lessons, learner
):
    """After one of three lessons: '1 of 3 lessons done (33%)' and 'Continue' to lesson 2."""
    client.force_login(learner)
    content = _content(client.get(course.url))
    assert "0 of 3 lessons done (0%)" in content
    assert "Start the course" in content
    lesson_complete(user=learner, lesson=lessons[0])
    content = _content(client.get(course.url))
    assert "1 of 3 lessons done (33%)" in content
    assert 'max="3"' in content
    assert 'value="1"' in content
    assert "Continue: Where to look" in content
    assert f'href="{lessons[1].url}"' in content


def test_course_page_says_when_the_course_is_completed(client, course, lessons, learner):
    """With every live lesson done the page says the course is completed, in words."""
    for lesson in lessons:
        lesson_complete(user=learner, lesson=lesson)
    client.force_login(learner)
    content = _content(client.get(course.url))
    assert "3 of 3 lessons done (100%)" in content
    assert "You completed this course." in content
    assert "Continue:" not in content


def test_course_page_query_count_with_fifty_courses(
    client, catalogue, learner, django_assert_max_num_queries
):
    """A course page needs the same few queries when the catalogue holds 50 courses."""
    courses = []
    for _ in range(50):
        course, lessons = course_with_lessons(
            lessons=3, revision=False, competencies=[CompetencyFactory()]
        )
        LessonCompletion.objects.create(user=learner, lesson=lessons[0])
        courses.append(course)
    client.force_login(learner)
    # Warm the per-process caches (site, settings) first: whether an earlier test in this
    # process already did must not change the count.
    client.get(courses[0].url)
    with django_assert_max_num_queries(24):
        content = _content(client.get(courses[-1].url))
    assert "1 of 3 lessons done (33%)" in content


# --- Lesson page ------------------------------------------------------------------------


def test_visitor_is_sent_to_log_in_from_a_lesson(client, lessons):
    """A visitor never sees a lesson body: they are sent to log in, and back afterwards."""
    response = client.get(lessons[0].url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/accounts/login/?next={quote(lessons[0].url)}"


@pytest.mark.parametrize("role", SIGNED_IN)
def test_signed_in_people_read_a_lesson(client, request, lessons, role):
    """Every signed-in role can read a published lesson and gets the check's form."""
    _login(client, request, role)
    content = _content(client.get(lessons[0].url))
    assert "Spend ten minutes reading" in content
    assert '<form method="post"' in content
    assert reverse("courses:knowledge_check_answer", args=[lessons[0].pk, "check-1"]) in content
    assert "Mark this lesson as done" in content


@pytest.mark.parametrize("role", ROLES)
def test_draft_lesson_is_not_found(client, request, course, role):
    """An unpublished lesson is a 404 for everyone on the site."""
    _login(client, request, role)
    assert client.get(f"{course.url}unfinished-draft/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ROLES)
def test_live_lesson_of_a_draft_course_is_not_found(client, request, catalogue, role):
    """A lesson left live under a course taken offline is hidden with its course."""
    course, lessons = course_with_lessons(lessons=1)
    course.unpublish(set_expired=False, log_action=None)
    lesson = lessons[0]
    lesson.refresh_from_db()
    if not lesson.live:  # Wagtail may unpublish the children too; force the odd case
        lesson.live = True
        lesson.save(update_fields=["live"])
    _login(client, request, role)
    assert client.get(f"{catalogue.url}{course.slug}/{lesson.slug}/").status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_lesson_header_says_position_and_time(client, lessons, learner):
    """The lesson says 'Lesson 2 of 3' (drafts left out) and how long it takes to read."""
    client.force_login(learner)
    content = _content(client.get(lessons[1].url))
    assert "Lesson 2 of 3" in content
    assert "7 min to read" in content


def test_previous_and_next_navigation_skips_drafts(client, lessons, learner):
    """The middle lesson links back to the first and on to the third; the draft is skipped."""
    client.force_login(learner)
    content = _content(client.get(lessons[1].url))
    assert f'rel="prev" href="{lessons[0].url}"' in content
    assert f'rel="next" href="{lessons[2].url}"' in content
    assert "Unfinished draft" not in content


def test_first_lesson_has_no_previous_and_last_leads_back_to_the_course(
    client, course, lessons, learner
):
    """The first lesson has only 'next'; the last lesson leads back to the course."""
    client.force_login(learner)
    first = _content(client.get(lessons[0].url))
    assert 'rel="prev"' not in first
    assert f'rel="next" href="{lessons[1].url}"' in first
    last = _content(client.get(lessons[2].url))
    assert 'rel="next"' not in last
    assert "Back to the course overview" in last
    assert f'href="{course.url}"' in last


def test_done_lesson_shows_it_instead_of_the_button(client, lessons, learner):
    """Once done, the lesson says so and the progress bar counts it."""
    lesson_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)
    content = _content(client.get(lessons[0].url))
    assert "You finished this lesson." in content
    assert "Mark this lesson as done" not in content
    assert "1 of 3 lessons done (33%)" in content


def test_no_result_is_shown_before_answering(client, lessons, learner):
    """Before a first answer the explanation and the right answers stay hidden."""
    client.force_login(learner)
    content = _content(client.get(lessons[0].url))
    assert "Acknowledge it in public quickly" not in content
    assert "Right answer" not in content


def test_latest_attempt_result_is_shown_on_the_lesson(client, lessons, learner):
    """The page shows the latest attempt: verdict, explanation, right answers, own choices."""
    lesson = lessons[0]
    knowledge_check_answer(user=learner, lesson=lesson, block_id="check-1", selected=["1"])
    client.force_login(learner)
    content = _content(client.get(lesson.url))
    assert "Not quite." in content
    assert "Acknowledge it in public quickly" in content
    assert content.count("Right answer") == 2
    assert "Not right" in content
    assert re.search(r'value="1"\s+id="[^"]+"\s+checked', content)
    assert not re.search(r'value="0"\s+id="[^"]+"\s+checked', content)
    knowledge_check_answer(user=learner, lesson=lesson, block_id="check-1", selected=["0", "2"])
    content = _content(client.get(lesson.url))
    assert "Right! You chose exactly the right answers." in content
    assert "Not quite." not in content
    assert "Answer again" in content


def test_results_are_personal(client, lessons, learner, manager):
    """Someone else's attempt never shows on my lesson page."""
    knowledge_check_answer(user=manager, lesson=lessons[0], block_id="check-1", selected=["1"])
    client.force_login(learner)
    content = _content(client.get(lessons[0].url))
    assert "Not quite." not in content
    assert KnowledgeCheckAttempt.objects.filter(user=learner).count() == 0


def test_lesson_page_query_count_is_bounded(
    client, course, lessons, learner, django_assert_max_num_queries
):
    """A lesson with attempts and progress needs a fixed, small number of queries."""
    for _ in range(5):
        knowledge_check_answer(user=learner, lesson=lessons[1], block_id="check-1", selected=["1"])
    lesson_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)
    client.get(lessons[1].url)  # warm the per-process caches (site, settings)
    with django_assert_max_num_queries(26):
        _content(client.get(lessons[1].url))


def test_trainer_previews_a_draft_lesson_without_working_forms(rf, course, trainer):
    """In the admin preview a draft lesson renders, its check shows no form to post."""
    draft = course.get_children().get(slug="unfinished-draft").specific
    preview = draft.get_latest_revision_as_object()
    request = rf.get("/")
    request.user = trainer
    request.is_preview = True
    response = preview.serve_preview(request, "")
    response.render()
    content = response.content.decode()
    assert "A customer complains in public" in content
    assert "Preview: learners answer this question" in content
    assert "knowledge_check_answer" not in content
    assert "/checks/" not in content
    assert "/complete/" not in content


# --- Dashboard panel --------------------------------------------------------------------


def test_dashboard_lists_courses_in_progress_with_next_lesson(client, course, lessons, learner):
    """'Your courses' shows started courses with the progress in words and the next lesson."""
    _other, other_lessons = course_with_lessons(lessons=1, title="Finished course")
    lesson_complete(user=learner, lesson=other_lessons[0])
    lesson_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)
    content = _content(client.get(reverse("dashboard")))
    assert "Your courses" in content
    assert "Listening first" in content
    assert "1 of 3 lessons done (33%)" in content
    assert f'href="{lessons[1].url}">Where to look</a>' in content
    assert "Finished course" not in content
    assert "Browse all courses" in content


def test_dashboard_panel_has_an_empty_state(client, course, learner):
    """Someone who has not started a course is pointed to the catalogue."""
    client.force_login(learner)
    content = _content(client.get(reverse("dashboard")))
    assert "You have not started a course yet." in content
    assert f'href="{course.get_parent().url}">Browse all courses' in content


def test_course_page_tree_lookup_is_specific(course):
    """Factories give back specific pages (a guard for the other tests)."""
    assert isinstance(course, CoursePage)
