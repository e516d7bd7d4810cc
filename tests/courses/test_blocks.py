"""Lesson blocks: each renders with its own template, and each previews in the admin."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses.models import LessonPage
from tests.factories import CourseIndexPageFactory, LessonPageFactory, knowledge_check

STREAM = LessonPage._meta.get_field("body").stream_block
BLOCK_NAMES = [
    "heading",
    "text",
    "image",
    "video",
    "tip",
    "try_it",
    "quote",
    "knowledge_check",
]


def _render(name, value, context=None):
    block = STREAM.child_blocks[name]
    return block.render(block.to_python(value), context)


@pytest.fixture
def image(db):
    return Image.objects.create(title="Search results", file=get_test_image_file())


def test_every_block_has_its_own_template():
    """The stream offers exactly the issue's blocks, each with a courses/blocks template."""
    assert list(STREAM.child_blocks) == BLOCK_NAMES
    for name, block in STREAM.child_blocks.items():
        assert block.meta.template == f"courses/blocks/{name}.html"
        assert block.meta.icon


def test_heading_renders_a_level_two_heading():
    """Headings sit under the lesson title."""
    assert '<h2 class="lesson-heading">Why listen</h2>' in _render("heading", "Why listen")


def test_text_keeps_its_rich_text():
    """Rich text keeps its formatting."""
    html = _render("text", "<p>Read <b>first</b>.</p>")
    assert '<div class="rich-text"><p>Read <b>first</b>.</p></div>' in html


def test_image_uses_the_alt_text_and_caption(image):
    """The image is a Wagtail rendition with the block's alt text and a caption."""
    html = _render(
        "image",
        {"image": image.pk, "alt_text": "A search for the company name", "caption": "Try it."},
    )
    assert re.search(r'<img [^>]*alt="A search for the company name"', html)
    assert re.search(r'<img [^>]*src="[^"]+"', html)
    assert "<figcaption>Try it.</figcaption>" in html


def test_image_without_caption_has_no_empty_caption(image):
    """No caption, no empty figcaption."""
    html = _render("image", {"image": image.pk, "alt_text": "A chart", "caption": ""})
    assert "figcaption" not in html


def test_video_embeds_without_cookies_with_a_title_transcript_and_link():
    """An iframe with a title, the transcript in a disclosure and a plain link to the video."""
    html = _render(
        "video",
        {
            "url": "https://www.youtube.com/watch?v=abc123XYZ_-",
            "title": "Replying to a complaint",
            "transcript": "First line.\n\nSecond line.",
        },
    )
    assert '<iframe src="https://www.youtube-nocookie.com/embed/abc123XYZ_-"' in html
    assert 'title="Replying to a complaint"' in html
    assert "<details" in html
    assert "<summary>Transcript</summary>" in html
    assert "<p>Second line.</p>" in html
    assert 'href="https://www.youtube.com/watch?v=abc123XYZ_-"' in html


def test_video_with_an_address_it_cannot_embed_keeps_the_link():
    """If the stored address cannot be embedded, the plain link still works."""
    html = _render("video", {"url": "https://example.com/clip", "title": "Clip"})
    assert "<iframe" not in html
    assert 'href="https://example.com/clip"' in html
    assert "<details" not in html


@pytest.mark.parametrize(
    ("tone", "label"), [("tip", "Tip"), ("warning", "Watch out"), ("example", "Example")]
)
def test_tip_says_its_kind_in_words(tone, label):
    """The kind of callout is written out, not shown by colour alone."""
    html = _render("tip", {"tone": tone, "title": "Careful", "text": "<p>Check twice.</p>"})
    assert label in html
    assert f"lesson-tip--{tone}" in html
    assert "<p>Check twice.</p>" in html


def test_try_it_shows_title_time_and_instructions():
    """A practice prompt says what to do and how long it takes."""
    html = _render(
        "try_it",
        {"title": "Search", "instructions": "<p>Search your name.</p>", "time_needed": "10 min"},
    )
    assert "Try it" in html
    assert "Time needed: 10 min" in html
    assert "<p>Search your name.</p>" in html


def test_quote_has_blockquote_and_attribution():
    """Quotes are marked up as quotes, with who said them."""
    html = _render("quote", {"quote": "Teach the teams.", "attribution": "A lead"})
    assert "<blockquote>" in html
    assert "Teach the teams." in html
    assert "— A lead" in html


