"""What the reports are measured against, set by HR in the Wagtail admin."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


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
