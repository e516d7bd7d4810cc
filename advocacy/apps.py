from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "advocacy"
    verbose_name = _("Advocacy")

    def ready(self) -> None:
        # Re-check the roster when what it depends on changes (see ``handlers``).
        from . import handlers  # noqa: F401
