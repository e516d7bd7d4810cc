"""In a browser: a trainer asks an ambassador to coach a cohort, the coach gives feedback
on a learner's work against the rubric (an empty try first: told why, ticks kept), the
learner reads it as a coach's, and the trainer endorses it from the review screen."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from advocacy.models import CoachFeedback, CohortCoach
from competencies.models import CompetencyEvidence
from tests.advocacy.coaching_world import coaching_world

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _verified(*people):
    for person in people:
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)


def test_coaching_from_asking_to_endorsing(live_server, trainer, password, new_page, log_in):
    world = coaching_world(trainer=trainer)
    CohortCoach.objects.all().delete()  # the trainer asks in the browser
    amira, lena = world.people["amira"], world.people["lena"]
    _verified(trainer, amira, lena)

    tara = new_page()
    log_in(tara, email=trainer.email, password=password)
    tara.goto(reverse("coaching:coaches", args=[world.cohort.pk]))
    expect(tara.get_by_text("Nobody coaches this cohort yet.")).to_be_visible()
    tara.get_by_label("Ambassador").select_option(label="Amira Abbas")
    tara.get_by_role("button", name="Ask them to coach").click()
    expect(tara.get_by_text("Amira Abbas now coaches this cohort")).to_be_visible()

    coach = new_page()
    log_in(coach, email=amira.email, password=password)
    coach.goto(reverse("coaching:home"))
    coach.get_by_role("link", name="Replying well").click()
    coach.get_by_role("link", name="Reply to a complaint").click()
    first = world.assignment.criteria.order_by("sort_order", "pk").first()
    coach.get_by_label(first.description).check()
    coach.get_by_role("button", name="Give feedback").click()
    expect(coach.get_by_role("link", name="Say something the learner can act on.")).to_be_visible()
    expect(coach.get_by_label(first.description)).to_be_checked()
    coach.get_by_label("Your feedback").fill("Warm and quick. Say when the next update comes.")
    coach.get_by_role("button", name="Give feedback").click()
    expect(coach.get_by_text("Thank you: the learner can read your feedback.")).to_be_visible()

    learner = new_page()
    log_in(learner, email=lena.email, password=password)
    learner.goto(reverse("assessments:work", args=[world.cohort.pk, world.assignment.pk]))
    section = learner.locator("[data-section=coach-feedback]")
    expect(section).to_contain_text("Amira Abbas, coach")
    expect(section).to_contain_text("Say when the next update comes.")
    expect(section).to_contain_text(first.description)

    tara.goto(reverse("assessments_admin:review", args=[world.work["lena"].pk]))
    review = tara.locator("[data-section=coach-feedback]")
    expect(review).to_contain_text("Warm and quick.")
    review.get_by_role("button", name="Endorse this coaching").click()
    expect(tara.get_by_text("Endorsed: Amira Abbas's coaching is recorded.")).to_be_visible()
    assert CoachFeedback.objects.get().endorsed_by == trainer
    assert CompetencyEvidence.objects.filter(user=amira, level=4).count() == 1
