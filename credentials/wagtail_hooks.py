"""Everything ``credentials`` adds to the dashboard and the Wagtail admin, registered in
one place: which competency levels earn a credential (a snippet), a warning on the admin
home when nothing can be signed, and each person's panel on the dashboard (``panels``).
Issued credentials are read-only in the Django admin (``admin.py``)."""

from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS
from people import roles

from . import keys, privacy
from .models import CompetencyCredentialLevel
from .panels import SigningKeyWarning, credentials_panel

DASHBOARD_PANELS.register(credentials_panel)


class CompetencyCredentialLevelViewSet(SnippetViewSet):
    """Which levels of which competencies earn a credential."""

    model = CompetencyCredentialLevel
    icon = "pick"
    menu_label = gettext_lazy("Competency credentials")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["competency", "level"]
    list_filter = ["level"]


register_snippet(CompetencyCredentialLevelViewSet)


@hooks.register("construct_homepage_panels")
def signing_key_warning(request, panels):
    if not roles.user_is_site_admin(request.user):
        return
    problem = keys.signing_state()
    if problem:
        panels.insert(0, SigningKeyWarning(problem))


PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)
