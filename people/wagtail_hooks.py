"""Everything ``people`` adds to the dashboard and the Wagtail admin, registered in one
place: the dashboard panels (``panels``), business units as snippets, the staff import
(``admin_import``), the provisioning tokens and the deactivate action (``admin_views``),
and the names of the SCIM actions in Wagtail's action log.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.audit import audit_actions_register
from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS

from . import admin_urls, panels, privacy
from .admin_import import PeopleImportView
from .admin_views import PersonEraseView, SiteAdminMenuItem, erase_button
from .audit import PEOPLE_AUDIT_ACTIONS
from .models import BusinessUnit, User
from .roles import user_is_site_admin
from .services import deactivate_person, reactivate_person

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


# --- Provisioning and leavers -----------------------------------------------------------


@hooks.register("register_admin_urls")
def register_people_admin_urls():
    return [path("people/", include(admin_urls, namespace="people_admin"))]


@hooks.register("register_settings_menu_item")
def register_scim_tokens_menu_item():
    return SiteAdminMenuItem(
        gettext_lazy("Provisioning tokens"),
        reverse("people_admin:scim_tokens"),
        icon_name="key",
        order=650,
    )


@hooks.register("register_user_listing_buttons")
def person_deactivate_button(*, user, request_user):
    if not user.is_active or user.pk == request_user.pk or not user_is_site_admin(request_user):
        return []
    return [
        Button(
            gettext_lazy("Deactivate"),
            url=reverse("people_admin:person_deactivate", args=[user.pk]),
            icon_name="cross",
            priority=50,
        )
    ]


# Every SCIM action is written to Wagtail's action log under these names (people.scim).
SCIM_LOG_ACTIONS = {
    "spoke.scim.create": (
        gettext_lazy("Created by provisioning"),
        gettext_lazy("Created by the identity provider (SCIM)"),
    ),
    "spoke.scim.update": (
        gettext_lazy("Updated by provisioning"),
        gettext_lazy("Updated by the identity provider (SCIM)"),
    ),
    "spoke.scim.deactivate": (
        gettext_lazy("Deactivated by provisioning"),
        gettext_lazy("Deactivated by the identity provider (SCIM)"),
    ),
    "spoke.scim.reactivate": (
        gettext_lazy("Reactivated by provisioning"),
        gettext_lazy("Reactivated by the identity provider (SCIM)"),
    ),
    "spoke.scim.token_create": (
        gettext_lazy("Provisioning token made"),
        gettext_lazy("Provisioning token made"),
    ),
    "spoke.scim.token_revoke": (
        gettext_lazy("Provisioning token revoked"),
        gettext_lazy("Provisioning token revoked"),
    ),
}


@hooks.register("register_log_actions")
def register_scim_log_actions(actions):
    for action, (label, message) in SCIM_LOG_ACTIONS.items():
        actions.register_action(action, label, message)


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


@hooks.register("before_bulk_action")
def bulk_active_state_through_the_service(request, action_type, objects, action):
    """Wagtail's bulk "Set active state" writes ``is_active`` with one UPDATE, which would
    skip what leaving means (places to the waitlist, the roster's history, the reports'
    date). People switched off or on in bulk go through the same services as one by one;
    Wagtail's UPDATE that follows changes nothing more."""
    if action_type != "set_active_state" or getattr(action, "model", None) is not User:
        return None
    active = action.cleaned_form.cleaned_data["mark_as_active"]
    for person in objects:
        if person.pk == request.user.pk:
            continue  # Wagtail refuses to switch off the person doing it
        if active:
            reactivate_person(person, by=request.user)
        else:
            deactivate_person(
                person, reason=gettext("switched off in the admin (bulk)"), by=request.user
            )
    return None
