from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change
        from core.personcache import never_on_kept_pages

        from .models import ReportExport, ReportSettings

        # The readiness target and the like are read alike for everyone.
        stamp_on_change(ReportSettings)
        # An export saves its progress as it goes; only its own page shows it.
        never_on_kept_pages(ReportExport)
