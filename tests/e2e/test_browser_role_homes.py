"""In a browser: a trainer lands on their own home (the cohort they train, the work
waiting for them), goes straight from it to a review in the admin, and comes back to the
site through the admin's menu; no Wagtail userbar on the dashboard."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Submission
from tests.assessments.helpers_review import assignment_for, attempt, member, running_cohort

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ASSIGNMENT = "Tidy up your profile"


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def waiting(live_server, trainer):
    """Tara trains "Kestrel Rail · spring"; Lena handed in her work an hour ago."""
    _verified(trainer)
    cohort = running_cohort(trainers=[trainer], name="Kestrel Rail · spring")
    task = assignment_for(cohort, title=ASSIGNMENT)
    lena = member(cohort, first_name="Lena", last_name="Lindqvist")
    return attempt(task, cohort, lena, status=Submission.Status.SUBMITTED)


def test_trainer_goes_from_their_home_to_the_review(
    page, log_in, password, trainer, waiting, screenshot
):
    log_in(page, email=trainer.email, password=password)
    page.goto(reverse("dashboard"))
    expect(page.get_by_text("You are not in a cohort yet.")).to_have_count(0)
    cohorts = page.get_by_role("region", name="Cohorts you train")
    expect(cohorts.get_by_role("link", name="Kestrel Rail · spring")).to_be_visible()
    review = page.get_by_role("region", name="Work waiting for review")
    expect(review.get_by_text("1 submission waits for your decision.")).to_be_visible()
    expect(page.locator("wagtail-userbar, #wagtail-userbar")).to_have_count(0)
    screenshot(page, "role-home-trainer")

    review.get_by_role("link", name=f"Review {ASSIGNMENT} by Lena Lindqvist").click()
    page.wait_for_url(f"**{reverse('assessments_admin:review', args=[waiting.pk])}")
    expect(page.get_by_role("heading", name=ASSIGNMENT).first).to_be_visible()

    page.get_by_role("link", name="Back to the site").click()
    page.wait_for_url(f"**{reverse('dashboard')}")
    expect(page.get_by_role("heading", name="Hello, Tara Trainer")).to_be_visible()
