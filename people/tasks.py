"""Background work for people: thin wrappers that call ``people.privacy``."""

from celery import shared_task
from django.utils import timezone

from . import privacy


@shared_task(ignore_result=True)
def personal_data_export_build_task(export_id: int) -> None:
    """Build one person's copy of their data (see ``privacy.personal_data_export_build``)."""
    privacy.personal_data_export_build(export_id=export_id, now=timezone.now())


@shared_task(ignore_result=True)
def personal_data_exports_expire_task() -> int:
    """Delete the copies whose time is up, with their files."""
    return privacy.personal_data_exports_expired_delete(now=timezone.now())
