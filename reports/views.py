"""Report pages for HR (every unit) and managers (their own people).

Each page reads its filters with ``ReportFilterForm``; a filter that does not check out
shows its error and no numbers. Learners and trainers get 403. Adding ``format=csv`` or
``format=xlsx`` to a report's address downloads the table on the page.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from advocacy.callouts import user_may_call_out
from cms.selectors import company_zone
from competencies.models import Competency
from core.errors import error_text
from core.exports import csv_response, xlsx_response
from core.responses import private_file_response, private_response
from people.audit import people_list_export_log
from people.roles import user_is_manager
from people.selectors import UnitTree

from . import tables
from .charts import adoption_multiples, hub_map
from .exports import INLINE_ROWS, people_chunks
from .filters import ReportFilterForm, ReportFilters
from .models import ReportExport, ReportSettings
from .scope import Scope, manages, report_scope
from .selectors import (
    adoption,
    allowed_units,
    heat_map,
    hub_and_spoke,
    learning_activity,
    people_levels,
    population,
    readiness,
)
from .services import export_request
from .team import person_for_viewer, person_page, team_lines, team_people

FORMATS = ("csv", "xlsx")
PEOPLE_PER_PAGE = 50


def _scope_or_403(request) -> Scope:
    scope = report_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _table_response(table: tables.Table, file_format: str, *, title: str, filters: ReportFilters):
    """The table as a file that says what it holds: the report, the filters in force,
    the period and when it was built (a block above the CSV's table, a sheet of its own
    in XLSX), all in the company's time zone."""
    about = tables.about_rows(title=title, filters=filters, built_at=timezone.now())
    if file_format == "xlsx":
        return xlsx_response(
            f"{table.name}.xlsx",
            table.title,
            table.header,
            table.rows,
            about=(_("About"), about),
        )
    return csv_response(f"{table.name}.csv", table.header, table.rows, preamble=about)


def _filter_form(request, *, scope: Scope, tree: UnitTree, report: str) -> ReportFilterForm:
    """The report's filters, read in the company's time zone."""
    return ReportFilterForm(
        request.GET,
        scope=scope,
        tree=tree,
        allowed_units=allowed_units(scope=scope, tree=tree),
        report=report,
        zone=company_zone(request=request),
    )


def _navigation(filters: ReportFilters, trail) -> dict:
    """Links that keep the filters: up the unit trail, back to the top, and downloads."""
    return {
        "trail": [(unit, urlencode(filters.query(unit=unit.pk))) for unit in trail],
        "top_query": urlencode(filters.query(unit=None)),
        "filter_query": urlencode(filters.query()),
    }


def _drill(filters: ReportFilters, rows) -> list[tuple]:
    """Each row with the query string that opens it (empty when it has nothing below)."""
    return [
        (row, urlencode(filters.query(unit=row.spec.unit.pk)) if row.spec.drillable else "")
        for row in rows
    ]


def _report(
    request,
    *,
    name: str,
    title: str,
    template: str,
    build: Callable,
    table: Callable,
    extra: Callable | None = None,
    context: dict | None = None,
):
    """The common shape of a report page: scope, filters, numbers (or the filters'
    errors), and the same table as CSV or XLSX when ``format`` asks for it. Dates are
    read and shown in the company's time zone, whoever is reading."""
    scope = _scope_or_403(request)
    tree = UnitTree.load()
    form = _filter_form(request, scope=scope, tree=tree, report=name)
    page = {"title": title, "scope": scope, "form": form, "report": None, **(context or {})}
    with timezone.override(form.zone):
        if form.is_valid():
            filters = form.filters()
            report = build(scope=scope, filters=filters, tree=tree)
            file_format = request.GET.get("format")
            if file_format in FORMATS:
                rendered = table(report)
                response = _table_response(rendered, file_format, title=title, filters=filters)
                people_list_export_log(
                    by=request.user,
                    what=f"report:{name}",
                    file_format=file_format,
                    rows=len(rendered.rows),
                    filters=filters.query(),
                )
                return private_response(response)
            page.update({"filters": filters, "report": report, "described": filters.describe()})
            page.update(_navigation(filters, getattr(report, "trail", [])))
            if hasattr(report, "rows"):
                page["rows"] = _drill(filters, report.rows)
            if extra is not None:
                page.update(extra(report=report, filters=filters))
        return private_response(render(request, template, page))


@login_required
@require_GET
def index(request):
    """The list of reports."""
    scope = _scope_or_403(request)
    return private_response(render(request, "reports/index.html", {"scope": scope}))


@login_required
@require_GET
def heatmap(request):
    """Units by competencies: the share of people at the chosen level or above."""

    def levels(*, report, filters):
        choices = ReportFilterForm.base_fields["level"].choices
        return {
            "levels": [
                (value, label, urlencode(filters.query(level=value))) for value, label in choices
            ]
        }

    return _report(
        request,
        name="heatmap",
        title=_("Competency heat map"),
        template="reports/heatmap.html",
        build=heat_map,
        table=tables.heat_map_table,
        extra=levels,
    )


