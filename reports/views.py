"""Report pages for HR (every unit) and managers (their own people).

Each page reads its filters with ``ReportFilterForm``; a filter that does not check out
shows its error and no numbers. Learners and trainers get 403.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from .charts import trend_chart
from .filters import ReportFilterForm
from .models import ReportSettings
from .scope import Scope, UnitTree, report_scope
from .selectors import adoption, allowed_units, heat_map, learning_activity


def _scope_or_403(request) -> Scope:
    scope = report_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _filter_form(request, scope: Scope, tree: UnitTree) -> ReportFilterForm:
    """The filters from the query string (every one optional: none means everyone, now)."""
    return ReportFilterForm(
        request.GET, scope=scope, tree=tree, allowed_units=allowed_units(scope=scope, tree=tree)
    )


@login_required
@require_GET
def index(request):
    """The list of reports."""
    scope = _scope_or_403(request)
    return _private(render(request, "reports/index.html", {"scope": scope}))


@login_required
@require_GET
def heatmap(request):
    """Units by competencies: the share of people at the chosen level or above."""
    scope = _scope_or_403(request)
    tree = UnitTree.load()
    form = _filter_form(request, scope, tree)
    context = {"scope": scope, "form": form, "report": None}
    if form.is_valid():
        filters = form.filters()
        report = heat_map(scope=scope, filters=filters, tree=tree)
        context.update(
            {
                "filters": filters,
                "report": report,
                "rows": _drill(filters, report.rows),
                **_navigation(filters, report.trail),
                "levels": [
                    (value, label, urlencode(filters.query(level=value)))
                    for value, label in form.fields["level"].choices
                ],
            }
        )
    return _private(render(request, "reports/heatmap.html", context))


def _navigation(filters, trail) -> dict:
    """Links that keep the filters: up the unit trail, and back to the top."""
    return {
        "trail": [(unit, urlencode(filters.query(unit=unit.pk))) for unit in trail],
        "top_query": urlencode(filters.query(unit=None)),
    }


def _drill(filters, rows) -> list[tuple]:
    """Each row with the query string that opens it (empty when it has nothing below)."""
    return [
        (row, urlencode(filters.query(unit=row.spec.unit.pk)) if row.spec.drillable else "")
        for row in rows
    ]


@login_required
@require_GET
def adoption_report(request):
    """Per unit, the share practising in every core competency against the tipping point."""
    scope = _scope_or_403(request)
    tree = UnitTree.load()
    form = _filter_form(request, scope, tree)
    settings = ReportSettings.load(request_or_site=request)
    context = {
        "scope": scope,
        "form": form,
        "report": None,
        "line": settings.tipping_point_percent,
    }
    if form.is_valid():
        filters = form.filters()
        report = adoption(
            scope=scope, filters=filters, tree=tree, line=settings.tipping_point_percent
        )
        context.update(
            {
                "filters": filters,
                "report": report,
                "rows": [
                    (row, query, report.status(row)) for row, query in _drill(filters, report.rows)
                ],
                "chart": trend_chart(report),
                **_navigation(filters, report.trail),
            }
        )
    return _private(render(request, "reports/adoption.html", context))


@login_required
@require_GET
def activity_report(request):
    """Per cohort and course: places, activity, completion, attendance and practice."""
    scope = _scope_or_403(request)
    tree = UnitTree.load()
    form = _filter_form(request, scope, tree)
    context = {"scope": scope, "form": form, "report": None}
    if form.is_valid():
        context["report"] = learning_activity(
            scope=scope, filters=form.filters(), tree=tree, now=timezone.now()
        )
    return _private(render(request, "reports/activity.html", context))
