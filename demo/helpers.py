"""Helpers for demo content: seeding that can run any number of times."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

ModelT = TypeVar("ModelT", bound=models.Model)


def demo_guard() -> None:
    """Refuse to seed demo content where the settings do not allow it (production)."""
    if not getattr(settings, "SPOKE_DEMO_ALLOWED", False):
        raise ImproperlyConfigured(
            "Demo content is refused here: these settings do not allow it "
            "(SPOKE_DEMO_ALLOWED is false, as in production)."
        )


def upsert(
    model: type[ModelT], *, lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[ModelT, bool]:
    """Create the row, or bring it in line with ``values``; touch nothing that already is.

    Returns the row and whether anything was written. Unlike ``update_or_create`` it does
    not save a row that already holds these values, so running a seed twice changes nothing
    (not even ``updated_at``).
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=[*changed, *auto_now])
    return obj, bool(changed)


@contextmanager
def nothing_after_commit() -> Iterator[None]:
    """Forget whatever the services called inside ask to run once the transaction commits:
    e-mails, link checks, roster re-checks. Demo history is not news to anyone, and seeding
    must work offline and quietly. Needs an open transaction (seeds are atomic)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("Seed demo content inside a transaction.")
    queued = len(connection.run_on_commit)
    try:
        yield
    finally:
        del connection.run_on_commit[queued:]
