"""Reports on the dashboard: a manager's way to their team page.

A plain function that ``wagtail_hooks`` registers.
"""

from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel
from people import roles

from .scope import team_of


def team_progress_panel(request):
    """Managers: how many people are under them, and the page that follows each one."""
    if not roles.user_is_manager(request.user):
        return None
    return DashboardPanel(
        title=_("Your team's progress"),
        template="reports/panels/team.html",
        context={"count": team_of(manager=request.user).count()},
        order=31,
        key="team-progress",
    )
