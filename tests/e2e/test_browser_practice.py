"""In a browser: a learner hands in practice, a trainer sends it back with feedback and then
accepts it in the Wagtail admin, and the learner's competency rises; a hostile reflection
reaches the trainer as plain text, never run.

Built with the factories (one running cohort, one assignment with a one-line rubric, a
trainer and a learner): seeding the whole demo would take most of the folder's budget. One
browser context per person, each logged in once.
"""

import re
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from assessments.models import Assignment, Review, Submission
from cms.models import Platform
from cohorts.models import Cohort
from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from tests.assessments.helpers_review import assignment_for, running_cohort
from tests.factories import CompetencyFactory, EnrollmentFactory, RubricCriterionFactory

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized_rollback puts back what the
    # migrations created (groups, the Wagtail tree, the platforms) for whatever runs next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ASSIGNMENT = "Tidy up your profile"
COMPETENCY = "Profile and personal brand"
CRITERION = "Photo, name and headline say plainly who they are"
PROFILE_URL = "https://www.linkedin.com/in/lena-learner-kestrel"
REFLECTION = (
    "I looked at my profile in a private window. The photo was from a party, so I took a "
    "plain one at the office and changed my headline to what I do for travellers."
)
FEEDBACK = "Good start. Say what you left out of the profile, and why, then hand it in again."
REVISED = REFLECTION + " I left out my shift pattern and the station where I work."
FIRST_SUBMIT = "Submitted: your trainer will review it."
# Each of these would run script if it reached the page as typed.
HOSTILE = (
    "<p>I kept calm and answered the complaint in public, then moved it to a private "
    "message.</p>"
    "<script>window.__pwned = 'script'; alert('script')</script>"
    "<img src=\"x\" onerror=\"window.__pwned = 'img'; alert('img')\">"
    "<p onclick=\"alert('click')\">Then I <a href=\"javascript:alert('link')\">logged</a> "
    "what I had said, so my team lead could see it.</p>"
    "<svg onload=\"alert('svg')\"></svg><iframe src=\"javascript:alert('frame')\"></iframe>"
)
# Anything in a reflection that could run script or load something.
ACTIVE = "script, img, svg, iframe, object, embed, [onerror], [onload], [onclick], [style]"


@dataclass(frozen=True)
class Practice:
    cohort: Cohort
    assignment: Assignment

    @property
    def work_path(self) -> str:
        return reverse("assessments:work", args=[self.cohort.pk, self.assignment.pk])


def _verified(user):
    """Log-in needs a confirmed address (verification is mandatory)."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def people(live_server, learner, trainer):
    return _verified(learner), _verified(trainer)


@pytest.fixture
def practice(people) -> Practice:
    """A running cohort (session 1 two days ago, session 2 in five days) with the learner in
    it and one open assignment: a LinkedIn link, a screenshot and a reflection of at least
    120 characters, judged on one criterion worth "practising"."""
    learner, trainer = people
    cohort = running_cohort(trainers=[trainer], name="Speaking up · spring group")
    EnrollmentFactory(cohort=cohort, user=learner)
    assignment = assignment_for(
        cohort,
        title=ASSIGNMENT,
        instructions="<p>Look at your profile the way a traveller would, then tidy it.</p>",
        platforms=list(Platform.objects.filter(slug="linkedin")),
        needs_screenshot=True,
        reflection_min_chars=120,
        criteria=0,
    )
    RubricCriterionFactory(
        assignment=assignment,
        description=CRITERION,
        competency=CompetencyFactory(name=COMPETENCY, area="Presence"),
        level=Level.PRACTISING,
    )
    return Practice(cohort=cohort, assignment=assignment)


@pytest.fixture
def png(tmp_path):
    """A real, small PNG on disk, as a learner's screenshot would be."""
    path = tmp_path / "my-profile.png"
    image = Image.new("RGB", (480, 270), "#f3f2ef")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 480, 70), fill="#1d4e89")
    draw.ellipse((30, 40, 110, 120), fill="#c9d6e3", outline="white", width=3)
    draw.text((30, 140), "Lena Learner · Customer support", fill="black")
    image.save(path, format="PNG")
    return path


