"""Writes of the reports: the background exports of the people behind the heat map,
asked for, built (with their progress) and deleted once expired. What an export holds
is read by ``reports.exports``."""

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from core.exports import write_csv, write_xlsx
from core.files import storage_orphans_delete
from people.audit import people_list_export_log

from .exports import KEPT_FOR, PEOPLE, people_chunks, people_export_plan
from .models import EXPORT_FOLDER, ReportExport
from .scope import report_scope
from .tables import about_rows, people_header

logger = logging.getLogger(__name__)


def export_request(*, user, params: dict, file_format: str) -> ReportExport:
    """Queue a background export of the people behind the heat map for ``user``."""
    scope = report_scope(user)
    if scope is None:
        raise PermissionDenied
    people_export_plan(scope=scope, params=params)  # refuse bad filters now, not later
    if file_format not in ReportExport.Format.values:
        raise ValidationError(_("Choose CSV or XLSX."), code="format")
    export = ReportExport.objects.create(
        owner=user, report=PEOPLE, params=params, format=file_format
    )
    people_list_export_log(
        by=user,
        what=f"report:{PEOPLE}:background",
        file_format=file_format,
        rows=None,
        filters=params,
    )
    from .tasks import report_export_build

    transaction.on_commit(lambda: report_export_build.delay(export.pk))
    return export


def export_build(*, export_id: int, now: datetime) -> ReportExport | None:
    """Build one queued export, saving its progress as it goes. Safe to run twice: an
    export that is no longer pending is left alone."""
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ReportExport.Status.PENDING:
            return export
        export.status = ReportExport.Status.RUNNING
        export.save(update_fields=["status", "updated_at"])
    try:
        scope = report_scope(export.owner)
        if scope is None or not export.owner.is_active:
            raise PermissionDenied
        people, competencies, filters = people_export_plan(scope=scope, params=export.params)
        header = people_header(competencies)
        about = about_rows(title=str(_("People and their levels")), filters=filters, built_at=now)
        with tempfile.TemporaryFile() as handle:
            chunks = people_chunks(
                people, competencies=competencies, as_of=filters.end_at, zone=filters.zone
            )
            rows = _tracked_rows(export, chunks)
            if export.format == ReportExport.Format.CSV:
                write_csv(handle, header, rows, preamble=about)
            else:
                write_xlsx(handle, _("People"), header, rows, about=(_("About"), about))
            handle.seek(0)
            export.file.save(f"people.{export.format}", File(handle), save=False)
    except (PermissionDenied, ValidationError) as error:
        message = getattr(error, "messages", None) or [_("You may no longer read this report.")]
        return _failed(export, " ".join(message), now=now)
    except Exception:
        logger.exception("report export %s failed", export.pk)
        return _failed(export, _("Something went wrong while building the file."), now=now)
    export.status = ReportExport.Status.DONE
    export.progress = 100
    export.finished_at = now
    export.expires_at = now + KEPT_FOR
    export.save()
    return export


def _tracked_rows(export: ReportExport, chunks):
    """Yield every row, saving the progress after each chunk."""
    done = 0
    for total, rows in chunks:
        yield from rows
        done += len(rows)
        export.row_count = done
        export.progress = min(99, round(100 * done / total)) if total else 99
        export.save(update_fields=["row_count", "progress", "updated_at"])


def _failed(export: ReportExport, message: str, *, now: datetime) -> ReportExport:
    export.status = ReportExport.Status.FAILED
    export.error = message[:300]
    export.finished_at = now
    export.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return export


def exports_expired_delete(*, now: datetime) -> int:
    """Delete expired exports and their files, then any file under ``exports/`` no export
    names (a build that crashed, a person deleted with their exports) once older than the
    grace period; returns how many exports were deleted."""
    expired = list(ReportExport.objects.filter(expires_at__lte=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    storage_orphans_delete(
        storage=ReportExport._meta.get_field("file").storage,
        folder=EXPORT_FOLDER,
        referenced=lambda batch: ReportExport.objects.filter(file__in=batch).values_list(
            "file", flat=True
        ),
        older_than=now - timedelta(hours=settings.SPOKE_PRIVATE_ORPHAN_GRACE_HOURS),
    )
    return len(expired)
