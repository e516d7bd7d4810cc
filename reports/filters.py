"""The filters every report shares: unit (with its sub-units), course, cohort, period.

Filters come from the query string and are checked like any form: an unknown or
malformed value, a unit outside the viewer's scope or dates in the wrong order give a
clear error on the page and the report is not drawn, so nothing outside the scope leaks.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from competencies.levels import Level
from courses.models import CoursePage
from people.models import BusinessUnit

from .scope import Scope, UnitTree

LEVEL_CHOICES = [(level.value, level.label) for level in Level if level > Level.NOT_YET]
EARLIEST = date(2000, 1, 1)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass(frozen=True)
class ReportFilters:
    unit: BusinessUnit | None = None
    course: CoursePage | None = None
    cohort: Cohort | None = None
    start: date | None = None
    end: date | None = None
    level: int = Level.PRACTISING

    @property
    def end_at(self) -> datetime:
        """The end of the period as an aware moment (now when no end is given)."""
        if self.end is None:
            return timezone.now()
        return timezone.make_aware(datetime.combine(self.end, time.max))

    @property
    def start_at(self) -> datetime | None:
        if self.start is None:
            return None
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def query(self, **changes) -> dict[str, str]:
        """The filters as query-string values, with ``changes`` applied (None drops one)."""
        values = {
            "unit": self.unit.pk if self.unit else None,
            "course": self.course.pk if self.course else None,
            "cohort": self.cohort.pk if self.cohort else None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "level": self.level,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


class ReportFilterForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=_("Unit"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no such unit among the people you see.")},
    )
    course = forms.ModelChoiceField(
        label=_("Course"), required=False, queryset=CoursePage.objects.none()
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), required=False, queryset=Cohort.objects.none()
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=LEVEL_CHOICES,
        coerce=int,
        required=False,
        empty_value=Level.PRACTISING,
    )

    def __init__(self, data, *, scope: Scope, tree: UnitTree, allowed_units: set[int]):
        super().__init__(data)
        self.scope, self.tree = scope, tree
        depth: dict[int, int] = {}

        def walk(parent, level):
            for pk in tree.children.get(parent, ()):
                depth[pk] = level
                walk(pk, level + 1)

        walk(None, 0)
        self.fields["unit"].choices = [("", _("All units"))] + [
            (pk, "\u2003" * depth[pk] + tree.units[pk].name) for pk in depth if pk in allowed_units
        ]
        self.fields["course"].queryset = CoursePage.objects.order_by("title")
        self.fields["cohort"].queryset = Cohort.objects.select_related("course").order_by(
            "-starts_at", "name"
        )

    def clean_start(self):
        value = self.cleaned_data.get("start")
        if value is not None and value < EARLIEST:
            raise forms.ValidationError(_("Choose a date from 2000 on."))
        return value

    def clean_end(self):
        value = self.cleaned_data.get("end")
        if value is not None and value < EARLIEST:
            raise forms.ValidationError(_("Choose a date from 2000 on."))
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        course, cohort = cleaned.get("course"), cleaned.get("cohort")
        if course and cohort and cohort.course_id != course.pk:
            self.add_error("cohort", _("This cohort runs another course."))
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        unit = self.tree.units.get(data["unit"]) if data.get("unit") else None
        return ReportFilters(
            unit=unit,
            course=data.get("course"),
            cohort=data.get("cohort"),
            start=data.get("start"),
            end=data.get("end"),
            level=data.get("level") or Level.PRACTISING,
        )
