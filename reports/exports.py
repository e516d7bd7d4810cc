"""Exports of the reports. Unit-level tables are small and stream at once; the list of
people behind the heat map can run to thousands of rows, so above ``INLINE_ROWS`` it is
built by a Celery task that reports its progress, and the file is kept for its owner
for ``KEPT_FOR``. Exports never contain reflections or screenshots.

This module reads (what an export holds, its rows); ``reports.services`` writes (asking
for an export, building it, deleting expired ones)."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from competencies.models import Competency
from people.selectors import UnitTree

from .filters import ReportFilterForm
from .scope import Scope
from .selectors import allowed_units, people_levels, population
from .tables import people_rows

logger = logging.getLogger(__name__)

INLINE_ROWS = 2_000  # more people than this: built in the background
CHUNK = 500  # people read at a time while building
KEPT_FOR = timedelta(hours=24)
PEOPLE = "people"  # the one report with person-level rows


def people_export_plan(*, scope: Scope, params: dict):
    """What a people export will hold: (the people queryset, competencies, filters), or a
    ValidationError when the filters do not check out for this viewer."""
    if not scope.is_hr:
        raise PermissionDenied
    tree = UnitTree.load()
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    from cms.selectors import company_zone

    form = ReportFilterForm(
        query,
        scope=scope,
        tree=tree,
        allowed_units=allowed_units(scope=scope, tree=tree),
        report=PEOPLE,
        zone=company_zone(),
    )
    if not form.is_valid():
        raise ValidationError(
            _("These filters do not check out: %(errors)s"),
            params={"errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())},
        )
    filters = form.filters()
    people = population(scope=scope, filters=filters, tree=tree)
    competencies = list(Competency.objects.order_by("-is_core", "name"))
    return people, competencies, filters


def people_chunks(people, *, competencies, as_of: datetime, zone=None):
    """The people's rows, ``CHUNK`` people at a time (two queries per chunk); dates in
    the company's time zone ``zone``."""
    ids = list(people.order_by("last_name", "first_name", "pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = people.model.objects.filter(pk__in=ids[start : start + CHUNK])
        levels = people_levels(chunk, competencies=competencies, as_of=as_of)
        yield len(ids), people_rows(levels, zone=zone)
