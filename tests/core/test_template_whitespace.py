"""No stray space before a comma or a full stop where a template joins words."""

import re
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string


def _platforms(*names):
    accounts = [SimpleNamespace(platform=SimpleNamespace(name=name)) for name in names]
    return SimpleNamespace(platforms=SimpleNamespace(all=lambda: accounts))


def test_platform_names_are_joined_with_a_comma_and_one_space():
    html = render_to_string(
        "advocacy/includes/platform_names.html",
        {"membership": _platforms("LinkedIn", "X", "Bluesky")},
    )
    assert " ".join(html.split()) == "LinkedIn, X, Bluesky"


def test_no_template_starts_a_line_with_punctuation_after_a_tag():
    """A line that starts with "," or "." (after tags) renders a space before it, as in
    "LinkedIn , X" or "11:50 ."."""
    pattern = re.compile(r"^\s*(\{%[^%]*%\})*\s*[.,;:]", re.MULTILINE)
    root = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(root)}:{text[: match.start()].count(chr(10)) + 1}"
        for folder in [root / "templates", *root.glob("*/templates")]
        for path in folder.rglob("*.html")
        for text in [path.read_text(encoding="utf-8")]
        for match in pattern.finditer(text)
    ]
    assert offenders == []
