"""In a browser: a learner works through a lesson; a trainer adds one in the Wagtail admin.

The content is small and built with the factories (a catalogue, one course with three
lessons, one competency): seeding the whole demo would take most of the folder's budget.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from courses.models import LessonPage
from tests.factories import (
    CompetencyFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized_rollback puts back what the
    # migrations created (groups, the Wagtail tree) for whatever runs next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COURSE = "Listening online"
COMPETENCY = "Listening to customers"
NEW_LESSON = "Thank people who help"
NEW_TEXT = "Say thank you in public, by name."
LESSONS = (("Read before you post", 5), ("Answer a complaint", 6), ("Hand it over", 7))
# The factories' knowledge check: the first and the third answers are right.
QUESTION = "A customer complains in public. What do you do first?"
RIGHT = ("Reply in public that you are looking into it", "Ask them to send a private message")
WRONG = "Delete the post"
EXPLANATION = "Acknowledge it in public quickly, then go private."


def _verified(user):
    """Log-in needs a confirmed address (verification is mandatory)."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def course(live_server):
    """A catalogue with one course of three lessons, each with one knowledge check."""
    catalogue = CourseIndexPageFactory(title="Courses")
    competency = CompetencyFactory(name=COMPETENCY, area="Listening")
    course = CoursePageFactory(parent=catalogue, title=COURSE, competencies=[competency])
    lessons = [
        LessonPageFactory(parent=course, title=title, minutes=minutes) for title, minutes in LESSONS
    ]
    return course, lessons


def _progress(page, done: int, total: int):
    """The course's progress bar, found by the words that label it."""
    percent = round(100 * done / total)
    name = f"{done} of {total} lessons done ({percent}%)"
    return page.get_by_role("progressbar", name=name, exact=True)


def test_learner_answers_a_check_marks_lessons_done_and_gains_a_competency(
    course, learner, password, new_page, log_in, screenshot, external_requests
):
    """Catalogue, course, lesson; a wrong answer then a right one; done; progress; level."""
    _, lessons = course
    _verified(learner)
    page = new_page()
    log_in(page, email=learner.email, password=password)

    # The catalogue from the header, then the course from its card.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    page.get_by_role("link", name=COURSE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(_progress(page, 0, 3)).to_have_attribute("value", "0")
    expect(page.get_by_role("link", name="Start the course")).to_be_visible()

    # The first lesson, from the course's list of lessons.
    page.get_by_role("region", name="Lessons").get_by_role(
        "link", name=lessons[0].title, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lessons[0].title)
    expect(page.get_by_text("Lesson 1 of 3")).to_be_visible()
    expect(page.get_by_role("heading", name="Listen before you post")).to_be_visible()
    check = page.get_by_role("group", name=QUESTION)
    expect(check).to_be_visible()

    # A wrong answer: the page says so, marks the right answers and explains why.
    check.get_by_label(WRONG).check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Not quite.")
    expect(page.get_by_text("Not quite. The right answers are marked above.")).to_be_visible()
    expect(page.get_by_text(EXPLANATION)).to_be_visible()
    check = page.get_by_role("group", name=QUESTION)
    expect(check.get_by_label(WRONG)).to_be_checked()
    expect(check.get_by_text("Not right")).to_be_visible()
    expect(check.get_by_text("Right answer")).to_have_count(2)

    # The right answer: exactly the two right choices.
    check.get_by_label(WRONG).uncheck()
    for answer in RIGHT:
        check.get_by_label(re.compile(f"^{re.escape(answer)}")).check()
    page.get_by_role("button", name="Answer again").click()
    expect(page.get_by_role("status")).to_contain_text("Right! Your answer is correct.")
    expect(page.get_by_text("Right! You chose exactly the right answers.")).to_be_visible()
    expect(page.get_by_text("Not quite. The right answers are marked above.")).to_have_count(0)
    expect(page.get_by_text(EXPLANATION)).to_be_visible()
    screenshot(page, "lesson-right-answer")

    # Done: the lesson says so and the progress moves.
    page.get_by_role("button", name="Mark this lesson as done").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson marked as done.")
    expect(page.get_by_text("You finished this lesson.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark this lesson as done")).to_have_count(0)
    expect(_progress(page, 1, 3)).to_have_attribute("value", "1")

    # Back on the course page, through the breadcrumb.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(_progress(page, 0, 3)).to_have_count(0)
    expect(_progress(page, 1, 3)).to_have_attribute("value", "1")
    expect(
        page.get_by_role("link", name=f"Continue: {lessons[1].title}", exact=True)
    ).to_be_visible()
    first = page.get_by_role("region", name="Lessons").get_by_role("listitem").first
    expect(first).to_contain_text("Done")
    screenshot(page, "course-after-lesson-done")

    # The check counted as evidence for the course's competency.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My competencies").click()
    competency = page.get_by_role("article", name=COMPETENCY)
    expect(competency).to_contain_text("Aware (1 of 4)")
    expect(competency).to_contain_text(f"in the lesson “{lessons[0].title}”")
    assert external_requests == []


