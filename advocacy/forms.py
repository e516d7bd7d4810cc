"""Forms of the roster's pages: a person's platform accounts, opting in, a lead's reason, and
the roster's filters (where a value that makes no sense is dropped, never an error)."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import Platform

from .models import CallOut, CallOutResponder, PlatformAccount, RosterMembership, Tier

Status = RosterMembership.Status

# A plain handle: letters, digits, dots, dashes and underscores, an optional @ in front, and
# for federated platforms an optional @server after it ("@ana@mastodon.social").
HANDLE_RE = re.compile(r"@?[A-Za-z0-9_.\-]{1,100}(@[A-Za-z0-9.\-]{1,100})?")
# What makes an entry an address rather than a handle: a scheme, or a path without the
# characters no address has.
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
NOT_IN_ADDRESSES = frozenset("<>\"' \t")
MAX_REASON = 500
# The search box takes a few words; anything longer is cut, not refused.
MAX_SEARCH = 100

# The roster's status filter: "on the roster" unless another choice is made.
ON_ROSTER, ANY_STATUS = "", "all"


class PlatformAccountForm(forms.ModelForm):
    """One entry of "Where I am online": a platform and a handle or profile address."""

    class Meta:
        model = PlatformAccount
        fields = ["platform", "handle"]
        widgets = {"handle": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user
        platform = self.fields["platform"]
        platform.queryset = Platform.objects.order_by("name")
        platform.empty_label = _("Choose a platform")
        platform.error_messages["invalid_choice"] = _("Choose one of the platforms listed.")
        self.fields["handle"].help_text = _(
            "Your name there (for example @ana.gomez), or the https address of your public profile."
        )

    def clean_handle(self) -> str:
        return (self.cleaned_data.get("handle") or "").strip()

    def clean(self):
        cleaned_data = super().clean()
        platform = cleaned_data.get("platform")
        handle = cleaned_data.get("handle")
        if handle and platform is not None:
            problem = handle_problem(platform, handle)
            if problem:
                self.add_error("handle", problem)
        if platform is not None and self._already_listed(platform):
            self.add_error(
                "platform",
                _(
                    "You already listed your %(platform)s account. Change that one instead "
                    "of adding a second."
                )
                % {"platform": platform.name},
            )
        return cleaned_data

    def _already_listed(self, platform: Platform) -> bool:
        others = PlatformAccount.objects.filter(user=self.user, platform=platform)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        return others.exists()


def handle_problem(platform: Platform, handle: str) -> str:
    """What is wrong with ``handle`` for ``platform`` (``""``: nothing). A plain handle, or
    the https address of a profile on that platform; never a post, never another site."""
    is_address = SCHEME_RE.match(handle) or (
        "/" in handle and not NOT_IN_ADDRESSES.intersection(handle)
    )
    if not is_address:
        if HANDLE_RE.fullmatch(handle):
            return ""
        return str(
            _(
                "A handle has letters, digits, dots, dashes and underscores only (an @ in "
                "front is fine). Or paste the https address of your profile."
            )
        )
    try:
        scheme = urlsplit(handle).scheme.lower()
    except ValueError:
        scheme = ""
    example = platform.example_profile_url
    if scheme != "https":
        return str(_("Paste the full address of your profile, starting with https://."))
    kind = platform.classify_url(handle)
    if kind == Platform.Kind.PROFILE:
        return ""
    if kind == Platform.Kind.POST:
        return str(
            _("This is the address of a post. Paste the address of your %(platform)s profile.")
            % {"platform": platform.name}
        )
    if example:
        return str(
            _("This is not a %(platform)s profile address. It looks like %(example)s.")
            % {"platform": platform.name, "example": example}
        )
    return str(_("This is not a %(platform)s profile address.") % {"platform": platform.name})


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PlatformAccount) -> str:
        return f"{obj.platform.name}: {obj.handle}"

    def _check_values(self, value):
        # Only plain small numbers reach the database: "abc" or a 40-digit number is a
        # wrong choice, not a crash.
        for item in value:
            text = str(item).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super()._check_values(value)


class OptInForm(forms.Form):
    """Joining one tier: which of one's own accounts to speak on."""

    platforms = AccountChoiceField(
        label=_("Where you will speak for the company"),
        queryset=PlatformAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one platform."),
            "invalid_choice": _("Choose the platforms from your own list."),
            "invalid_pk_value": _("Choose the platforms from your own list."),
            "invalid_list": _("Choose the platforms from your own list."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platforms"].queryset = (
            PlatformAccount.objects.filter(user=user)
            .select_related("platform")
            .order_by("platform__name", "pk")
        )


class ReasonForm(forms.Form):
    """A lead's reason for turning someone down or removing them (they are told it)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person reads this in their message. Be kind and specific."),
        error_messages={"required": _("Say why: the person is told.")},
    )


# --- The roster's filters --------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFilters:
    """The filters that made sense, ready for ``roster_memberships``."""

    tier: str = ""
    status: str = ON_ROSTER
    unit_id: int | None = None
    platform_id: int | None = None
    query: str = ""

    @property
    def statuses(self) -> list[str] | None:
        if self.status == ON_ROSTER:
            return list(RosterMembership.ON_ROSTER)
        if self.status == ANY_STATUS:
            return None
        return [self.status]

    def params(self) -> dict[str, str]:
        """The filters as query parameters (only those set), for links that keep them."""
        values = {
            "q": self.query,
            "tier": self.tier,
            "status": self.status,
            "unit": "" if self.unit_id is None else str(self.unit_id),
            "platform": "" if self.platform_id is None else str(self.platform_id),
        }
        return {key: value for key, value in values.items() if value}


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.ChoiceField(label=_("Unit, with its sub-units"), required=False)
    platform = forms.ChoiceField(label=_("Speaks on"), required=False)

    def __init__(self, *args, units, platforms, with_status: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "maxlength": MAX_SEARCH, "autocomplete": "off"}
        )
        self.fields["tier"].choices = [("", _("Every tier")), *Tier.choices]
        self.fields["status"].choices = [
            (ON_ROSTER, _("On the roster (active or paused)")),
            (ANY_STATUS, _("Any status")),
            *Status.choices,
        ]
        self.fields["unit"].choices = [
            ("", _("Every unit")),
            *((str(unit.pk), "\u2003" * depth + unit.name) for unit, depth in units),
        ]
        self.fields["platform"].choices = [
            ("", _("Any platform")),
            *((str(platform.pk), platform.name) for platform in platforms),
        ]
        if not with_status:
            del self.fields["status"]
            del self.fields["platform"]


def roster_filters(data, *, units, platforms, with_status: bool = True):
    """The filters in ``data`` (a query dict) that make sense, and an unbound form showing
    them. A value that is not one of the choices is dropped without a word: a stale
    bookmark or an edited address still shows the roster. A long search is cut short."""
    values = {key: data.get(key, "") for key in ("q", "tier", "status", "unit", "platform")}
    values["q"] = " ".join(str(values["q"])[:MAX_SEARCH].split())
    bound = RosterFilterForm(values, units=units, platforms=platforms, with_status=with_status)
    bound.is_valid()
    kept = {
        name: value
        for name, value in bound.cleaned_data.items()
        if name not in bound.errors and value not in (None, "")
    }
    filters = RosterFilters(
        tier=kept.get("tier", ""),
        status=kept.get("status", ON_ROSTER),
        unit_id=int(kept["unit"]) if "unit" in kept else None,
        platform_id=int(kept["platform"]) if "platform" in kept else None,
        query=kept.get("q", ""),
    )
    form = RosterFilterForm(initial=kept, units=units, platforms=platforms, with_status=with_status)
    return form, filters


# --- Plan B call-outs ----------------------------------------------------------------------


class CallOutForm(forms.ModelForm):
    """Open a call-out: the units, the brief, how many people each unit wants and when to
    call the next circle. A unit with nobody ready is named before anything is sent."""

    units = forms.TypedMultipleChoiceField(
        label=_("Units to call"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one unit."),
            "invalid_choice": _("Choose units from the list."),
        },
    )
    playbook_url = forms.URLField(
        label=_("Crisis playbook"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of the crisis playbook page."),
    )
    send_anyway = forms.BooleanField(
        label=_("Call them anyway: go straight to the next circle where nobody is ready"),
        required=False,
    )

    class Meta:
        model = CallOut
        fields = [
            "title",
            "is_drill",
            "brief",
            "channels",
            "holding_statement",
            "playbook_url",
            "wanted",
            "escalate_after",
        ]
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 4}),
            "holding_statement": forms.Textarea(attrs={"rows": 4}),
            "wanted": forms.NumberInput(attrs={"min": 1, "max": 50}),
            "escalate_after": forms.NumberInput(attrs={"min": 1, "max": 240}),
        }

    field_order = ["units", "title", "is_drill", "brief", "channels", "holding_statement"]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = {choice.unit.pk: choice for choice in choices}
        self.fields["units"].choices = [
            (
                choice.unit.pk,
                _("%(unit)s: %(ready)s ready of %(people)s")
                % {
                    "unit": ("· " * choice.depth) + choice.unit.name,
                    "ready": choice.ready,
                    "people": choice.people,
                },
            )
            for choice in choices
        ]
        self.fields["playbook_url"].widget.attrs["placeholder"] = "https://"

    def clean_title(self) -> str:
        return " ".join((self.cleaned_data.get("title") or "").split())

    def clean_playbook_url(self) -> str:
        url = (self.cleaned_data.get("playbook_url") or "").strip()
        if url and urlsplit(url).scheme not in ("https", "http"):
            raise forms.ValidationError(_("Give the playbook's web address (https://…)."))
        return url

    def clean(self):
        cleaned_data = super().clean()
        chosen = [self.choices[pk] for pk in cleaned_data.get("units") or [] if pk in self.choices]
        cleaned_data["unit_objects"] = [choice.unit for choice in chosen]
        nobody = [choice.unit.name for choice in chosen if not choice.ready]
        if nobody and not cleaned_data.get("send_anyway"):
            self.add_error(
                "send_anyway",
                _(
                    "Nobody is ready for a bad day in %(units)s. Tick the box to call their "
                    "advocates (then the neighbouring units) at once, or choose other units."
                )
                % {"units": ", ".join(nobody)},
            )
        return cleaned_data


class CallOutAnswerForm(forms.Form):
    """A person's answer to a call-out."""

    answer = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in CallOutResponder.Answer.choices
            if value != CallOutResponder.Answer.PENDING
        ],
        error_messages={
            "required": _("Choose one of the answers."),
            "invalid_choice": _("Choose one of the answers."),
        },
    )


# --- Ambassadors who coach -----------------------------------------------------------------


class CoachAppointForm(forms.Form):
    """Ask an active ambassador to coach a cohort."""

    coach = forms.ModelChoiceField(
        label=_("Ambassador"),
        queryset=None,
        empty_label=_("Choose an ambassador"),
        error_messages={
            "required": _("Choose an ambassador."),
            "invalid_choice": _("Choose one of the active ambassadors listed."),
        },
    )

    def __init__(self, *args, ambassadors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = ambassadors
        self.fields["coach"].label_from_instance = lambda user: user.display_name


class CoachFeedbackForm(forms.Form):
    """A coach's feedback on one attempt, against its rubric."""

    criteria = forms.ModelMultipleChoiceField(
        label=_("What the work shows"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose criteria of this assignment's rubric."),
            "invalid_pk_value": _("Choose criteria of this assignment's rubric."),
        },
        help_text=_("Tick the rubric's criteria you think the work meets."),
    )
    text = forms.CharField(
        label=_("Your feedback"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text: what works, and one thing to try next time."),
        error_messages={"required": _("Say something the learner can act on.")},
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria
        self.fields["criteria"].label_from_instance = lambda criterion: criterion.description
