"""People's panels on the dashboard: next steps for everyone, a manager's team, the units.

Plain functions that ``wagtail_hooks`` registers.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel

from . import roles
from .selectors import admin_attention, team_for_manager, unit_tree


def next_steps_panel(request):
    """Everyone: the things they can do now, by role."""
    user = request.user
    steps = [
        {
            "label": _("Check your name and time zone"),
            "url": reverse("people:profile"),
            "hint": _("Session times are shown in your time zone."),
        },
        {
            "label": _("Turn on two-factor authentication"),
            "url": reverse("mfa_index"),
            "hint": _("An app on your phone keeps your account safe."),
        },
    ]
    if roles.user_is_trainer(user):  # site admins too
        steps.append(
            {
                "label": _("Author lessons and pages in the Wagtail admin"),
                "url": reverse("wagtailadmin_home"),
                "hint": "",
            }
        )
    elif roles.user_can_use_cms_admin(user):  # HR and advocacy leads
        steps.append(
            {
                "label": _("Write posts for advocates in the Wagtail admin"),
                "url": reverse("wagtailadmin_home"),
                "hint": _("In “Posts for advocates”; the sharing kit offers them."),
            }
        )
    if roles.user_is_site_admin(user):
        steps.append(
            {
                "label": _("Manage people, groups and business units"),
                "url": reverse("wagtailusers_users:index"),
                "hint": _("Or import people from a CSV file with manage.py import_people."),
            }
        )
    return DashboardPanel(
        title=_("What you can do next"),
        template="people/panels/next_steps.html",
        context={"steps": steps},
        order=10,
        key="next-steps",
        personal=True,
    )


def team_panel(request):
    """Managers: the people who report to them."""
    if not roles.user_is_manager(request.user):
        return None
    return DashboardPanel(
        title=_("Your team"),
        template="people/panels/team.html",
        context={"team": list(team_for_manager(manager=request.user))},
        order=30,
        key="team",
        wide=True,
    )


def units_panel(request):
    """HR, advocacy leads and admins: the company's units and their head counts."""
    user = request.user
    if not (roles.user_is_hr(user) or roles.user_is_advocacy_lead(user)):
        return None
    return DashboardPanel(
        title=_("Business units"),
        template="people/panels/units.html",
        context={"units": unit_tree()},
        order=40,
        key="units",
        wide=True,
    )


def admin_attention_panel(request):
    """Site admins: what needs them (people no report can place, messages held back
    while the broker was down), each with the way to it."""
    if not roles.user_is_site_admin(request.user):
        return None
    return DashboardPanel(
        title=_("Needs your attention"),
        template="people/panels/admin_attention.html",
        context={
            "attention": admin_attention(),
            "users_url": reverse("wagtailusers_users:index"),
            "admin_url": reverse("wagtailadmin_home"),
        },
        order=4,
        key="admin-attention",
    )
