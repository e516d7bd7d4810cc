"""Everything ``competencies`` adds to the dashboard and the Wagtail admin, registered in
one place: each person's summary (``panels``), the framework as snippets, and the site
admins' correction screen (``admin_views``).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS

from . import panels, privacy
from .admin_views import CorrectionView, SiteAdminMenuItem
from .models import Competency

DASHBOARD_PANELS.register(panels.competencies_panel)


class CompetencyViewSet(SnippetViewSet):
    """Trainers and HR keep the framework: add and change, never delete what evidence uses."""

    model = Competency
    icon = "tasks"
    menu_label = gettext_lazy("Competencies")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "area", "is_core", "is_crisis_readiness", "sort_order"]
    list_filter = ["area", "is_core", "is_crisis_readiness"]
    # A framework has tens of rows: a plain database search finds partial words in any of
    # these fields without depending on the search index being up to date.
    search_fields = ["name", "slug", "area", "description"]
    search_backend_name = None
    ordering = ["sort_order", "name"]


register_snippet(CompetencyViewSet)


@hooks.register("register_admin_urls")
def register_correction_url():
    return [
        path(
            "competencies/correct/",
            CorrectionView.as_view(),
            name="competencies_admin_correct",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_correction_menu_item():
    return SiteAdminMenuItem(
        gettext_lazy("Correct a level"),
        reverse("competencies_admin_correct"),
        name="correct-level",
        icon_name="edit",
        order=255,
    )


PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)
