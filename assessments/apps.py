from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Practice")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change
        from core.personcache import stamp_person_via

        from .models import Assignment, AssignmentWindow, Review, RubricCriterion

        # Practice windows are worked out from these, kept per content stamp.
        stamp_on_change(Assignment, AssignmentWindow, Assignment.platforms.through, RubricCriterion)
        # A review is the learner's news as much as the reviewer's.
        stamp_person_via(Review, "submission__user_id")
