"""Everything ``reports`` adds to the pages of other apps, registered in one place: the
dashboard panel (``panels``)."""

from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS

from . import panels, privacy

DASHBOARD_PANELS.register(panels.team_progress_panel)
DASHBOARD_PANELS.register(panels.hr_summary_panel)

PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)