def _fill_and_submit(page, *, link: str, reflection: str, screenshot=None) -> None:
    page.get_by_label("Link to your post or profile").fill(link)
    if screenshot is not None:
        page.get_by_label("Screenshot", exact=True).set_input_files(screenshot)
    page.get_by_label("Your reflection").fill(reflection)
    page.get_by_label("I have checked my work").check()
    page.get_by_role("button", name="Submit for review").click()


def _competency_card(page):
    page.get_by_role("link", name="My competencies").click()
    page.wait_for_url("**/competencies/mine/")
    return page.get_by_role("article", name=COMPETENCY)


def _open_from_queue(page, person: str) -> None:
    """From the admin's menu to the review screen of ``person``'s waiting work."""
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile(r"^Review practice")).first.click()
    page.wait_for_url(re.compile(r"/admin/practice/$"))
    page.get_by_role("link", name=person).click()
    page.wait_for_url(re.compile(r"/admin/practice/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Review: {ASSIGNMENT}")


def test_revision_then_acceptance_raises_the_competency(
    people, practice, png, password, new_page, log_in, screenshot
):
    """Hand in (a wrong platform first: told why, nothing typed lost), sent back with
    feedback, handed in again, accepted with the criterion ticked: the learner's level in
    the competency goes from "not yet" to "practising"."""
    learner, trainer = people
    name = learner.get_full_name()

    lena = new_page()
    log_in(lena, email=learner.email, password=password)
    expect(_competency_card(lena)).to_contain_text("Not yet (0 of 4)")
    lena.get_by_role("link", name="Dashboard").click()
    lena.get_by_role("region", name="What's due").get_by_role("link", name=ASSIGNMENT).click()
    lena.wait_for_url(f"**{practice.work_path}")
    expect(lena.get_by_role("heading", level=1)).to_have_text(ASSIGNMENT)

    _fill_and_submit(
        lena, link="https://x.com/lena_learner/status/1862", reflection=REFLECTION, screenshot=png
    )
    refused = "This is not a link to a post or profile on LinkedIn"
    summary = lena.locator("[data-error-summary]")
    expect(summary).to_be_focused()  # the summary comes first and is read out
    expect(summary.get_by_role("link", name=refused)).to_be_visible()
    expect(lena.locator("#id_link_url_error")).to_contain_text(refused)
    expect(lena.get_by_label("Your reflection")).to_have_value(REFLECTION)
    expect(lena.get_by_role("img", name="Your screenshot")).to_be_visible()  # kept in the draft
    screenshot(lena, "practice-learner-link-refused")
    _fill_and_submit(lena, link=PROFILE_URL, reflection=REFLECTION)
    expect(lena.get_by_text(FIRST_SUBMIT)).to_be_visible()
    expect(lena.get_by_role("heading", name="Waiting for review")).to_be_visible()

    tomas = new_page()
    log_in(tomas, email=trainer.email, password=password)
    _open_from_queue(tomas, name)
    expect(tomas.get_by_text(REFLECTION)).to_be_visible()
    expect(tomas.get_by_role("link", name=PROFILE_URL)).to_be_visible()
    shot = tomas.get_by_role("img", name=re.compile("^Screenshot handed in by"))
    picture = tomas.request.get(shot.get_attribute("src"))
    assert picture.ok
    assert picture.headers["content-type"] == "image/png"
    screenshot(tomas, "practice-trainer-review")
    tomas.get_by_label("Feedback for the learner").fill(FEEDBACK)
    tomas.get_by_role("button", name="Ask for a revision").click()
    expect(tomas.get_by_text(f"{name} is asked to revise")).to_be_visible()
    expect(tomas.get_by_text("Nothing waits for a review in your cohorts")).to_be_visible()

    lena.get_by_role("link", name="Dashboard").click()
    due = lena.get_by_role("region", name="What's due")
    expect(due.get_by_text("New feedback")).to_be_visible()
    due.get_by_role("button", name="Read the feedback").click()
    lena.wait_for_url(f"**{practice.work_path}#attempt-1")
    expect(lena.get_by_role("heading", name="Your attempt 2")).to_be_visible()
    expect(lena.locator("blockquote.feedback")).to_have_text(FEEDBACK)
    expect(lena.get_by_label("Link to your post or profile")).to_have_value(PROFILE_URL)
    screenshot(lena, "practice-learner-feedback")
    lena.get_by_label("Your reflection").fill(REVISED)
    lena.get_by_label("I have checked my work").check()
    lena.get_by_role("button", name="Submit for review").click()
    expect(lena.get_by_text(FIRST_SUBMIT)).to_be_visible()

    _open_from_queue(tomas, name)
    expect(tomas.get_by_text("2 · Waiting for review")).to_be_visible()
    earlier = tomas.get_by_role("region", name="Earlier attempts")
    expect(earlier).to_contain_text(FEEDBACK)
    tomas.get_by_label(CRITERION).check()
    tomas.get_by_label("Feedback for the learner").fill("Clear and careful. Well done.")
    tomas.get_by_role("button", name="Accept", exact=True).click()
    expect(tomas.get_by_text(f"Accepted: “{ASSIGNMENT}” by {name}")).to_be_visible()

    card = _competency_card(lena)
    expect(card).to_contain_text("Practising (2 of 4)")
    expect(card).to_contain_text("Practice reviewed by a trainer")
    screenshot(lena, "practice-learner-competency-raised")

    attempts = list(Submission.objects.order_by("attempt"))
    assert [a.status for a in attempts] == [
        Submission.Status.NEEDS_REVISION,
        Submission.Status.ACCEPTED,
    ]
    assert attempts[1].reflection == REVISED
    assert attempts[1].screenshot.name == attempts[0].screenshot.name
    assert Review.objects.get(submission=attempts[0]).feedback == FEEDBACK
    evidence = CompetencyEvidence.objects.get(user=learner)
    assert (evidence.level, evidence.awarded_by) == (Level.PRACTISING, trainer)
    assert CompetencyStanding.objects.get(user=learner).level == Level.PRACTISING


def test_hostile_reflection_reaches_the_trainer_as_text(
    people, practice, png, password, new_page, log_in, external_requests
):
    """Script tags, event handlers and javascript: links typed into a reflection run
    nowhere: not on the learner's page, not on the trainer's review screen."""
    learner, trainer = people
    dialogs: list[str] = []

    def refuse(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    lena = new_page()
    lena.on("dialog", refuse)
    log_in(lena, email=learner.email, password=password)
    lena.goto(practice.work_path)
    _fill_and_submit(lena, link=PROFILE_URL, reflection=HOSTILE, screenshot=png)
    expect(lena.get_by_text(FIRST_SUBMIT)).to_be_visible()
    mine = lena.locator(".evidence__reflection")
    expect(mine).to_contain_text("I kept calm and answered the complaint in public")
    expect(mine.locator(ACTIVE)).to_have_count(0)

    submission = Submission.objects.get()
    tomas = new_page()
    tomas.on("dialog", refuse)
    log_in(tomas, email=trainer.email, password=password)
    tomas.goto(reverse("assessments_admin:review", args=[submission.pk]))
    tomas.wait_for_load_state("load")
    shown = tomas.locator(".spoke-reflection")
    expect(shown).to_contain_text("so my team lead could see it")
    expect(shown.locator(ACTIVE)).to_have_count(0)
    expect(shown.locator("a[href^='javascript' i]")).to_have_count(0)
    # Shown as the text it is: nothing but paragraphs, and the markup as characters.
    html = shown.inner_html().lower()
    assert set(re.findall(r"<([a-z0-9]+)", html)) <= {"p", "br"}
    expect(shown).to_contain_text("<script>")
    has_handlers = (
        "el => [...el.querySelectorAll('*')]"
        ".some(e => e.getAttributeNames().some(n => n.startsWith('on')))"
    )
    assert not shown.evaluate(has_handlers)

    for page in (lena, tomas):
        assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    assert external_requests == []
