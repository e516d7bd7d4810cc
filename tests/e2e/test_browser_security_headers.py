"""In a browser, with the demo content: every role's main pages, and the Wagtail admin,
work under the Content-Security-Policy without a single violation.

Chromium reports each blocked script, style, frame or image as a console message
("Refused to ...") and as a ``securitypolicyviolation`` event; both are collected and the
test fails on any. The JavaScript we serve (the export progress) is checked to still run.
"""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cohorts.models import Enrollment
from courses.models import CourseIndexPage, CoursePage, LessonPage
from reports.models import ReportExport

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEMO_PASSWORD = "spoke-demo"
VIDEO_URL = "https://www.youtube.com/watch?v=M7lc1UVf-VE"
# Every violation also reaches the console through this listener, with what was blocked.
LISTEN_FOR_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def demo(live_server):
    """The demo company and its accounts, as `make demo` seeds them, plus a lesson video."""
    call_command("seed_demo", stdout=io.StringIO())
    lesson = _lesson_with_check()
    lesson.body.append(
        ("video", {"url": VIDEO_URL, "title": "Listening first", "transcript": "Search first."})
    )
    lesson.save_revision().publish()
    return lesson


def _lesson_with_check() -> LessonPage:
    for lesson in LessonPage.objects.live().order_by("path"):
        if any(block.block_type == "knowledge_check" for block in lesson.body):
            return lesson
    raise AssertionError("the demo has no lesson with a knowledge check")


@pytest.fixture
def violations() -> list[str]:
    return []


@pytest.fixture
def signed_in(new_page, log_in, violations):
    """A browser page, signed in as a demo account, that records every CSP violation."""

    def open_as(email: str):
        page = new_page()
        page.add_init_script(LISTEN_FOR_VIOLATIONS)

        def note(message) -> None:
            text = message.text
            if text.startswith(("Refused to", "CSP violation")) or "Content Security" in text:
                violations.append(f"{email} {urlsplit(page.url).path}: {text}")

        page.on("console", note)
        if email:
            log_in(page, email=email, password=DEMO_PASSWORD)
        return page

    return open_as


def _visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    assert response.headers.get("content-security-policy"), path
    assert "camera=()" in response.headers.get("permissions-policy", ""), path


def _course_and_lesson(lesson: LessonPage) -> tuple[str, str, str]:
    course = CoursePage.objects.ancestor_of(lesson).get()
    catalogue = CourseIndexPage.objects.ancestor_of(course).get()
    return catalogue.url, course.url, lesson.url


