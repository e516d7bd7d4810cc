"""Plan B call-outs: the hub calls the people who are ready for a bad day.

A call-out is opened for one or more units. Spoke calls circles of people, one after the
other, for the units still short of the wanted number of people "available now":

1. the people of those units (and the units below them) who are ready for a bad day, by
   the readiness rule the reports count with (``selectors.crisis_ready``);
2. ``escalate_after`` minutes later, the active advocates and ambassadors of those units;
3. again later, the ready people of neighbouring units (the units beside them under the
   same parent: the hub's other spokes).

A circle that finds nobody to call gives way to the next one at once. Escalation runs on
the worker: a task scheduled with a countdown when a circle is called, and a beat sweep
every minute for anything a countdown missed (and for the embedded default, where tasks run
in-process at once and a countdown means nothing). Both are safe to run twice: a circle is
claimed with a conditional update of the call-out's ``stage``, each person is called once
per call-out (a unique row in ``CallOutResponder``) and each e-mail is keyed.

People answer from the e-mail's signed link (a confirmation page, then a POST) or from the
page: available now, later, or not. A unit is "reached" the first time it has ``wanted``
people available now; the time from opening to that moment is the call-out's response for
the unit, shown in the readiness report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.selectors import policy_current
from core.personcache import person_changed
from core.tasks import notify_after_commit
from people import roles
from people.models import BusinessUnit
from people.selectors import UnitTree

from .models import CallOut, CallOutResponder, CallOutUnit, RosterMembership
from .selectors import crisis_competencies, crisis_ready

Stage = CallOut.Stage
Circle = CallOutResponder.Circle
Answer = CallOutResponder.Answer
EMAIL = "advocacy/email/"
ANSWER_LINK_SALT = "advocacy.callout-answer"
TOKEN_MAX_AGE = timedelta(days=3)  # long enough for a drill read on Monday morning
CIRCLE_OF_STAGE = {Stage.READY: Circle.READY, Stage.ADVOCATES: Circle.ADVOCATE}


def user_may_call_out(user) -> bool:
    """The hub: HR, advocacy leads and site admins open, watch and close call-outs."""
    return roles.user_is_hr(user) or roles.user_is_advocacy_lead(user)


# --- Reads ----------------------------------------------------------------------------------


def _people() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, unit__isnull=False)


def ready_people(*, unit_ids: set[int], now: datetime) -> QuerySet:
    """The active people of ``unit_ids`` who are ready for a bad day at ``now``."""
    return crisis_ready(
        _people().filter(unit_id__in=unit_ids),
        crisis=crisis_competencies(),
        version=policy_current(),
        as_of=now,
    )


@dataclass(frozen=True)
class UnitChoice:
    unit: BusinessUnit
    depth: int
    people: int
    ready: int


def callout_unit_choices(*, now: datetime | None = None) -> list[UnitChoice]:
    """Every unit with its people and its ready people (the unit and those below it), for
    the form that opens a call-out: who would be called, before anything is sent. A fixed
    number of queries whatever the number of people."""
    now = now or timezone.now()
    tree = UnitTree.load()
    headcount = dict(_people().values_list("unit_id").annotate(n=Count("pk")))
    ready = dict(
        ready_people(unit_ids=set(tree.units), now=now)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    choices = []
    for unit, depth in tree.ordered():
        below = tree.subtree(unit.pk)
        choices.append(
            UnitChoice(
                unit=unit,
                depth=depth,
                people=sum(headcount.get(pk, 0) for pk in below),
                ready=sum(ready.get(pk, 0) for pk in below),
            )
        )
    return choices


@dataclass
class UnitBoard:
    called: CallOutUnit
    wanted: int
    counts: dict[str, int] = field(default_factory=dict)
    responders: list[CallOutResponder] = field(default_factory=list)

    @property
    def now(self) -> int:
        return self.counts.get(Answer.NOW, 0)

    @property
    def met(self) -> bool:
        return self.now >= self.wanted

    @property
    def still_wanted(self) -> int:
        return max(0, self.wanted - self.now)


@dataclass(frozen=True)
class Board:
    call_out: CallOut
    units: list[UnitBoard]

    @property
    def called(self) -> int:
        return sum(len(unit.responders) for unit in self.units)

    @property
    def all_met(self) -> bool:
        return bool(self.units) and all(unit.met for unit in self.units)


def callout_board(*, call_out: CallOut) -> Board:
    """Who was called for each unit and what they answered. Two queries."""
    units = {
        called.pk: UnitBoard(called=called, wanted=call_out.wanted)
        for called in call_out.units.select_related("unit").order_by("unit__name")
    }
    for responder in call_out.responders.select_related("user", "user__unit").order_by(
        "user__last_name", "user__first_name", "pk"
    ):
        board = units.get(responder.called_for_id)
        if board is None:
            continue
        board.responders.append(responder)
        board.counts[responder.answer] = board.counts.get(responder.answer, 0) + 1
    return Board(call_out=call_out, units=list(units.values()))


def callouts_for_hub(*, is_open: bool | None = None) -> QuerySet[CallOut]:
    """Every call-out (or only the open or the closed ones), newest first, with its units
    and how many answered "now"."""
    call_outs = CallOut.objects.all()
    if is_open is not None:
        call_outs = call_outs.filter(closed_at__isnull=is_open)
    return call_outs.prefetch_related("units__unit").annotate(
        called=Count("responders", distinct=True),
        available=Count("responders", filter=Q(responders__answer=Answer.NOW), distinct=True),
    )


def callouts_for_person(*, user) -> QuerySet[CallOutResponder]:
    """The call-outs ``user`` was called in, newest first."""
    return (
        CallOutResponder.objects.filter(user=user)
        .select_related("call_out", "called_for__unit")
        .order_by("-call_out__opened_at", "-pk")
    )


def callout_get(pk: int) -> CallOut | None:
    return CallOut.objects.select_related("opened_by", "closed_by").filter(pk=pk).first()


@dataclass(frozen=True)
class UnitResponse:
    """A unit's latest call-out: how long it took to have the wanted number available."""

    call_out_id: int
    title: str
    is_drill: bool
    opened_at: datetime
    reached_at: datetime | None
    is_open: bool

    @property
    def took(self) -> timedelta | None:
        return self.reached_at - self.opened_at if self.reached_at else None


