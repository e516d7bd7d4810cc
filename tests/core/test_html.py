"""sanitize_html: the one gate for rich text that people type."""

import pytest

from core.html import html_text_length, sanitize_html


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<script>alert(1)</script><p>hi</p>", "<script"),
        ('<p onclick="steal()">hi</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ("<p><b><i>unclosed", "<script"),
        ("<!-- secret --><p>x</p>", "secret"),
    ],
)
def test_hostile_markup_is_removed(dirty, forbidden):
    """Scripts, handlers, dangerous URLs and comments never survive."""
    assert forbidden not in sanitize_html(dirty).lower()


def test_allowed_markup_is_kept():
    """Everyday formatting survives."""
    html = "<p>Hello <strong>you</strong> and <em>them</em></p><ul><li>one</li></ul>"
    assert sanitize_html(html) == html


def test_links_get_nofollow_noopener():
    """Every link is marked nofollow noopener, including bare URLs that get linkified."""
    cleaned = sanitize_html(
        '<p><a href="https://example.com">site</a> and https://www.kestrelrail.com/news</p>'
    )
    assert cleaned.count('rel="nofollow noopener"') == 2


def test_broken_nesting_is_balanced():
    """Unclosed tags are closed so the page around them stays intact."""
    cleaned = sanitize_html("<p><strong>bold")
    assert cleaned.endswith("</strong></p>")


def test_large_input_is_handled():
    """A megabyte of text is cleaned without error."""
    big = "<p>" + "a" * 1_000_000 + "</p>"
    assert len(sanitize_html(big)) >= 1_000_000


def test_empty_input():
    """None and empty strings give an empty string."""
    assert sanitize_html("") == ""
    assert sanitize_html(None) == ""


def test_text_length_counts_what_readers_see():
    """Markup and extra white space do not count towards length."""
    assert html_text_length("<p>Hello   <b>world</b></p>") == len("Hello world")
