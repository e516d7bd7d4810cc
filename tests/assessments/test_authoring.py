"""Authoring practice assignments in the Wagtail admin: the form and its rubric, every
refusal shown on the form with nothing lost, the listing, the way there from a course, and
who gets in."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from wagtail.admin.rich_text import get_rich_text_editor_widget

from assessments.models import INSTRUCTION_FEATURES, Assignment
from cms.models import Platform
from competencies.levels import Level
from courses.models import LessonPage
from tests.factories import (
    AssignmentFactory,
    CompetencyFactory,
    CoursePageFactory,
    LessonPageFactory,
    RubricCriterionFactory,
)

pytestmark = pytest.mark.django_db

INDEX = "/admin/snippets/assessments/assignment/"
ADD = INDEX + "add/"
TITLE = "Tidy your profile before session two"
INSTRUCTIONS = "<p>Open your profile as a stranger would and fix the headline.</p>"


def rich_text(html: str) -> str:
    """What the admin's rich text editor posts for ``html`` (Draftail's JSON)."""
    return get_rich_text_editor_widget(features=INSTRUCTION_FEATURES).format_value(html)


def criteria_rows(rows, initial=0):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(initial),
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"criteria-{index}-ORDER": str(index + 1), f"criteria-{index}-DELETE": ""})
        for name, value in row.items():
            data[f"criteria-{index}-{name}"] = value
    return data


def assignment_form(course, criteria, **overrides):
    """The add form as a browser posts it; ``None`` leaves a field out (an unticked box)."""
    fields = {
        "course": course.pk,
        "title": TITLE,
        "instructions": rich_text(INSTRUCTIONS),
        "needs_link": "on",
        "platforms": [Platform.objects.get(slug="linkedin").pk],
        "needs_screenshot": "on",
        "needs_reflection": "on",
        "reflection_min_chars": "300",
        "after_session": "1",
        "after_lesson": "",
    }
    fields.update(overrides)
    data = {name: value for name, value in fields.items() if value is not None}
    data.update(criteria_rows(criteria))
    return data


@pytest.fixture
def course():
    course = CoursePageFactory(title="Speaking for yourself online")
    LessonPageFactory(parent=course, title="What your profile says")
    return course


@pytest.fixture
def competencies():
    return [
        CompetencyFactory(name="Profile and personal brand", sort_order=10),
        CompetencyFactory(name="Policy and compliance", sort_order=20),
        CompetencyFactory(name="Engagement and community", sort_order=30),
    ]


def two_criteria(competencies):
    profile, policy, _ = competencies
    return [
        {
            "description": "The headline says who they are and that they work for us",
            "competency": profile.pk,
            "level": str(Level.PRACTISING),
        },
        {
            "description": "Nothing on the profile breaks the policy",
            "competency": policy.pk,
            "level": str(Level.AWARE),
        },
    ]


def test_admin_urls_match_the_viewset():
    """The viewset lives where the docs and the tests say it does."""
    assert reverse("wagtailsnippets_assessments_assignment:list") == INDEX
    assert reverse("wagtailsnippets_assessments_assignment:add") == ADD


# --- Adding and changing ---------------------------------------------------------------


def test_trainer_adds_an_assignment_with_two_criteria(client, trainer, course, competencies):
    """A valid form saves the assignment, its platforms and its rubric in order."""
    client.force_login(trainer)
    assert client.get(ADD).status_code == HTTPStatus.OK
    response = client.post(ADD, assignment_form(course, two_criteria(competencies)))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert response["Location"] == INDEX
    assignment = Assignment.objects.get(title=TITLE)
    assert assignment.course_id == course.pk
    assert "fix the headline.</p>" in assignment.instructions
    assert [p.slug for p in assignment.platforms.all()] == ["linkedin"]
    assert (assignment.needs_link, assignment.needs_screenshot, assignment.needs_reflection) == (
        True,
        True,
        True,
    )
    assert (assignment.after_session, assignment.after_lesson) == (1, None)
    criteria = list(assignment.criteria.order_by("sort_order"))
    assert [(c.competency.name, c.level) for c in criteria] == [
        ("Profile and personal brand", Level.PRACTISING),
        ("Policy and compliance", Level.AWARE),
    ]


def test_trainer_sets_it_to_open_after_a_lesson_of_the_course(
    client, trainer, course, competencies
):
    """A lesson of the same course is accepted instead of a session number."""
    lesson = LessonPage.objects.child_of(course).get()
    client.force_login(trainer)
    response = client.post(
        ADD,
        assignment_form(
            course, two_criteria(competencies)[:1], after_session="", after_lesson=lesson.pk
        ),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assignment = Assignment.objects.get(title=TITLE)
    assert (assignment.after_session, assignment.after_lesson_id) == (None, lesson.pk)


def test_reflection_only_needs_no_platform(client, trainer, course, competencies):
    """Without a link, no platform has to be ticked."""
    client.force_login(trainer)
    response = client.post(
        ADD,
        assignment_form(
            course,
            two_criteria(competencies)[:1],
            needs_link=None,
            needs_screenshot=None,
            platforms=None,
        ),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assignment = Assignment.objects.get(title=TITLE)
    assert (assignment.needs_link, assignment.platforms.count()) == (False, 0)


def test_trainer_changes_the_rubric(client, trainer, course, competencies):
    """On the edit screen a criterion can be removed and the other one changed."""
    assignment = AssignmentFactory(course=course, criteria=0, title=TITLE)
    first, second = (
        RubricCriterionFactory(
            assignment=assignment,
            description=row["description"],
            competency_id=row["competency"],
            sort_order=position,
        )
        for position, row in enumerate(two_criteria(competencies))
    )
    rows = [
        {"id": first.pk, "description": "Says who they are", "competency": first.competency_id,
         "level": str(Level.PROFICIENT)},
        {"id": second.pk, "description": second.description, "competency":
         second.competency_id, "level": "2", "DELETE": "on"},
    ]  # fmt: skip
    data = assignment_form(course, [])
    data.update(criteria_rows(rows, initial=2))
    data["criteria-1-DELETE"] = "on"
    client.force_login(trainer)
    edit = reverse("wagtailsnippets_assessments_assignment:edit", args=[assignment.pk])
    response = client.post(edit, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert [(c.description, c.level) for c in assignment.criteria.all()] == [
        ("Says who they are", Level.PROFICIENT)
    ]


def test_copying_to_another_course_leaves_the_original_alone(client, trainer, course, competencies):
    """The copy form (posted, like every add form, to the add view) carries the original's
    criteria ids; the copy gets criteria of its own and the original keeps its rubric."""
    original = AssignmentFactory(course=course, criteria=0, title="Original")
    rows = two_criteria(competencies)
    for position, row in enumerate(rows):
        row["id"] = RubricCriterionFactory(
            assignment=original,
            description=row["description"],
            competency_id=row["competency"],
            sort_order=position,
        ).pk
    other = CoursePageFactory(title="Plan B")
    client.force_login(trainer)
    copy = reverse("wagtailsnippets_assessments_assignment:copy", args=[original.pk])
    assert f'action="{ADD}"' in client.get(copy).content.decode()
    data = assignment_form(other, [])
    data.update(criteria_rows(rows, initial=2))
    response = client.post(ADD, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    copied = Assignment.objects.get(title=TITLE)
    assert copied.course_id == other.pk
    assert copied.criteria.count() == original.criteria.count() == 2
    assert not set(copied.criteria.values_list("pk", flat=True)) & {row["id"] for row in rows}


def test_competencies_are_offered_by_name(client, trainer, competencies):
    """The competency list of a criterion is alphabetical, not in the framework's order."""
    client.force_login(trainer)
    content = client.get(ADD).content.decode()
    select = re.search(r'<select name="criteria-0-competency".*?</select>', content, re.S)
    names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", select.group(0))
    assert (
        names
        == sorted(names)
        == [
            "Engagement and community",
            "Policy and compliance",
            "Profile and personal brand",
        ]
    )