def callout_responses(*, unit_ids: set[int], start: datetime | None, end: datetime) -> dict:
    """For each unit of ``unit_ids`` called between ``start`` and ``end``, the rows of its
    call-outs, latest first: ``{unit_id: [UnitResponse, ...]}``. One query; for the
    readiness report's "response" column."""
    rows = CallOutUnit.objects.filter(
        unit_id__in=unit_ids, call_out__opened_at__lte=end
    ).select_related("call_out")
    if start is not None:
        rows = rows.filter(call_out__opened_at__gte=start)
    found: dict[int, list[UnitResponse]] = defaultdict(list)
    for row in rows.order_by("-call_out__opened_at", "-call_out_id"):
        found[row.unit_id].append(
            UnitResponse(
                call_out_id=row.call_out_id,
                title=row.call_out.title,
                is_drill=row.call_out.is_drill,
                opened_at=row.call_out.opened_at,
                reached_at=row.reached_at,
                is_open=row.call_out.is_open,
            )
        )
    return dict(found)


# --- Signed answer links ------------------------------------------------------------------


def callout_answer_token(*, responder: CallOutResponder) -> str:
    return signing.dumps(
        {"c": responder.call_out_id, "u": responder.user_id}, salt=ANSWER_LINK_SALT
    )


def callout_responder_from_token(token: str) -> CallOutResponder | None:
    """The person and call-out a link was made for; ``None`` when the link is forged,
    mangled or older than ``TOKEN_MAX_AGE``."""
    try:
        data = signing.loads(token, salt=ANSWER_LINK_SALT, max_age=TOKEN_MAX_AGE)
        call_out_id, user_id = int(data["c"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        CallOutResponder.objects.select_related("call_out", "called_for__unit", "user")
        .filter(call_out_id=call_out_id, user_id=user_id)
        .first()
    )


# --- Writes ---------------------------------------------------------------------------------


def callout_open(
    *,
    by,
    units: list[BusinessUnit],
    title: str,
    brief: str,
    channels: str,
    holding_statement: str,
    playbook_url: str = "",
    is_drill: bool = False,
    wanted: int = 2,
    escalate_after: int = 15,
    now: datetime | None = None,
) -> CallOut:
    """Open a call-out for ``units`` and call their ready people (or, when none is ready,
    the next circle with anyone in it). The e-mails leave after the commit, on the worker."""
    if not user_may_call_out(by):
        raise PermissionDenied
    units = list({unit.pk: unit for unit in units}.values())
    if not units:
        raise ValidationError(_("Choose at least one unit."))
    now = now or timezone.now()
    with transaction.atomic():
        call_out = CallOut.objects.create(
            title=title,
            brief=brief,
            channels=channels,
            holding_statement=holding_statement,
            playbook_url=playbook_url,
            is_drill=is_drill,
            wanted=wanted,
            escalate_after=escalate_after,
            stage=Stage.READY,
            opened_at=now,
            opened_by=by,
        )
        CallOutUnit.objects.bulk_create(
            [CallOutUnit(call_out=call_out, unit=unit) for unit in units]
        )
        _call_from(call_out, Stage.READY, now=now)
    return call_out


def _call_from(call_out: CallOut, stage: int, *, now: datetime) -> int:
    """Call circle ``stage`` (and the next ones while a circle finds nobody); set when the
    next circle is due and schedule it. Inside the caller's transaction. Returns how many
    people were called."""
    called = 0
    while True:
        called = _call_circle(call_out, stage, now=now)
        if called or stage >= Stage.NEIGHBOURS:
            break
        stage += 1
    call_out.stage = stage
    call_out.escalate_at = (
        now + timedelta(minutes=call_out.escalate_after) if stage < Stage.NEIGHBOURS else None
    )
    call_out.save(update_fields=["stage", "escalate_at", "updated_at"])
    if call_out.escalate_at is not None:
        from .tasks import callout_escalate_task

        pk, countdown = call_out.pk, call_out.escalate_after * 60
        transaction.on_commit(
            lambda: callout_escalate_task.apply_async(
                kwargs={"call_out_id": pk}, countdown=countdown
            )
        )
    return called


def _call_circle(call_out: CallOut, stage: int, *, now: datetime) -> int:
    """Call the people of circle ``stage`` for the units still short; returns how many."""
    tree = UnitTree.load()
    short = [row for row in call_out.units.select_related("unit") if row.reached_at is None]
    if not short:
        return 0
    by_unit = {row.unit_id: row for row in short}
    every_called = set(call_out.units.values_list("unit_id", flat=True))
    # For each unit whose people may be called: the short called units they count for.
    count_for: dict[int, list[CallOutUnit]] = {}
    if stage in (Stage.READY, Stage.ADVOCATES):
        # People count for the nearest called unit at or above their own, if it is short.
        for pk in tree.units:
            chain = [pk, *(unit.pk for unit in reversed(tree.ancestors(pk)))]
            nearest = next((unit for unit in chain if unit in every_called), None)
            if nearest in by_unit:
                count_for[pk] = [by_unit[nearest]]
        people = _people().filter(unit_id__in=count_for)
        if stage == Stage.READY:
            people = crisis_ready(
                people, crisis=crisis_competencies(), version=policy_current(), as_of=now
            )
        else:
            people = people.filter(
                roster_memberships__status=RosterMembership.Status.ACTIVE
            ).distinct()
        circle = CIRCLE_OF_STAGE[stage]
    else:
        # The units beside each short unit (same parent, not called themselves) and the
        # units below them; people next to several short units are shared out in turn.
        for row in sorted(short, key=lambda row: row.unit.name):
            parent = tree.units[row.unit_id].parent_id if row.unit_id in tree.units else None
            for sibling in tree.children.get(parent if parent in tree.units else None, []):
                if sibling in every_called:
                    continue
                for pk in tree.subtree(sibling):
                    if pk not in every_called:
                        count_for.setdefault(pk, []).append(row)
        people = ready_people(unit_ids=set(count_for), now=now)
        circle = Circle.NEIGHBOUR
    already = set(call_out.responders.values_list("user_id", flat=True))
    new = []
    for turn, (user_id, unit_id) in enumerate(
        (user_id, unit_id)
        for user_id, unit_id in people.order_by("pk").values_list("pk", "unit_id")
        if user_id not in already
    ):
        rows = count_for[unit_id]
        new.append(
            CallOutResponder(
                call_out=call_out,
                called_for=rows[turn % len(rows)],
                user_id=user_id,
                circle=circle,
                called_at=now,
            )
        )
    try:
        with transaction.atomic():
            CallOutResponder.objects.bulk_create(new)
    except IntegrityError:  # a concurrent run called some of them: call the rest one by one
        new = [responder for responder in new if _create_once(responder)]
    person_changed(*(responder.user_id for responder in new))
    for responder in new:
        _tell_called(call_out, responder)
    return len(new)


def _create_once(responder: CallOutResponder) -> bool:
    try:
        with transaction.atomic():
            responder.save()
    except IntegrityError:
        return False
    return True


def _tell_called(call_out: CallOut, responder: CallOutResponder) -> None:
    notify_after_commit(
        user_id=responder.user_id,
        key=f"planb:called:{call_out.pk}:{responder.user_id}",
        template=EMAIL + "callout",
        context={
            "title": call_out.title,
            "brief": call_out.brief,
            "channels": call_out.channels,
            "holding_statement": call_out.holding_statement,
            "playbook_url": call_out.playbook_url,
            "is_drill": call_out.is_drill,
            "unit": responder.called_for.unit.name,
            "circle": str(Circle(responder.circle).label),
            "answer_path": reverse(
                "planb:answer", kwargs={"token": callout_answer_token(responder=responder)}
            ),
            "page_path": reverse("planb:detail", kwargs={"pk": call_out.pk}),
        },
    )


def callout_escalate(*, call_out_id: int, now: datetime | None = None) -> int:
    """Call the next circle of an open call-out whose time has come, for the units still
    short. Does nothing when it is not due, closed, every unit is reached, or another run
    took the circle first. Returns how many people were called."""
    now = now or timezone.now()
    with transaction.atomic():
        call_out = CallOut.objects.filter(pk=call_out_id).first()
        if (
            call_out is None
            or not call_out.is_open
            or call_out.escalate_at is None
            or call_out.escalate_at > now
            or call_out.stage >= Stage.NEIGHBOURS
        ):
            return 0
        if not call_out.units.filter(reached_at__isnull=True).exists():
            CallOut.objects.filter(pk=call_out.pk).update(escalate_at=None)
            return 0
        claimed = CallOut.objects.filter(
            pk=call_out.pk, stage=call_out.stage, escalate_at=call_out.escalate_at
        ).update(stage=call_out.stage + 1, escalate_at=None)
        if not claimed:
            return 0
        return _call_from(call_out, call_out.stage + 1, now=now)


def callouts_escalate_due(*, now: datetime | None = None) -> int:
    """Every open call-out whose next circle is due (the beat's sweep)."""
    now = now or timezone.now()
    due = CallOut.objects.filter(closed_at__isnull=True, escalate_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(callout_escalate(call_out_id=pk, now=now) for pk in list(due))


def callout_answer(
    *, responder: CallOutResponder, answer: str, now: datetime | None = None
) -> CallOutResponder:
    """Record ``answer`` for a person called. The first time a unit has its wanted number
    available now, it is reached (and stays reached: the response time is kept)."""
    if answer not in Answer.values or answer == Answer.PENDING:
        raise ValidationError(_("Choose one of the answers."))
    now = now or timezone.now()
    with transaction.atomic():
        call_out = CallOut.objects.select_for_update().get(pk=responder.call_out_id)
        if not call_out.is_open:
            raise ValidationError(_("This call-out is closed; thank you all the same."))
        CallOutResponder.objects.filter(pk=responder.pk).update(answer=answer, answered_at=now)
        person_changed(responder.user_id)
        responder.answer, responder.answered_at = answer, now
        if answer == Answer.NOW:
            available = CallOutResponder.objects.filter(
                called_for_id=responder.called_for_id, answer=Answer.NOW
            ).count()
            if available >= call_out.wanted:
                CallOutUnit.objects.filter(
                    pk=responder.called_for_id, reached_at__isnull=True
                ).update(reached_at=now)
    return responder


def callout_close(*, call_out: CallOut, by, now: datetime | None = None) -> CallOut:
    """Close a call-out: nobody else is called, answers stop, and the people who said they
    were available hear that they can stand down."""
    if not user_may_call_out(by):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        closed = CallOut.objects.filter(pk=call_out.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=by, escalate_at=None
        )
        if not closed:
            raise ValidationError(_("This call-out is already closed."))
        call_out.closed_at, call_out.closed_by, call_out.escalate_at = now, by, None
        for user_id in call_out.responders.filter(
            answer__in=(Answer.NOW, Answer.LATER)
        ).values_list("user_id", flat=True):
            notify_after_commit(
                user_id=user_id,
                key=f"planb:closed:{call_out.pk}:{user_id}",
                template=EMAIL + "callout_closed",
                context={
                    "title": call_out.title,
                    "is_drill": call_out.is_drill,
                    "page_path": reverse("planb:detail", kwargs={"pk": call_out.pk}),
                },
            )
    return call_out
