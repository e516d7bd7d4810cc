"""The roster on the dashboard: "Advocates and ambassadors" for everyone logged in (where
they stand against each tier, and an invitation when they meet one's rules), and "The
roster" for advocacy leads, HR and site admins (counts, and the way to the roster); and
on the policy page, the reader's acknowledgement and the way to the check.

Plain functions that ``wagtail_hooks`` registers. Each panel reads a fixed number of
queries (the rules, the person's standings, policy and memberships; the counts), whatever
the size of the roster.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dashboard import DashboardPanel
from people.roles import user_is_advocacy_lead, user_is_hr

from .coaching import feedback_for_submissions
from .models import RosterMembership, Tier
from .policy import policy_status
from .selectors import (
    approvals_waiting,
    eligibility_for,
    eligible_not_joined,
    memberships_for,
    roster_counts_by_unit,
)

Status = RosterMembership.Status
# Where a person can join from, as on /roster/me/.
_JOINABLE = (None, Status.ELIGIBLE, Status.DECLINED)
# Requests waiting for approval named on a lead's dashboard; the rest are one click away.
OLDEST_SHOWN = 5


# --- Everyone: where I stand -----------------------------------------------------------------


def standing_summary(user) -> list[dict]:
    """Each tier with the person's status, what holds, what is missing, and whether they
    are invited to join."""
    checks = eligibility_for(user=user, now=timezone.now())
    memberships = {membership.tier: membership for membership in memberships_for(user=user)}
    tiers = []
    for tier, label in Tier.choices:
        check = checks.get(tier)
        membership = memberships.get(tier)
        if check is None and membership is None:
            continue
        status = membership.status if membership else None
        qualifies = bool(check and check.qualifies)
        tiers.append(
            {
                "tier": tier,
                "label": str(label),
                "status": status or "",
                "status_label": str(membership.get_status_display()) if membership else "",
                "met": [str(text) for text in check.met] if check else [],
                "missing": [str(text) for text in check.missing] if check else [],
                "invited": qualifies and status in _JOINABLE,
                "needs_policy": qualifies and status in _JOINABLE and not check.policy_ok,
            }
        )
    return tiers


def roster_standing_panel(request):
    """Everyone logged in: where they stand against each tier."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    tiers = standing_summary(user)
    return DashboardPanel(
        title=_("Advocates and ambassadors"),
        template="advocacy/panels/standing.html",
        context={
            "tiers": tiers,
            "invited": any(tier["invited"] for tier in tiers),
            "me_url": reverse("advocacy:me"),
        },
        order=25,
        key="roster-standing",
        personal=True,
    )


# --- Leads and HR: the roster at a glance ----------------------------------------------------


def roster_summary() -> dict:
    """Active members per tier, requests waiting and invitations open (three queries)."""
    active = dict.fromkeys(Tier.values, 0)
    for counts in roster_counts_by_unit().values():
        for tier, members in counts.items():
            active[tier] = active.get(tier, 0) + members
    return {
        "active": [(str(label), active.get(tier, 0)) for tier, label in Tier.choices],
        "waiting": approvals_waiting().count(),
        "eligible": eligible_not_joined().count(),
    }


def roster_overview_panel(request):
    """Advocacy leads, HR and site admins: the roster in numbers, and the way to it."""
    user = request.user
    if not (user_is_advocacy_lead(user) or user_is_hr(user)):
        return None
    summary = roster_summary()
    is_lead = user_is_advocacy_lead(user)
    oldest = []
    if is_lead and summary["waiting"]:
        # The first few requests by name, so a lead sees whom they keep waiting (one query).
        oldest = list(
            approvals_waiting().prefetch_related(None).select_related("user")[:OLDEST_SHOWN]
        )
    return DashboardPanel(
        title=_("The roster"),
        template="advocacy/panels/roster.html",
        context={**summary, "is_lead": is_lead, "oldest_waiting": oldest},
        order=45,
        key="roster",
    )


# --- On the policy page: the reader's acknowledgement ------------------------------------


def policy_acknowledgement_section(*, request, page, version):
    """For a logged-in reader of the published policy: whether they acknowledged the
    current version, and a button to the check when not. One query."""
    if (
        version is None
        or not request.user.is_authenticated
        or getattr(request, "is_preview", False)
    ):
        return None
    status = policy_status(user=request.user, version=version)
    check_url = reverse("advocacy:policy_check")
    page_url = page.get_url(request)
    if page_url:
        check_url = f"{check_url}?{urlencode({'next': page_url})}"
    return DashboardPanel(
        title=gettext_lazy("Your acknowledgement"),
        template="advocacy/policy_section.html",
        context={"status": status, "check_url": check_url},
        order=10,
        key="policy-acknowledgement",
    )


def coach_feedback_section(*, request, submissions, viewer):
    """Coaches' feedback beside a piece of practice work: for the learner (as a coach's,
    not a decision) and on the trainer's review screen (with "Endorse" for the trainer).
    Two queries, none when there is no attempt."""
    ids = [submission.pk for submission in submissions if submission.pk]
    if not ids:
        return None
    feedback = feedback_for_submissions(submission_ids=ids)
    if not feedback:
        return None
    return DashboardPanel(
        title=_("Feedback from a coach"),
        template="advocacy/panels/coach_feedback.html",
        context={
            "feedback": feedback,
            "viewer": viewer,
            "latest": max(ids),
            "next": request.get_full_path(),
        },
        order=30,
        key="coach-feedback",
    )


def cohort_coaches_admin_link(*, request, cohort):
    """The cohort's coaches, from its admin page (no queries)."""
    return [(_("Coaches"), reverse("coaching:coaches", kwargs={"pk": cohort.pk}))]
