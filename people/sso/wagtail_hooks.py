"""Single sign-on in the Wagtail admin: the names of its entries in the action log."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import services

ACTION_LABELS = {
    services.PERSON_CREATED: (
        _("SSO: person created"),
        _("Created at first sign-in through single sign-on"),
    ),
    services.PERSON_UPDATED: (
        _("SSO: person updated"),
        _("Name, unit or manager updated from the identity provider"),
    ),
    services.DEPARTMENT_UNKNOWN: (
        _("SSO: unknown department"),
        _("The identity provider sent a department that matches no business unit"),
    ),
    services.MANAGER_UNKNOWN: (
        _("SSO: unknown manager"),
        _("The identity provider named a manager who is not in Spoke"),
    ),
    services.SIGN_IN_REFUSED: (
        _("SSO: sign-in refused"),
        _("A single sign-on attempt was refused"),
    ),
}


@hooks.register("register_log_actions")
def register_sso_actions(actions) -> None:
    for action, (label, message) in ACTION_LABELS.items():
        actions.register_action(action, label, message)
