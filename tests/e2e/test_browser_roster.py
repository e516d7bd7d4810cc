"""In a browser: accepted practice lifts a learner to the advocate rules; they are told,
take the policy check (a wrong answer first), list a platform account and join, and a lead
sees them on the roster; a material new version of the policy lapses them until they
acknowledge it, and then they are back.

Built with the factories (three core competencies, a running cohort with one assignment,
a policy page at version 1): the trainer's review goes through the real service, so the
standing changes and the roster's re-check runs (Celery runs in-process, and each commit
runs what waits for it). One browser context for the learner, one for the lead.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from advocacy.models import RosterEvent, RosterMembership
from assessments.models import Review
from assessments.services import review_decide
from competencies.levels import Level
from tests.assessments.helpers_review import assignment_for, attempt, running_cohort
from tests.factories import (
    EnrollmentFactory,
    PolicyPageFactory,
    RubricCriterionFactory,
    policy_republish,
    roster_framework,
    standing_set,
)

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized_rollback puts back what the
    # migrations created (groups, the Wagtail tree, the platforms, the roster's tiers).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = RosterMembership.Status
PROFILE = "https://www.linkedin.com/in/lena-learner-kestrel"
CHANGE_NOTE = "During an incident, wait for the crisis team's first update before posting."
# The factory policy's questions (tests/factories/policy.py), with the right answers.
QUESTIONS = {
    "A journalist asks you online about a delay": "Point them to the press office",
    "May you say where you work on your own profile": "Yes, and say your views are your own",
    "You posted a wrong departure time": "Correct it openly and say what changed",
}
WRONG = ("A journalist asks you online about a delay", "Ignore them and post about it later")


def _verified(user):
    """Log-in needs a confirmed address (verification is mandatory)."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _subjects(to: str) -> list[str]:
    return [message.subject for message in mail.outbox if to in message.to]


@pytest.fixture
def policy(live_server):
    return PolicyPageFactory()


@pytest.fixture
def accepted(live_server, learner, trainer, lead, policy):
    """The learner is practising in two of the three core competencies; the trainer accepts
    their practice, which shows the third, through the review service."""
    framework = roster_framework()
    for person in (learner, trainer, lead):
        _verified(person)
    standing_set(learner, framework["listening"], Level.PRACTISING)
    standing_set(learner, framework["publishing"], Level.PRACTISING)
    cohort = running_cohort(trainers=[trainer], name="Plan B · spring group")
    EnrollmentFactory(cohort=cohort, user=learner)
    assignment = assignment_for(cohort, title="Draft a holding statement", criteria=0)
    criterion = RubricCriterionFactory(
        assignment=assignment,
        description="Says what is known, what is being done and when the next update comes",
        competency=framework["crisis"],
        level=Level.PRACTISING,
    )
    mail.outbox.clear()
    review_decide(
        submission=attempt(assignment, cohort, learner),
        by=trainer,
        decision=Review.Decision.ACCEPTED,
        criteria_met=[criterion],
        feedback="Calm, factual and on time.",
    )
    return learner


def _answer(page, answers: dict[str, str]) -> None:
    for question, choice in answers.items():
        group = page.get_by_role("group", name=re.compile(re.escape(question)))
        group.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Acknowledge the policy").click()


def _advocate_card(page):
    return page.get_by_role("region", name=re.compile(r"^Advocate"))


def _roster_row(page, name: str):
    return page.get_by_role("row", name=re.compile(re.escape(name)))


