"""Demo courses for Kestrel Rail: the catalogue, three courses and their lessons.

The words live in ``demo/content/courses/`` (a YAML file per course, a Markdown file per
lesson). ``seed_demo`` calls :func:`demo_courses_seed` after the competency framework;
running it again changes nothing (no new revisions).
"""

import copy

from django.db import transaction

from cms.models import HomePage
from competencies.models import Competency
from courses.models import CourseIndexPage, CoursePage, LessonPage
from demo import content

# --- Seeding ----------------------------------------------------------------------------


def _strip_ids(data):
    if isinstance(data, list):
        return [_strip_ids(item) for item in data]
    if isinstance(data, dict):
        return {key: _strip_ids(value) for key, value in data.items() if key != "id"}
    return data


def _canonical_body(value) -> list:
    """A lesson body as plain data without block ids, whether it comes from the database or
    from the content files (nested lists of answers are stored with ids of their own)."""
    stream_block = LessonPage._meta.get_field("body").stream_block
    data = value.get_prep_value() if hasattr(value, "get_prep_value") else value
    normalised = stream_block.get_prep_value(stream_block.to_python(copy.deepcopy(data)))
    return _strip_ids(normalised)


def _differs(page, name: str, wanted) -> bool:
    if name == "body":
        return _canonical_body(page.body) != _canonical_body(wanted)
    return getattr(page, name) != wanted


def _sync_page(parent, model, slug: str, values: dict, competencies: list | None = None):
    """Create the page under ``parent``, or publish a new revision only when something
    differs (fields, block content without ids, competencies). Returns the page and whether
    anything was written."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    wanted_ids = None if competencies is None else {competency.pk for competency in competencies}
    if page is None:
        # Wagtail adds block ids to the lists it is given: hand it copies of the content.
        page = model(slug=slug, **copy.deepcopy(values))
        parent.add_child(instance=page)
    else:
        changed = [name for name, value in values.items() if _differs(page, name, value)]
        current_ids = None if competencies is None else {c.pk for c in page.competencies.all()}
        if not changed and current_ids == wanted_ids and page.live:
            return page, False
        for name in changed:
            setattr(page, name, copy.deepcopy(values[name]))
    if competencies is not None:
        # A ParentalManyToManyField: the revision carries it, publishing writes it.
        page.competencies.set(competencies)
    page.save_revision().publish()
    return page, True


@transaction.atomic
def demo_courses_seed() -> dict[str, int]:
    """Publish the course catalogue with three courses and their lessons."""
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run 'manage.py migrate' first.")
    by_slug = Competency.objects.in_bulk(field_name="slug")
    catalogue = content.courses()
    needed = set()
    for course in catalogue["courses"]:
        needed.update(course["competencies"])
        for lesson in course["lessons"]:
            needed.update(lesson["competencies"])
    if missing := sorted(needed - set(by_slug)):
        raise RuntimeError(
            f"Competencies missing: {', '.join(missing)}. Seed the competency framework first."
        )

    index, changed = _sync_page(
        home, CourseIndexPage, "courses", {"title": "Courses", "intro": catalogue["intro"]}
    )
    written = int(changed)
    for course in catalogue["courses"]:
        course_page, changed = _sync_page(
            index,
            CoursePage,
            course["slug"],
            {
                "title": course["title"],
                "summary": course["summary"],
                "audience": course["audience"],
                "outcomes": "\n".join(course["outcomes"]),
            },
            [by_slug[slug] for slug in course["competencies"]],
        )
        written += changed
        for lesson in course["lessons"]:
            _, changed = _sync_page(
                course_page,
                LessonPage,
                lesson["slug"],
                {
                    "title": lesson["title"],
                    "summary": lesson["summary"],
                    "minutes": lesson["minutes"],
                    "body": lesson["body"],
                },
                [by_slug[slug] for slug in lesson["competencies"]],
            )
            written += changed
    return {"pages": written}
