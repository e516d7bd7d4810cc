"""Background work for practice: thin wrappers that call a service."""

from datetime import datetime

from celery import shared_task
from django.conf import settings

from . import services
from .models import Submission


@shared_task(ignore_result=True)
def submission_link_check(submission_id: int) -> None:
    """Fetch a submitted link once, safely (see ``linkcheck``), and record what it said.
    A platform that does not answer is recorded as such; nothing waits for it."""
    options = settings.SPOKE_LINK_CHECK
    if not options.get("enabled", True):
        return
    submission = Submission.objects.filter(pk=submission_id).only("link_url").first()
    if submission is None or not submission.link_url:
        return
    from .linkcheck import link_check

    result = link_check(
        submission.link_url,
        timeout=options.get("timeout", 5.0),
        allow_private=options.get("allow_private", False),
    )
    services.submission_link_check_record(submission_id=submission_id, result=result)


def _moment(now_iso: str | None) -> datetime | None:
    return datetime.fromisoformat(now_iso) if now_iso else None


@shared_task
def practice_reminders_send(now_iso: str | None = None) -> dict:
    """Beat runs this every 10 minutes: assignments that opened, and work due tomorrow."""
    report = services.practice_reminders_send(now=_moment(now_iso))
    return {"opened": report.opened, "due_soon": report.due_soon}


@shared_task
def review_digests_send(now_iso: str | None = None) -> int:
    """Beat runs this every morning: each trainer with work waiting gets one e-mail."""
    return services.review_digests_send(now=_moment(now_iso))


@shared_task(ignore_result=True)
def screenshots_clean() -> None:
    """Beat runs this nightly: screenshots of long-untouched drafts, and files no attempt
    points at (see ``services.screenshots_clean``)."""
    services.screenshots_clean()
