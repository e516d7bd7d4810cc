"""Hearing ``core.events`` announcements in a test, as a listening app would."""

from collections.abc import Iterator
from contextlib import contextmanager

from core import events


@contextmanager
def listening(name: str) -> Iterator[list[dict]]:
    """Record the payload of every ``name`` event handled while the block runs (so after
    each commit), in order; the recorder runs after the apps' own handlers."""
    heard: list[dict] = []

    def record(**payload) -> None:
        heard.append(payload)

    events._handlers[name].append(record)
    try:
        yield heard
    finally:
        events._handlers[name].remove(record)
