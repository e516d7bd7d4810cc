"""The small Markdown the demo content is written in."""

import pytest

from demo.markdown import front_matter, inline, parts, to_html


def test_paragraphs_are_joined_lines():
    """Line breaks inside a paragraph are only wrapping; blank lines separate paragraphs."""
    assert to_html("One\ntwo.\n\nThree.") == "<p>One two.</p><p>Three.</p>"


def test_lists_and_indented_continuations():
    """``-`` makes a bulleted list, ``1.`` a numbered one; indented lines continue an item."""
    source = "- a\n  b\n- **c:** d\n\n1. one\n2. two"
    assert to_html(source) == (
        "<ul><li>a b</li><li><b>c:</b> d</li></ul><ol><li>one</li><li>two</li></ol>"
    )


def test_subheading_stays_inside_the_rich_text():
    """``###`` is a subheading inside the text."""
    assert to_html("### What to hand in\n\nThe link.") == "<h3>What to hand in</h3><p>The link.</p>"


def test_markup_in_the_text_is_escaped():
    """Angle brackets and ampersands are text, never markup."""
    assert inline('<script>alert("x")</script> & co') == (
        '&lt;script&gt;alert("x")&lt;/script&gt; &amp; co'
    )


def test_a_stray_line_in_a_list_is_refused():
    """A list line that is neither an item nor indented is a mistake the writer must see."""
    with pytest.raises(ValueError, match="Not a list item"):
        to_html("- an item\nnot indented")


def test_parts_split_headings_prose_and_fenced_blocks():
    """Headings and fenced blocks (YAML fields, blank line, Markdown) come out in order."""
    source = "Intro.\n\n## Heading\n\n::: tip\ntitle: Careful\ntone: warning\n\nBody.\n:::\nEnd."
    found = [(part.kind, part.body, part.fields) for part in parts(source)]
    assert found == [
        ("text", "Intro.", {}),
        ("heading", "Heading", {}),
        ("tip", "Body.", {"title": "Careful", "tone": "warning"}),
        ("text", "End.", {}),
    ]


def test_an_unclosed_block_is_refused():
    """A ``:::`` block without its closing line is an error, not swallowed text."""
    with pytest.raises(ValueError, match="not closed"):
        parts("::: tip\ntitle: x\n\nbody")


def test_a_block_without_fields_is_refused():
    """The first lines of a block must be YAML fields."""
    with pytest.raises(ValueError, match="YAML fields"):
        parts("::: tip\njust text\n\nbody\n:::")


def test_front_matter_is_required():
    """A content file starts with YAML front matter."""
    assert front_matter("---\ntitle: A\n---\n\nBody\n") == ({"title": "A"}, "\nBody\n")
    with pytest.raises(ValueError, match="front matter"):
        front_matter("title: A\n\nBody")
