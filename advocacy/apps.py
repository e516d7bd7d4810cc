from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "advocacy"
    verbose_name = _("Advocacy")

    def ready(self) -> None:
        # Re-check the roster when what it depends on changes (see ``handlers``).
        from core.pagecache import stamp_on_change
        from core.personcache import stamp_person_via

        # Links for a post for advocates when Wagtail publishes it (see ``signals``).
        from . import handlers, signals  # noqa: F401
        from .models import CoachFeedback, RosterEvent, RosterRule, RosterTier

        # The roster's requirements are kept per content stamp (advocacy.selectors).
        stamp_on_change(RosterTier, RosterRule)
        # A coach's words and a roster decision are news for the learner they are about.
        stamp_person_via(CoachFeedback, "submission__user_id")
        stamp_person_via(RosterEvent, "membership__user_id")
