"""The roster's pages, under /roster/ (see ``urls_roster``).

- A person's own pages, for everyone logged in: "Where I am online" (their platform
  accounts) and "My place on the roster" (where they stand, joining, pausing, leaving).
- The roster, for advocacy leads, HR and site admins: members with filters and exports, the
  people eligible who have not joined, the approval queue and each membership's history.
  HR read; only leads (and site admins) decide.

Someone else's account or membership is a 404, like one that does not exist; a roster page
for someone without the role is a 403. Every change is a POST; leaving, turning someone down
and removing them ask first.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import Platform
from core.errors import error_text
from core.exports import csv_response, xlsx_response
from core.responses import private_response, safe_next
from people.audit import people_list_export_log
from people.models import zone_or_utc
from people.roles import user_is_advocacy_lead, user_is_hr
from people.selectors import unit_tree

from .forms import (
    OptInForm,
    PlatformAccountForm,
    ReasonForm,
    roster_filters,
)
from .models import PlatformAccount, RosterMembership, RosterTier, Tier
from .policy import policy_status
from .selectors import (
    TierCheck,
    approvals_waiting,
    eligibility,
    eligibility_for,
    memberships_for,
    roster_memberships,
)
from .services import (
    membership_approve,
    membership_decline,
    membership_leave,
    membership_opt_in,
    membership_pause,
    membership_reject,
    membership_remove,
    membership_resume,
    platform_account_delete,
    platform_account_save,
)

Status = RosterMembership.Status
PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx")
# What a person may join from (a lapsed membership comes back by itself once the rules hold).
JOINABLE = (None, Status.ELIGIBLE, Status.DECLINED)


# --- Shared helpers --------------------------------------------------------------------------


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("p"))


def _may_read_roster(user) -> bool:
    return user_is_advocacy_lead(user) or user_is_hr(user)


def _roster_reader(request) -> bool:
    """403 unless the person may read the roster; ``True`` when they may also decide."""
    if not _may_read_roster(request.user):
        raise PermissionDenied
    return user_is_advocacy_lead(request.user)


def _lead_only(request) -> None:
    """403 unless the person decides about memberships (leads and site admins)."""
    if not user_is_advocacy_lead(request.user):
        raise PermissionDenied


def _membership_or_404(pk: int) -> RosterMembership:
    membership = roster_memberships(status=None).filter(pk=pk).first()
    if membership is None:
        raise Http404(_("No membership found."))
    return membership


def _tier_or_404(tier: str) -> str:
    if tier not in Tier.values:
        raise Http404(_("No such tier."))
    return tier


def _policy_url(next_url: str) -> str:
    return f"{reverse('advocacy:policy_check')}?{urlencode({'next': next_url})}"


# --- Where I am online -----------------------------------------------------------------------


def _own_account_or_404(request, pk: int) -> PlatformAccount:
    return get_object_or_404(
        PlatformAccount.objects.select_related("platform"), pk=pk, user=request.user
    )


@login_required
@require_GET
def platform_list(request):
    """The person's platform accounts, and which tiers they speak on each with."""
    accounts = list(
        PlatformAccount.objects.filter(user=request.user)
        .select_related("platform")
        .prefetch_related("memberships")
        .order_by("platform__name", "pk")
    )
    listed = {account.platform_id for account in accounts}
    more_platforms = Platform.objects.exclude(pk__in=listed).exists()
    return private_response(
        render(
            request,
            "advocacy/platforms.html",
            {
                "accounts": accounts,
                "more_platforms": more_platforms,
                "on_roster": (*RosterMembership.ON_ROSTER, Status.PENDING),
            },
        )
    )


