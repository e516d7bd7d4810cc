"""In a browser: an advocacy lead opens a Plan B drill for Alpha (told beforehand that a
unit has nobody ready), two ready people answer from their e-mail's link without logging
in, the lead's page follows the answers by itself, and the lead closes the drill."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from advocacy import views_planb
from advocacy.models import CallOut
from tests.advocacy.planb_world import planb_world
from tests.factories import BusinessUnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _answer_link(to: str) -> str:
    message = next(m for m in mail.outbox if to in m.to and "Plan B" in m.subject)
    return re.search(r"/plan-b/answer/\S+/", message.body).group(0)  # on the live server


def test_a_drill_from_opening_to_closing(
    live_server, lead, password, new_page, log_in, screenshot, monkeypatch
):
    world = planb_world()
    BusinessUnitFactory(name="Delta", parent=world.hub)
    EmailAddress.objects.create(user=lead, email=lead.email, primary=True, verified=True)
    monkeypatch.setattr(views_planb, "POLL_SECONDS", 1)
    console_errors: list[str] = []

    leo = new_page()
    leo.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    log_in(leo, email=lead.email, password=password)
    leo.get_by_role("link", name="Plan B").click()
    expect(leo.get_by_text("No call-out is open. Good.")).to_be_visible()
    leo.get_by_role("link", name="Open a call-out").click()

    leo.get_by_label("Alpha: 2 ready of 4").check()
    leo.get_by_label("Delta: 0 ready of 0").check()
    leo.get_by_label("What happened").fill("Trains stuck near Utrecht")
    leo.get_by_label("Drill").check()
    leo.get_by_label("Brief").fill("Signal failure; two hours at least.")
    leo.get_by_label("Channels").fill("X replies, the Facebook page")
    leo.get_by_label("Holding statement").fill("We are sorry: trains near Utrecht are stuck.")
    leo.get_by_label("Crisis playbook").fill("https://intranet.example/playbook")
    leo.get_by_role("button", name="Call people now").click()
    # Delta has nobody ready: said before anything is sent, and nothing typed is lost.
    expect(
        leo.get_by_role("link", name=re.compile("^Nobody is ready for a bad day in Delta"))
    ).to_be_visible()
    expect(leo.get_by_label("What happened")).to_have_value("Trains stuck near Utrecht")
    assert not CallOut.objects.exists()
    leo.get_by_label("Delta: 0 ready of 0").uncheck()
    leo.get_by_role("button", name="Call people now").click()
    expect(leo.get_by_text("Drill opened: people are being called.")).to_be_visible()
    board = leo.locator("[data-planb-live]")
    expect(board).to_contain_text("0 of 2 available now, 2 more wanted")
    expect(board).to_contain_text("Ann Test")
    screenshot(leo, "planb-lead-opened")

    ann = new_page()
    ann.goto(_answer_link("ann@spoke.example"))
    expect(ann.get_by_role("heading", name=re.compile("Trains stuck near Utrecht"))).to_be_visible()
    expect(ann.get_by_text("This is a drill")).to_be_visible()
    ann.get_by_role("button", name="Available now").click()
    expect(ann.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(board).to_contain_text("1 of 2 available now, 1 more wanted")  # by itself

    ari = new_page()
    ari.goto(_answer_link("ari@spoke.example"))
    ari.get_by_role("button", name="Available now").click()
    expect(board).to_contain_text("2 available now, enough")
    screenshot(leo, "planb-lead-reached")

    leo.get_by_role("link", name="Close the call-out").click()
    leo.get_by_role("button", name="Close the call-out").click()
    expect(leo.get_by_text("Call-out closed. Thank you, everyone.")).to_be_visible()
    assert [m.subject for m in mail.outbox if "Drill over" in m.subject] == [
        "Drill over: Trains stuck near Utrecht"
    ] * 2
    assert not console_errors
