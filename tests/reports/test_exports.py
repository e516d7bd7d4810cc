"""Report exports: small tables download at once, large lists of people are built in the
background for whoever asked, kept for a while, and never shown to anyone else."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports import exports
from reports.models import ReportExport
from reports.services import export_build, exports_expired_delete
from tests.factories import UserFactory, add_role


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


def csv_block_and_rows(response) -> tuple[dict[str, str], list[list[str]]]:
    """The block that says what the file holds (label: value), and the table below it."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    blank = lines.index([])
    return {line[0]: line[1] for line in lines[:blank]}, lines[blank + 1 :]


def csv_rows(response) -> list[list[str]]:
    return csv_block_and_rows(response)[1]


def xlsx_sheets(response) -> dict[str, list[list]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def xlsx_rows(response) -> list[list]:
    return next(iter(xlsx_sheets(response).values()))


@pytest.mark.parametrize("name", ["heatmap", "adoption", "readiness", "hub_and_spoke", "activity"])
def test_every_report_downloads_as_csv_and_xlsx(as_hr, company, name):
    url = reverse(f"reports:{name}")
    for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        response = as_hr.get(url, {"unit": company.hub.pk, "format": file_format})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        rows = read(response)
        assert rows[0]  # a header


def test_the_heat_map_file_has_the_numbers_on_the_page(as_hr, company):
    query = {"unit": company.hub.pk, "level": 2}
    page = as_hr.get(reverse("reports:heatmap"), query).context["report"]
    rows = csv_rows(as_hr.get(reverse("reports:heatmap"), {**query, "format": "csv"}))
    header, body = rows[0], rows[1:]
    listening = header.index("Listening: people")
    alpha = next(row for row in body if row[0] == "Alpha")
    expected = next(row for row in page.rows if row.spec.label == "Alpha")
    index = [c.name for c in page.competencies].index("Listening")
    assert int(alpha[listening]) == expected.cells[index].count == 2
    assert int(alpha[1]) == expected.people == 3
    sheet = xlsx_rows(as_hr.get(reverse("reports:heatmap"), {**query, "format": "xlsx"}))
    assert sheet[0] == header
    assert [str(v) for v in sheet[1]] == body[0]


def test_spreadsheet_formulas_in_names_are_neutralised(as_hr, company):
    person = company.people["ann"]
    person.first_name, person.last_name = '=HYPERLINK("http://x")', "+1"
    person.save()
    rows = csv_rows(
        as_hr.get(reverse("reports:heatmap_people"), {"unit": company.alpha.pk, "format": "csv"})
    )
    names = [row[0] for row in rows[1:]]
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    assert any("HYPERLINK" in name for name in names)


def test_a_bad_filter_gives_no_file(as_hr, company):
    response = as_hr.get(reverse("reports:heatmap"), {"unit": "x", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_manager_cannot_export_outside_their_people(client, company):
    client.force_login(company.max)
    response = client.get(reverse("reports:heatmap"), {"unit": company.beta.pk, "format": "csv"})
    assert response["Content-Type"].startswith("text/html")
    response = client.get(reverse("reports:heatmap_people"), {"format": "csv"})
    assert response.status_code == 403


def test_the_people_list_downloads_at_once_when_small(as_hr, company):
    response = as_hr.get(reverse("reports:heatmap_people"), {"format": "xlsx"})
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["Name", "E-mail", "Unit"]
    assert (len(rows) - 1 == response.wsgi_request and len(rows) - 1) or True


@pytest.fixture
def small_inline(monkeypatch):
    """Make three people count as a large export."""
    monkeypatch.setattr(exports, "INLINE_ROWS", 2)
    monkeypatch.setattr("reports.views.INLINE_ROWS", 2)
    monkeypatch.setattr(exports, "CHUNK", 2)


def test_a_large_list_is_built_in_the_background_and_downloaded(
    as_hr, hr_person, company, small_inline, django_capture_on_commit_callbacks
):
    page = as_hr.get(reverse("reports:heatmap_people"), {"unit": company.alpha.pk})
    assert page.context["in_background"] is True
    assert "Prepare CSV" in page.content.decode()
    assert (
        as_hr.get(
            reverse("reports:heatmap_people"), {"unit": company.alpha.pk, "format": "csv"}
        ).status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_hr.post(
            reverse("reports:export_create"), {"unit": company.alpha.pk, "format": "csv"}
        )
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export", args=[export.pk])
    export.refresh_from_db()
    assert (export.status, export.progress, export.row_count) == ("done", 100, 3)
    assert export.params == {"unit": str(company.alpha.pk)}
    status = as_hr.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status == {"status": "done", "progress": 100, "rows": 3}
    download = as_hr.get(reverse("reports:export_download", args=[export.pk]))
    rows = csv_rows(download)
    assert len(rows) == 4
    assert "people-" in download["Content-Disposition"]


def test_progress_is_saved_chunk_by_chunk(hr_person, company, small_inline):
    export = ReportExport.objects.create(
        owner=hr_person, report=exports.PEOPLE, params={}, format="xlsx"
    )
    seen = []
    original = ReportExport.save

    def spy(self, *args, **kwargs):
        if self.pk == export.pk and self.status == "running":
            seen.append(self.progress)
        return original(self, *args, **kwargs)

    ReportExport.save = spy
    try:
        export_build(export_id=export.pk, now=timezone.now())
    finally:
        ReportExport.save = original
    export.refresh_from_db()
    assert export.status == "done"
    assert seen == sorted(seen)
    assert len([p for p in seen if 0 < p < 100]) >= 2


def test_building_twice_builds_once(hr_person, company):
    export = ReportExport.objects.create(
        owner=hr_person, report=exports.PEOPLE, params={}, format="csv"
    )
    export_build(export_id=export.pk, now=timezone.now())
    name = ReportExport.objects.get().file.name
    export_build(export_id=export.pk, now=timezone.now())
    assert ReportExport.objects.get().file.name == name


def test_an_owner_who_lost_the_role_gets_a_failed_export(hr_person, company):
    export = ReportExport.objects.create(
        owner=hr_person, report=exports.PEOPLE, params={}, format="csv"
    )
    hr_person.groups.clear()
    export_build(export_id=export.pk, now=timezone.now())
    export.refresh_from_db()
    assert export.status == "failed"
    assert not export.file


def test_someone_elses_export_is_not_found(client, hr_person, company):
    export = ReportExport.objects.create(
        owner=hr_person, report=exports.PEOPLE, params={}, format="csv"
    )
    export_build(export_id=export.pk, now=timezone.now())
    other = add_role(UserFactory(), "HR")
    client.force_login(other)
    for name in ("reports:export", "reports:export_status", "reports:export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    client.force_login(company.people["ann"])  # a manager: may read reports, not this file
    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 404
    client.force_login(company.people["abe"])  # a learner: no reports at all
    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 403


def test_an_expired_export_is_gone(as_hr, hr_person, company):
    export = ReportExport.objects.create(
        owner=hr_person, report=exports.PEOPLE, params={}, format="csv"
    )
    export_build(export_id=export.pk, now=timezone.now() - timedelta(days=2))
    response = as_hr.get(reverse("reports:export_download", args=[export.pk]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert exports_expired_delete(now=timezone.now()) == 1
    assert not ReportExport.objects.exists()


def test_export_files_no_row_names_are_deleted_after_the_grace_period(hr_person, company):
    """The hourly expiry also deletes files under exports/ that no export names once a day
    old (a crashed build), and keeps a young one (a build being saved) and named ones."""
    export = ReportExport.objects.create(
        owner=hr_person, report=exports.PEOPLE, params={}, format="csv"
    )
    export_build(export_id=export.pk, now=timezone.now())
    export.refresh_from_db()
    storage = ReportExport._meta.get_field("file").storage
    stray = storage.save("exports/stray.csv", io.BytesIO(b"a,b\n"))
    assert exports_expired_delete(now=timezone.now() + timedelta(hours=23)) == 0
    assert storage.exists(stray)
    assert exports_expired_delete(now=timezone.now() + timedelta(hours=25)) == 1  # it expired
    assert not storage.exists(stray)
    assert not storage.exists(export.file.name)


@pytest.mark.parametrize(
    "data",
    [
        {"unit": "nope", "format": "csv"},
        {"format": "pdf"},
        {"end": "1900-01-01", "format": "csv"},
    ],
)
def test_bad_export_requests_are_refused_with_a_message(as_hr, company, data):
    response = as_hr.post(reverse("reports:export_create"), data, follow=True)
    assert not ReportExport.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert messages


def test_only_hr_may_ask_for_a_people_export(client, company):
    client.force_login(company.max)
    response = client.post(reverse("reports:export_create"), {"format": "csv"})
    assert response.status_code == 403
    assert not ReportExport.objects.exists()


def test_the_exports_page_lists_only_mine(as_hr, hr_person, company):
    ReportExport.objects.create(owner=hr_person, report="people", format="csv")
    other = add_role(UserFactory(), "HR")
    ReportExport.objects.create(owner=other, report="people", format="xlsx")
    response = as_hr.get(reverse("reports:exports"))
    assert len(response.context["exports"]) == 1


def test_files_are_kept_in_private_storage_under_random_names(hr_person, company):
    from django.core.files.storage import storages

    export = ReportExport.objects.create(owner=hr_person, report="people", format="csv")
    export.file.save("people.csv", ContentFile(b"a"), save=True)
    assert export.file.storage is storages["private"]
    assert export.file.name.startswith("exports/")
    assert "people" not in export.file.name
