"""The small Markdown the demo content is written in, turned into Wagtail rich text.

Only what the lessons and pages use: paragraphs, ``- `` and ``1. `` lists (an item goes on
over indented lines), ``**bold**``, ``## headings`` (a heading block of their own),
``### subheadings`` (inside the rich text) and fenced blocks
``::: kind`` … ``:::`` whose first lines, up to a blank line, are YAML fields and whose
rest is Markdown. Line breaks inside a paragraph or item are only wrapping. The stored
HTML is one tidy line, the shape Wagtail's editor saves, so seeding twice compares equal.
"""

import re
from dataclasses import dataclass, field
from html import escape

import yaml

_ITEM = re.compile(r"^(?:(-)|\d+\.)\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^##\s+")
_SUBHEADING = re.compile(r"^###\s+")
_FENCE_OPEN = re.compile(r"^:::\s*([a-z_]+)\s*$")


def inline(text: str) -> str:
    """One run of text as HTML: whitespace collapsed, ``**bold**`` as ``<b>``."""
    return _BOLD.sub(r"<b>\1</b>", escape(" ".join(text.split()), quote=False))


def plain(text: str) -> str:
    """Wrapped text as one plain line."""
    return " ".join(text.split())


def plain_paragraphs(source: str) -> str:
    """Wrapped paragraphs as plain text: one line each, an empty line between them (the
    shape a learner's reflection is stored in)."""
    return "\n\n".join(plain(chunk) for chunk in re.split(r"\n\s*\n", source.strip()))


def to_html(source: str) -> str:
    """Paragraphs and lists as one line of HTML."""
    html = []
    for chunk in re.split(r"\n\s*\n", source.strip()):
        lines = chunk.splitlines()
        if subheading := _SUBHEADING.match(chunk):
            html.append(f"<h3>{inline(chunk[subheading.end() :])}</h3>")
            continue
        first = _ITEM.match(lines[0])
        if first is None:
            html.append(f"<p>{inline(chunk)}</p>")
            continue
        tag = "ul" if first.group(1) else "ol"
        items: list[list[str]] = []
        for line in lines:
            if marker := _ITEM.match(line):
                items.append([line[marker.end() :]])
            elif line.startswith(" ") and items:
                items[-1].append(line)
            else:
                raise ValueError(f"Not a list item nor its indented continuation: {line!r}")
        html.append(f"<{tag}>" + "".join(f"<li>{inline(' '.join(i))}</li>" for i in items))
        html.append(f"</{tag}>")
    return "".join(html)


@dataclass
class Part:
    """A piece of a Markdown body: prose, a heading or a fenced block."""

    kind: str  # "text", "heading" or the fence's kind
    body: str = ""
    fields: dict = field(default_factory=dict)


def parts(source: str) -> list[Part]:
    """Split a body into prose runs, headings and fenced blocks, in order."""
    result: list[Part] = []
    prose: list[str] = []

    def end_prose():
        if "".join(prose).strip():
            result.append(Part("text", "\n".join(prose).strip()))
        prose.clear()

    lines = iter(source.splitlines())
    for line in lines:
        if heading := _HEADING.match(line):
            end_prose()
            result.append(Part("heading", line[heading.end() :].strip()))
        elif fence := _FENCE_OPEN.match(line):
            end_prose()
            inside = []
            for inner in lines:
                if inner.strip() == ":::":
                    break
                inside.append(inner)
            else:
                raise ValueError(f"The '::: {fence.group(1)}' block is not closed with ':::'.")
            head, _, body = "\n".join(inside).strip().partition("\n\n")
            fields = yaml.safe_load(head) or {}
            if not isinstance(fields, dict):
                raise ValueError(f"The '::: {fence.group(1)}' block must start with YAML fields.")
            result.append(Part(fence.group(1), body.strip(), fields))
        else:
            prose.append(line)
    end_prose()
    return result


def front_matter(source: str) -> tuple[dict, str]:
    """A file's YAML front matter (between ``---`` lines) and the Markdown after it."""
    match = re.match(r"^---\n(.*?)\n---\n", source, re.DOTALL)
    if match is None:
        raise ValueError("The file must start with YAML front matter between '---' lines.")
    return yaml.safe_load(match.group(1)) or {}, source[match.end() :]
