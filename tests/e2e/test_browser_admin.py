"""In a browser, with the demo content: who gets into the Wagtail admin at /admin/."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from people.models import User

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEMO_PASSWORD = "spoke-demo"


@pytest.fixture
def demo(live_server):
    """The demo company and its accounts, as `make demo` seeds them."""
    call_command("seed_demo", stdout=io.StringIO())


def _first_name(email: str) -> str:
    return User.objects.get(email=email).first_name


def test_trainer_gets_into_the_wagtail_admin_and_learner_does_not(
    demo, new_page, log_in, screenshot
):
    """The demo trainer reaches Wagtail's dashboard at /admin/; the demo learner is refused.

    One test for both, so the demo is seeded once: it is the slowest part.
    """
    trainer = new_page()
    log_in(trainer, email="trainer@spoke.example", password=DEMO_PASSWORD)
    name = _first_name("trainer@spoke.example")
    expect(trainer.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Hello, {name}\b"))
    screenshot(trainer, "dashboard-trainer")
    trainer.goto("/admin/")
    assert urlsplit(trainer.url).path == "/admin/"
    expect(trainer.locator(".w-dashboard h1")).to_have_text("Spoke")
    screenshot(trainer, "wagtail-admin-trainer")

    learner = new_page()
    log_in(learner, email="learner@spoke.example", password=DEMO_PASSWORD)
    name = _first_name("learner@spoke.example")
    expect(learner.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Hello, {name}\b"))
    screenshot(learner, "dashboard-learner")
    response = learner.goto("/admin/")
    assert response is not None
    assert response.ok
    assert urlsplit(learner.url).path != "/admin/"
    expect(learner.locator(".w-dashboard")).to_have_count(0)
    expect(learner.get_by_text("You do not have permission to access the admin")).to_be_visible()
    screenshot(learner, "wagtail-admin-learner-refused")
