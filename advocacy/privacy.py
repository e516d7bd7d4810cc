"""A person's roster places, acknowledgements and platform accounts in their download and
at their erasure (see ``core.privacy``)."""

from django.db.models import Q

from core.personcache import person_changed
from core.privacy import ErasedPart, PersonalDataSection, covers, iso

from .models import (
    CallOut,
    CallOutResponder,
    CoachFeedback,
    CohortCoach,
    PlatformAccount,
    PolicyAcknowledgement,
    RosterEvent,
    RosterMembership,
    ShareClick,
    ShareLink,
    SharingChoice,
)

MODELS = (
    "advocacy.PolicyAcknowledgement",
    "advocacy.PlatformAccount",
    "advocacy.RosterMembership",
    "advocacy.RosterEvent",
    "advocacy.ShareLink",
    "advocacy.SharingChoice",
)


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """Roster places with their whole history, policy acknowledgements, social handles,
    share links with their clicks and the choice to be named with them."""
    events: dict[int, list] = {}
    for event in (
        RosterEvent.objects.filter(membership__user=user).select_related("by").order_by("at", "pk")
    ):
        events.setdefault(event.membership_id, []).append(
            {
                "from": event.from_status,
                "to": event.to_status,
                "by": event.by.display_name if event.by_id else None,
                "why": event.reason,
                "when": iso(event.at),
            }
        )
    data = {
        "roster": [
            {
                "tier": m.tier,
                "status": m.status,
                "eligible_since": iso(m.eligible_since),
                "opted_in": iso(m.opted_in_at),
                "approved": iso(m.approved_at),
                "lapsed": iso(m.lapsed_at),
                "why": m.reason,
                "history": events.get(m.pk, []),
            }
            for m in RosterMembership.objects.filter(user=user)
        ],
        "policy_acknowledgements": [
            {"policy_version": a.version_id, "acknowledged": iso(a.acknowledged_at)}
            for a in PolicyAcknowledgement.objects.filter(user=user).order_by("acknowledged_at")
        ],
        "platform_accounts": [
            {"platform": a.platform.name, "handle": a.handle, "added": iso(a.created_at)}
            for a in PlatformAccount.objects.filter(user=user).select_related("platform")
        ],
        "share_links": [
            {
                "post": link.post.title,
                "code": link.code,
                "created": iso(link.created_at),
                "clicks": sum(click.count for click in link.clicks.all()),
            }
            for link in ShareLink.objects.filter(advocate=user)
            .select_related("post")
            .prefetch_related("clicks")
        ],
        "show_name_with_clicks": SharingChoice.objects.filter(user=user, show_name=True).exists(),
    }
    return [PersonalDataSection(name="advocacy", data=data)]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """Social handles go, and so do the reasons written about the person; roster places,
    their history of statuses and the acknowledgements stay for the figures."""
    handles = PlatformAccount.objects.filter(user=user).delete()[0]
    # Share links go (an old share then ends in a 404); their clicks move to nobody, so the
    # figures per post lose them: counts are not worth keeping a code tied to the person.
    clicks = ShareClick.objects.filter(link__advocate=user).delete()[0]
    links = ShareLink.objects.filter(advocate=user).delete()[0]
    choices = SharingChoice.objects.filter(user=user).delete()[0]
    memberships = RosterMembership.objects.filter(user=user)
    reasons = memberships.exclude(reason="").update(reason="")
    reasons += (
        RosterEvent.objects.filter(membership__user=user).exclude(reason="").update(reason="")
    )
    person_changed(user.pk)
    return ErasedPart(
        name="advocacy",
        deleted={
            "social handles": handles,
            "roster reasons": reasons,
            "share links": links,
            "share click counts": clicks,
            "sharing choices": choices,
        },
        kept={
            "roster places": memberships.count(),
            "roster events": RosterEvent.objects.filter(membership__user=user).count(),
            "policy acknowledgements": PolicyAcknowledgement.objects.filter(user=user).count(),
        },
    )


# --- Plan B call-outs and coaching --------------------------------------------------------

WORK_MODELS = (
    "advocacy.CallOut",
    "advocacy.CallOutResponder",
    "advocacy.CohortCoach",
    "advocacy.CoachFeedback",
)


@covers(*WORK_MODELS)
def roster_work_export(*, user) -> list[PersonalDataSection]:
    """The call-outs a person was called for and their answers, the call-outs they opened
    or closed, the cohorts they coach, the feedback they gave as a coach and the coaches'
    feedback on their own work."""

    def feedback(item, *, about_me: bool) -> dict:
        entry = {
            "work": item.submission_id,
            "feedback": item.text,
            "given": iso(item.created_at),
            "endorsed": iso(item.endorsed_at),
        }
        if about_me:
            entry["coach"] = item.coach.display_name
        return entry

    called = CallOutResponder.objects.filter(user=user).select_related("call_out")
    data = {
        "plan_b_calls": [
            {
                "call_out": r.call_out.title,
                "drill": r.call_out.is_drill,
                "circle": r.circle,
                "answer": r.answer,
                "called": iso(r.called_at),
                "answered": iso(r.answered_at),
            }
            for r in called
        ],
        "plan_b_call_outs_opened_or_closed": list(
            CallOut.objects.filter(Q(opened_by=user) | Q(closed_by=user)).values_list(
                "title", flat=True
            )
        ),
        "cohorts_you_coach": list(
            CohortCoach.objects.filter(coach=user).values_list("cohort__name", flat=True)
        ),
        "coaching_feedback_you_gave": [
            feedback(item, about_me=False) for item in CoachFeedback.objects.filter(coach=user)
        ],
        "coaching_feedback_on_your_work": [
            feedback(item, about_me=True)
            for item in CoachFeedback.objects.filter(submission__user=user).select_related("coach")
        ],
    }
    return [PersonalDataSection(name="plan-b-and-coaching", data=data)]


@covers(*WORK_MODELS)
def roster_work_erase(*, user, pseudonym: str) -> ErasedPart:
    """Coaches' words about the person's work go (as a trainer's feedback does); their
    answers to call-outs, the call-outs they ran and their coaching stay under the
    pseudonym, for the readiness report's response times and the coaching evidence."""
    words = CoachFeedback.objects.filter(submission__user=user).exclude(text="").update(text="")
    person_changed(user.pk)
    return ErasedPart(
        name="plan-b-and-coaching",
        deleted={"coaches' feedback on their work": words} if words else {},
        kept={
            "call-out answers": CallOutResponder.objects.filter(user=user).count(),
            "cohorts coached": CohortCoach.objects.filter(coach=user).count(),
            "coaching feedback given": CoachFeedback.objects.filter(coach=user).count(),
        },
    )
