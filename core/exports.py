"""Spreadsheet exports that are safe to open: CSV and XLSX, from a header and rows.

Everything a person typed (a name, a handle, a unit name) can end up in a spreadsheet,
and spreadsheet programs run cells that look like formulas. So:

- in CSV every text cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return, and their full-width forms) gets a leading apostrophe
  (:func:`csv_safe`), and every field is quoted, so a separator inside a cell cannot start
  a new one;
- in XLSX text is written as an inline string, never as a formula or an error code, so it
  shows exactly what was typed and nothing runs.

Numbers, dates and booleans stay what they are. Rows may be any iterable (a generator
over a queryset is fine): the CSV is streamed row by row; the XLSX is built in a
write-only workbook, spooled to disk when large, then sent.

    return csv_response("roster.csv", ["Name", "E-mail"], rows)
    return xlsx_response("roster.xlsx", "Roster", ["Name", "E-mail"], rows)
    write_csv(binary_file, header, rows); write_xlsx(binary_file, "Roster", header, rows)
"""

import csv
import datetime
import decimal
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes a spreadsheet program read a cell as a formula (or split it into a new one),
# including the full-width forms some programs normalise.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Excel keeps at most this many characters in a cell; longer text makes it "repair" the file.
XLSX_CELL_LIMIT = 32_767
# Sheet titles: 31 characters, none of these.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# An XLSX built in memory up to this size, then on disk.
_SPOOL_BYTES = 8 * 1024 * 1024

Row = Iterable[Any]


def _as_local(value: datetime.datetime) -> datetime.datetime:
    """An aware date-time in the current time zone, without its zone (spreadsheets have no
    time zones); a naive one as it is."""
    if timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _text(value: Any) -> str:
    """Any value as the text a CSV cell shows (before :func:`csv_safe`)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _as_local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_safe(value: Any) -> str:
    """``value`` as text that a spreadsheet program shows and never runs.

    Text that starts like a formula gets an apostrophe in front (the usual way to say
    "this is text" in a spreadsheet). Numbers are left alone: ``-3`` is a number, not a
    formula, so only text is neutralised. ``None`` is an empty cell.
    """
    if isinstance(value, bool | int | float | decimal.Decimal):
        return str(value)
    text = _text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` hands back what it is given, for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Row, rows: Iterable[Row], preamble: Iterable[Row] = ()) -> Iterator[str]:
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    lines = [writer.writerow([csv_safe(cell) for cell in line]) for line in preamble]
    if lines:
        lines.append(writer.writerow([]))  # a blank line between the block and the table
    yield BOM + "".join(lines) + writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Exports hold people's names and addresses: no shared cache may keep them.
    patch_cache_control(response, private=True, no_store=True)
    return response


def csv_response(
    filename: str, header: Row, rows: Iterable[Row], *, preamble: Iterable[Row] = ()
) -> StreamingHttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so Excel reads accents right),
    streamed row by row. ``preamble`` rows (what the file holds: filters, dates) come
    first, then a blank line, then the header and the rows."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _csv_lines(header, rows, preamble)),
        content_type=CSV_CONTENT_TYPE,
    )
    return _attachment(response, filename)


def write_csv(
    handle: BinaryIO, header: Row, rows: Iterable[Row], *, preamble: Iterable[Row] = ()
) -> None:
    """The same CSV as :func:`csv_response`, written to a file opened in binary mode."""
    for line in _csv_lines(header, rows, preamble):
        handle.write(line.encode("utf-8"))


def _sheet_title(title: Any) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, at most 31 characters, never empty."""
    text = _SHEET_TITLE_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", str(title or "")))
    text = text.strip().strip("'").strip()[:31].strip()
    return text or "Sheet"


def _xlsx_cell(sheet, value: Any):
    """One cell: numbers and dates as themselves, everything else as plain text."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        return WriteOnlyCell(sheet, value=_as_local(value))
    if isinstance(value, datetime.date):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_CELL_LIMIT]
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl reads "=..." as a formula and "#N/A" as an error: say it is text.
    cell.data_type = "s"
    return cell


def write_xlsx(
    handle: BinaryIO,
    title: Any,
    header: Row,
    rows: Iterable[Row],
    *,
    about: tuple[Any, Iterable[Row]] | None = None,
) -> None:
    """A workbook, header first, written to a file opened in binary mode. ``about`` is
    a second sheet (a title and its rows: what the file holds), after the table's."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.append([_xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    if about is not None:
        about_title, about_rows = about
        notes = workbook.create_sheet(title=_sheet_title(about_title))
        for row in about_rows:
            notes.append([_xlsx_cell(notes, value) for value in row])
    workbook.save(handle)


def xlsx_response(
    filename: str,
    sheet_title: Any,
    header: Row,
    rows: Iterable[Row],
    *,
    about: tuple[Any, Iterable[Row]] | None = None,
) -> FileResponse:
    """An XLSX download: the table's sheet, and ``about`` as a second one if given."""
    # The response closes the file once it is sent.
    handle = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    write_xlsx(handle, sheet_title, header, rows, about=about)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)
