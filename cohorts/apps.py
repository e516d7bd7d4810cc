from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change

        from . import handlers  # noqa: F401
        from .models import Cohort, Session

        # Cached schedules (cohorts.release.cohort_schedules) are read from these.
        stamp_on_change(Cohort, Session, Session.lessons.through)
