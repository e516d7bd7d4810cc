"""Each person's competencies on the dashboard.

A plain function that ``wagtail_hooks`` registers.
"""

from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel

from .selectors import standing_summary_for_user


def competencies_panel(request):
    """Everyone signed in: their levels at a glance, with a way to the full record."""
    if not request.user.is_authenticated:
        return None
    return DashboardPanel(
        title=_("Your competencies"),
        template="competencies/panels/summary.html",
        context={"summary": standing_summary_for_user(user=request.user)},
        order=20,
        key="competencies",
        personal=True,
    )
