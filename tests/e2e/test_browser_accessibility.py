"""The accessibility gate: every main page of every role, on a desktop (1280 px) and a
phone (360 px), has no WCAG 2.2 A or AA violation that axe-core finds, and does not scroll
sideways on the phone.

axe-core comes packaged in the ``axe-playwright-python`` wheel (``axe.min.js``, nothing is
fetched while the tests run). The pages are the demo company's, seeded once for this
module; each person logs in once and keeps their browser context. Each page, role and
width is a test of its own (``test_page_passes_the_gate[learner-dashboard-phone]``), so a
failure names the page, and its message names each rule and element.

To add a page, add a line to ``SCREENS``. A path may use the placeholders of ``_world()``
(ids and addresses that only exist once the demo is seeded). ``then`` is what the person
does on the page before it is checked: a form sent back with its errors, a message shown.
docs/accessibility.md says what the gate covers, how to run it and what it leaves out.
"""

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections

from tests.conftest import reload_migrated_rows

pytestmark = [
    pytest.mark.e2e,
    # The database is set up (and its migrated rows saved) for this module too; each test
    # runs in a transaction rolled back after it, while the demo seeded by ``site`` stays.
    pytest.mark.django_db(serialized_rollback=True),
]

DEMO_PASSWORD = "spoke-demo"
ACCOUNTS = {
    "visitor": None,
    "learner": "learner@spoke.example",
    "manager": "manager@spoke.example",
    "trainer": "trainer@spoke.example",
    "hr": "hr@spoke.example",
    "lead": "lead@spoke.example",
    "admin": "admin@spoke.example",
}
WIDTHS = {"desktop": 1280, "phone": 360}
HEIGHT = 800
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules axe files under these tags.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Selectors axe leaves out of every page: Wagtail's own widgets, should one sit on a page
# of ours and fail (none does today; docs/accessibility.md lists what fails elsewhere).
EXCLUDE: list[list[str]] = []


def _answer_first_check(page) -> None:
    """Tick the first choice of the lesson's first knowledge check and send it."""
    check = page.locator(".knowledge-check__form").first
    check.locator("input[type=checkbox], input[type=radio]").first.check()
    check.get_by_role("button").click()
    page.wait_for_load_state()


def _submit_practice_empty(page) -> None:
    """Empty the link and the reflection, then submit: the page comes back with errors."""
    form = page.locator("form[enctype='multipart/form-data']")
    for name in ("link_url", "reflection"):
        box = form.locator(f"[name={name}]")
        if box.count():
            box.fill("")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()


def _save_profile(page) -> None:
    """Save the profile as it is: the next page shows the "saved" message."""
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()


@dataclass(frozen=True)
class Screen:
    """A page as one role sees it."""

    role: str  # a key of ACCOUNTS
    name: str  # what the test id calls it
    path: str  # may use the placeholders of _world(), as {course}
    then: Callable | None = field(default=None, compare=False)  # done before the check

    @property
    def id(self) -> str:
        return f"{self.role}-{self.name}"


