"""Everything ``assessments`` adds to the Wagtail admin and to the pages of the apps below
it, registered in one place: practice authoring (``admin_assignments``), the trainers'
review screens (``admin_views``), the dashboard panel and the cohort page section
(``panels``), and the links from a cohort's admin page.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cohorts.extensions import COHORT_ADMIN_LINKS, COHORT_PAGE_SECTIONS
from core.audit import audit_actions_register
from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS

from . import admin_urls, panels, privacy
from .admin_assignments import AssignmentViewSet, course_buttons
from .admin_views import ReviewMenuItem
from .audit import AUDIT_ACTIONS

# --- Authoring: assignments as snippets, and the way to them from a course ---------------

register_snippet(AssignmentViewSet)


@hooks.register("register_page_header_buttons")
def course_header_buttons(page, user, view_name=None, next_url=None):
    """In the page editor and the explorer header of a course."""
    yield from course_buttons(page, user, priority=80)


@hooks.register("register_page_listing_more_buttons")
def course_listing_more_buttons(page, user, next_url=None):
    """In the "More" menu of a course's row in the page explorer."""
    yield from course_buttons(page, user, priority=70)


# --- The trainers' review screens --------------------------------------------------------


@hooks.register("register_admin_urls")
def register_practice_admin_urls():
    return [path("practice/", include(admin_urls, namespace="assessments_admin"))]


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(
        gettext_lazy("Review practice"),
        reverse("assessments_admin:queue"),
        name="review-practice",
        icon_name="tasks",
        order=262,
    )


@COHORT_ADMIN_LINKS.register
def cohort_practice_links(*, request, cohort):
    """On a cohort's admin page: who did which assignment, and the cohort's own dates."""
    return [
        (_("Practice: who did what"), reverse("assessments_admin:grid", args=[cohort.pk])),
        (_("Practice dates"), reverse("assessments_admin:dates", args=[cohort.pk])),
    ]


# --- On the dashboard and a cohort's page -----------------------------------------------

DASHBOARD_PANELS.register(panels.whats_due_panel)
DASHBOARD_PANELS.register(panels.review_waiting_panel)
COHORT_PAGE_SECTIONS.register(panels.cohort_practice_section)

PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)


@hooks.register("register_log_actions")
def register_assessments_audit_actions(actions):
    audit_actions_register(actions, *AUDIT_ACTIONS)
