"""Plan B and coaching in a person's copy and at their erasure: a coach's words about the
learner's work go with the learner; answers to call-outs and coaching given stay for the
figures and the coaching evidence."""

import pytest
from django.utils import timezone

from advocacy.coaching import coach_feedback_give
from advocacy.models import CallOut, CallOutResponder, CallOutUnit, CoachFeedback
from advocacy.privacy import roster_work_erase, roster_work_export
from tests.factories import BusinessUnitFactory

from .coaching_world import coaching_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(trainer):
    world = coaching_world(trainer=trainer)
    criteria = list(world.assignment.criteria.order_by("sort_order", "pk"))[:1]
    coach_feedback_give(
        submission=world.work["lena"],
        coach=world.people["amira"],
        text="Warm and quick.",
        criteria=criteria,
    )
    lena = world.people["lena"]
    now = timezone.now()
    call_out = CallOut.objects.create(
        title="Trains stuck at the border",
        brief="Two hours late.",
        channels="LinkedIn",
        holding_statement="We are on it.",
        is_drill=True,
        opened_at=now,
        opened_by=trainer,
    )
    unit = CallOutUnit.objects.create(call_out=call_out, unit=BusinessUnitFactory(name="Sales"))
    CallOutResponder.objects.create(
        call_out=call_out,
        called_for=unit,
        user=lena,
        circle=CallOutResponder.Circle.READY,
        answer=CallOutResponder.Answer.NOW,
        called_at=now,
        answered_at=now,
    )
    return world


def test_the_copy_holds_calls_coaching_given_and_received(world, trainer):
    (lena,) = roster_work_export(user=world.people["lena"])
    assert [call["answer"] for call in lena.data["plan_b_calls"]] == ["now"]
    assert [f["feedback"] for f in lena.data["coaching_feedback_on_your_work"]] == [
        "Warm and quick."
    ]
    (amira,) = roster_work_export(user=world.people["amira"])
    assert [f["feedback"] for f in amira.data["coaching_feedback_you_gave"]] == ["Warm and quick."]
    assert amira.data["cohorts_you_coach"]
    (opener,) = roster_work_export(user=trainer)
    assert opener.data["plan_b_call_outs_opened_or_closed"] == ["Trains stuck at the border"]


def test_erasing_the_learner_removes_the_coachs_words_and_keeps_the_answer(world):
    part = roster_work_erase(user=world.people["lena"], pseudonym="Erased person 7f3a")
    assert part.deleted == {"coaches' feedback on their work": 1}
    assert part.kept["call-out answers"] == 1
    assert CoachFeedback.objects.get().text == ""
    assert CallOutResponder.objects.get().answer == CallOutResponder.Answer.NOW


def test_erasing_the_coach_keeps_their_coaching(world):
    part = roster_work_erase(user=world.people["amira"], pseudonym="Erased person 9b1c")
    assert part.deleted == {}
    assert part.kept["coaching feedback given"] == 1
    assert CoachFeedback.objects.get().text == "Warm and quick."
