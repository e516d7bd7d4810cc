from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competencies")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change

        from .models import Competency

        # Course pages and the catalogue show competencies' names (core.pagecache).
        stamp_on_change(Competency)