@login_required
@require_GET
def adoption_report(request):
    """Per unit, the share practising in every core competency against the tipping point."""
    line = ReportSettings.load(request_or_site=request).tipping_point_percent

    def build(**kwargs):
        return adoption(line=line, **kwargs)

    def extra(*, report, filters):
        rows = [
            (row, query, report.status(row), tables.adoption_status_text(report, row))
            for row, query in _drill(filters, report.rows)
        ]
        total = report.total
        return {
            "rows": rows,
            "charts": adoption_multiples(report),
            "total_status": tables.adoption_status_text(report, total) if total else "",
        }

    return _report(
        request,
        name="adoption",
        title=_("Adoption and the tipping point"),
        template="reports/adoption.html",
        build=build,
        table=tables.adoption_table,
        extra=extra,
        context={"line": line},
    )


@login_required
@require_GET
def readiness_report(request):
    """Per unit, the people ready to speak for it on a bad day, against the target."""
    target = ReportSettings.load(request_or_site=request).crisis_target

    def build(**kwargs):
        return readiness(target=target, **kwargs)

    def extra(*, report, filters):
        rows = [
            (row, query, tables.readiness_status_text(row), tables.readiness_response_text(row))
            for row, query in _drill(filters, report.rows)
        ]
        total = report.total
        return {
            "rows": rows,
            "total_status": tables.readiness_status_text(total) if total else "",
            "total_response": tables.readiness_response_text(total) if total else "",
        }

    return _report(
        request,
        name="readiness",
        title=_("Crisis readiness"),
        template="reports/readiness.html",
        build=build,
        table=tables.readiness_table,
        extra=extra,
        context={"target": target, "can_call_out": user_may_call_out(request.user)},
    )


@login_required
@require_GET
def hub_and_spoke_report(request):
    """Each spoke with its champions, its advocates and its adoption share."""
    settings = ReportSettings.load(request_or_site=request)
    line, target = settings.tipping_point_percent, settings.crisis_target

    def build(**kwargs):
        return hub_and_spoke(line=line, target=target, **kwargs)

    def extra(*, report, filters):
        spokes = [
            (
                spoke,
                urlencode(filters.query(unit=spoke.unit.pk)) if spoke.drillable else "",
                report.status(spoke),
                tables.spoke_label(spoke),
            )
            for spoke in report.spokes
        ]
        return {"spokes": spokes, "map": hub_map(report)}

    return _report(
        request,
        name="hub_and_spoke",
        title=_("Hub and spoke"),
        template="reports/hub_and_spoke.html",
        build=build,
        table=tables.hub_and_spoke_table,
        extra=extra,
        context={"line": line, "target": target},
    )


@login_required
@require_GET
def activity_report(request):
    """Per cohort and course: places, activity, completion, attendance and practice."""

    def build(**kwargs):
        return learning_activity(now=timezone.now(), **kwargs)

    return _report(
        request,
        name="activity",
        title=_("Learning activity"),
        template="reports/activity.html",
        build=build,
        table=tables.activity_table,
    )


# --- The people behind the heat map (HR only) ----------------------------------------------


@login_required
@require_GET
def heatmap_people(request):
    """HR's drill-down from the heat map to the people: names, level in each competency
    and the date of the latest evidence (never what they wrote), 50 to a page. Up to
    ``INLINE_ROWS`` people download at once; more are built in the background."""
    scope = _scope_or_403(request)
    if not scope.is_hr:
        raise PermissionDenied
    tree = UnitTree.load()
    form = _filter_form(request, scope=scope, tree=tree, report="people")
    context = {
        "title": _("People and their levels"),
        "scope": scope,
        "form": form,
        "report": None,
        "inline_rows": INLINE_ROWS,
    }
    if form.is_valid():
        filters = form.filters()
        people = population(scope=scope, filters=filters, tree=tree)
        competencies = list(Competency.objects.order_by("-is_core", "name"))
        file_format = request.GET.get("format")
        if file_format in FORMATS:
            return _people_download(request, people, competencies, filters, file_format)
        context["described"] = filters.describe()
        ordered = people.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)
        page = Paginator(ordered, PEOPLE_PER_PAGE).get_page(request.GET.get("p"))
        context.update(
            {
                "filters": filters,
                "report": True,
                "page": page,
                "competencies": competencies,
                "people": people_levels(
                    people.filter(pk__in=list(page.object_list)),
                    competencies=competencies,
                    as_of=filters.end_at,
                ),
                "in_background": page.paginator.count > INLINE_ROWS,
                "params": filters.query(),
                **_navigation(filters, tree.ancestors(filters.unit.pk) if filters.unit else []),
            }
        )
    return private_response(render(request, "reports/heatmap_people.html", context))


