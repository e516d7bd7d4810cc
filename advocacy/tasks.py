"""Background work for the roster: thin tasks that take ids and call a service."""

from datetime import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import callouts, services


def _moment(now_iso: str | None) -> datetime:
    return datetime.fromisoformat(now_iso) if now_iso else timezone.now()


@shared_task(ignore_result=True)
def membership_sync_task(user_id: int, now_iso: str | None = None) -> dict:
    """Re-check one person after something that could change their eligibility."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return {}
    return services.membership_sync(user=user, now=_moment(now_iso))


@shared_task
def roster_sync_all(now_iso: str | None = None) -> dict:
    """Beat runs this every night: the rules that change with time alone (practice growing
    older than a tier allows, a lapse older than 90 days), and anything a trigger missed."""
    return services.membership_sync_all(now=_moment(now_iso))


@shared_task
def policy_version_started_task(version_id: int, now_iso: str | None = None) -> int:
    """A new policy version: the roster acknowledges it again."""
    from cms.models import PolicyVersion

    version = PolicyVersion.objects.filter(pk=version_id).first()
    if version is None:
        return 0
    return services.policy_version_started(version=version, now=_moment(now_iso))


@shared_task
def callout_escalate_task(call_out_id: int, now_iso: str | None = None) -> int:
    """A call-out's next circle, scheduled when the last one was called; does nothing when
    it is not due yet, closed or reached, or already done."""
    return callouts.callout_escalate(call_out_id=call_out_id, now=_moment(now_iso))


@shared_task
def callouts_escalate_due(now_iso: str | None = None) -> int:
    """Beat runs this every minute: the circles a scheduled task missed (a worker restart,
    tasks run in-process, where a countdown does not wait)."""
    return callouts.callouts_escalate_due(now=_moment(now_iso))
