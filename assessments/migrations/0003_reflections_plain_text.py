"""Reflections become plain text in the learner's own words.

They used to be stored as HTML cleaned by bleach, and shown as one block: the paragraphs a
learner typed were lost, and a revision opened with ``<p>…</p>`` in its text area. From now
on they are stored as typed and shown escaped with their paragraphs. This turns each stored
reflection back into the text a reader saw: paragraphs, headings, quotes and lists become
blocks separated by an empty line, ``<br>`` a line break, a list item a line starting with
"- ", a link its words (and its address when that differs), and entities the characters
they stand for. Self-contained on purpose: a migration never imports code that may change.
"""

import re
from html.parser import HTMLParser

from django.db import migrations

BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre", "table"}
)
LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z/!?]|&[#A-Za-z0-9]+;")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []  # (href, where its words start)

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            shown = href.removeprefix("mailto:")
            if href and shown != words and href.rstrip("/") != words.rstrip("/"):
                self.parts.append(f" ({shown})")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self) -> str:
        text = "".join(self.parts)
        lines = [line.rstrip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        # A block's first line loses the indentation the markup gave it.
        return "\n".join(line.lstrip(" \t") for line in text.split("\n")).strip()


def html_to_text(html: str) -> str:
    """The text a reader saw of ``html``, with its paragraphs (see the module's doc)."""
    if not html or not LOOKS_LIKE_MARKUP.search(html):
        return (html or "").strip()
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def text_to_html(text: str) -> str:
    """Back again (for ``migrate`` backwards): paragraphs and line breaks, escaped."""
    from html import escape

    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text or "")]
    return "".join(
        "<p>" + "<br>".join(escape(line) for line in part.split("\n")) + "</p>"
        for part in paragraphs
        if part
    )


def _convert(apps, convert, *, plain) -> None:
    Submission = apps.get_model("assessments", "Submission")
    changed = []
    rows = Submission.objects.exclude(reflection="").only("pk", "reflection")
    for submission in rows.iterator(chunk_size=500):
        text = convert(submission.reflection)
        if text != submission.reflection:
            submission.reflection = text
            plain_text = text if plain else submission.reflection
            submission.reflection = text
            submission.reflection_chars = len(" ".join(plain_text.split()))
            changed.append(submission)
        if len(changed) >= 500:
            Submission.objects.bulk_update(changed, ["reflection", "reflection_chars"])
            changed = []
    if changed:
        Submission.objects.bulk_update(changed, ["reflection", "reflection_chars"])


def forwards(apps, schema_editor):
    _convert(apps, html_to_text, plain=True)


def backwards(apps, schema_editor):
    _convert(apps, text_to_html, plain=False)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_role_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
