"""Plain-text mail: every notification's subject and text keep names as typed; HTML escapes."""

import re
from html import escape
from pathlib import Path

import pytest
from django.conf import settings

from core.mail import render_plain_text, render_subject
from core.services import notification_render
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
HOSTILE = 'Seán O\'Neil & <Sales> "Support"'
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&lt;", "&gt;", "&quot;")
VARIABLE = re.compile(r"{{\s*([a-z_]+)|{%\s*(?:if|elif)\s+([a-z_]+)")


def notification_templates() -> list[str]:
    """Every ``<app>/email/<name>`` that ``notification_send`` can be given, found on disk."""
    paths = [
        *ROOT.glob("*/templates/*/email/*_subject.txt"),
        *ROOT.glob("*/*/templates/*/email/*_subject.txt"),  # apps inside apps: people/sso
    ]
    found = {
        path.relative_to(path.parents[2]).as_posix().removesuffix("_subject.txt")
        for path in paths
        if path.parts[-4] != "account" and ".venv" not in path.parts
    }
    return sorted(found)


def hostile_context(template: str) -> dict:
    """Every variable the templates name, set to a name with ' & < " in it."""
    names = set()
    for suffix in ("_subject.txt", ".txt", ".html"):
        source = (ROOT / _app_of(template) / "templates" / (template + suffix)).read_text()
        names.update(a or b for a, b in VARIABLE.findall(source))
    context = dict.fromkeys(names - {"user", "site_url", "total", "cohorts"}, HOSTILE)
    context["cohorts"] = [{"name": HOSTILE, "waiting": 2}]
    context["total"] = 2
    return context


def _app_of(template: str) -> str:
    """The app folder holding ``template``'s templates: ``people_sso/...`` is people/sso."""
    return template.split("/", 1)[0].replace("_", "/")


def test_every_app_mail_is_found():
    """The enumeration sees each app's notifications, so the test below covers them all."""
    templates = notification_templates()
    for expected in (
        "core/email/notice",
        "cohorts/email/invitation",
        "cohorts/email/session_reminder",
        "assessments/email/feedback",
        "assessments/email/review_digest",
        "advocacy/email/eligible",
        "advocacy/email/policy_version",
        "credentials/email/issued",
        "people/email/personal_data_ready",
        "advocacy/email/callout",
        "advocacy/email/callout_closed",
        "advocacy/email/coach_appointed",
        "advocacy/email/coach_feedback",
        "advocacy/email/coach_endorsed",
        "advocacy/email/share_post",
        "cohorts/email/interest_cohort_open",
        "people_sso/email/department_unknown",
    ):
        assert expected in templates
    assert len(templates) == 27


@pytest.mark.parametrize("template", notification_templates())
def test_subject_and_text_are_not_html_escaped(template, db):
    """Names with ' & < " reach the subject and the text as typed, the HTML part escaped."""
    user = UserFactory.build(first_name=HOSTILE, email="sean@spoke.example")
    context = {"user": user, "site_url": "https://spoke.example", **hostile_context(template)}
    subject, text, html = notification_render(template=template, context=context)
    assert HOSTILE in text
    for entity in ESCAPES:
        assert entity not in subject
        assert entity not in text
    assert "\n" not in subject
    assert HOSTILE not in html
    assert escape(HOSTILE) in html or escape(HOSTILE, quote=False) in html


def test_subject_with_a_name_keeps_it(db):
    """A subject built from a cohort name shows it as typed, on one line."""
    subject = render_subject("cohorts/email/cancelled_subject.txt", {"cohort_name": HOSTILE})
    assert subject == f"{HOSTILE} is cancelled"


def test_plain_text_renders_with_the_usual_context_processors(rf, db):
    """Given a request, the text is rendered as any template is, only without escaping."""
    user = UserFactory.build(first_name=HOSTILE, email="sean@spoke.example")
    text = render_plain_text(
        "core/email/notice.txt", {"message": HOSTILE, "user": user}, rf.get("/")
    )
    assert f"Hello {HOSTILE}," in text
