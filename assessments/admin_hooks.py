"""The trainers' practice screens in the Wagtail admin: their URLs, the "Review practice"
menu item (with how much waits) and the links from a cohort's admin page.

Imported at the end of ``wagtail_hooks`` so Wagtail finds these registrations.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from cohorts.admin_views import COHORT_ADMIN_LINKS_HOOK
from people import roles

from . import admin_urls
from .selectors import submissions_waiting

MENU_COUNT_CAP = 99


@hooks.register("register_admin_urls")
def register_practice_admin_urls():
    return [path("practice/", include(admin_urls, namespace="assessments_admin"))]


class ReviewMenuItem(MenuItem):
    """Shown to trainers and site admins, with the number of submissions waiting in their
    cohorts (one indexed count per admin page)."""

    def is_shown(self, request):
        return roles.user_is_trainer(request.user)

    def render_component(self, request):
        waiting = submissions_waiting(user=request.user).order_by().count()
        label = str(self.label)
        if waiting:
            shown = f"{MENU_COUNT_CAP}+" if waiting > MENU_COUNT_CAP else str(waiting)
            # Kept short: the sidebar cuts labels at about twenty characters.
            label = _("%(label)s (%(count)s)") % {"label": label, "count": shown}
        return LinkMenuItem(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(
        gettext_lazy("Review practice"),
        reverse("assessments_admin:queue"),
        name="review-practice",
        icon_name="tasks",
        order=262,
    )


@hooks.register(COHORT_ADMIN_LINKS_HOOK)
def cohort_practice_links(*, request, cohort):
    """On a cohort's admin page: who did which assignment, and the cohort's own dates."""
    return [
        (_("Practice: who did what"), reverse("assessments_admin:grid", args=[cohort.pk])),
        (_("Practice dates"), reverse("assessments_admin:dates", args=[cohort.pk])),
    ]
