"""Spreadsheets people can print: one builder for every .xlsx dangbo writes.

A ``Sheet`` is a title, an as-of line, a typed table and what the printout needs: "STT",
real dates and numbers in Vietnamese formats, sized columns, a bold frozen header with
filters, fit-to-width printing with the header repeated on every page, and the scope and the
user in the footer. Cells that hold text are written as text, so nothing a record holds runs
as a formula (still formula-safe, as ``core.exports`` was).

Streams (openpyxl's write-only mode): a list of 100,000 members does not sit in memory.

How a value is written (``Col.kind`` says the format, the value says the type):

- text: a text cell (never a formula, whatever it starts with); a number in a text column
  keeps Excel's General format (a year stays 2016, not 2.016);
- int: a number, ``#,##0`` (Excel and LibreOffice show "5.470" in a Vietnamese locale);
- number: a number, ``#,##0.0``; ``Col.format`` overrides either;
- pct: a number of percent, as ``values.cell_text`` and the documents take it (12.5 is
  12,5%): written as the fraction 0.125 with ``0.0%``, so the cell computes as a percent;
- date: a real date, ``dd/mm/yyyy`` (a datetime in local time; Excel has no time zones);
- None and "" are empty cells; True is "Có".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any

from . import CellKind


@dataclass(frozen=True)
class Col:
    label: str
    get: Callable[[Any], Any]  # the row's value: str, int, float, Decimal, date or None
    kind: CellKind = "text"
    width: float | None = None  # in characters; None: from the label, the kind and the data
    format: str = ""  # an Excel number format instead of the kind's ("0", "#,##0.00")


@dataclass(frozen=True)
class Sheet:
    title: str  # "DANH SÁCH ĐẢNG VIÊN" (the first line, bold, centred over the table)
    columns: tuple[Col, ...]
    rows: Iterable[Any]
    subtitle: str = ""  # "Đảng bộ huyện Tam Dương · tính đến ngày 31/12/2016"
    name: str = ""  # the tab's name (cut to 31 characters); default: from the title
    numbered: bool = True  # an "STT" column first
    # A two-row header: groups over the columns, as (label, number of columns), taken left
    # to right from the first column after STT; a group labelled "" (and every column past the
    # groups) is no group: its columns' labels span both rows.
    groups: tuple[tuple[str, int], ...] = ()
    form: str = ""  # the statistical form followed, top right: "Biểu 1-TCTW (HD 11-HD/BTCTW)"
    scope: str = ""  # printed in the footer: whose data ("Đảng bộ huyện Tam Dương")
    user: str = ""  # printed in the footer: who printed it
    landscape: bool = False
    # A bold totals row, one value per column (STT not counted); when numbered and the first
    # value is a label ("Cả năm") or empty ("Tổng cộng"), it is written over STT and the first
    # column.
    totals: tuple[Any, ...] | None = None
    notes: tuple[str, ...] = ()  # lines under the table ("Ghi chú: …")


def col(label: str, key: str | int, kind: CellKind = "text", width: float | None = None) -> Col:
    """A column reading ``key`` from each row: a dict's key, a tuple's index or an attribute
    (``row["name"]`` or ``row.name``), for tables built as dicts, tuples or value rows."""
    if isinstance(key, int):
        return Col(label, itemgetter(key), kind, width)

    def get(row: Any) -> Any:
        return row.get(key) if isinstance(row, dict) else getattr(row, key)

    return Col(label, get, kind, width)


def workbook(sheets: Iterable[Sheet], out: IO[bytes], *, title: str = "", author: str = "") -> None:
    """Write the workbook of ``sheets`` to ``out``; ``author`` is the body (file properties
    say dangbo and the body, never the library)."""
    from .sheet_writer import write

    write(list(sheets), out, title=title, author=author)


def response(sheets: Iterable[Sheet], filename: str, *, title: str = "", author: str = ""):
    """A download of the workbook, spooled to disk past 8 MB."""
    import tempfile

    from django.http import FileResponse

    from . import XLSX_TYPE

    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook(sheets, spool, title=title, author=author)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