def _people_download(request, people, competencies, filters: ReportFilters, file_format: str):
    if people.count() > INLINE_ROWS:
        raise Http404(_("Too many people to download at once: prepare the file instead."))
    chunks = people_chunks(
        people, competencies=competencies, as_of=filters.end_at, zone=filters.zone
    )
    rows = [row for _total, chunk in chunks for row in chunk]
    table = tables.Table(
        name=f"people-{filters.end_at:%Y-%m-%d}",
        title=_("People"),
        header=tables.people_header(competencies),
        rows=rows,
    )
    response = _table_response(
        table, file_format, title=_("People and their levels"), filters=filters
    )
    people_list_export_log(
        by=request.user,
        what="report:people",
        file_format=file_format,
        rows=len(rows),
        filters=filters.query(),
    )
    return private_response(response)


@login_required
@require_POST
def export_create(request):
    """Queue a background export of the people behind the heat map."""
    params = {
        key: request.POST.get(key, "")
        for key in ("unit", "course", "cohort", "start", "end", "level")
        if request.POST.get(key)
    }
    try:
        export = export_request(
            user=request.user, params=params, file_format=request.POST.get("format", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(f"{reverse('reports:heatmap_people')}?{urlencode(params)}")
    messages.success(request, _("The file is being prepared: this page shows how far it is."))
    return redirect("reports:export", pk=export.pk)


def _own_export(request, pk: int) -> ReportExport:
    """One of the viewer's exports; anyone else's is a 404, as if it did not exist."""
    _scope_or_403(request)
    return get_object_or_404(ReportExport, pk=pk, owner=request.user)


@login_required
@require_GET
def exports_mine(request):
    """The exports the viewer asked for and that are still kept."""
    _scope_or_403(request)
    exports = ReportExport.objects.filter(owner=request.user).order_by("-created_at")[:50]
    return private_response(
        render(request, "reports/exports.html", {"exports": exports, "now": timezone.now()})
    )


@login_required
@require_GET
def export_detail(request, pk: int):
    """How far an export is; the page reloads itself while it is being built."""
    export = _own_export(request, pk)
    return private_response(
        render(
            request,
            "reports/export.html",
            {"export": export, "expired": export.is_expired(timezone.now())},
        )
    )


@login_required
@require_GET
def export_status(request, pk: int):
    """The export's progress as JSON, for the page that follows it."""
    export = _own_export(request, pk)
    return private_response(
        JsonResponse(
            {"status": export.status, "progress": export.progress, "rows": export.row_count}
        )
    )


@login_required
@require_GET
def export_download(request, pk: int):
    """The file, to the person who asked for it, until it expires."""
    export = _own_export(request, pk)
    now = timezone.now()
    if export.status != ReportExport.Status.DONE or not export.file:
        return redirect("reports:export", pk=export.pk)
    if export.is_expired(now):
        response = render(request, "reports/export.html", {"export": export, "expired": True})
        response.status_code = 410
        return private_response(response)
    content_type = (
        "text/csv; charset=utf-8"
        if export.format == ReportExport.Format.CSV
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return private_file_response(
        export.file,
        content_type=content_type,
        filename=f"people-{export.created_at:%Y-%m-%d}.{export.format}",
        as_attachment=True,
        not_found=_("This file is no longer kept."),
    )


# --- A manager's team and the page of one person on it -------------------------------------

TEAM_PER_PAGE = 25


@login_required
@require_GET
def team(request):
    """A manager's people (directly and below): current cohorts and progress, practice to
    do, late or waiting for review, levels, roster tier and last activity, 25 to a page.
    Not a manager: 404."""
    if not user_is_manager(request.user):
        raise Http404
    zone = company_zone(request=request)
    people = team_people(manager=request.user)
    page = Paginator(people, TEAM_PER_PAGE).get_page(request.GET.get("p"))
    with timezone.override(zone):
        return private_response(
            render(
                request,
                "reports/team.html",
                {
                    "title": _("Your team"),
                    "page": page,
                    "lines": team_lines(people=list(page.object_list), now=timezone.now()),
                    "zone": zone,
                },
            )
        )


@login_required
@require_GET
def person(request, pk: int):
    """One person's courses, attempts (their states, never what they wrote), competency
    history and upcoming sessions: for their managers (direct or above) and HR. Anyone
    else gets 404, as if the person did not exist."""
    found = person_for_viewer(viewer=request.user, pk=pk)
    if found is None:
        raise Http404
    zone = company_zone(request=request)
    with timezone.override(zone):
        return private_response(
            render(
                request,
                "reports/person.html",
                {
                    "title": found.display_name,
                    "person": found,
                    "page": person_page(person=found, now=timezone.now()),
                    "is_their_manager": user_is_manager(request.user)
                    and manages(manager=request.user, pk=found.pk),
                    "zone": zone,
                },
            )
        )
