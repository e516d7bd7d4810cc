from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    default = True
    name = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (the audit trail's receivers)


class SpokeUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, showing a person's unit, role, manager and time zone."""

    user_viewset = "people.admin_users.PersonViewSet"