def test_practice_opens_the_roster_and_a_new_policy_version_lapses_until_acknowledged(
    accepted, lead, policy, password, new_page, log_in, screenshot
):
    """Eligible after accepted practice (dashboard and e-mail), sent to the policy check on
    the way to joining (a wrong answer first: told why, choices kept), joins with a platform
    account added on the way, listed for the lead; lapsed by a material new version (the
    lead sees it, the dashboard says what to do), active again once acknowledged."""
    learner = accepted
    name = learner.get_full_name()
    membership = RosterMembership.objects.get(user=learner, tier="advocate")
    assert membership.status == Status.ELIGIBLE
    assert "You can join the roster as advocate" in _subjects(learner.email)

    lena = new_page()
    log_in(lena, email=learner.email, password=password)
    panel = lena.get_by_role("region", name="Advocates and ambassadors")
    expect(panel).to_contain_text("Good news: you meet the rules to speak for the company.")
    expect(panel).to_contain_text("One step left: acknowledge the current social media policy.")
    screenshot(lena, "roster-learner-invited")
    panel.get_by_role("link", name="Join as Advocate").click()
    lena.wait_for_url("**/roster/me/**")
    card = _advocate_card(lena)
    expect(card).to_contain_text("You are invited: you meet this tier")
    card.get_by_role("link", name="Go to the policy check").click()
    lena.wait_for_url("**/roster/policy/**")

    _answer(lena, {**QUESTIONS, WRONG[0]: WRONG[1]})
    expect(lena.get_by_role("alert")).to_contain_text("One answer needs another look")
    journalist = lena.get_by_role("group", name=re.compile(WRONG[0]))
    expect(journalist).to_contain_text("Questions from the press go to the press office")
    expect(journalist.get_by_label(WRONG[1])).to_be_checked()
    for question, choice in list(QUESTIONS.items())[1:]:
        group = lena.get_by_role("group", name=re.compile(re.escape(question)))
        expect(group.get_by_label(choice, exact=True)).to_be_checked()
    screenshot(lena, "roster-learner-policy-wrong-answer")
    _answer(lena, QUESTIONS)
    lena.wait_for_url("**/roster/me/")
    expect(lena.get_by_text("Thank you: you acknowledged version 1 of the policy.")).to_be_visible()

    card = _advocate_card(lena)
    card.get_by_role("link", name="Add a platform").click()
    lena.wait_for_url("**/roster/platforms/add/**")
    lena.get_by_label("Platform").select_option(label="LinkedIn")
    lena.get_by_label("Handle or profile address").fill(PROFILE)
    lena.get_by_role("button", name="Save").click()
    lena.wait_for_url("**/roster/me/")
    expect(lena.get_by_text("Your LinkedIn account is listed.")).to_be_visible()
    card = _advocate_card(lena)
    card.get_by_label(f"LinkedIn: {PROFILE}").check()
    card.get_by_role("button", name="Join as Advocate").click()
    expect(lena.get_by_text("Welcome aboard: you are on the roster as advocate.")).to_be_visible()
    expect(_advocate_card(lena)).to_contain_text("You are on the roster.")
    screenshot(lena, "roster-learner-joined")

    leo = new_page()
    log_in(leo, email=lead.email, password=password)
    leo.goto("/roster/")
    row = _roster_row(leo, name)
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("LinkedIn")
    screenshot(leo, "roster-lead-member-listed")

    # A material change: everyone on the roster acknowledges the new version again.
    policy_republish(policy, material=True, change_note=CHANGE_NOTE)
    membership.refresh_from_db()
    assert membership.status == Status.LAPSED
    assert "The social media policy changed: please acknowledge version 2" in _subjects(
        learner.email
    )

    leo.reload()
    expect(_roster_row(leo, name)).to_have_count(0)  # no longer "on the roster"
    leo.get_by_label("Status").select_option(label="Lapsed")
    leo.get_by_role("button", name="Show").click()
    expect(_roster_row(leo, name)).to_contain_text("Lapsed")
    screenshot(leo, "roster-lead-member-lapsed")

    lena.get_by_role("link", name="Dashboard").click()
    panel = lena.get_by_role("region", name="Advocates and ambassadors")
    expect(panel).to_contain_text("Lapsed")
    expect(panel).to_contain_text("acknowledge the policy (version 2)")
    screenshot(lena, "roster-learner-lapsed")
    lena.goto("/roster/me/")
    _advocate_card(lena).get_by_role("link", name="Go to the policy check").click()
    lena.wait_for_url("**/roster/policy/**")
    expect(lena.get_by_text("You acknowledged version 1. Version 2 is new")).to_be_visible()
    expect(lena.get_by_text(CHANGE_NOTE)).to_be_visible()
    _answer(lena, QUESTIONS)
    lena.wait_for_url("**/roster/me/")
    expect(lena.get_by_text("Thank you: you acknowledged version 2 of the policy.")).to_be_visible()
    card = _advocate_card(lena)
    expect(card.get_by_role("heading")).to_contain_text("Active")
    expect(card).to_contain_text("You are on the roster.")
    screenshot(lena, "roster-learner-back")

    leo.get_by_label("Status").select_option(label="Active")
    leo.get_by_role("button", name="Show").click()
    expect(_roster_row(leo, name)).to_contain_text("Active")

    trail = list(
        RosterEvent.objects.filter(membership=membership)
        .order_by("at", "pk")
        .values_list("to_status", flat=True)
    )
    assert trail == [Status.ELIGIBLE, Status.ACTIVE, Status.LAPSED, Status.ACTIVE]
    assert "You are back on the roster as advocate" in _subjects(learner.email)