# Every main page of every role. Keep one line per page; the test ids come from here.
SCREENS = [
    Screen("visitor", "home", "/"),
    Screen("visitor", "catalogue", "{catalogue}"),
    Screen("visitor", "course", "{course}"),
    Screen("visitor", "log-in", "/accounts/login/"),
    Screen("visitor", "sign-up", "/accounts/signup/"),
    Screen("visitor", "certificate", "/credentials/c/{certificate}/"),
    Screen("learner", "dashboard", "/dashboard/"),
    Screen("learner", "course", "{course}"),
    Screen("learner", "lesson", "{lesson}"),
    Screen("learner", "lesson-check-answered", "{lesson}", then=_answer_first_check),
    Screen("learner", "practice", "/practice/"),
    Screen("learner", "practice-assignment", "/practice/{practice}/"),
    Screen("learner", "practice-submit-errors", "/practice/{practice}/", _submit_practice_empty),
    Screen("learner", "competencies", "/competencies/mine/"),
    Screen("learner", "profile", "/people/me/"),
    Screen("learner", "profile-saved", "/people/me/", then=_save_profile),
    Screen("learner", "cohort", "/cohorts/cohort/{cohort}/"),
    Screen("learner", "calendar", "/cohorts/calendar/"),
    Screen("learner", "credentials", "/credentials/"),
    Screen("learner", "roster-me", "/roster/me/"),
    Screen("learner", "platforms", "/roster/platforms/"),
    Screen("manager", "dashboard", "/dashboard/"),
    Screen("manager", "team", "/reports/team/"),
    Screen("manager", "person", "/reports/people/{team_member}/"),
    Screen("trainer", "dashboard", "/dashboard/"),
    Screen("trainer", "review-queue", "/admin/practice/"),
    Screen("trainer", "review", "/admin/practice/{review}/"),
    Screen("hr", "dashboard", "/dashboard/"),
    Screen("hr", "reports", "/reports/"),
    Screen("hr", "heat-map", "/reports/heatmap/"),
    Screen("hr", "heat-map-people", "/reports/heatmap/people/"),
    Screen("hr", "adoption", "/reports/adoption/"),
    Screen("hr", "readiness", "/reports/readiness/"),
    Screen("hr", "hub-and-spoke", "/reports/hub-and-spoke/"),
    Screen("hr", "activity", "/reports/activity/"),
    Screen("hr", "exports", "/reports/exports/"),
    Screen("lead", "dashboard", "/dashboard/"),
    Screen("lead", "roster", "/roster/"),
    Screen("lead", "eligible", "/roster/eligible/"),
    Screen("lead", "approvals", "/roster/approvals/"),
    Screen("lead", "member", "/roster/member/{member}/"),
    Screen("lead", "sharing-hub", "/roster/sharing/"),
    Screen("lead", "plan-b", "/plan-b/"),
    Screen("lead", "plan-b-new", "/plan-b/new/"),
    Screen("lead", "plan-b-call-out", "/plan-b/{call_out}/"),
    Screen("hr", "plan-b", "/plan-b/"),
    Screen("admin", "dashboard", "/dashboard/"),
]


def _world() -> dict[str, str]:
    """Addresses and ids in the seeded demo that the paths of SCREENS refer to."""
    from advocacy.models import CallOut, RosterMembership
    from assessments.models import Submission
    from courses.models import CourseIndexPage, LessonPage
    from credentials.models import Credential
    from people.models import User

    learner = User.objects.get(email=ACCOUNTS["learner"])
    revision = Submission.objects.filter(
        user=learner, status=Submission.Status.NEEDS_REVISION
    ).earliest("pk")
    course = revision.cohort.course
    waiting = Submission.objects.filter(
        status=Submission.Status.SUBMITTED, cohort__trainers__email=ACCOUNTS["trainer"]
    ).earliest("pk")
    membership = RosterMembership.objects.filter(
        status=RosterMembership.Status.PENDING
    ).first() or RosterMembership.objects.earliest("pk")
    return {
        "catalogue": CourseIndexPage.objects.live().get().url,
        "course": course.url,
        "lesson": LessonPage.objects.live().child_of(course).order_by("path").first().url,
        "cohort": str(revision.cohort_id),
        "practice": f"{revision.cohort_id}/{revision.assignment_id}",
        "team_member": str(
            User.objects.filter(manager__email=ACCOUNTS["manager"]).earliest("pk").pk
        ),
        "review": str(waiting.pk),
        "member": str(membership.pk),
        "call_out": str(CallOut.objects.earliest("pk").pk),
        "certificate": Credential.objects.filter(hidden=False, revoked_at__isnull=True)
        .earliest("pk")
        .token,
    }


@dataclass
class Look:
    """What one page showed: where it ended, what axe found and how wide it was."""

    url: str
    violations: list[dict]
    scroll_width: int


