"""Plan B call-outs: who is called, in which circle, once; answers; reaching the wanted
number; closing. On the hand-counted company of ``planb_world``."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from advocacy.callouts import (
    callout_answer,
    callout_answer_token,
    callout_close,
    callout_escalate,
    callout_open,
    callout_responder_from_token,
    callout_unit_choices,
    callouts_escalate_due,
)
from advocacy.models import CallOut, CallOutResponder, CallOutUnit, PolicyAcknowledgement
from cms.models import PolicyVersion
from core.models import NotificationLog
from tests.factories import PolicyPageFactory

from .planb_world import planb_world

Circle = CallOutResponder.Circle
Answer = CallOutResponder.Answer
BRIEF = {
    "title": "Trains stuck near Utrecht",
    "brief": "Signal failure; two hours at least.",
    "channels": "X replies & the Facebook page",
    "holding_statement": "We're sorry: trains near Utrecht are stuck. Updates every 30 min.",
    "playbook_url": "https://intranet.example/playbook",
}


@pytest.fixture
def world(db):
    return planb_world()


def _open(by, units, capture, **fields):
    with capture(execute=True):
        return callout_open(by=by, units=units, **(BRIEF | fields))


def _called(call_out) -> dict[str, str]:
    return {r.user.first_name.lower(): r.circle for r in call_out.responders.select_related("user")}


def _answer(call_out, name, answer, *, now=None):
    responder = call_out.responders.get(user__first_name=name.capitalize())
    return callout_answer(responder=responder, answer=answer, now=now)


def test_opening_calls_the_ready_people_of_the_unit_and_below(
    world, lead, django_capture_on_commit_callbacks
):
    """Ann and Ari (Alpha One is below Alpha) are ready; Abe, Amy and the inactive Ada are
    not called; each gets one e-mail with a signed answer link, in plain text."""
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    assert _called(call_out) == {"ann": Circle.READY, "ari": Circle.READY}
    assert call_out.stage == CallOut.Stage.READY
    assert call_out.escalate_at == call_out.opened_at + timedelta(minutes=15)
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@spoke.example", "ari@spoke.example"]
    message = mail.outbox[0]
    assert message.subject == "Plan B: Trains stuck near Utrecht (Alpha) — are you available?"
    assert "X replies & the Facebook page" in message.body  # not HTML-escaped
    assert "We're sorry" in message.body
    assert "/plan-b/answer/" in message.body
    assert "https://intranet.example/playbook" in message.body


def test_a_drill_says_so_in_every_message(world, hr, django_capture_on_commit_callbacks):
    """A drill's subject and body say it is a drill."""
    _open(hr, [world.beta], django_capture_on_commit_callbacks, is_drill=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Drill: Plan B:")
    assert "THIS IS A DRILL" in mail.outbox[0].body


def test_the_readiness_rule_asks_for_the_current_policy(
    world, lead, django_capture_on_commit_callbacks
):
    """Once a policy is published, only those who acknowledged it are ready (the rule the
    readiness report counts with)."""
    PolicyPageFactory()
    version = PolicyVersion.objects.get()
    PolicyAcknowledgement.objects.create(
        user=world.people["ari"], version=version, acknowledged_at=timezone.now()
    )
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    assert _called(call_out) == {"ari": Circle.READY}


def test_circles_follow_one_another_for_units_still_short(
    world, lead, django_capture_on_commit_callbacks
):
    """Not due: nothing. Then Alpha's advocate (Abe); then the ready people of Alpha's
    neighbours (Bea in Beta, Gus in Gamma); then nobody more."""
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    due = call_out.escalate_at
    with django_capture_on_commit_callbacks(execute=True):
        assert callout_escalate(call_out_id=call_out.pk, now=due - timedelta(seconds=1)) == 0
        assert callout_escalate(call_out_id=call_out.pk, now=due) == 1
    call_out.refresh_from_db()
    assert call_out.stage == CallOut.Stage.ADVOCATES
    assert _called(call_out)["abe"] == Circle.ADVOCATE
    with django_capture_on_commit_callbacks(execute=True):
        assert callout_escalate(call_out_id=call_out.pk, now=due) == 0  # the circle is taken
        assert callouts_escalate_due(now=call_out.escalate_at) == 2
    call_out.refresh_from_db()
    assert call_out.stage == CallOut.Stage.NEIGHBOURS
    assert call_out.escalate_at is None
    called = _called(call_out)
    assert (called["bea"], called["gus"]) == (Circle.NEIGHBOUR, Circle.NEIGHBOUR)
    assert "gil" not in called
    assert "amy" not in called
    # Neighbours count for the unit they were called for.
    assert {r.called_for.unit for r in call_out.responders.all()} == {world.alpha}
    with django_capture_on_commit_callbacks(execute=True):
        assert callouts_escalate_due(now=due + timedelta(hours=5)) == 0
    assert len(mail.outbox) == 5  # Ann, Ari, Abe, Bea, Gus: once each
    assert NotificationLog.objects.filter(key__startswith="planb:called:").count() == 5


def test_nobody_is_called_twice_even_if_everything_runs_twice(
    world, lead, django_capture_on_commit_callbacks
):
    """Escalation replayed and e-mails sent again: one row and one e-mail per person."""
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    later = call_out.opened_at + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            callouts_escalate_due(now=later)
            CallOut.objects.filter(pk=call_out.pk).update(escalate_at=later)
    assert call_out.responders.count() == 5
    assert len(mail.outbox) == 5


def test_a_unit_with_its_wanted_number_is_reached_and_not_escalated(
    world, lead, django_capture_on_commit_callbacks
):
    """Two "available now" reach Alpha (wanted 2); the time is kept even when an answer
    changes; the next circle is not called."""
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    first = call_out.opened_at + timedelta(minutes=3)
    second = call_out.opened_at + timedelta(minutes=7)
    _answer(call_out, "ann", Answer.NOW, now=first)
    assert CallOutUnit.objects.get(call_out=call_out).reached_at is None
    _answer(call_out, "ari", Answer.NOW, now=second)
    assert CallOutUnit.objects.get(call_out=call_out).reached_at == second
    _answer(call_out, "ari", Answer.NOT, now=second + timedelta(minutes=1))
    assert CallOutUnit.objects.get(call_out=call_out).reached_at == second
    with django_capture_on_commit_callbacks(execute=True):
        assert callouts_escalate_due(now=call_out.escalate_at) == 0
    assert len(mail.outbox) == 2


def test_later_and_not_available_do_not_count(world, lead, django_capture_on_commit_callbacks):
    """Only "available now" counts toward the wanted number."""
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    _answer(call_out, "ann", Answer.LATER)
    _answer(call_out, "ari", Answer.NOT)
    assert CallOutUnit.objects.get(call_out=call_out).reached_at is None


def test_a_unit_without_anyone_ready_goes_to_the_next_circle_at_once(
    world, lead, django_capture_on_commit_callbacks
):
    """Gamma's Gil is not ready and Gamma has no advocate: only Gus is ready, so he is
    called; for a unit with nobody ready nor on the roster, the neighbours are called."""
    world.people["gus"].unit = world.beta
    world.people["gus"].save()
    call_out = _open(lead, [world.gamma], django_capture_on_commit_callbacks)
    assert call_out.stage == CallOut.Stage.NEIGHBOURS
    assert _called(call_out) == {
        "ann": Circle.NEIGHBOUR,
        "ari": Circle.NEIGHBOUR,
        "bea": Circle.NEIGHBOUR,
        "gus": Circle.NEIGHBOUR,
    }


def test_nested_units_count_people_for_the_nearest_unit_called(
    world, hr, django_capture_on_commit_callbacks
):
    """Alpha and Alpha One both called: Ari counts for Alpha One, Ann for Alpha."""
    call_out = _open(hr, [world.alpha, world.alpha_one], django_capture_on_commit_callbacks)
    found = {r.user.first_name: r.called_for.unit.name for r in call_out.responders.all()}
    assert found == {"Ann": "Alpha", "Ari": "Alpha One"}


@pytest.mark.parametrize("role", ["learner", "manager", "trainer"])
def test_only_the_hub_opens_and_closes(world, request, role, lead):
    """Learners, managers and trainers may not open or close a call-out."""
    person = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        callout_open(by=person, units=[world.alpha], **BRIEF)
    call_out = callout_open(by=lead, units=[world.alpha], **BRIEF)
    with pytest.raises(PermissionDenied):
        callout_close(call_out=call_out, by=person)


def test_closing_tells_the_available_people_once_and_stops_answers(
    world, lead, django_capture_on_commit_callbacks
):
    """Ann (now) and Ari (later) hear they can stand down; nobody else is called; answers
    are refused; closing twice is refused."""
    world.people["bea"].unit = world.alpha
    world.people["bea"].save()
    call_out = _open(lead, [world.alpha], django_capture_on_commit_callbacks)
    _answer(call_out, "ann", Answer.NOW)
    _answer(call_out, "ari", Answer.LATER)
    _answer(call_out, "bea", Answer.NOT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        callout_close(call_out=call_out, by=lead)
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@spoke.example", "ari@spoke.example"]
    assert mail.outbox[0].subject == "Stand down: Trains stuck near Utrecht"
    with pytest.raises(ValidationError):
        _answer(call_out, "ann", Answer.NOT)
    with pytest.raises(ValidationError):
        callout_close(call_out=call_out, by=lead)
    assert callouts_escalate_due(now=timezone.now() + timedelta(days=1)) == 0


def test_answer_tokens_are_checked(world, lead):
    """A token finds its person; a tampered one, another salt's or a stale one does not."""
    call_out = callout_open(by=lead, units=[world.alpha], **BRIEF)
    responder = call_out.responders.first()
    token = callout_answer_token(responder=responder)
    assert callout_responder_from_token(token) == responder
    assert callout_responder_from_token(token[:-2] + "xx") is None
    assert callout_responder_from_token("garbage") is None
    assert callout_responder_from_token("") is None
    from django.core import signing

    forged = signing.dumps({"c": call_out.pk, "u": responder.user_id}, salt="other")
    assert callout_responder_from_token(forged) is None
    odd = signing.dumps({"c": "x"}, salt="advocacy.callout-answer")
    assert callout_responder_from_token(odd) is None


def test_an_unknown_answer_is_refused(world, lead):
    call_out = callout_open(by=lead, units=[world.alpha], **BRIEF)
    for answer in ("pending", "maybe", ""):
        with pytest.raises(ValidationError):
            _answer(call_out, "ann", answer)


def test_the_unit_choices_count_people_and_ready_people_below(world):
    """Alpha: 4 active people (Ann, Abe, Amy, Ari), 2 ready; the hub: 7 and 4."""
    found = {c.unit.name: (c.people, c.ready) for c in callout_unit_choices()}
    assert found == {
        "Hub": (7, 4),
        "Alpha": (4, 2),
        "Alpha One": (1, 1),
        "Beta": (1, 1),
        "Gamma": (2, 1),
    }


def test_neighbours_of_several_short_units_are_shared_out(
    world, lead, django_capture_on_commit_callbacks
):
    """Beta and Gamma called (Bea and Gus ready, nobody on the roster there): their
    neighbours are Alpha and Alpha One below it; Ann counts for Beta, Ari for Gamma."""
    call_out = _open(lead, [world.beta, world.gamma], django_capture_on_commit_callbacks)
    assert _called(call_out) == {"bea": Circle.READY, "gus": Circle.READY}
    with django_capture_on_commit_callbacks(execute=True):
        assert callouts_escalate_due(now=call_out.escalate_at) == 2
    found = {
        r.user.first_name: (r.circle, r.called_for.unit.name)
        for r in call_out.responders.select_related("called_for__unit", "user")
    }
    assert found == {
        "Bea": (Circle.READY, "Beta"),
        "Gus": (Circle.READY, "Gamma"),
        "Ann": (Circle.NEIGHBOUR, "Beta"),
        "Ari": (Circle.NEIGHBOUR, "Gamma"),
    }


def test_people_below_a_unit_already_reached_are_not_called_for_the_unit_above(
    world, lead, django_capture_on_commit_callbacks
):
    """Alpha One reached: at the next circle Alpha's advocate is called, not for Alpha One."""
    call_out = _open(
        lead, [world.alpha, world.alpha_one], django_capture_on_commit_callbacks, wanted=1
    )
    _answer(call_out, "ari", Answer.NOW)
    assert CallOutUnit.objects.get(call_out=call_out, unit=world.alpha_one).reached_at
    with django_capture_on_commit_callbacks(execute=True):
        assert callouts_escalate_due(now=call_out.escalate_at) == 1
    abe = call_out.responders.get(user=world.people["abe"])
    assert (abe.circle, abe.called_for.unit) == (Circle.ADVOCATE, world.alpha)
