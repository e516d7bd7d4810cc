"""Everything ``courses`` adds to the pages of other apps, registered in one place: the
dashboard panel (``panels``)."""

from core.dashboard import DASHBOARD_PANELS

from . import panels

DASHBOARD_PANELS.register(panels.your_courses_panel)
