"""Everything ``reports`` adds to the pages of other apps, registered in one place: the
dashboard panel (``panels``)."""

from core.dashboard import DASHBOARD_PANELS

from . import panels

DASHBOARD_PANELS.register(panels.team_progress_panel)
DASHBOARD_PANELS.register(panels.hr_summary_panel)
