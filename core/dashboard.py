"""Dashboard panels: how apps add to ``/dashboard/`` without ``lms`` knowing them.

An app registers a function with Wagtail's hook registry under :data:`HOOK_NAME`::

    @hooks.register(HOOK_NAME)
    def my_panel(request):
        if not user_is_hr(request.user):
            return None
        return DashboardPanel(title=..., template="myapp/panels/x.html", order=40)

The function returns a :class:`DashboardPanel`, or ``None`` when it has nothing to show
the person asking. ``lms`` collects them, in ``order``, and renders each template. Set
``wide=True`` for panels that show a table.
"""

from dataclasses import dataclass, field
from typing import Any

HOOK_NAME = "spoke_dashboard_panels"


@dataclass(frozen=True)
class DashboardPanel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    key: str = ""
    wide: bool = False  # tables and charts take the full width of the page
