"""What the reports are measured against (set by HR in the Wagtail admin), and the large
exports built in the background."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from assessments.storage import private_storage
from core.models import TimeStampedModel


@register_setting(icon="table")
class ReportSettings(BaseGenericSetting):
    """The lines the reports draw: the adoption tipping point and the crisis-readiness
    target per unit."""

    tipping_point_percent = models.PositiveSmallIntegerField(
        _("tipping point (%)"),
        default=16,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Adoption spreads on its own once about this share of a group has adopted: the "
            "early adopters of the innovation-adoption curve. Reports draw a line here."
        ),
    )
    crisis_target = models.PositiveSmallIntegerField(
        _("crisis-ready people wanted per unit"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many people in each unit should be able to speak for it on a bad day."),
    )

    panels = [FieldPanel("tipping_point_percent"), FieldPanel("crisis_target")]

    class Meta:
        verbose_name = _("report settings")


EXPORT_FOLDER = "exports"


def export_path(instance, filename: str) -> str:
    """A random name: the file is found through its row, never guessed."""
    return f"{EXPORT_FOLDER}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class ReportExport(TimeStampedModel):
    """A large export built in the background for the person who asked, kept for a
    limited time and downloadable by them only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_exports",
        verbose_name=_("asked by"),
    )
    report = models.CharField(_("report"), max_length=40)
    params = models.JSONField(_("filters"), default=dict)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), storage=private_storage, upload_to=export_path, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} ({self.format}) for {self.owner}"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and now >= self.expires_at
