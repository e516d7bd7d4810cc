"""Cohorts on the dashboard: the person's own cohorts, open ones to join, a manager's team.

Plain functions that ``wagtail_hooks`` registers. Each panel reads what it needs through a
selector, in a fixed number of queries, however many cohorts, sessions and people there
are.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel
from people import roles
from people.models import zone_or_utc

from .selectors import my_cohorts_overview, team_learning_rows


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