def test_knowledge_check_without_a_lesson_shows_the_question_without_a_form():
    """Rendered on its own (no lesson, no person), a check has no form to post."""
    html = _render("knowledge_check", knowledge_check()["value"])
    assert "A customer complains in public" in html
    assert "Delete the post" in html
    assert "<form" not in html
    assert 'type="checkbox"' not in html


def test_knowledge_check_text_is_escaped():
    """Question and answers are text, never markup."""
    value = knowledge_check(
        question="<script>alert(1)</script>?", choices=(("<b>yes</b>", True), ("no", False))
    )["value"]
    html = _render("knowledge_check", value)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;yes&lt;/b&gt;" in html


def test_knowledge_check_on_a_lesson_is_an_accessible_form(client, learner, db):
    """On the lesson: a post form with CSRF, a fieldset with the question as legend, and a
    labelled checkbox per answer."""
    CourseIndexPageFactory()
    lesson = LessonPageFactory()
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    section = html[html.index('id="check-check-1"') :]
    section = section[: section.index("</section>")]
    assert '<form method="post"' in section
    assert 'name="csrfmiddlewaretoken"' in section
    assert '<legend class="knowledge-check__question">' in section
    checkboxes = re.findall(r'<input type="checkbox"\s+name="choice"\s+value="(\d)"', section)
    assert checkboxes == ["0", "1", "2"]
    for index in range(3):
        assert f'id="check-check-1-{index}"' in section
        assert f'<label for="check-check-1-{index}">' in section


def test_a_lesson_renders_every_kind_of_block(client, learner, image, db):
    """A lesson using every block renders them all, in order."""
    CourseIndexPageFactory()
    body = [
        {"type": "heading", "value": "One heading"},
        {"type": "text", "value": "<p>Some text.</p>"},
        {"type": "image", "value": {"image": image.pk, "alt_text": "Alt words", "caption": ""}},
        {
            "type": "video",
            "value": {"url": "https://vimeo.com/12345", "title": "A video", "transcript": ""},
        },
        {"type": "tip", "value": {"tone": "warning", "title": "Mind", "text": "<p>Tip.</p>"}},
        {
            "type": "try_it",
            "value": {"title": "Do it", "instructions": "<p>Go.</p>", "time_needed": ""},
        },
        {"type": "quote", "value": {"quote": "Said.", "attribution": ""}},
        knowledge_check(block_id="kc"),
    ]
    lesson = LessonPageFactory(body=body)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    markers = [
        "lesson-heading",
        "rich-text",
        'alt="Alt words"',
        "player.vimeo.com/video/12345",
        "lesson-tip--warning",
        "try-it",
        "lesson-quote",
        'id="check-kc"',
    ]
    positions = [html.index(marker) for marker in markers]
    assert positions == sorted(positions)


# --- Previews in the admin --------------------------------------------------------------


PREVIEWED = ["heading", "text", "tip", "try_it", "quote", "knowledge_check"]


@pytest.mark.parametrize("name", PREVIEWED)
def test_block_preview_value_renders(name):
    """Each block with a preview value renders it, as the admin's block picker would."""
    block = STREAM.child_blocks[name]
    html = block.render(block.get_preview_value())
    assert html.strip()
    assert "<form" not in html


@pytest.mark.parametrize("name", PREVIEWED)
def test_wagtail_block_preview_view_renders_for_a_trainer(client, trainer, name):
    """The admin's block preview page renders each block with our template, and the
    knowledge check shows its question without a form to post."""
    block = STREAM.child_blocks[name]
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f"block-{name}" in html
    assert "<form" not in html
    if name == "knowledge_check":
        assert "A customer complains in public" in html
        assert "Learners answer this question on the lesson page." in html


def test_a_new_knowledge_check_starts_with_as_many_answers_as_it_needs():
    """A check added in the editor opens with two empty answers, the least it accepts, so
    the editor does not start on "at least 2 items"; filled in, that is a valid check."""
    from courses.blocks import KnowledgeCheckBlock

    block = KnowledgeCheckBlock()
    choices = block.child_blocks["choices"]
    default = block.get_default()["choices"]
    assert len(default) == choices.meta.min_num == 2
    assert [(item["text"], item["correct"]) for item in default] == [("", False), ("", False)]
    filled = block.to_python(
        {
            "question": "What do you do first?",
            "choices": [{"text": "Listen", "correct": True}, {"text": "Shout", "correct": False}],
            "explanation": "<p>Listen first.</p>",
        }
    )
    assert block.clean(filled)["question"] == "What do you do first?"
    # Two new checks do not share one list of answers.
    assert block.get_default()["choices"] is not default
