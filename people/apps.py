from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    default = True
    name = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from django.contrib.auth.models import Group

        from core.pagecache import stamp_on_change
        from core.personcache import never_on_kept_pages

        from . import audit  # noqa: F401  (the audit trail's receivers)
        from .models import BusinessUnit, PersonalDataExport

        # Units (their names, their tree) and groups (the roles) are shown alike to all.
        stamp_on_change(BusinessUnit, Group, Group.permissions.through)
        # A download of one's data saves its progress as it goes; only the profile shows it.
        never_on_kept_pages(PersonalDataExport)


class SpokeUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, showing a person's unit, role, manager and time zone."""

    user_viewset = "people.admin_users.PersonViewSet"
