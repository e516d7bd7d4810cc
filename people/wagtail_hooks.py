"""Everything ``people`` adds to the dashboard and the Wagtail admin, registered in one
place: the dashboard panels (``panels``) and business units as snippets.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.audit import audit_actions_register
from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS

from . import panels, privacy
from .admin_views import PersonEraseView, erase_button
from .audit import PEOPLE_AUDIT_ACTIONS
from .models import BusinessUnit

DASHBOARD_PANELS.register(panels.next_steps_panel)
DASHBOARD_PANELS.register(panels.team_panel)
DASHBOARD_PANELS.register(panels.units_panel)
DASHBOARD_PANELS.register(panels.admin_attention_panel)


# The account comes first in a person's download and is erased first.
PERSONAL_DATA_EXPORTERS.register(privacy.account_personal_data_export, order=-10)
PERSONAL_DATA_ERASERS.register(privacy.account_personal_data_erase, order=-10)


@hooks.register("register_admin_urls")
def register_erase_url():
    return [path("people/<int:pk>/erase/", PersonEraseView.as_view(), name="people_admin_erase")]


hooks.register("register_user_listing_buttons", erase_button)


@hooks.register("register_log_actions")
def register_people_audit_actions(actions):
    audit_actions_register(actions, *PEOPLE_AUDIT_ACTIONS)


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