def test_platforms_are_checkboxes_and_lessons_are_grouped_by_course(client, trainer, course):
    """Platforms are ticked, not multi-selected; lessons are listed under their course."""
    CoursePageFactory(title="Plan B")
    client.force_login(trainer)
    content = client.get(ADD).content.decode()
    assert re.search(r'<input type="checkbox" name="platforms" value="\d+"', content)
    assert '<optgroup label="Speaking for yourself online">' in content
    assert ">What your profile says</option>" in content


# --- Refused input: a clear message, and the title and instructions are still there -------


def other_course_lesson():
    other = CoursePageFactory(title="Plan B")
    return LessonPageFactory(parent=other, title="Holding statements").pk


BAD_INPUT = {
    "no evidence": (
        {"needs_link": None, "needs_screenshot": None, "needs_reflection": None},
        "Ask for at least one kind of evidence",
    ),
    "both session and lesson": (
        {"after_session": "1", "after_lesson": "lesson"},
        "Say after which session it opens, or after which lesson (one of the two).",
    ),
    "neither session nor lesson": (
        {"after_session": "", "after_lesson": ""},
        "Say after which session it opens, or after which lesson (one of the two).",
    ),
    "session zero": (
        {"after_session": "0"},
        "Ensure this value is greater than or equal to 1.",
    ),
    "lesson of another course": (
        {"after_session": "", "after_lesson": "other"},
        "Choose a lesson of this assignment&#x27;s course.",
    ),
    "link without platforms": (
        {"platforms": None},
        "Tick at least one platform",
    ),
    "no criteria": (
        {"criteria": []},
        "Add at least 1 rubric criterion: what the reviewer looks for.",
    ),
    "criterion level 7": (
        {"level": "7"},
        "Select a valid choice. 7 is not one of the available choices.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_and_kept(client, trainer, course, competencies, case):
    """Each mistake gets its own message on the form; nothing is saved; the typed title and
    instructions are sent back for the next try."""
    overrides, message = BAD_INPUT[case]
    overrides = dict(overrides)
    criteria = two_criteria(competencies)
    if "level" in overrides:
        criteria[1]["level"] = overrides.pop("level")
    criteria = overrides.pop("criteria", criteria)
    if overrides.get("after_lesson") == "lesson":
        overrides["after_lesson"] = LessonPage.objects.child_of(course).get().pk
    elif overrides.get("after_lesson") == "other":
        overrides["after_lesson"] = other_course_lesson()
    client.force_login(trainer)
    response = client.post(ADD, assignment_form(course, criteria, **overrides))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert message in content
    assert not Assignment.objects.exists()
    assert f'value="{TITLE}"' in content
    assert "fix the headline" in content  # the instructions, in the editor's JSON


def test_removing_the_last_criterion_is_refused(client, trainer, course, competencies):
    """An assignment keeps at least one criterion: deleting the only one is refused."""
    assignment = AssignmentFactory(course=course, criteria=1, title=TITLE)
    only = assignment.criteria.get()
    data = assignment_form(course, [])
    data.update(
        criteria_rows(
            [{"id": only.pk, "description": only.description,
              "competency": only.competency_id, "level": "2", "DELETE": "on"}],
            initial=1,
        )
    )  # fmt: skip
    data["criteria-0-DELETE"] = "on"
    client.force_login(trainer)
    edit = reverse("wagtailsnippets_assessments_assignment:edit", args=[assignment.pk])
    response = client.post(edit, data)
    assert response.status_code == HTTPStatus.OK
    assert "Add at least 1 rubric criterion" in response.content.decode()
    assert assignment.criteria.count() == 1


# --- The listing ------------------------------------------------------------------------


def test_listing_shows_when_it_opens_and_what_it_asks_for(client, trainer, course):
    """Each row says after which session or lesson it opens and which evidence it needs."""
    lesson = LessonPage.objects.child_of(course).get()
    linkedin, x = Platform.objects.get(slug="linkedin"), Platform.objects.get(slug="x")
    AssignmentFactory(course=course, title="Profile", platforms=[linkedin, x])
    AssignmentFactory(
        course=course,
        title="Holding statement",
        after_session=None,
        after_lesson=lesson,
        needs_link=False,
        needs_screenshot=True,
        reflection_min_chars=400,
    )
    client.force_login(trainer)
    content = client.get(INDEX).content.decode()
    for column in ("Title", "Course", "Opens after", "Evidence"):
        assert column in content
    assert "Session 1" in content
    assert "Lesson: What your profile says" in content
    assert "Link (LinkedIn, X) · reflection (300+ characters)" in content
    assert "Screenshot · reflection (400+ characters)" in content


def test_listing_filtered_by_course_shows_only_its_assignments(client, trainer, course):
    """``?course=<id>`` lists that course's assignments, and adding starts with it."""
    other = CoursePageFactory(title="Plan B")
    AssignmentFactory(course=course, title="Tidy your profile")
    AssignmentFactory(course=other, title="Write a holding statement")
    client.force_login(trainer)
    content = client.get(INDEX, {"course": course.pk}).content.decode()
    assert "Tidy your profile" in content
    assert "Write a holding statement" not in content
    assert f'href="{ADD}?course={course.pk}"' in content


def test_listing_search_finds_part_of_a_title(client, trainer, course):
    """Searching finds assignments by part of their title."""
    AssignmentFactory(course=course, title="Tidy your profile")
    AssignmentFactory(course=course, title="A week of listening")
    client.force_login(trainer)
    content = client.get(INDEX, {"q": "listen"}).content.decode()
    assert "A week of listening" in content
    assert "Tidy your profile" not in content


def test_listing_queries_do_not_grow_with_rows(
    client, trainer, course, django_assert_max_num_queries
):
    """Forty assignments with platforms and lessons cost the same few queries as one."""
    lesson = LessonPage.objects.child_of(course).get()
    platforms = list(Platform.objects.all()[:3])
    for number in range(40):
        AssignmentFactory(
            course=course,
            title=f"Assignment {number}",
            platforms=platforms,
            after_session=None if number % 2 else 1,
            after_lesson=lesson if number % 2 else None,
        )
    client.force_login(trainer)
    client.get(INDEX)  # warm per-process caches (content types, site)
    with django_assert_max_num_queries(20):
        response = client.get(INDEX)
    assert response.content.decode().count("Assignment 3") >= 1


# --- From the course ----------------------------------------------------------------------


def test_course_editor_links_to_its_assignments(client, trainer, course):
    """The course's page header offers its assignments and a prefilled add form."""
    client.force_login(trainer)
    content = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert f'href="{INDEX}?course={course.pk}"' in content
    assert f'href="{ADD}?course={course.pk}"' in content


def test_explorer_offers_the_link_on_course_rows_only(client, trainer, course):
    """In the page explorer the "More" menu of a course links to its assignments; a lesson's
    menu does not."""
    lesson = LessonPage.objects.child_of(course).get()
    client.force_login(trainer)
    content = client.get(reverse("wagtailadmin_explore", args=[course.get_parent().pk]))
    assert f'href="{INDEX}?course={course.pk}"' in content.content.decode()
    content = client.get(reverse("wagtailadmin_explore", args=[course.pk])).content.decode()
    assert f"?course={lesson.pk}" not in content
    lesson_edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert "Practice assignments</a>" not in lesson_edit.content.decode().replace("\n", "")


def test_add_form_starts_with_the_course_from_the_link(client, trainer, course):
    """``?course=<id>`` preselects the course; anything else is ignored."""
    client.force_login(trainer)
    content = client.get(ADD, {"course": course.pk}).content.decode()
    assert f'<option value="{course.pk}" selected>' in content
    for junk in ("abc", "999999", "-1"):
        response = client.get(ADD, {"course": junk})
        assert response.status_code == HTTPStatus.OK
        assert " selected>Speaking" not in response.content.decode()


# --- Who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["trainer", "site_admin"])
def test_authors_see_the_menu_item(client, request, role):
    """Trainers and site admins find "Practice assignments" in the admin menu."""
    client.force_login(request.getfixturevalue(role))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"label": "Practice assignments"' in content
    assert f'"url": "{INDEX}"' in content


def test_hr_has_no_menu_item_and_is_turned_back(client, hr, course):
    """HR use the admin for the framework, but not for assignments: no menu item, and
    Wagtail's refusal on the list and the add form."""
    client.force_login(hr)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Practice assignments" not in content
    for url in (INDEX, ADD):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        followed = client.get(url, follow=True).content.decode()
        assert "Sorry, you do not have permission to access this area." in followed


@pytest.mark.parametrize("role", ["learner", "manager", "lead"])
def test_people_without_admin_access_are_sent_away(client, request, course, role):
    """Nobody else reaches the list, the add form or an assignment's edit form."""
    assignment = AssignmentFactory(course=course)
    client.force_login(request.getfixturevalue(role))
    edit = reverse("wagtailsnippets_assessments_assignment:edit", args=[assignment.pk])
    for url in (INDEX, ADD, edit):
        assert client.get(url).status_code == HTTPStatus.FOUND
    response = client.post(ADD, {"title": "Sneaky"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Assignment.objects.filter(title="Sneaky").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    """The list asks visitors to log in."""
    response = client.get(INDEX)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]
