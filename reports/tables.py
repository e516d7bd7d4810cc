"""Every report as a plain table (a title, a header and rows of plain values), for the
CSV and XLSX exports. The numbers are the ones on the page; exports never contain
reflections or screenshots, only names, units, levels, counts and dates."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies.levels import Level


@dataclass(frozen=True)
class Table:
    name: str  # the file name, without extension
    title: str  # the sheet's title (31 characters at most in XLSX)
    header: list[str]
    rows: list[list[Any]]


def _with_total(report) -> list[tuple[str, Any]]:
    """The report's rows with their labels, and its total row as "All shown"."""
    rows = [(row.spec.label, row) for row in report.rows]
    if report.total is not None:
        rows.append((_("All shown"), report.total))
    return rows


def heat_map_table(report) -> Table:
    header = [_("Unit"), _("People")]
    for competency in report.competencies:
        header += [
            _("%(name)s: people") % {"name": competency.name},
            _("%(name)s: %%") % {"name": competency.name},
        ]
    rows = []
    for label, row in _with_total(report):
        line = [label, row.people]
        for cell in row.cells:
            line += [cell.count, cell.percent]
        rows.append(line)
    level = Level(report.level).label
    return Table(
        name=f"heat-map-{report.as_of:%Y-%m-%d}",
        title=_("At %(level)s or above") % {"level": level},
        header=header,
        rows=rows,
    )


def adoption_status_text(report, row) -> str:
    """Where a row stands against the line, in words (a roll-up is past the line only
    when every unit below it is)."""
    status = report.status(row)
    if status == "past":
        return _("Over the line")
    if status == "units_short":
        return ngettext(
            "Over the line, but %(count)s unit below it is not",
            "Over the line, but %(count)s units below it are not",
            len(row.short_units),
        ) % {"count": len(row.short_units)}
    return _("On the way") if status == "near" else _("Far from the line")


def adoption_table(report) -> Table:
    header = [
        _("Unit"),
        _("People"),
        _("Adopted"),
        _("Adopted %"),
        _("Where it stands"),
        _("On the roster"),
    ]
    header += [f"{month:%Y-%m}" for month in report.months]
    rows = [
        [
            label,
            row.people,
            row.adopted,
            row.percent,
            adoption_status_text(report, row),
            row.on_roster,
            *row.trend,
        ]
        for label, row in _with_total(report)
    ]
    return Table(name="adoption", title=_("Adoption"), header=header, rows=rows)


def readiness_status_text(row) -> str:
    if row.status == "nobody":
        return _("Nobody ready")
    if row.status == "short":
        return ngettext("%(gap)s more wanted", "%(gap)s more wanted", row.gap) % {"gap": row.gap}
    if row.status == "units_short":
        return ngettext(
            "%(count)s unit below falls short",
            "%(count)s units below fall short",
            len(row.short_units),
        ) % {"count": len(row.short_units)}
    return _("Target met")


def readiness_response_text(row) -> str:
    """The row's latest Plan B call-out in words: "12 min", "not reached", "under way",
    with "(drill)" for a drill; empty when the row's units were not called."""
    response = row.response
    if response is None:
        return ""
    if response.reached:
        minutes = max(1, round(response.took.total_seconds() / 60))
        text = ngettext("%(n)s min", "%(n)s min", minutes) % {"n": minutes}
    elif response.is_open:
        text = _("under way")
    else:
        text = _("not reached")
    return _("%(text)s (drill)") % {"text": text} if response.is_drill else text


def readiness_table(report) -> Table:
    header = [
        _("Unit"),
        _("People"),
        _("Ready"),
        _("Wanted"),
        _("Still wanted"),
        _("Where it stands"),
        _("Response"),
    ]
    rows = [
        [
            label,
            r.people,
            r.ready,
            r.target,
            r.gap,
            readiness_status_text(r),
            readiness_response_text(r),
        ]
        for label, r in _with_total(report)
    ]
    return Table(name="crisis-readiness", title=_("Crisis readiness"), header=header, rows=rows)


def hub_and_spoke_table(report) -> Table:
    header = [
        _("Spoke"),
        _("People"),
        _("Champions"),
        _("Ambassadors"),
        _("Advocates"),
        _("Ready for a bad day"),
        _("Adopted"),
        _("Adopted %"),
        _("Ambassadors' names"),
    ]
    rows = [
        [
            spoke_label(spoke),
            spoke.people,
            spoke.champions,
            spoke.ambassadors,
            spoke.advocates,
            spoke.ready,
            spoke.adopted,
            spoke.percent,
            "; ".join(spoke.ambassador_names),
        ]
        for spoke in report.spokes
    ]
    return Table(name="hub-and-spoke", title=_("Hub and spoke"), header=header, rows=rows)


def spoke_label(spoke) -> str:
    if spoke.is_hub:
        return _("%(unit)s (its own people)") % {"unit": spoke.unit.name}
    return spoke.unit.name


def activity_table(report) -> Table:
    header = [
        _("Course"),
        _("Cohort"),
        _("Places"),
        _("Active"),
        _("Completed"),
        _("Attendance %"),
        _("Handed in"),
        _("Accepted"),
        _("Waiting"),
        _("Median review time (hours)"),
    ]
    rows = [
        [
            row.course.title,
            row.label,
            row.enrolled,
            row.active,
            row.completed,
            row.attendance_percent,
            row.submitted,
            row.accepted,
            row.waiting,
            row.median_review_hours,
        ]
        for row in report.cohorts
    ]
    return Table(name="learning-activity", title=_("Learning activity"), header=header, rows=rows)


def people_header(competencies) -> list[str]:
    header = [_("Name"), _("E-mail"), _("Unit")]
    for competency in competencies:
        header += [competency.name, _("%(name)s: latest evidence") % {"name": competency.name}]
    return header


def people_rows(people, *, zone=None) -> list[list[Any]]:
    """People's rows; dates of evidence are the company's (``zone``)."""
    rows = []
    for person in people:
        line = [person.name, person.email, person.unit]
        for level, when in person.cells:
            day = (when.astimezone(zone) if zone else when).date().isoformat() if when else ""
            line += [level.label, day]
        rows.append(line)
    return rows


def about_rows(*, title: str, filters, built_at) -> list[list[Any]]:
    """What a download holds: the report, each filter in force, the period and when it
    was built, in the company's time zone."""
    rows = [[_("Report"), title]]
    rows += [[label, value] for label, value in filters.describe()]
    built = built_at.astimezone(filters.zone).isoformat(sep=" ", timespec="minutes")
    rows.append([_("Built"), built])
    return rows
