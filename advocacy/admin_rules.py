"""The roster's rules in the Wagtail admin ("Roster rules"), for advocacy leads and site admins.

The two tiers come from ``advocacy/migrations/0002_default_tiers.py``: leads change their
rules, never add or delete a tier (the permission policy below, which ``wagtail_hooks``
registers with the viewset, refuses both to everyone, so
Wagtail shows no button and turns the URLs away). The form refuses contradictions on the
field concerned, keeping what was typed; saving re-checks everyone against the new rules.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from competencies.models import Competency
from people import roles

from .models import RosterRule, RosterTier

PRACTICE_DAYS_MIN, PRACTICE_DAYS_MAX = 1, 730


class RosterTierPermissionPolicy(ModelPermissionPolicy):
    """Leads' and site admins' model permissions, minus adding and deleting tiers: there
    are exactly the tiers the code knows."""

    FIXED = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        if action in self.FIXED or not roles.user_is_advocacy_lead(user):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.FIXED]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


# --- The form ------------------------------------------------------------------------------


class RosterTierForm(WagtailAdminModelForm):
    """The tier's own requirements; its rules are the formset below."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.fields.get("practice_within_days")
        if days is not None:
            message = _("Choose from %(min)d to %(max)d days, or leave it empty.") % {
                "min": PRACTICE_DAYS_MIN,
                "max": PRACTICE_DAYS_MAX,
            }
            days.min_value, days.max_value = PRACTICE_DAYS_MIN, PRACTICE_DAYS_MAX
            days.validators = [
                MinValueValidator(PRACTICE_DAYS_MIN),
                MaxValueValidator(PRACTICE_DAYS_MAX),
            ]
            days.error_messages.update({"min_value": message, "max_value": message})
            days.widget.attrs.update({"min": PRACTICE_DAYS_MIN, "max": PRACTICE_DAYS_MAX})


class RosterRuleForm(WagtailAdminModelForm):
    """One rule. ``RosterRule.clean()`` puts "choose the competency" and "leave it empty" on
    the competency field; the level says which levels exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.order_by("name")
        self.fields["min_level"].error_messages["invalid_choice"] = _(
            "Choose a level from Aware to Coach."
        )


class RosterRuleFormSet(BaseChildFormSet):
    default_error_messages = {
        "too_few_forms": _(
            "Add at least one rule: a tier without competency rules would take everyone."
        ),
    }

    def clean(self):
        """Each competency, and each of "every core" and "at least one", once per tier: two
        rules about the same thing would contradict or repeat each other."""
        super().clean()
        seen: dict[tuple, int] = {}
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            scope = form.cleaned_data.get("scope")
            competency = form.cleaned_data.get("competency")
            if not scope or form.errors:
                continue
            key = (scope, competency.pk if competency else None)
            if key not in seen:
                seen[key] = 1
                continue
            if scope == RosterRule.Scope.COMPETENCY:
                form.add_error(
                    "competency",
                    _("This tier already has a rule for %(competency)s: keep one.")
                    % {"competency": competency.name},
                )
            else:
                form.add_error(
                    "scope",
                    _("This tier already has a rule “%(scope)s”: keep one.")
                    % {"scope": RosterRule.Scope(scope).label},
                )


class RulesPanel(InlinePanel):
    """The tier's rules, with our own child form and formset."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = RosterRuleForm
        formset["formset"] = RosterRuleFormSet
        return options


TIER_PANELS = [
    FieldPanel("description"),
    RulesPanel(
        "rules",
        panels=[
            FieldPanel("scope"),
            FieldPanel("competency", widget=forms.Select),
            FieldPanel("min_level"),
        ],
        label=_("Rule"),
        heading=_("Competency rules"),
        min_num=1,
    ),
    MultiFieldPanel(
        [FieldPanel("practice_within_days"), FieldPanel("needs_policy")],
        heading=_("Also required"),
    ),
    FieldPanel("needs_approval"),
]


# --- The views -----------------------------------------------------------------------------


def _rules_summary(tier: RosterTier) -> str:
    return "; ".join(str(rule) for rule in tier.rules.all()) or "—"


class RosterTierEditView(EditView):
    """Saving new rules re-checks everyone once the change is committed."""

    def save_instance(self):
        instance = super().save_instance()
        from .tasks import roster_sync_all

        roster_sync_all.delay_on_commit()
        return instance


class RosterTierViewSet(SnippetViewSet):
    model = RosterTier
    icon = "group"
    menu_label = _("Roster rules")
    menu_name = "roster-rules"
    menu_order = 270
    add_to_admin_menu = True
    edit_view_class = RosterTierEditView
    copy_view_enabled = False
    list_display = [
        "tier",
        Column("rules", label=_("Rules"), accessor=_rules_summary),
        "practice_within_days",
        "needs_policy",
        "needs_approval",
    ]
    ordering = ["tier"]
    edit_handler = ObjectList(TIER_PANELS, base_form_class=RosterTierForm)

    def get_queryset(self, request):
        return RosterTier.objects.prefetch_related("rules__competency")
