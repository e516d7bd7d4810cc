"""Read the demo content under ``demo/content/``: YAML for structured data, Markdown for prose.

See docs/demo.md for the layout and the Markdown the files are written in.
"""

from pathlib import Path

import yaml

from .markdown import Part, front_matter, parts, plain, to_html

CONTENT = Path(__file__).resolve().parent / "content"


def load_yaml(name: str):
    """A YAML file under ``demo/content/``, e.g. ``load_yaml("courses/index.yaml")``."""
    return yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))


def load_markdown(name: str) -> tuple[dict, str]:
    """A Markdown file with front matter under ``demo/content/``: (fields, body)."""
    return front_matter((CONTENT / name).read_text(encoding="utf-8"))


def _lesson_block(part: Part) -> dict:
    """One piece of a lesson as a block of ``LessonPage.body``."""
    fields = part.fields
    if part.kind == "heading":
        return {"type": "heading", "value": part.body}
    if part.kind == "text":
        return {"type": "text", "value": to_html(part.body)}
    if part.kind == "tip":
        tone = fields.get("tone", "tip")
        return {
            "type": "tip",
            "value": {"tone": tone, "title": fields["title"], "text": to_html(part.body)},
        }
    if part.kind == "try_it":
        value = {
            "title": fields["title"],
            "instructions": to_html(part.body),
            "time_needed": fields["time_needed"],
        }
        return {"type": "try_it", "value": value}
    if part.kind == "quote":
        return {
            "type": "quote",
            "value": {"quote": plain(part.body), "attribution": fields["attribution"]},
        }
    if part.kind == "check":
        choices = [
            {"text": plain(choice["text"]), "correct": choice["correct"]}
            for choice in fields["choices"]
        ]
        value = {
            "question": plain(fields["question"]),
            "choices": choices,
            "explanation": to_html(part.body),
        }
        return {"type": "knowledge_check", "value": value}
    raise ValueError(f"Unknown block '::: {part.kind}' in a lesson.")


def lesson_body(source: str) -> list[dict]:
    """A lesson's Markdown as the StreamField data of its body."""
    return [_lesson_block(part) for part in parts(source)]


def courses() -> dict:
    """The catalogue: its intro and the courses, each with its lessons in file-name order."""
    index = load_yaml("courses/index.yaml")
    catalogue = {"intro": to_html(index["intro"]), "courses": []}
    for slug in index["courses"]:
        course = load_yaml(f"courses/{slug}/course.yaml")
        lessons = []
        for path in sorted((CONTENT / "courses" / slug).glob("*.md")):
            fields, body = load_markdown(str(path.relative_to(CONTENT)))
            lessons.append({**fields, "body": lesson_body(body)})
        catalogue["courses"].append({**course, "slug": slug, "lessons": lessons})
    return catalogue


def _page_block(part: Part) -> dict:
    """One piece of a standard page, the home page or the policy as a block of its body."""
    if part.kind == "heading":
        return {"type": "heading", "value": part.body}
    if part.kind == "text":
        return {"type": "paragraph", "value": to_html(part.body)}
    if part.kind == "callout":
        return {
            "type": "callout",
            "value": {"title": part.fields["title"], "text": to_html(part.body)},
        }
    raise ValueError(f"Unknown block '::: {part.kind}' in a page.")


def page_body(source: str) -> list[dict]:
    """A page's Markdown as the StreamField data of its body."""
    return [_page_block(part) for part in parts(source)]


def site_pages() -> dict:
    """The home page and the standard pages under it, in ``pages/``."""
    fields, body = load_markdown("pages/home.md")
    home = {
        "headline": fields["headline"],
        "intro": to_html(fields["intro"]),
        "body": page_body(body),
    }
    pages = []
    for slug in fields["pages"]:
        page, body = load_markdown(f"pages/{slug}.md")
        pages.append(
            {"slug": slug, "title": page["title"], "intro": page["intro"], "body": page_body(body)}
        )
    return {"home": home, "pages": pages}


def policy() -> dict:
    """The social media policy as first published, and the material change of version 2."""
    fields, body = load_markdown("policy/social-media-policy.md")
    questions = [
        {**question, "choices": "\n".join(question["choices"])} for question in fields["questions"]
    ]
    change, change_body = load_markdown("policy/version-2.md")
    return {
        "slug": fields["slug"],
        "title": fields["title"],
        "summary": plain(fields["summary"]),
        "body": page_body(body),
        "questions": questions,
        "v2": {
            "change_note": plain(change["change_note"]),
            "replaces_after": change["replaces_after"],
            "paragraph": to_html(change_body),
        },
    }
