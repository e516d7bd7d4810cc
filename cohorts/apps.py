from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change
        from core.personcache import stamp_person_via

        from . import handlers  # noqa: F401
        from .models import Attendance, Cohort, Session

        # Cached schedules (cohorts.release.cohort_schedules) are read from these, and
        # learners' kept pages name the cohorts' trainers and the units they are open to.
        stamp_on_change(
            Cohort,
            Session,
            Session.lessons.through,
            Cohort.trainers.through,
            Cohort.allowed_units.through,
        )
        stamp_person_via(Attendance, "enrollment__user_id")
