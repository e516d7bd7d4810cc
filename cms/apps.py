from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site pages")

    def ready(self) -> None:
        # Hears Wagtail publishing the policy page (the one signal receiver we keep).
        from . import signals  # noqa: F401
