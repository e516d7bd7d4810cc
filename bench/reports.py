"""Benchmark the report pages and exports on a synthetic company.

    .venv/bin/python bench/reports.py                      # SQLite (a throw-away database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spoke .venv/bin/python bench/reports.py

Builds 10,000 people in 40 units with 12 competencies (see bench/company.py) in a test
database that is dropped afterwards, then prints, for each report page and export, the
server time (best of three) and the number of queries. Options: --people N --units N.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--competencies", type=int, default=12)
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(options, CaptureQueriesContext)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(options, CaptureQueriesContext) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench.company import build_company
    from reports.exports import PEOPLE, export_build
    from reports.models import ReportExport

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
        ("crisis readiness", "reports:readiness", {"unit": hub}),
        ("hub and spoke", "reports:hub_and_spoke", {}),
        ("learning activity", "reports:activity", {}),
        ("heat map CSV", "reports:heatmap", {"unit": hub, "format": "csv"}),
        ("adoption XLSX", "reports:adoption", {"unit": hub, "format": "xlsx"}),
        ("activity XLSX", "reports:activity", {"format": "xlsx"}),
        ("people of one unit, CSV", "reports:heatmap_people", {"unit": unit, "format": "csv"}),
    ]
    print(f"\n{'page':40} {'ms':>8} {'queries':>8}")
    for label, name, query in pages:
        timings = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                response = client.get(reverse(name), query, HTTP_HOST="testserver")
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                timings.append(time.perf_counter() - begin)
            assert response.status_code == 200, (label, response.status_code)
        print(f"{label:40} {min(timings) * 1000:8.0f} {len(queries):8d}")

    for file_format in ("csv", "xlsx"):
        export = ReportExport.objects.create(
            owner=company.hr, report=PEOPLE, params={}, format=file_format
        )
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            export_build(export_id=export.pk, now=timezone.now())
            spent = time.perf_counter() - begin
        export.refresh_from_db()
        label = f"background export, {export.row_count} people, {file_format.upper()}"
        print(f"{label:40} {spent * 1000:8.0f} {len(queries):8d}")


if __name__ == "__main__":
    main()
