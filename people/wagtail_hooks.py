"""Everything ``people`` adds to the dashboard and the Wagtail admin, registered in one
place: the dashboard panels (``panels``), business units as snippets and the staff import
(``admin_import``).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import DASHBOARD_PANELS

from . import panels
from .admin_import import PeopleImportView, SiteAdminMenuItem
from .models import BusinessUnit

DASHBOARD_PANELS.register(panels.next_steps_panel)
DASHBOARD_PANELS.register(panels.team_panel)
DASHBOARD_PANELS.register(panels.units_panel)


class BusinessUnitViewSet(SnippetViewSet):
    model = BusinessUnit
    icon = "group"
    menu_label = gettext_lazy("Business units")
    menu_order = 600
    add_to_admin_menu = False
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["name"]


register_snippet(BusinessUnitViewSet)


# --- The staff import, for site admins ------------------------------------------------------


@hooks.register("register_admin_urls")
def register_people_import_url():
    return [path("people/import/", PeopleImportView.as_view(), name="people_admin_import")]


@hooks.register("register_settings_menu_item")
def register_people_import_menu_item():
    return SiteAdminMenuItem(
        gettext_lazy("Import people"),
        reverse("people_admin_import"),
        name="import-people",
        icon_name="group",
        order=610,
    )
