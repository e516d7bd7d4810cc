"""Courses on the dashboard: the ones a person has started.

A plain function that ``wagtail_hooks`` registers.
"""

from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel
from people.roles import user_is_staff

from .selectors import courses_in_progress
from .templatetags.courses_tags import request_catalogue_url


def your_courses_panel(request):
    """Everyone signed in: the courses they have started or take in a cohort, how far
    they are, what is next. Staff with none do not see it."""
    if not request.user.is_authenticated:
        return None
    courses = courses_in_progress(user=request.user)
    if not courses and user_is_staff(request.user):
        return None  # "You have not started a course yet" is a learner's message
    return DashboardPanel(
        title=_("Your courses"),
        template="courses/panels/your_courses.html",
        context={
            "courses": courses,
            "catalogue_url": request_catalogue_url(request),
        },
        order=15,
        key="courses",
        personal=True,
    )
