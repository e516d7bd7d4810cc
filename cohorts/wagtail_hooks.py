"""Everything ``cohorts`` adds to the Wagtail admin and to the pages of the apps below it,
registered in one place: the dashboard panels (``panels``), the trainers' screens
(``admin_views``) and the lesson release by schedule (``release``).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

from core.dashboard import DASHBOARD_PANELS
from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS
from courses.extensions import COURSE_PAGE_SECTIONS, COURSES_TAKEN, LESSON_RELEASE

from . import admin_urls, panels, privacy
from .admin_views import TrainersMenuItem
from .release import lesson_release_for_person
from .selectors import courses_taken_ids

DASHBOARD_PANELS.register(panels.my_cohorts_panel)
DASHBOARD_PANELS.register(panels.team_learning_panel)
DASHBOARD_PANELS.register(panels.trainer_cohorts_panel)
COURSE_PAGE_SECTIONS.register(panels.course_cohorts_section)

# Courses asks which lessons are open: cohorts answers by schedule.
LESSON_RELEASE.register(lesson_release_for_person)


@COURSES_TAKEN.register
def courses_of_my_cohorts(*, user):
    """Courses asks which courses a person takes: those of the cohorts they have a place in."""
    return courses_taken_ids(user=user)


# --- The trainers' screens in the admin ------------------------------------------------


@hooks.register("register_admin_urls")
def register_cohort_admin_urls():
    return [path("cohorts/", include(admin_urls, namespace="cohorts_admin"))]


@hooks.register("register_admin_menu_item")
def register_cohorts_menu_item():
    return TrainersMenuItem(
        gettext_lazy("Cohorts"), reverse("cohorts_admin:index"), icon_name="group", order=260
    )


PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)
