"""Courses on the dashboard."""

from django.utils.translation import gettext as _
from wagtail import hooks

from core.dashboard import HOOK_NAME, DashboardPanel

from .selectors import courses_in_progress
from .templatetags.courses_tags import request_catalogue_url


@hooks.register(HOOK_NAME)
def your_courses_panel(request):
    """Everyone signed in: the courses they have started, how far they are, what is next."""
    if not request.user.is_authenticated:
        return None
    return DashboardPanel(
        title=_("Your courses"),
        template="courses/panels/your_courses.html",
        context={
            "courses": courses_in_progress(user=request.user),
            "catalogue_url": request_catalogue_url(request),
        },
        order=15,
        key="courses",
    )
