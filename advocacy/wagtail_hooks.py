"""Everything ``advocacy`` adds to the Wagtail admin and to the pages of the apps below it,
registered in one place: the roster rules (``admin_rules``), the dashboard panels, the
policy page section, the coaches' feedback beside practice work and the link to a
cohort's coaches (``panels``).
"""

from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from assessments.extensions import PRACTICE_WORK_SECTIONS
from cms.extensions import POLICY_PAGE_SECTIONS
from cohorts.extensions import COHORT_ADMIN_LINKS
from core.audit import audit_actions_register
from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS
from people import roles

from . import panels, privacy, sharing
from .admin_rules import RosterTierPermissionPolicy, RosterTierViewSet
from .audit import AUDIT_ACTIONS
from .models import RosterTier, SharePostIndexPage, SharePostPage

register_permission_policy(RosterTier, RosterTierPermissionPolicy(RosterTier))
register_snippet(RosterTierViewSet)

DASHBOARD_PANELS.register(panels.roster_standing_panel)
DASHBOARD_PANELS.register(panels.roster_overview_panel)
POLICY_PAGE_SECTIONS.register(panels.policy_acknowledgement_section)
PRACTICE_WORK_SECTIONS.register(panels.coach_feedback_section)
COHORT_ADMIN_LINKS.register(panels.cohort_coaches_admin_link)

PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)
PERSONAL_DATA_EXPORTERS.register(privacy.roster_work_export)
PERSONAL_DATA_ERASERS.register(privacy.roster_work_erase)


@hooks.register("register_log_actions")
def register_advocacy_audit_actions(actions):
    audit_actions_register(actions, *AUDIT_ACTIONS)


# --- Who writes posts for advocates ------------------------------------------------------
# HR, advocacy leads and site admins write posts for advocates, in the one "Posts for
# advocates" folder (SharePostIndexPage): their groups hold add, change and publish on that
# folder only (migrations/0006), so Wagtail itself keeps them away from the courses beside
# it. Trainers author the pages under the home page, but not posts. These hooks hold the
# line by page type where Wagtail's tree permissions overlap (a trainer's reach on the home
# page covers the folder too).


def _may_author(user, page_class) -> bool:
    if user.is_superuser:
        return True
    if issubclass(page_class, SharePostPage | SharePostIndexPage):
        return sharing.user_may_run_kit(user)
    return roles.user_is_trainer(user)


def _page_class(page):
    return page.specific_class or type(page)


@hooks.register("before_create_page")
def share_post_before_create(request, parent_page, page_class):
    if not _may_author(request.user, page_class):
        raise PermissionDenied


@hooks.register("before_edit_page")
def share_post_before_edit(request, page):
    if not _may_author(request.user, _page_class(page)):
        raise PermissionDenied


@hooks.register("before_delete_page")
def share_post_before_delete(request, page):
    if not _may_author(request.user, _page_class(page)):
        raise PermissionDenied


@hooks.register("before_unpublish_page")
def share_post_before_unpublish(request, page):
    if not _may_author(request.user, _page_class(page)):
        raise PermissionDenied


@hooks.register("before_move_page")
def share_post_before_move(request, page, destination):
    if not _may_author(request.user, _page_class(page)):
        raise PermissionDenied


@hooks.register("before_copy_page")
def share_post_before_copy(request, page):
    if not _may_author(request.user, _page_class(page)):
        raise PermissionDenied
