"""Background work for cohorts: thin wrappers that call a service."""

from datetime import datetime

from celery import shared_task

from .services import cohorts_complete as _cohorts_complete
from .services import session_reminders_send as _session_reminders_send


@shared_task
def session_reminders_send(now_iso: str | None = None) -> int:
    """Beat runs this every 10 minutes: queue the reminders due now (each sent once)."""
    now = datetime.fromisoformat(now_iso) if now_iso else None
    return _session_reminders_send(now=now)


@shared_task
def cohorts_complete(now_iso: str | None = None) -> int:
    """Beat runs this every hour: people still enrolled in a finished cohort completed it."""
    now = datetime.fromisoformat(now_iso) if now_iso else None
    return _cohorts_complete(now=now)
