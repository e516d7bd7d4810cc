"""Helpers for the assessments tests."""

from html.parser import HTMLParser

from core.html import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS

# Tags that must never reach a page, whatever the allow-list in core.html says.
NEVER_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
        "math", "img", "video", "audio", "source", "form", "input", "button", "textarea",
        "select", "base", "meta", "link", "noscript", "template", "xmp", "title", "body",
        "html", "head", "param", "marquee", "details", "use", "animate", "foreignobject",
    }
)  # fmt: skip


class _SafetyParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_comment(self, data):
        self.problems.append(f"comment <!--{data}-->")

    def handle_decl(self, decl):
        self.problems.append(f"declaration <!{decl}>")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction <?{data}>")

    def unknown_decl(self, data):
        self.problems.append(f"declaration <![{data}]>")

    def _check_tag(self, tag, attrs):
        if tag in NEVER_TAGS or tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, [])
        values = dict(attrs)
        for name, value in attrs:
            if name not in allowed or name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                self._check_href(value or "")
        if tag == "a" and "href" in values and values.get("rel") != "nofollow noopener":
            self.problems.append(f"link without rel=nofollow noopener: {values}")

    def _check_href(self, href):
        # Browsers drop control characters and white space anywhere in a scheme.
        squeezed = "".join(char for char in href if char.isprintable() and not char.isspace())
        scheme, colon, _ = squeezed.partition(":")
        is_scheme = colon and not any(char in scheme for char in "/?#")
        if is_scheme and scheme.lower() not in ALLOWED_PROTOCOLS:
            self.problems.append(f"link scheme {scheme!r} in {href!r}")


def html_safety_problems(html: str) -> list[str]:
    """Say what in ``html`` could run script, load content or escape the allow-list."""
    parser = _SafetyParser()
    parser.feed(html)
    parser.close()
    lowered = html.lower()
    parser.problems.extend(
        f"raw {needle!r}" for needle in ("<script", "<style", "<!--") if needle in lowered
    )
    return parser.problems


def assert_safe_html(html: str) -> None:
    """Fail with the list of problems when ``html`` is not safe to show on a page."""
    problems = html_safety_problems(html)
    assert not problems, f"unsafe HTML: {problems}\n{html[:2000]}"
