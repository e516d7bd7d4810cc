"""The trainers' forms: deciding a submission against its rubric, and a cohort's own dates.

Forms check what was typed and keep it for a second try; the rules about reviews and
dates live in ``assessments.services``, whose errors the views put back on these forms.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cohorts.forms import ZonedDateTimeField
from competencies.selectors import level_text

from .models import Review, RubricCriterion
from .services import MAX_FEEDBACK


class CriterionChoiceField(forms.ModelMultipleChoiceField):
    """The assignment's rubric criteria as checkboxes; anything else sent is refused."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_choice": _("A criterion that is not on this rubric was sent: reload the page."),
        "invalid_pk_value": _("A criterion that is not on this rubric was sent: reload the page."),
    }

    def label_from_instance(self, criterion: RubricCriterion) -> str:
        return criterion.description

    def _check_values(self, value):
        """Ids the database could not even compare (text, negative, beyond 64 bits) are
        refused here rather than in a query."""
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
        return super()._check_values(value)


class ReviewForm(forms.Form):
    """Accept (with the criteria met) or ask for a revision (with feedback). The decision
    comes from the button pressed; the service checks what each decision needs."""

    decision = forms.ChoiceField(
        choices=Review.Decision.choices,
        error_messages={
            "required": _("Choose to accept or to ask for a revision."),
            "invalid_choice": _("Choose to accept or to ask for a revision."),
        },
    )
    criteria_met = CriterionChoiceField(
        queryset=RubricCriterion.objects.none(),
        required=False,
        label=_("Criteria the work meets"),
    )
    feedback = forms.CharField(
        label=_("Feedback for the learner"),
        required=False,
        max_length=MAX_FEEDBACK,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text, sent by e-mail and shown with the work. Say what works and, for a "
            "revision, what to change."
        ),
    )

    # The error summary links these to what the review screen draws by hand.
    error_anchors = {"decision": "decision-buttons", "criteria_met": "criteria-met"}

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        field = self.fields["criteria_met"]
        field.queryset = RubricCriterion.objects.filter(
            pk__in=[criterion.pk for criterion in self.criteria]
        ).select_related("competency")
        # A textarea's own limit would cut what was pasted before the server could say so.
        self.fields["feedback"].widget.attrs.pop("maxlength", None)

    def rows(self) -> list[tuple[RubricCriterion, bool, str]]:
        """(criterion, ticked, level label) per rubric line, in rubric order, for the
        template; the ticks are the ones sent, so a refused form keeps them."""
        if self.is_bound:
            sent = {str(value) for value in self.data.getlist(self.add_prefix("criteria_met"))}
        else:
            sent = {str(value) for value in self.initial.get("criteria_met", [])}
        return [
            (criterion, str(criterion.pk) in sent, level_text(criterion.level))
            for criterion in self.criteria
        ]


def _to_minute(moment: datetime.datetime | None) -> datetime.datetime | None:
    return moment.replace(second=0, microsecond=0) if moment else None


class WindowForm(forms.Form):
    """One assignment's dates in a cohort, typed in the cohort's time zone."""

    opens_at = ZonedDateTimeField(label=_("Opens"), required=False)
    due_at = ZonedDateTimeField(label=_("Due"), required=False)
    use_schedule = forms.BooleanField(label=_("Use the schedule"), required=False)

    def __init__(self, *args, window, zone, **kwargs):
        """``window`` is the assignment's current ``Window`` in the cohort, or None."""
        self.window = window
        initial = {}
        if window is not None:
            initial = {"opens_at": window.opens_at, "due_at": window.due_at}
        super().__init__(*args, initial=initial, **kwargs)
        for name in ("opens_at", "due_at"):
            self.fields[name].zone = zone

    @property
    def is_custom(self) -> bool:
        return bool(self.window and self.window.is_custom)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("use_schedule"):
            return cleaned
        opens, due = cleaned.get("opens_at"), cleaned.get("due_at")
        if "opens_at" in self.errors or "due_at" in self.errors:
            return cleaned
        if (opens is None) != (due is None):
            missing = "due_at" if due is None else "opens_at"
            self.add_error(missing, _("Set both dates, or tick “Use the schedule”."))
        elif opens and due and due <= opens:
            self.add_error("due_at", _("The due date must come after the opening date."))
        return cleaned

    def action(self) -> str | None:
        """What saving this row does: "clear" (back to the schedule), "set" (new dates) or
        nothing. Times are compared to the minute, as they are typed."""
        data = self.cleaned_data
        if data.get("use_schedule"):
            return "clear" if self.is_custom else None
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens is None or due is None:
            return None
        current = (None, None)
        if self.window is not None:
            current = (_to_minute(self.window.opens_at), _to_minute(self.window.due_at))
        if (_to_minute(opens), _to_minute(due)) == current:
            return None
        return "set"
