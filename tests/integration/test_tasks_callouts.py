"""A Plan B call-out from start to end with a real Celery worker on a real Redis: the
first circle is e-mailed from the worker, escalation runs on the worker (twice, and still
calls each person once), the unit is reached, and closing tells the people available."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from advocacy.callouts import callout_answer, callout_close, callout_open
from advocacy.models import CallOut, CallOutResponder, CallOutUnit
from advocacy.tasks import callout_escalate_task, callouts_escalate_due
from core.models import NotificationLog
from tests.advocacy.planb_world import planb_world
from tests.factories import UserFactory, add_role

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TIMEOUT = 20


def _wait_for(condition, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _plan_b_mail(subject_part: str = "Plan B") -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


@pytest.fixture
def world(transactional_db):
    return planb_world()


def test_a_call_out_runs_on_the_worker(world, celery_worker):
    """Open, answer, escalate (twice), reach, close: the e-mails come from the worker,
    once per person."""
    lead = add_role(UserFactory(email="lead@spoke.example"), "Advocacy lead")
    with transaction.atomic():
        call_out = callout_open(
            by=lead,
            units=[world.alpha],
            title="Trains stuck",
            brief="Signal failure.",
            channels="X",
            holding_statement="We are on it.",
            is_drill=True,
        )
    assert not celery_worker.conf.task_always_eager
    assert _wait_for(lambda: len(_plan_b_mail()) == 2)
    assert _plan_b_mail() == ["ann@spoke.example", "ari@spoke.example"]

    ann = call_out.responders.get(user=world.people["ann"])
    callout_answer(responder=ann, answer=CallOutResponder.Answer.NOW)

    # Time passes: the next circle is due. The scheduled task and the beat sweep both run.
    CallOut.objects.filter(pk=call_out.pk).update(escalate_at=timezone.now() - timedelta(seconds=1))
    first = callout_escalate_task.delay(call_out_id=call_out.pk)
    second = callout_escalate_task.delay(call_out_id=call_out.pk)
    sweep = callouts_escalate_due.delay()
    assert sorted(
        [first.get(timeout=TIMEOUT), second.get(timeout=TIMEOUT), sweep.get(timeout=TIMEOUT)]
    ) == [0, 0, 1]
    assert _wait_for(lambda: "abe@spoke.example" in _plan_b_mail())
    assert CallOut.objects.get(pk=call_out.pk).stage == CallOut.Stage.ADVOCATES

    ari = call_out.responders.get(user=world.people["ari"])
    callout_answer(responder=ari, answer=CallOutResponder.Answer.NOW)
    assert CallOutUnit.objects.get(call_out=call_out).reached_at is not None
    CallOut.objects.filter(pk=call_out.pk).update(escalate_at=timezone.now() - timedelta(seconds=1))
    assert callouts_escalate_due.delay().get(timeout=TIMEOUT) == 0  # reached: nobody more

    callout_close(call_out=CallOut.objects.get(pk=call_out.pk), by=lead)
    assert _wait_for(lambda: len(_plan_b_mail("Drill over")) == 2)
    time.sleep(0.5)  # anything sent twice would have arrived by now
    assert _plan_b_mail() == ["abe@spoke.example", "ann@spoke.example", "ari@spoke.example"]
    assert NotificationLog.objects.filter(key__startswith="planb:").count() == 5
