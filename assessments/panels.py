"""Practice on the dashboard ("What's due") and on a cohort's page ("Practice").

Plain functions that ``wagtail_hooks`` registers. Each reads
``selectors.practice_for`` once: a fixed number of queries however much there is to do.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import DashboardPanel
from people.models import zone_or_utc
from people.roles import user_is_trainer

from .selectors import practice_for, practice_overview, review_waiting

# The dashboard lists the first few; the full list is one click away.
PANEL_ITEMS = 6


def whats_due_panel(request):
    """People with something to practise, or holding a place in a current cohort (who see
    "nothing due right now"). Hidden from everyone else: HR, trainers who are not learning,
    newcomers in no cohort yet. Accepted work is done, so it is not "due": it shows under
    "New feedback" until the learner opens the feedback, then leaves."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    practice = practice_overview(user=user, now=timezone.now())
    items, feedback = practice.due, practice.feedback_to_read
    if not items and not feedback and not practice.has_current_cohort:
        return None
    return DashboardPanel(
        title=_("What's due"),
        template="assessments/panels/whats_due.html",
        context={
            "items": items[:PANEL_ITEMS],
            "feedback": feedback[:PANEL_ITEMS],
            "total": len(items),
            "more": max(0, len(items) - PANEL_ITEMS),
            "viewer_tz": zone_or_utc(user.time_zone),
        },
        order=20,
        key="whats-due",
        personal=True,
    )


def cohort_practice_section(*, request, cohort, access):
    """The cohort's open practice, for the people holding a place in it."""
    if not access.holds_a_place:
        return None
    return DashboardPanel(
        title=_("Practice"),
        template="assessments/panels/cohort_practice.html",
        context={
            "items": practice_for(user=request.user, now=timezone.now(), cohort=cohort),
            "viewer_tz": zone_or_utc(request.user.time_zone),
        },
        order=10,
        key="practice",
    )


def review_waiting_panel(request):
    """Trainers (and site admins, for every cohort): how much work waits for their
    decision, per cohort, and the oldest submissions with a link straight to each
    review. Two queries."""
    user = request.user
    if not user_is_trainer(user):
        return None
    return DashboardPanel(
        title=_("Work waiting for review"),
        template="assessments/panels/review_waiting.html",
        context={"waiting": review_waiting(user=user)},
        order=6,
        key="review-waiting",
    )
