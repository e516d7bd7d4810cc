"""What ``assessments`` lets the apps above it add, without importing them (see
``core.extensions``).

:data:`PRACTICE_WORK_SECTIONS`: sections of a piece of practice work, on the learner's
page (``viewer="learner"``, ``assessments.views.work``) and on the trainer's review screen
(``viewer="reviewer"``, ``assessments.admin_views.ReviewView``). A function receives the
request, the attempts shown (``submissions``, a list, oldest first) and the viewer
(keywords) and returns a :class:`core.dashboard.DashboardPanel`, or ``None`` when it has
nothing to add. ``advocacy`` adds its coaches' feedback this way. Each function keeps to a
fixed number of queries::

    def my_section(*, request, submissions, viewer):
        return DashboardPanel(title=..., template="myapp/panels/x.html", order=20)

    PRACTICE_WORK_SECTIONS.register(my_section)  # in myapp/wagtail_hooks.py
"""

from core.dashboard import DashboardPanel
from core.extensions import extension_point

PRACTICE_WORK_SECTIONS = extension_point(
    "spoke_practice_work_sections",
    receives=("request", "submissions", "viewer"),
    returns=DashboardPanel,
    ordered=True,
)