class Site:
    """The demo site behind a live server, and one logged-in browser page per role."""

    def __init__(self, browser, url: str, world: dict[str, str], axe_script: str) -> None:
        self.browser = browser
        self.url = url
        self.world = world
        self.axe_script = axe_script
        self.pages: dict[str, object] = {}

    def page_for(self, role: str):
        if role not in self.pages:
            context = self.browser.new_context(
                base_url=self.url, locale="en-GB", viewport={"width": 1280, "height": HEIGHT}
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            email = ACCOUNTS[role]
            if email:
                page.goto("/accounts/login/")
                form = page.locator("main form[method=post]")
                form.locator("input[name=login]").fill(email)
                form.locator("input[name=password]").fill(DEMO_PASSWORD)
                form.locator("button[type=submit]").click()
                page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")
            self.pages[role] = page
        return self.pages[role]

    def look(self, screen: Screen, width: int) -> Look:
        """Open the screen as its role at this width, do what it says, then check it."""
        page = self.page_for(screen.role)
        page.set_viewport_size({"width": width, "height": HEIGHT})
        path = screen.path.format(**self.world)
        response = page.goto(path)
        assert response is not None, path
        assert response.ok, f"{path} answered {response.status} to {screen.role}"
        if ACCOUNTS[screen.role]:
            assert urlsplit(page.url).path != "/accounts/login/", f"{screen.role} is logged out"
        if screen.then is not None:
            screen.then(page)
        return self.check(page)

    def check(self, page) -> Look:
        """Run axe-core on the page as it is now and measure its width."""
        page.evaluate(self.axe_script)
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        results = page.evaluate(
            "([exclude, options]) => axe.run(exclude.length ? {exclude} : document, options)",
            [EXCLUDE, options],
        )
        return Look(
            url=urlsplit(page.url).path,
            violations=results["violations"],
            scroll_width=page.evaluate("document.documentElement.scrollWidth"),
        )

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _is_test_database(connection) -> bool:
    if connection.vendor == "sqlite":
        return connection.is_in_memory_db()
    return str(connection.settings_dict["NAME"]).startswith("test_")


def _empty_database() -> None:
    """Empty every table, as a test in a real transaction leaves the database (tests in
    real transactions put back the migrated rows when they start)."""
    for connection in connections.all():
        name = connection.settings_dict["NAME"]
        assert _is_test_database(connection), f"{name} is not a test database: not emptying it"
        # As Django's own tests in transactions do: the sequences keep counting, so the
        # migrated rows (which keep their ids) can be put back later.
        call_command(
            "flush",
            database=connection.alias,
            interactive=False,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The demo, seeded once for this module, behind a live server of its own.

    pytest-django's ``live_server`` would empty the database after every test; this one
    keeps it for the whole module, then empties it, as tests in real transactions do.
    """
    from axe_playwright_python.base import AXE_SCRIPT
    from pytest_django.live_server_helper import LiveServer
    from wagtail.models import Page

    with django_db_blocker.unblock():
        if not Page.objects.exists():  # emptied by a test in a real transaction
            reload_migrated_rows()
        call_command("seed_demo", stdout=io.StringIO())
        world = _world()
        server = LiveServer("localhost")
        site = Site(browser, server.url, world, AXE_SCRIPT)
        try:
            # Log in now, outside the tests' transactions: on SQLite the server shares this
            # connection, and a session written inside a test would be rolled back with it.
            for role in ACCOUNTS:
                site.page_for(role)
            yield site
        finally:
            site.close()
            server.stop()
            _empty_database()


def _describe(violation: dict, url: str) -> str:
    lines = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} on {url}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"]:
        target = " ".join(json.dumps(part) for part in node["target"])
        lines.append(f"  - {target}: {node['html'][:200]}")
        summary = node.get("failureSummary") or ""
        lines.extend(f"      {line}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def _problems(look: Look, width: int) -> list[str]:
    """Each violation (rule, elements, page), and the page's width if it scrolls sideways."""
    problems = [_describe(violation, look.url) for violation in look.violations]
    if width <= WIDTHS["phone"] and look.scroll_width > width:
        problems.append(
            f"{look.url} is {look.scroll_width} px wide on a {width} px screen: it scrolls sideways"
        )
    return problems


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
@pytest.mark.parametrize("screen", SCREENS, ids=[screen.id for screen in SCREENS])
def test_page_passes_the_gate(site, screen, width):
    """No WCAG 2.2 A/AA violation, and on a phone nothing wider than the screen."""
    look = site.look(screen, width)
    problems = _problems(look, width)
    assert not problems, f"{screen.role} on {look.url} at {width} px:\n" + "\n".join(problems)


def test_the_gate_fails_a_page_with_a_violation_or_a_sideways_scroll(site):
    """Planted in the home page on a phone: a picture without a text alternative, a button
    without a name and a box wider than the screen. The gate names all three."""
    phone = WIDTHS["phone"]
    page = site.page_for("visitor")
    page.set_viewport_size({"width": phone, "height": HEIGHT})
    page.goto("/")
    assert _problems(site.check(page), phone) == []
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const picture = document.createElement("img");
            picture.src = "/static/img/spoke.svg";
            picture.className = "planted-picture";
            const button = document.createElement("button");
            button.className = "planted-button";
            const wide = document.createElement("div");
            wide.style.width = "600px";  // through the CSSOM, which the CSP allows
            wide.style.height = "1px";
            main.append(picture, button, wide);
        }"""
    )
    problems = "\n".join(_problems(site.check(page), phone))
    assert "image-alt (critical)" in problems
    assert 'class="planted-picture"' in problems  # the element, as written
    assert "button-name (critical)" in problems
    assert 'class="planted-button"' in problems
    assert re.search(rf"/ is 6\d\d px wide on a {phone} px screen: it scrolls sideways", problems)