def test_every_role_works_under_the_policy(demo, signed_in, violations, screenshot):
    """Anonymous visitor, learner, manager, trainer, HR, lead and admin: no violation."""
    catalogue, course, lesson = _course_and_lesson(demo)
    enrollment = (
        Enrollment.objects.filter(user__email="learner@spoke.example").order_by("pk").first()
    )

    visitor = signed_in("")
    for path in ("/", catalogue, "/accounts/login/", "/accounts/signup/"):
        _visit(visitor, path)

    learner = signed_in("learner@spoke.example")
    for path in ("/dashboard/", catalogue, course, "/practice/", "/roster/me/",
                 "/cohorts/calendar/", "/people/me/", "/accounts/2fa/",
                 "/accounts/2fa/totp/activate/", "/accounts/email/",
                 "/accounts/password/change/"):  # fmt: skip
        _visit(learner, path)
    if enrollment is not None:
        _visit(learner, f"/cohorts/cohort/{enrollment.cohort_id}/")

    trainer = signed_in("trainer@spoke.example")
    _visit(trainer, lesson)
    # The lesson's video frame loads lazily: bring it into view so the browser asks for it.
    frame = trainer.locator(".lesson-video iframe")
    expect(frame).to_have_count(1)
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
    frame.scroll_into_view_if_needed()
    # Answer the knowledge check: the form posts back to our own origin (form-action).
    check = trainer.locator(".knowledge-check__form").first
    check.locator("input[type=checkbox]").first.check()
    check.get_by_role("button").click()
    expect(trainer.locator(".knowledge-check__verdict").first).to_be_visible()
    screenshot(trainer, "csp-lesson-with-check-and-video")

    manager = signed_in("manager@spoke.example")
    for path in ("/dashboard/", "/reports/", "/reports/heatmap/"):
        _visit(manager, path)

    hr = signed_in("hr@spoke.example")
    for path in ("/reports/", "/reports/heatmap/", "/reports/adoption/", "/reports/readiness/",
                 "/reports/hub-and-spoke/", "/reports/activity/", "/reports/exports/"):  # fmt: skip
        _visit(hr, path)
    _visit(hr, "/reports/heatmap/")
    hr.get_by_role("navigation", name="Level shown").get_by_role("link").last.click()
    hr.wait_for_load_state()
    _visit(hr, "/reports/adoption/")
    # One small chart per unit and one for the total, all drawn under the policy.
    expect(hr.locator("svg.chart__svg").first).to_be_visible()
    assert hr.locator("svg.chart__svg").count() > 1
    screenshot(hr, "csp-adoption-chart")
    _visit(hr, "/reports/hub-and-spoke/")
    expect(hr.locator("svg.bar").first).to_be_visible()

    lead = signed_in("lead@spoke.example")
    for path in ("/roster/", "/roster/eligible/", "/roster/approvals/", "/roster/platforms/"):
        _visit(lead, path)

    admin = signed_in("admin@spoke.example")
    for path in ("/admin/", f"/admin/pages/{demo.pk}/edit/", "/admin/snippets/cms/platform/",
                 "/admin/snippets/", "/admin/users/", "/django-admin/"):  # fmt: skip
        _visit(admin, path)
    screenshot(admin, "csp-django-admin")

    assert violations == []


def test_wagtail_admin_editor_scripts_run_under_the_admin_policy(demo, signed_in, violations):
    """The page editor's own scripts run: a block can be added to the lesson's body."""
    trainer = signed_in("trainer@spoke.example")
    _visit(trainer, f"/admin/pages/{demo.pk}/edit/")
    policy = trainer.evaluate("() => document.readyState")
    assert policy == "complete"
    blocks_before = trainer.locator("[data-streamfield-child]").count()
    trainer.locator("button[title='Insert a block']").first.click()
    trainer.get_by_role("option", name="Heading").first.click()
    expect(trainer.locator("[data-streamfield-child]")).to_have_count(blocks_before + 1)
    _visit(trainer, "/admin/snippets/cms/platform/")
    trainer.get_by_role("link", name="Add platform").first.click()
    expect(trainer.locator("textarea[name=post_patterns]")).to_be_visible()
    assert violations == []


def test_export_progress_script_runs_under_the_policy(demo, signed_in, violations):
    """Our own script (served from /static/) polls the export's status and updates the bar."""
    from people.models import User

    hr_user = User.objects.get(email="hr@spoke.example")
    export = ReportExport.objects.create(
        owner=hr_user,
        report="heatmap",
        format=ReportExport.Format.CSV,
        status=ReportExport.Status.RUNNING,
        progress=10,
    )
    hr = signed_in("hr@spoke.example")
    _visit(hr, f"/reports/exports/{export.pk}/")
    ReportExport.objects.filter(pk=export.pk).update(progress=70)
    expect(hr.locator("[data-export-progress]")).to_have_text("70%", timeout=10_000)
    assert violations == []


def test_the_policy_blocks_injected_script_style_and_images_and_the_test_sees_it(
    signed_in, violations
):
    """What an injection would add is refused by the browser, and reported to this test."""
    visitor = signed_in("")
    _visit(visitor, "/accounts/login/")
    ran = visitor.evaluate(
        """() => {
            window.injected = false;
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
            document.body.insertAdjacentHTML(
                "beforeend",
                '<img src="https://evil.example/pixel.png"><p style="color: red">x</p>'
                + '<button onclick="window.injected = true">x</button>'
            );
            document.querySelector("button[onclick]").click();
            return window.injected;
        }"""
    )
    visitor.wait_for_timeout(500)
    assert ran is False
    blocked = " ".join(violations)
    assert "script-src" in blocked
    assert "img-src" in blocked
    assert "style-src" in blocked
    violations.clear()
