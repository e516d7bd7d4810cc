"""The filters every report shares: unit (with its sub-units), course, cohort, period.

Filters come from the query string and are checked like any form: an unknown or
malformed value, a unit outside the viewer's scope or dates in the wrong order give a
clear error on the page and the report is not drawn, so nothing outside the scope leaks.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from competencies.levels import Level
from courses.models import CoursePage
from people.models import BusinessUnit
from people.selectors import UnitTree

from .scope import Scope

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
    # The company's time zone: days and months of the period are the company's, whoever
    # reads the report and wherever the server runs.
    zone: zoneinfo.ZoneInfo = field(default=UTC, compare=False)
    # The filters this report takes (the others do not change it): see ``REPORT_FIELDS``.
    fields: tuple[str, ...] = field(default=(), compare=False)
    now: datetime | None = field(default=None, compare=False)

    @property
    def end_at(self) -> datetime:
        """The end of the period as an aware moment in the company's time zone (now when
        no end is given)."""
        if self.end is None:
            return (self.now or timezone.now()).astimezone(self.zone)
        return datetime.combine(self.end, time.max, tzinfo=self.zone)

    @property
    def start_at(self) -> datetime | None:
        if self.start is None:
            return None
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    def describe(self) -> list[tuple[str, str]]:
        """The filters in force, as (label, value) pairs in words: for the caption on the
        page and the header of a download."""
        lines = [(str(_("Unit")), self.unit.name if self.unit else str(_("All units")))]
        if not self.fields or "course" in self.fields:
            course = self.course.title if self.course else str(_("All courses"))
            lines.append((str(_("Course")), course))
        if not self.fields or "cohort" in self.fields:
            cohort = self.cohort.name if self.cohort else str(_("All cohorts"))
            lines.append((str(_("Cohort")), cohort))
        if "start" in self.fields:
            lines.append(
                (str(_("From")), self.start.isoformat() if self.start else str(_("the start")))
            )
            lines.append((str(_("To")), self.end_at.date().isoformat()))
        else:
            lines.append((str(_("As of")), self.end_at.date().isoformat()))
        if "level" in self.fields:
            lines.append((str(_("Level")), str(Level(self.level).label)))
        lines.append((str(_("Time zone")), str(self.zone)))
        return lines

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
        if self.fields:
            values = {key: value for key, value in values.items() if key in self.fields}
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


# The filters each report takes: only those that change its numbers. Reports that read
# levels "as of" a moment take the end of the period only; the heat map alone has a level.
AS_OF = ("unit", "course", "cohort", "end")
REPORT_FIELDS = {
    "heatmap": (*AS_OF, "level"),
    "people": AS_OF,
    "adoption": AS_OF,
    "readiness": AS_OF,
    "hub_and_spoke": AS_OF,
    "activity": ("unit", "course", "cohort", "start", "end"),
}


class ReportFilterForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=_("Unit"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no such unit among the people you see.")},
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        required=False,
        queryset=CoursePage.objects.none(),
        empty_label=_("All courses"),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        required=False,
        queryset=Cohort.objects.none(),
        empty_label=_("All cohorts"),
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

    def __init__(
        self,
        data,
        *,
        scope: Scope,
        tree: UnitTree,
        allowed_units: set[int],
        report: str = "",
        zone: zoneinfo.ZoneInfo = UTC,
        now: datetime | None = None,
    ):
        # The level in force shows in its control: a missing level is the default one,
        # not the first in the list (which the browser would send on the next "Show").
        data = data.copy() if data is not None else {}
        if not data.get("level"):
            data["level"] = str(Level.PRACTISING)
        super().__init__(data)
        self.scope, self.tree, self.zone, self.now = scope, tree, zone, now
        self.report_fields = REPORT_FIELDS.get(report, ())
        if self.report_fields:
            for name in list(self.fields):
                if name not in self.report_fields:
                    del self.fields[name]
            if "start" not in self.report_fields:
                self.fields["end"].label = _("As of")
                self.fields["end"].help_text = _("Levels as they stood at the end of this day.")
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
            zone=self.zone,
            fields=self.report_fields,
            now=self.now,
        )
