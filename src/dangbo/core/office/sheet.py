"""Spreadsheets people can print: one builder for every .xlsx dangbo writes.

A ``Sheet`` is a title, an as-of line, a typed table and what the printout needs: "STT",
real dates and numbers in Vietnamese formats, sized columns, a bold frozen header with
filters, fit-to-width printing with the header repeated on every page, and the scope and the
user in the footer. Cells that hold text are written as text, so nothing a record holds runs
as a formula (still formula-safe, as ``core.exports`` was).

Streams (openpyxl's write-only mode): a list of 100,000 members does not sit in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from . import CellKind


@dataclass(frozen=True)
class Col:
    label: str
    get: Callable[[Any], Any]  # the row's value: str, int, float, Decimal, date or None
    kind: CellKind = "text"
    width: float | None = None  # in characters; None: from the label and the kind


@dataclass(frozen=True)
class Sheet:
    title: str  # "DANH SÁCH ĐẢNG VIÊN" (the first line, bold, centred over the table)
    columns: tuple[Col, ...]
    rows: Iterable[Any]
    subtitle: str = ""  # "Đảng bộ huyện Tam Dương · tính đến ngày 31/12/2016"
    name: str = ""  # the tab's name (cut to 31 characters); default: from the title
    numbered: bool = True  # an "STT" column first
    # A two-row header: groups over the columns, as (label, number of columns); a column not
    # under a group spans both rows.
    groups: tuple[tuple[str, int], ...] = ()
    form: str = ""  # the statistical form followed, top right: "Biểu 1-TCTW (HD 11-HD/BTCTW)"
    scope: str = ""  # printed in the footer: whose data ("Đảng bộ huyện Tam Dương")
    user: str = ""  # printed in the footer: who printed it
    landscape: bool = False
    totals: tuple[Any, ...] | None = None  # a bold "Tổng cộng" row, one value per column
    notes: tuple[str, ...] = ()  # lines under the table ("Ghi chú: …")


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
