"""Every report as a plain table (a title, a header and rows of plain values), for the
CSV and XLSX exports. The numbers are the ones on the page; exports never contain
reflections or screenshots, only names, units, levels, counts and dates."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

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


def adoption_table(report) -> Table:
    header = [_("Unit"), _("People"), _("Adopted"), _("Adopted %"), _("On the roster")]
    header += [f"{month:%Y-%m}" for month in report.months]
    rows = [
        [label, row.people, row.adopted, row.percent, row.on_roster, *row.trend]
        for label, row in _with_total(report)
    ]
    return Table(name="adoption", title=_("Adoption"), header=header, rows=rows)


def readiness_table(report) -> Table:
    header = [_("Unit"), _("People"), _("Ready"), _("Wanted"), _("Still wanted")]
    rows = [[r.spec.label, r.people, r.ready, r.target, r.gap] for r in report.rows]
    return Table(name="crisis-readiness", title=_("Crisis readiness"), header=header, rows=rows)


def hub_and_spoke_table(report) -> Table:
    header = [
        _("Spoke"),
        _("People"),
        _("Champions"),
        _("Advocates"),
        _("Adopted"),
        _("Adopted %"),
    ]
    rows = [
        [
            spoke.unit.name,
            spoke.people,
            "; ".join(champion.name for champion in spoke.champions),
            spoke.advocates,
            spoke.adopted,
            spoke.percent,
        ]
        for spoke in report.spokes
    ]
    return Table(name="hub-and-spoke", title=_("Hub and spoke"), header=header, rows=rows)


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


def people_rows(people) -> list[list[Any]]:
    rows = []
    for person in people:
        line = [person.name, person.email, person.unit]
        for level, when in person.cells:
            line += [level.label, when.date().isoformat() if when else ""]
        rows.append(line)
    return rows
