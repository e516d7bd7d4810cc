"""Dashboard panels: how apps add to ``/dashboard/`` without ``lms`` knowing them.

An app writes the panel as a plain function (in its ``panels.py``) and registers it in its
``wagtail_hooks.py`` (see ``core.extensions``)::

    def my_panel(request):
        if not user_is_hr(request.user):
            return None
        return DashboardPanel(title=..., template="myapp/panels/x.html", order=40)

    DASHBOARD_PANELS.register(my_panel)

The function receives ``request`` (a keyword) and returns a :class:`DashboardPanel`, or
``None`` when it has nothing to show the person asking. ``lms`` collects them, in
``(order, title)``, and renders each template. Set ``wide=True`` for panels that show a
table, and ``personal=True`` for panels that show the viewer nothing but their own rows and
shared content (a learner's dashboard made only of those is kept for them, see
``core.personcache``). :class:`DashboardPanel` is also what page sections return
(``cms``, ``cohorts``).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .extensions import extension_point


@dataclass(frozen=True)
class DashboardPanel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    key: str = ""
    wide: bool = False  # tables and charts take the full width of the page
    # Shows only the viewer's own rows and content everyone sees alike (no one else's
    # progress, no queue, no figures): a page made only of such panels may be kept for
    # the person (core.personcache). ``valid_until``: when it changes by itself.
    personal: bool = False
    valid_until: datetime | None = None


def all_personal(panels) -> bool:
    """May a page made of ``panels`` be kept for the person (see ``personal``)?"""
    return all(panel.personal for panel in panels)


def first_change(panels) -> datetime | None:
    """The earliest moment one of ``panels`` changes by itself, if any names one."""
    return min((p.valid_until for p in panels if p.valid_until is not None), default=None)


DASHBOARD_PANELS = extension_point(
    "spoke_dashboard_panels", receives=("request",), returns=DashboardPanel, ordered=True
)
