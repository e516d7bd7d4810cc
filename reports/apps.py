from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change

        from .models import ReportSettings

        # The readiness target and the like are read alike for everyone.
        stamp_on_change(ReportSettings)
