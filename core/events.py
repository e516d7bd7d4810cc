"""Events: how a lower app tells the apps above it what happened, after the commit.

Dependencies point down the chain (``core`` ← ``people``, ``cms`` ← ``competencies`` ← …),
so an app cannot call the apps above it. It announces instead, by name, from the service
that made the change; the apps above listen in one module each (``<app>/handlers.py``)::

    # competencies/events.py: the announcing app declares its names
    STANDING_CHANGED = "competencies.standing_changed"

    # competencies/services.py: the service announces, inside its transaction
    event_announce(STANDING_CHANGED, user_id=user.pk, competency_id=competency.pk, ...)

    # advocacy/handlers.py: imported once, from AdvocacyConfig.ready()
    @event_handler(STANDING_CHANGED)
    def standing_changed(*, user_id: int, backdated: bool, **payload) -> None:
        if not backdated and once_per_commit(("advocacy.recheck", user_id)):
            membership_sync_task.delay(user_id)

The rules:

- **After the commit.** :func:`event_announce` only schedules the handlers with
  ``transaction.on_commit``: they run once the outermost transaction commits (at once
  outside a transaction) and never when it, or the savepoint the announcement was made
  in, rolls back.
- **Plain payloads.** Keyword arguments of ids and values (numbers, text, booleans, dates,
  ``None``, and tuples or lists of them), never model instances: the handler reads what
  it needs, as it stands after the commit. Anything else is refused with ``TypeError``.
- **Order.** Events are handled in the order they were announced; an event's handlers in
  the order they were registered (``INSTALLED_APPS`` order, since each app registers from
  its ``ready()``).
- **A failing handler** is logged with its traceback (logger ``core.events``) and the
  other handlers still run: the data is committed by then, so nothing is undone, and the
  nightly sweeps (``roster_sync_all``, ``credentials_sync_all``) catch up what was missed.
- **Once per commit.** :func:`once_per_commit` lets a handler do a thing once per commit
  however many announcements asked for it (one roster re-check per person, whether one
  standing changed or five).
- **Thin handlers.** A handler enqueues a Celery task that takes ids, or calls a service.

Every event, who announces it and who listens, is listed in ``docs/extending.md``
("Announce an event / listen to one"); ``grep -rn STANDING_CHANGED`` finds them all too.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]
_PLAIN = (str, int, float, bool, Decimal, date, datetime, time, timedelta, type(None))
_BATCH = "_core_events_batch"

_handlers: dict[str, list[Handler]] = defaultdict(list)
_delivering: ContextVar[_Batch | None] = ContextVar("core_events_batch", default=None)


class _Batch:
    """The announcements of one transaction; it stops collecting once delivery starts."""

    def __init__(self) -> None:
        self.started = False
        self.done: set[Hashable] = set()


def event_handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function to run after each committed ``name`` event.

    It is called with the payload as keyword arguments (accept ``**payload`` so a new key
    breaks nothing). Registering the same function twice has no effect.
    """

    def register(handler: Handler) -> Handler:
        registered = _handlers[name]
        key = (handler.__module__, handler.__qualname__)
        if all((h.__module__, h.__qualname__) != key for h in registered):
            registered.append(handler)
        return handler

    return register


def event_handlers(name: str) -> list[Handler]:
    """The functions registered for ``name``, in the order they run."""
    return list(_handlers.get(name, ()))


def event_announce(name: str, /, *, using: str | None = None, **payload: Any) -> None:
    """Announce ``name`` with ``payload``: its handlers run after the transaction commits."""
    for key, value in payload.items():
        if not _plain(value):
            raise TypeError(
                f"Event {name!r}: {key}={value!r} is not a plain value; pass its id instead."
            )
    connection = transaction.get_connection(using)
    batch = connection.__dict__.get(_BATCH)
    if batch is None or batch.started:
        # A rolled-back transaction leaves its batch unstarted, and with nothing done:
        # reusing it for the next transaction is harmless.
        batch = connection.__dict__[_BATCH] = _Batch()
    transaction.on_commit(partial(_deliver, batch, name, payload), using=using)


def once_per_commit(key: Hashable) -> bool:
    """Inside a handler: ``True`` the first time ``key`` is asked for in this commit's
    events, ``False`` after (whichever handler or event asked first)."""
    batch = _delivering.get()
    if batch is None:
        raise RuntimeError("once_per_commit() is for event handlers, while they run.")
    if key in batch.done:
        return False
    batch.done.add(key)
    return True


def _deliver(batch: _Batch, name: str, payload: dict[str, Any]) -> None:
    batch.started = True
    token = _delivering.set(batch)
    try:
        for handler in event_handlers(name):
            try:
                handler(**payload)
            except Exception:
                logger.exception(
                    "Event handler %s.%s failed on %s %r",
                    handler.__module__,
                    handler.__qualname__,
                    name,
                    payload,
                )
    finally:
        _delivering.reset(token)


def _plain(value: Any) -> bool:
    if isinstance(value, list | tuple | frozenset):
        return all(_plain(item) for item in value)
    return isinstance(value, _PLAIN)
