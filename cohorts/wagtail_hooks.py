"""Cohorts on the dashboard (the person's own cohorts, open ones to join, a manager's team)
and the trainers' screens in the admin menu.

Each panel reads what it needs through a selector, in a fixed number of queries, however
many cohorts, sessions and people there are.
"""

from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.dashboard import HOOK_NAME, DashboardPanel
from people import roles
from people.models import zone_or_utc

from . import admin_urls
from .selectors import my_cohorts_overview, team_learning_rows


@hooks.register(HOOK_NAME)
def my_cohorts_panel(request):
    """Everyone signed in: their cohorts, what comes next, and open cohorts to join."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    cards, joinable = my_cohorts_overview(user=user, now=timezone.now())
    return DashboardPanel(
        title=_("My cohorts"),
        template="cohorts/panels/my_cohorts.html",
        context={
            "cards": cards,
            "open_cohorts": joinable,
            "viewer_tz": zone_or_utc(user.time_zone),
        },
        order=15,
        key="my-cohorts",
    )


@hooks.register(HOOK_NAME)
def team_learning_panel(request):
    """Managers: the cohorts their direct reports take, and how far each person is."""
    if not roles.user_is_manager(request.user):
        return None
    return DashboardPanel(
        title=_("Your team's learning"),
        template="cohorts/panels/team_learning.html",
        context={"rows": team_learning_rows(manager=request.user, now=timezone.now())},
        order=35,
        key="team-learning",
        wide=True,
    )


# --- The trainers' screens in the admin ------------------------------------------------


@hooks.register("register_admin_urls")
def register_cohort_admin_urls():
    return [path("cohorts/", include(admin_urls, namespace="cohorts_admin"))]


class TrainersMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.user_is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def register_cohorts_menu_item():
    return TrainersMenuItem(
        gettext_lazy("Cohorts"), reverse("cohorts_admin:index"), icon_name="group", order=260
    )


# --- Releasing lessons by schedule -----------------------------------------------------
# Kept at the end, with the one hook they serve: courses asks which lessons are open.

from courses.release import LESSON_RELEASE_HOOK  # noqa: E402

from .release import lesson_release_for_person  # noqa: E402

hooks.register(LESSON_RELEASE_HOOK, lesson_release_for_person)
