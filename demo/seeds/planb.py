"""Demo Plan B call-outs for Kestrel Rail, replayed through the services: a drill three
weeks ago (both units reached) and a real call-out four days ago that closed short, so the
readiness report's "response" column and the Plan B pages have something to show.

The content is ``demo/content/planb.yaml``. Each call-out is opened at its time in the
past (whoever was ready then is called), answered by the people it called, escalated when
its next circle was due, and closed. Run again, it writes nothing (a call-out with the same
title is left as it is). Nothing is sent (:func:`demo.helpers.nothing_after_commit`).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from advocacy.callouts import callout_answer, callout_close, callout_escalate, callout_open
from advocacy.models import CallOut
from demo.content import load_yaml
from demo.helpers import nothing_after_commit
from people.models import BusinessUnit, User


def demo_planb_seed() -> dict[str, int]:
    content = load_yaml("planb.yaml")
    lead = User.objects.get(email=content["opened_by"])
    units = BusinessUnit.objects.in_bulk(field_name="slug")
    written = 0
    for plan in content["call_outs"]:
        if CallOut.objects.filter(title=plan["title"]).exists():
            continue
        with transaction.atomic(), nothing_after_commit():
            _replay(plan, lead=lead, units=units)
        written += 1
    return {"call-outs": written}


def _replay(plan: dict, *, lead: User, units: dict) -> None:
    opened = (timezone.now() - timedelta(days=plan["days_ago"])).replace(second=0, microsecond=0)
    call_out = callout_open(
        by=lead,
        units=[units[slug] for slug in plan["units"] if slug in units],
        title=plan["title"],
        brief=plan["brief"],
        channels=plan["channels"],
        holding_statement=plan["holding_statement"],
        playbook_url=plan.get("playbook_url", ""),
        is_drill=plan["drill"],
        wanted=plan["wanted"],
        escalate_after=plan["escalate_after"],
        now=opened,
    )
    answers = sorted(plan["answers"], key=lambda answer: answer[1])
    close_at = opened + timedelta(minutes=plan["close_after"])
    moment = opened
    while moment < close_at:
        moment += timedelta(minutes=1)
        for answer, minutes in answers:
            if opened + timedelta(minutes=minutes) == moment:
                waiting = call_out.responders.filter(answered_at__isnull=True).order_by("pk")
                responder = waiting.first()
                if responder is not None:
                    callout_answer(responder=responder, answer=answer, now=moment)
        callout_escalate(call_out_id=call_out.pk, now=moment)
    callout_close(call_out=CallOut.objects.get(pk=call_out.pk), by=lead, now=close_at)