def _save_account(request, form: PlatformAccountForm) -> PlatformAccount | None:
    """Save the form's account through the service; ``None`` (with the error on the form)
    when another window listed the same platform a moment ago."""
    try:
        return platform_account_save(
            user=request.user,
            platform=form.cleaned_data["platform"],
            handle=form.cleaned_data["handle"],
            account=form.instance if form.instance.pk else None,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def platform_add(request):
    """Add an account. ``?next=`` (on this site) is where to go back to afterwards."""
    back = safe_next(request, reverse("advocacy:platforms"))
    form = PlatformAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account = _save_account(request, form)
        if account is not None:
            messages.success(
                request, _("Your %(platform)s account is listed.") % {"platform": account.platform}
            )
            return HttpResponseRedirect(back)
    return private_response(
        render(
            request,
            "advocacy/platform_form.html",
            {"form": form, "account": None, "next": back},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def platform_edit(request, pk: int):
    """Change one's own account (a 404 for anyone else's)."""
    account = _own_account_or_404(request, pk)
    form = PlatformAccountForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_account(request, form)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("advocacy:platforms")
    return private_response(
        render(
            request,
            "advocacy/platform_form.html",
            {"form": form, "account": account, "next": reverse("advocacy:platforms")},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def platform_delete(request, pk: int):
    """GET asks to confirm (and says which tiers use the account); POST deletes it."""
    account = _own_account_or_404(request, pk)
    if request.method == "POST":
        name = account.platform.name
        platform_account_delete(account=account, by=request.user)
        messages.success(
            request, _("Your %(platform)s account is no longer listed.") % {"platform": name}
        )
        return redirect("advocacy:platforms")
    used_by = [
        membership
        for membership in account.memberships.all()
        if membership.status in (*RosterMembership.ON_ROSTER, Status.PENDING)
    ]
    return private_response(
        render(
            request,
            "advocacy/platform_delete.html",
            {"account": account, "used_by": used_by},
        )
    )


# --- My place on the roster ------------------------------------------------------------------


@dataclass
class TierCard:
    """One tier as the person sees it: where they stand and what they can do."""

    tier: str
    label: str
    description: str
    check: TierCheck | None
    membership: RosterMembership | None
    form: OptInForm | None = None
    needs_policy: bool = False
    actions: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.membership.status if self.membership else ""


def _tier_cards(request, *, bound: OptInForm | None = None, bound_tier: str = "") -> list:
    user = request.user
    now = timezone.now()
    checks = eligibility_for(user=user, now=now)
    memberships = {membership.tier: membership for membership in memberships_for(user=user)}
    descriptions = dict(RosterTier.objects.values_list("tier", "description"))
    cards = []
    for tier, label in Tier.choices:
        check = checks.get(tier)
        membership = memberships.get(tier)
        if check is None and membership is None:
            continue  # a tier with no rules row and no membership: nothing to say
        card = TierCard(
            tier=tier,
            label=str(label),
            description=descriptions.get(tier, ""),
            check=check,
            membership=membership,
        )
        status = membership.status if membership else None
        if bound is not None and bound_tier == tier:
            card.form = bound  # the form just sent, with its errors and its ticks
        elif check is not None and check.qualifies and status in JOINABLE:
            if check.policy_ok:
                card.form = OptInForm(prefix=tier, user=user)
            else:
                card.needs_policy = True
        if status == Status.ELIGIBLE:
            card.actions.append("decline")
        elif status == Status.ACTIVE:
            card.actions += ["pause", "leave"]
        elif status == Status.PAUSED:
            card.actions += ["resume", "leave"]
        elif status in (Status.PENDING, Status.LAPSED):
            card.actions.append("leave")
        if status == Status.LAPSED and check is not None and not check.policy_ok:
            card.needs_policy = True
        cards.append(card)
    return cards


def _render_me(request, *, bound: OptInForm | None = None, bound_tier: str = ""):
    cards = _tier_cards(request, bound=bound, bound_tier=bound_tier)
    me_url = reverse("advocacy:me")
    has_accounts = PlatformAccount.objects.filter(user=request.user).exists()
    response = render(
        request,
        "advocacy/me.html",
        {
            "cards": cards,
            "form": bound,  # its errors head the page (the error summary)
            "policy": policy_status(user=request.user),
            "policy_url": _policy_url(me_url),
            "has_accounts": has_accounts,
            "add_account_url": (
                f"{reverse('advocacy:platform_add')}?{urlencode({'next': me_url})}"
            ),
        },
    )
    return private_response(response)


@login_required
@require_GET
def me(request):
    """Where the person stands against each tier, and what they can do about it."""
    return _render_me(request)


def _own_membership_or_404(request, tier: str) -> RosterMembership:
    tier = _tier_or_404(tier)
    membership = memberships_for(user=request.user).filter(tier=tier).first()
    if membership is None:
        raise Http404(_("You have no membership in this tier."))
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def opt_in(request, tier: str):
    """POST: join ``tier`` on the chosen platforms. Errors come back on the form, with the
    ticks kept; a missing policy acknowledgement sends the person to the policy check."""
    tier = _tier_or_404(tier)
    if request.method == "GET":
        return HttpResponseRedirect(f"{reverse('advocacy:me')}#tier-{tier}")
    form = OptInForm(request.POST, prefix=tier, user=request.user)
    if form.is_valid():
        try:
            membership = membership_opt_in(
                user=request.user,
                tier=tier,
                platform_account_ids=[account.pk for account in form.cleaned_data["platforms"]],
                now=timezone.now(),
            )
        except ValidationError as error:
            if error.code == "policy":
                messages.info(request, error_text(error))
                return HttpResponseRedirect(_policy_url(reverse("advocacy:me")))
            form.add_error("platforms" if error.code == "platforms" else None, error)
        else:
            if membership.status == Status.PENDING:
                messages.success(
                    request,
                    _("Thank you! An advocacy lead looks at your request and lets you know."),
                )
            else:
                messages.success(
                    request,
                    _("Welcome aboard: you are on the roster as %(tier)s.")
                    % {"tier": membership.get_tier_display().lower()},
                )
            return redirect("advocacy:me")
    return _render_me(request, bound=form, bound_tier=tier)


def _own_change(request, tier: str, service, done: str):
    membership = _own_membership_or_404(request, tier)
    try:
        service(membership=membership, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(f"{reverse('advocacy:me')}#tier-{membership.tier}")


@login_required
@require_POST
def decline(request, tier: str):
    """No thanks to an invitation (one can still join later)."""
    return _own_change(
        request, tier, membership_decline, _("Noted. You can still join later from this page.")
    )


@login_required
@require_POST
def pause(request, tier: str):
    """Step back for a while."""
    return _own_change(request, tier, membership_pause, _("Paused. Resume whenever you are ready."))


@login_required
@require_POST
def resume(request, tier: str):
    """Come back from a pause (the rules are checked again)."""
    membership = _own_membership_or_404(request, tier)
    try:
        membership = membership_resume(membership=membership, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if membership.status == Status.ACTIVE:
            messages.success(request, _("Welcome back."))
        else:
            messages.warning(
                request,
                _("You no longer meet every rule of this tier: see what is missing below."),
            )
    return HttpResponseRedirect(f"{reverse('advocacy:me')}#tier-{membership.tier}")


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, tier: str):
    """GET asks to confirm; POST leaves the tier (one may join again later)."""
    membership = _own_membership_or_404(request, tier)
    if membership.status not in (*RosterMembership.ON_ROSTER, Status.PENDING, Status.LAPSED):
        messages.info(request, _("You are not on the roster in this tier."))
        return redirect("advocacy:me")
    if request.method == "POST":
        return _own_change(
            request, tier, membership_leave, _("You left. Thank you for all you did.")
        )
    return private_response(render(request, "advocacy/leave.html", {"membership": membership}))


# --- The roster, for leads and HR ------------------------------------------------------------


def _roster_rows(memberships, viewer_tz):
    """The export's rows: the same columns for CSV and XLSX, never anything a person wrote
    in their practice."""
    for membership in memberships.iterator(chunk_size=500):
        person = membership.user
        yield [
            person.get_full_name(),
            person.email,
            person.unit.name if person.unit else "",
            membership.get_tier_display(),
            membership.get_status_display(),
            membership.status_changed_at.astimezone(viewer_tz).date(),
            "; ".join(
                f"{account.platform.name}: {account.handle}"
                for account in membership.platforms.all()
            ),
        ]


def _export(request, memberships, file_format: str):
    header = [
        _("Name"),
        _("E-mail"),
        _("Unit"),
        _("Tier"),
        _("Status"),
        _("Since"),
        _("Platforms"),
    ]
    rows = list(_roster_rows(memberships, zone_or_utc(request.user.time_zone)))
    people_list_export_log(
        by=request.user,
        what="roster",
        file_format=file_format,
        rows=len(rows),
        filters={key: value for key, value in request.GET.items() if key != "format"},
    )
    name = f"roster-{timezone.localdate():%Y-%m-%d}"
    if file_format == "xlsx":
        return xlsx_response(f"{name}.xlsx", _("Roster"), header, rows)
    return csv_response(f"{name}.csv", header, rows)


def _filters(request, *, with_status: bool = True):
    return roster_filters(
        request.GET,
        units=unit_tree(),
        platforms=list(Platform.objects.order_by("name")),
        with_status=with_status,
    )


@login_required
@require_GET
def roster(request):
    """The roster: members by tier, status, unit (with sub-units), platform and name, a page
    at a time, or the whole filtered list as CSV or XLSX."""
    is_lead = _roster_reader(request)
    form, filters = _filters(request)
    memberships = roster_memberships(
        tier=filters.tier or None,
        status=filters.statuses,
        unit_id=filters.unit_id,
        platform_id=filters.platform_id,
        query=filters.query,
    )
    file_format = request.GET.get("format", "")
    if file_format in EXPORT_FORMATS:
        return _export(request, memberships, file_format)
    page = _page(request, memberships)
    return private_response(
        render(
            request,
            "advocacy/roster.html",
            {
                "tab": "members",
                "form": form,
                "filters": filters,
                "filter_query": urlencode(filters.params()),
                "page": page,
                "memberships": page.object_list,
                "is_lead": is_lead,
                "waiting": approvals_waiting().count(),
                "viewer_tz": zone_or_utc(request.user.time_zone),
            },
        )
    )


@login_required
@require_GET
def eligible(request):
    """People who meet a tier's rules and have neither joined nor said no."""
    is_lead = _roster_reader(request)
    form, filters = _filters(request, with_status=False)
    memberships = roster_memberships(
        tier=filters.tier or None,
        status=Status.ELIGIBLE,
        unit_id=filters.unit_id,
        query=filters.query,
    ).filter(user__is_active=True)
    page = _page(request, memberships)
    return private_response(
        render(
            request,
            "advocacy/roster_eligible.html",
            {
                "tab": "eligible",
                "form": form,
                "filter_query": urlencode(filters.params()),
                "page": page,
                "memberships": page.object_list,
                "is_lead": is_lead,
                "waiting": approvals_waiting().count(),
                "viewer_tz": zone_or_utc(request.user.time_zone),
            },
        )
    )


@dataclass(frozen=True)
class Request:
    """A request to join, with where the person stands now."""

    membership: RosterMembership
    check: TierCheck | None
    is_own: bool


@login_required
@require_GET
def approvals(request):
    """Requests to join a tier that needs a lead's approval, first come first."""
    is_lead = _roster_reader(request)
    page = _page(request, approvals_waiting())
    members = list(page.object_list)
    checks = eligibility(user_ids=[m.user_id for m in members], now=timezone.now())
    requests = [
        Request(
            membership=membership,
            check=checks.get(membership.user_id, {}).get(membership.tier),
            is_own=membership.user_id == request.user.pk,
        )
        for membership in members
    ]
    return private_response(
        render(
            request,
            "advocacy/approvals.html",
            {
                "tab": "approvals",
                "page": page,
                "requests": requests,
                "is_lead": is_lead,
                "waiting": page.paginator.count,
                "viewer_tz": zone_or_utc(request.user.time_zone),
            },
        )
    )


@login_required
@require_GET
def member(request, pk: int):
    """One membership: the person, their platforms, where they stand, and every change."""
    is_lead = _roster_reader(request)
    membership = _membership_or_404(pk)
    events = _page(request, membership.events.select_related("by").order_by("-at", "-pk"))
    others = [m for m in memberships_for(user=membership.user) if m.pk != membership.pk]
    check = eligibility_for(user=membership.user, now=timezone.now()).get(membership.tier)
    is_own = membership.user_id == request.user.pk
    return private_response(
        render(
            request,
            "advocacy/member.html",
            {
                "membership": membership,
                "person": membership.user,
                "check": check,
                "events": events,
                "others": others,
                "is_lead": is_lead,
                "may_decide": is_lead and not is_own,
                "is_own": is_own,
                "viewer_tz": zone_or_utc(request.user.time_zone),
            },
        )
    )


@login_required
@require_POST
def approve(request, pk: int):
    """A lead lets someone join (they are told)."""
    _lead_only(request)
    membership = _membership_or_404(pk)
    back = safe_next(request, reverse("advocacy:approvals"))
    try:
        membership_approve(membership=membership, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is on the roster as %(tier)s.")
            % {
                "name": membership.user.display_name,
                "tier": membership.get_tier_display().lower(),
            },
        )
    return HttpResponseRedirect(back)


def _decision_page(request, pk: int, *, service, template: str, allowed, done: str):
    """A lead's decision that needs a reason and a confirmation: reject and remove."""
    _lead_only(request)
    membership = _membership_or_404(pk)
    member_url = reverse("advocacy:member", args=[membership.pk])
    if membership.user_id == request.user.pk:
        messages.error(request, _("Another lead decides about your own membership."))
        return redirect(member_url)
    if membership.status not in allowed:
        messages.info(
            request,
            _("This membership is %(status)s now: nothing to decide.")
            % {"status": membership.get_status_display().lower()},
        )
        return redirect(member_url)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                membership=membership,
                by=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, done % {"name": membership.user.display_name})
            return redirect(member_url)
    return private_response(
        render(
            request, template, {"membership": membership, "person": membership.user, "form": form}
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def reject(request, pk: int):
    """Turn down a request to join, saying why (GET asks, POST decides)."""
    return _decision_page(
        request,
        pk,
        service=membership_reject,
        template="advocacy/reject.html",
        allowed=(Status.PENDING,),
        done=_("%(name)s was told why their request was turned down."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, pk: int):
    """Take someone off a tier for good, saying why (GET asks, POST decides)."""
    return _decision_page(
        request,
        pk,
        service=membership_remove,
        template="advocacy/remove.html",
        allowed=tuple(value for value in Status.values if value != Status.REMOVED),
        done=_("%(name)s was removed from the tier and told why."),
    )
