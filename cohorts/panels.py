"""Cohorts on the dashboard: the person's own cohorts, open ones to join, a manager's team.

Plain functions that ``wagtail_hooks`` registers. Each panel reads what it needs through a
selector, in a fixed number of queries, however many cohorts, sessions and people there
are.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel
from people import roles
from people.models import zone_or_utc

from .selectors import (
    course_cohorts_for,
    my_cohorts_overview,
    team_learning_rows,
    trainer_cohorts_overview,
)


def my_cohorts_panel(request):
    """Everyone signed in: their cohorts, what comes next, and open cohorts to join.

    Staff (trainers, HR, advocacy leads, site admins) who take no cohort themselves do
    not see it: "You are not in a cohort yet" is a learner's message, and their own
    panels say what they have to do."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now()
    cards, joinable = my_cohorts_overview(user=user, now=now)
    if not cards and roles.user_is_staff(user):
        return None
    # The panel changes by itself when a next session starts (it releases lessons) or ends
    # (the one after it becomes next).
    moments = [
        moment
        for card in cards
        if card.schedule.next_session is not None
        for moment in (card.schedule.next_session.starts_at, card.schedule.next_session.ends_at)
        if moment > now
    ]
    return DashboardPanel(
        title=_("My cohorts"),
        template="cohorts/panels/my_cohorts.html",
        context={
            "cards": cards,
            "open_cohorts": joinable,
            "viewer_tz": zone_or_utc(user.time_zone),
        },
        order=15,
        key="my-cohorts",
        personal=True,
        valid_until=min(moments, default=None),
    )


def team_learning_panel(request):
    """Managers: the cohorts their direct reports take, and how far each person is."""
    if not roles.user_is_manager(request.user):
        return None
    return DashboardPanel(
        title=_("Your team's learning"),
        template="cohorts/panels/team_learning.html",
        context={"rows": team_learning_rows(manager=request.user, now=timezone.now())},
        order=35,
        key="team-learning",
        wide=True,
    )


def trainer_cohorts_panel(request):
    """Trainers: the cohorts they train, each with its next session and the sessions
    whose attendance is still to take, with links to the screens that do it."""
    user = request.user
    if not roles.user_is_trainer(user):
        return None
    rows = trainer_cohorts_overview(user=user, now=timezone.now())
    if not rows and roles.user_is_site_admin(user):
        return None  # a site admin who trains nothing has their own panel
    return DashboardPanel(
        title=_("Cohorts you train"),
        template="cohorts/panels/trainer_cohorts.html",
        context={"rows": rows, "viewer_tz": zone_or_utc(user.time_zone)},
        order=5,
        key="trainer-cohorts",
    )


def course_cohorts_section(*, request, course):
    """On a course taught in cohorts: the reader's cohort, the cohorts open to them, or
    (when none is) a way to register interest in the next run, and to withdraw it."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    standing = course_cohorts_for(user=user, course=course, now=timezone.now())
    if not standing.runs_in_cohorts and standing.interest is None:
        return None  # self-paced: nothing to join
    return DashboardPanel(
        title=_("Cohorts of this course"),
        template="cohorts/panels/course_cohorts.html",
        context={
            "standing": standing,
            "course": course,
            "viewer_tz": zone_or_utc(user.time_zone),
        },
        order=10,
        key="cohorts",
        personal=True,
    )
