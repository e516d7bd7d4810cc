"""Reports on the dashboard: a manager's way to their team page, and HR's summary of the
reports (readiness and adoption, with links to each).

Plain functions that ``wagtail_hooks`` registers.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cms.selectors import company_zone
from core.dashboard import DashboardPanel
from people import roles
from people.selectors import UnitTree

from . import tables
from .filters import REPORT_FIELDS, ReportFilters
from .models import ReportSettings
from .scope import report_scope, team_of
from .selectors import NO_UNIT_ROW, AdoptionRow, ReadinessRow, adoption, readiness


def team_progress_panel(request):
    """Managers: how many people are under them, and the page that follows each one."""
    if not roles.user_is_manager(request.user):
        return None
    return DashboardPanel(
        title=_("Your team's progress"),
        template="reports/panels/team.html",
        context={"count": team_of(manager=request.user).count()},
        order=31,
        key="team-progress",
    )


@dataclass(frozen=True)
class ReportsSummary:
    """What HR's dashboard says of the reports, read as the reports' own default view
    (the rows of the readiness and adoption pages opened without filters)."""

    target: int  # ready people each unit should have
    line: int  # the adoption tipping point, in percent
    readiness_rows: list[ReadinessRow]
    # Units (rows of the report) not meeting the target, with the report's words for it.
    readiness_short: list[tuple[ReadinessRow, str]]
    adoption_total: AdoptionRow | None
    adoption_rows: list[AdoptionRow]
    # Units with people under the line, with the report's words for it.
    adoption_short: list[tuple[AdoptionRow, str]]

    @property
    def readiness_units(self) -> list[ReadinessRow]:
        """The report's rows that are units with people (not "No unit")."""
        return [row for row in self.readiness_rows if row.people and row.spec.key != NO_UNIT_ROW]

    @property
    def adoption_past_line(self) -> bool:
        total = self.adoption_total
        return bool(total and total.people and total.percent >= self.line)


def reports_summary(*, request) -> ReportsSummary:
    """The readiness and adoption reports' figures for everyone, now, in the company's
    time zone: the same selectors as the report pages, so the numbers agree, in a fixed
    number of queries (settings, the unit tree, readiness and adoption)."""
    # Read, never created: the dashboard is a GET (the defaults until HR saves the form).
    settings = ReportSettings.objects.order_by("pk").first() or ReportSettings()
    scope = report_scope(request.user)
    tree = UnitTree.load()
    zone = company_zone(request=request)
    now = timezone.now()

    def filters(report: str) -> ReportFilters:
        return ReportFilters(zone=zone, fields=REPORT_FIELDS[report], now=now)

    ready = readiness(
        scope=scope, filters=filters("readiness"), tree=tree, target=settings.crisis_target
    )
    adopted = adoption(
        scope=scope,
        filters=filters("adoption"),
        tree=tree,
        line=settings.tipping_point_percent,
        months=1,
    )
    return ReportsSummary(
        target=settings.crisis_target,
        line=settings.tipping_point_percent,
        readiness_rows=ready.rows,
        readiness_short=[
            (row, tables.readiness_status_text(row))
            for row in ready.rows
            if row.people and row.spec.key != NO_UNIT_ROW and row.status != "met"
        ],
        adoption_total=adopted.total,
        adoption_rows=adopted.rows,
        adoption_short=[
            (row, tables.adoption_status_text(adopted, row))
            for row in adopted.rows
            if row.people and row.spec.key != NO_UNIT_ROW and adopted.status(row) in ("near", "far")
        ],
    )


def hr_summary_panel(request):
    """HR and site admins: units under the readiness target and adoption against the
    tipping point, with the way to each report."""
    if not roles.user_is_hr(request.user):
        return None
    return DashboardPanel(
        title=_("The reports at a glance"),
        template="reports/panels/hr_summary.html",
        context={"summary": reports_summary(request=request)},
        order=5,
        key="reports-summary",
    )
