from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site pages")

    def ready(self) -> None:
        # Connects the receiver that starts a policy version on publication.
        from . import signals  # noqa: F401
