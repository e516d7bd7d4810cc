from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Single sign-on, inside ``people``: its own app so Wagtail finds its hooks."""

    default = True
    name = "people.sso"
    label = "people_sso"
    verbose_name = _("Single sign-on")
