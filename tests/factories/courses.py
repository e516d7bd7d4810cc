"""Courses are Wagtail pages: the factories add them to the tree and publish them.

``CourseIndexPageFactory()`` puts a catalogue under the home page, ``CoursePageFactory()``
a course under the first catalogue (made if missing) and ``LessonPageFactory(parent=...)``
a lesson under a course. Pass ``live=False`` for a draft. Competencies go in as
``competencies=[...]``. Lesson bodies are lists of ``{"type", "value"}`` dicts (with an
``"id"`` when a test needs to name a block); the factories copy them, because Wagtail
changes the list it is given.
"""

import copy

import factory
from django.utils.text import slugify

from cms.models import HomePage
from courses.models import Audience, CourseIndexPage, CoursePage, LessonPage


def knowledge_check(
    *,
    block_id: str | None = None,
    question: str = "A customer complains in public. What do you do first?",
    choices: tuple[tuple[str, bool], ...] = (
        ("Reply in public that you are looking into it", True),
        ("Delete the post", False),
        ("Ask them to send a private message with their details", True),
    ),
    explanation: str = "<p>Acknowledge it in public quickly, then go private.</p>",
) -> dict:
    """A knowledge-check block for a lesson body; by default answers 0 and 2 are right."""
    block = {
        "type": "knowledge_check",
        "value": {
            "question": question,
            "choices": [{"text": text, "correct": correct} for text, correct in choices],
            "explanation": explanation,
        },
    }
    if block_id is not None:
        block["id"] = block_id
    return block


def lesson_body(*, check_id: str = "check-1") -> list[dict]:
    """A short lesson: a heading, a paragraph, a tip and one knowledge check."""
    return [
        {"type": "heading", "value": "Listen before you post", "id": "heading-1"},
        {
            "type": "text",
            "value": "<p>Spend ten minutes reading what people say about your team.</p>",
            "id": "text-1",
        },
        {
            "type": "tip",
            "value": {"tone": "tip", "title": "Search", "text": "<p>Use the search box.</p>"},
            "id": "tip-1",
        },
        knowledge_check(block_id=check_id),
    ]


class _PageFactory(factory.Factory):
    """Adds the page under ``parent``, then publishes it (or keeps it a draft)."""

    class Meta:
        abstract = True

    live = True

    @classmethod
    def _create(
        cls, model_class, *args, parent=None, live=True, revision=True, competencies=None, **kwargs
    ):
        """``revision=False`` skips the revision and publishing steps for a live page: much
        faster when a test needs hundreds of pages and nothing about their history."""
        if "body" in kwargs:
            kwargs["body"] = copy.deepcopy(kwargs["body"])
        page = model_class(*args, **kwargs)
        if competencies is not None:
            page.competencies = list(competencies)
        if not live:
            page.live = False
            page.has_unpublished_changes = True
        parent.add_child(instance=page)
        if revision or not live:
            saved = page.save_revision()
            if live:
                saved.publish()
        return model_class.objects.get(pk=page.pk)


class CourseIndexPageFactory(_PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = factory.LazyAttribute(lambda page: slugify(page.title))
    intro = "<p>Short courses on using social media well.</p>"
    parent = factory.LazyFunction(lambda: HomePage.objects.get())


def _first_catalogue() -> CourseIndexPage:
    return CourseIndexPage.objects.order_by("path").first() or CourseIndexPageFactory()


class CoursePageFactory(_PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = factory.LazyAttribute(lambda page: f"What {page.title} teaches, in short.")
    audience = Audience.EVERYONE
    outcomes = "Read what people say about your team\nReply to a question calmly"
    parent = factory.LazyFunction(_first_catalogue)


class LessonPageFactory(_PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "A few minutes on one idea."
    minutes = 5
    body = factory.LazyFunction(lesson_body)
    parent = factory.SubFactory(CoursePageFactory)


def course_with_lessons(
    *, lessons: int = 3, parent=None, revision: bool = True, **course_fields
) -> tuple[CoursePage, list[LessonPage]]:
    """A live course with ``lessons`` live lessons, each with one knowledge check."""
    if parent is not None:
        course_fields["parent"] = parent
    course = CoursePageFactory(revision=revision, **course_fields)
    return course, [
        LessonPageFactory(parent=course, revision=revision, minutes=5 + number)
        for number in range(lessons)
    ]
