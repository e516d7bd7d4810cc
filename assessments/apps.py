from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Practice")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change

        from .models import Assignment, AssignmentWindow

        # Practice windows are worked out from these, kept per content stamp.
        stamp_on_change(Assignment, AssignmentWindow)
