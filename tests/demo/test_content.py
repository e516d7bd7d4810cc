"""The demo content files: they load, and every block is one Wagtail accepts."""

import pytest

from cms.models import HomePage, PolicyPage, StandardPage
from courses.models import LessonPage
from demo import content


def _clean(model, body: list[dict]) -> None:
    """Validate StreamField data as the page editor would."""
    stream_block = model._meta.get_field("body").stream_block
    stream_block.clean(stream_block.to_python(body))


def test_every_lesson_is_a_valid_body():
    """Each lesson's Markdown becomes blocks the lesson editor accepts, with checks."""
    catalogue = content.courses()
    assert [course["slug"] for course in catalogue["courses"]] == [
        "social-media-literacy-for-managers",
        "speaking-for-yourself-online",
        "plan-b-updating-customers",
    ]
    for course in catalogue["courses"]:
        assert len(course["lessons"]) == 5
        for lesson in course["lessons"]:
            _clean(LessonPage, lesson["body"])
            kinds = {block["type"] for block in lesson["body"]}
            assert {"heading", "text", "knowledge_check"} <= kinds, lesson["slug"]


def test_site_pages_and_policy_are_valid_bodies():
    """The home page, the standard pages and both policy versions pass the editor's checks."""
    pages = content.site_pages()
    _clean(HomePage, pages["home"]["body"])
    for page in pages["pages"]:
        _clean(StandardPage, page["body"])
    policy = content.policy()
    _clean(PolicyPage, policy["body"])
    assert policy["v2"]["paragraph"].startswith("<p>During an incident")
    assert all(
        1 <= q["correct_choice"] <= len(q["choices"].splitlines()) for q in policy["questions"]
    )


def test_an_unknown_block_in_a_lesson_is_refused():
    """A typo in a block's kind stops the seed instead of dropping the block."""
    with pytest.raises(ValueError, match="Unknown block"):
        content.lesson_body("::: tipp\ntitle: x\n\nbody\n:::")
