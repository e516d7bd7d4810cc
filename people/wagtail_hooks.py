"""Everything ``people`` adds to the dashboard and the Wagtail admin, registered in one
place: the dashboard panels (``panels``) and business units as snippets.
"""

from django.utils.translation import gettext_lazy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import DASHBOARD_PANELS

from . import panels
from .models import BusinessUnit

DASHBOARD_PANELS.register(panels.next_steps_panel)
DASHBOARD_PANELS.register(panels.team_panel)
DASHBOARD_PANELS.register(panels.units_panel)
DASHBOARD_PANELS.register(panels.admin_attention_panel)


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
