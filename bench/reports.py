"""Benchmark the report pages and exports on a synthetic company.

    .venv/bin/python bench/reports.py                      # SQLite (a throw-away database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spoke .venv/bin/python bench/reports.py

Builds 10,000 people in 40 units with 12 competencies (see bench/company.py) in a test
database that is dropped afterwards, then prints, for each report page and export, the
server time (best of three) and the number of queries. Options: --people N --units N.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bench_database, company_options, header, measure


def main() -> None:
    options = company_options(__doc__)

    with bench_database("reports"):
        run(options)


def run(options) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench.company import build_company
    from reports.exports import PEOPLE
    from reports.models import ReportExport
    from reports.services import export_build

    started = time.perf_counter()
    company = build_company(
        people=options.people, units=options.units, competencies=options.competencies
    )
    print(
        f"Company: {options.people} people, {options.units} units, "
        f"{options.competencies} competencies on {connection.vendor} "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    client = Client()
    client.force_login(company.hr)
    hub = company.hub.pk
    unit = company.units[1].pk
    pages = [
        ("heat map, top", "reports:heatmap", {}),
        ("heat map, hub's units", "reports:heatmap", {"unit": hub}),
        ("heat map, one unit", "reports:heatmap", {"unit": unit, "level": 3}),
        ("people behind the map, page 1", "reports:heatmap_people", {"unit": hub}),
        ("adoption (12 months)", "reports:adoption", {"unit": hub}),
        ("adoption, first view", "reports:adoption", {}),
        ("crisis readiness", "reports:readiness", {"unit": hub}),
        ("crisis readiness, first view", "reports:readiness", {}),
        ("hub and spoke", "reports:hub_and_spoke", {}),
        ("learning activity", "reports:activity", {}),
        ("heat map CSV", "reports:heatmap", {"unit": hub, "format": "csv"}),
        ("adoption XLSX", "reports:adoption", {"unit": hub, "format": "xlsx"}),
        ("activity XLSX", "reports:activity", {"format": "xlsx"}),
        ("people of one unit, CSV", "reports:heatmap_people", {"unit": unit, "format": "csv"}),
    ]
    someone = company.people[-1].pk
    pages.append(("a person's page (HR)", "reports:person", {}, someone))
    header("page")
    manager = Client()
    manager.force_login(company.manager)

    def fetch(name, query, pk=None, by=client):
        url = reverse(name, args=[pk]) if pk else reverse(name)
        response = by.get(url, query, HTTP_HOST="testserver")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        assert response.status_code == 200, (name, query, response.status_code)

    for label, name, query, *pk in pages:
        measure(label, lambda name=name, query=query, pk=pk: fetch(name, query, *pk))
    measure(
        "team page, the top manager (page 1 of everyone)",
        lambda: fetch("reports:team", {}, by=manager),
    )
    measure(
        "adoption, the top manager's first view", lambda: fetch("reports:adoption", {}, by=manager)
    )

    for file_format in ("csv", "xlsx"):
        export = ReportExport.objects.create(
            owner=company.hr, report=PEOPLE, params={}, format=file_format
        )
        label = f"background export, everyone, {file_format.upper()}"
        measure(
            label,
            lambda export=export: export_build(export_id=export.pk, now=timezone.now()),
            repeat=1,
        )


if __name__ == "__main__":
    main()
