"""Background work for reports: thin wrappers that call ``reports.services``."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(ignore_result=True)
def report_export_build(export_id: int) -> None:
    """Build one queued export (see ``services.export_build``)."""
    services.export_build(export_id=export_id, now=timezone.now())


@shared_task(ignore_result=True)
def report_exports_expire() -> int:
    """Delete the exports whose time is up, with their files."""
    return services.exports_expired_delete(now=timezone.now())