def test_trainer_publishes_a_lesson_in_the_wagtail_admin_and_learners_see_it(
    course, trainer, learner, password, new_page, log_in, screenshot, settings
):
    """Add a lesson under the course in Wagtail, with a text block, publish: it is on the site."""
    # Wagtail 8 autosaves a new page as a draft once its form has changed, then swaps the
    # create form for the edit form. Whether it fires here depends on timing (it compares
    # with a snapshot taken two seconds after the form loads, and a browser run fills the
    # form faster than that), and a swap could race the click on "Publish". Switched off,
    # the form is posted once, as typed.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    course_page, _ = course
    _verified(trainer)
    _verified(learner)
    admin = new_page()
    log_in(admin, email=trainer.email, password=password)
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Authoring").click()
    expect(admin).to_have_url(re.compile(r"/admin/$"))

    # The course in the page explorer; a course takes only lessons, so Wagtail goes
    # straight to the lesson form.
    admin.goto(f"/admin/pages/{course_page.pk}/")
    expect(admin.get_by_role("heading", level=1)).to_contain_text(COURSE)
    admin.get_by_role("link", name="Add child page").click()
    expect(admin).to_have_url(re.compile(r"/admin/pages/add/courses/lessonpage/\d+/$"))
    admin.get_by_role("textbox", name=re.compile(r"^Title\*?$")).fill(NEW_LESSON)
    admin.get_by_label("Minutes to read").fill("8")

    # A text block in the body: "+", pick "Text", type into the Draftail editor.
    body = admin.get_by_role("region", name=re.compile(r"^Body"))
    body.get_by_role("button", name="Insert a block").click()
    admin.get_by_role("option", name="Text", exact=True).click()
    body.get_by_role("textbox").click()
    admin.keyboard.type(NEW_TEXT)
    expect(body.get_by_role("textbox")).to_have_text(NEW_TEXT)
    # Draftail copies what was typed into the block's hidden input a moment later (it
    # debounces); publishing before that would send an empty text block.
    value = body.locator('input[type="hidden"][name$="-value"]')
    expect(value).to_have_value(re.compile(re.escape(NEW_TEXT)))
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Publish", exact=True).click()
    expect(admin).to_have_url(re.compile(rf"/admin/pages/{course_page.pk}/$"))
    expect(admin.get_by_role("status")).to_contain_text(
        f"Page '{NEW_LESSON}' created and published."
    )

    lesson = LessonPage.objects.get(title=NEW_LESSON)
    assert lesson.live
    assert lesson.get_parent().pk == course_page.pk
    assert [child.block_type for child in lesson.body] == ["text"]
    assert NEW_TEXT in str(lesson.body[0].value)

    # On the site, a learner finds it last in the course and reads it.
    page = new_page()
    log_in(page, email=learner.email, password=password)
    page.goto(course_page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    outline = page.get_by_role("region", name="Lessons")
    expect(outline.get_by_role("listitem")).to_have_count(4)
    expect(outline.get_by_role("listitem").last).to_contain_text(NEW_LESSON)
    expect(outline.get_by_role("listitem").last).to_contain_text("8 min")
    expect(_progress(page, 0, 4)).to_have_attribute("max", "4")
    outline.get_by_role("link", name=NEW_LESSON, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_LESSON)
    expect(page.get_by_text("Lesson 4 of 4")).to_be_visible()
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()
    screenshot(page, "lesson-published-by-trainer")
