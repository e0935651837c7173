"""openpyxl behind ``office.sheet``: the only module that knows it.

The layout of every sheet, top to bottom: the form mark (top right), the title (bold, 14,
centred over the table), the subtitle (the as-of line), a blank row, the header (one row, or
two with groups), the data, the totals row, the notes. The header rows repeat on every printed
page and stay frozen on screen; the filter covers the header and the data.

Streams: openpyxl's write-only mode writes each row as it comes. What it writes before the
first row (column widths, frozen panes, fit-to-page) is set before the first row; what it
writes after the last (filter, merges, print setup, footer) is set once the rows are counted.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement

from dangbo.core.text import writable

# office.sheet's Sheet and Col: that module imports this one, and siblings import no cycle.
Sheet = Any
Col = Any

FONT = "Times New Roman"
SIZE = 12
INT_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.0"
PCT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
SAMPLE = 200  # rows read ahead to size the columns
MAX_WIDTH = 45  # a wider text wraps
DEFAULT_WIDTH = {"text": 20, "int": 10, "number": 11, "pct": 9, "date": 12}
STT_WIDTH = 5
APP_XML_PATH = "docProps/app.xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_thin = Side(style="thin")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_FILL = PatternFill("solid", fgColor="E7EEF7")
_PLAIN = Font(name=FONT, size=SIZE)
_BOLD = Font(name=FONT, size=SIZE, bold=True)


def write(sheets: list[Sheet], out: IO[bytes], *, title: str, author: str) -> None:
    book = Workbook(write_only=True)
    printed_on = f"{timezone.localdate():%d/%m/%Y}"
    for spec in sheets:
        _write_sheet(book, spec, printed_on)
    if not sheets:
        book.create_sheet("Sheet")
    book.properties.creator = writable(str(author or "dangbo"))
    book.properties.lastModifiedBy = book.properties.creator
    book.properties.title = writable(str(title or (sheets[0].title if sheets else "")))
    book.properties.modified = book.properties.created = datetime.now()  # noqa: DTZ005 - the file's local time
    archive = _Archive(out, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(book, archive).save()


class _Archive(ZipFile):
    """The package's docProps/app.xml names the program that wrote it: dangbo, not openpyxl."""

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        if name == APP_XML_PATH:
            data = _APP_XML
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)


_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>dangbo</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


class _Styles:
    """One prototype cell per style: every data cell of a column reuses its prototype, so
    styling 100,000 rows costs no more than writing them."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def cell(
        self,
        value: Any = None,
        *,
        bold: bool = False,
        size: int = SIZE,
        italic: bool = False,
        border: bool = False,
        fill: bool = False,
        horizontal: str | None = None,
        vertical: str = "center",
        wrap: bool = False,
        number_format: str | None = None,
    ) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet)
        cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
        if border:
            cell.border = _BORDER
        if fill:
            cell.fill = _FILL
        if number_format:
            cell.number_format = number_format
        _put(cell, value)
        return cell


def _put(cell: WriteOnlyCell, value: Any) -> WriteOnlyCell:
    """Text is written as text (never a formula, whatever it starts with); numbers and dates
    as themselves."""
    if value is None:
        cell.value = None
    elif isinstance(value, int | float | Decimal | date):
        cell.value = value
    else:  # a str, or a lazily translated one
        cell.value = writable(str(value))
        cell.data_type = "s"
    return cell


def _cell_value(value: Any, kind: str) -> Any:
    """The value as the cell holds it: a percent as a fraction (12.5 → 0.125, shown 12,5%);
    a datetime in local time without its zone (Excel has none); a bool as "Có"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "Có" if value else None
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.date() if kind == "date" else value
    if isinstance(value, date):
        return value
    if isinstance(value, int | float | Decimal):
        if kind == "pct":  # 33.3 → 0.333, not 0.33299999999999996
            return float(Decimal(str(value)) / 100)
        return value
    return str(value)


def _number_format(col: Col, value: Any) -> str | None:
    if isinstance(value, datetime):
        return DATE_FORMAT if col.kind == "date" else DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if col.format:
            return col.format
        if col.kind == "int":
            return INT_FORMAT
        if col.kind == "number":
            return NUMBER_FORMAT
        if col.kind == "pct":
            return PCT_FORMAT
        return "General"
    return None


def _width(col: Col, sample: list[Any]) -> tuple[float, bool]:
    """The column's width in characters and whether it wraps: Col.width, else the longest of
    the label's words and the sampled values, capped."""
    if col.width:
        return col.width, False
    words = max((len(w) for w in col.label.split()), default=4) + 2
    if col.kind == "text":
        longest = max((len(_display(col, v)) for v in sample), default=0) + 2
        width = max(words, min(longest, MAX_WIDTH), 6)
        return width, longest > MAX_WIDTH
    return max(words, DEFAULT_WIDTH.get(col.kind, 12)), False


def _display(col: Col, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    return str(value)


def _lines(text: Any, width: float) -> int:
    """How many lines a wrapped text takes (row heights are not computed by Excel for
    merged or wrapped cells written by a program)."""
    text = str(text)
    return max(
        1, sum(max(1, math.ceil(len(part) / max(width - 1, 1))) for part in text.split("\n"))
    )


def _header_layout(spec: Sheet, first: int) -> list[tuple[str, int, int, int, int]]:
    """The header's cells as (label, row, column, last row, last column), 1-based, groups
    consumed left to right over the columns; a group labelled "" leaves its columns ungrouped."""
    two_rows = bool(spec.groups)
    cells: list[tuple[str, int, int, int, int]] = []
    offset = 1 if spec.numbered else 0
    bottom = first + 1 if two_rows else first
    if spec.numbered:
        cells.append(("STT", first, 1, bottom, 1))
    under: list[str | None] = []
    for label, count in spec.groups:
        under.extend([label or None] * count)
    under.extend([None] * max(0, len(spec.columns) - len(under)))
    index = 0
    for label, count in spec.groups:
        if label and count > 0:
            start = offset + index + 1
            cells.append((label, first, start, first, start + count - 1))
        index += count
    for i, col in enumerate(spec.columns):
        column = offset + i + 1
        if two_rows and under[i]:
            cells.append((col.label, first + 1, column, first + 1, column))
        else:
            cells.append((col.label, first, column, bottom, column))
    return cells


def _write_sheet(book: Workbook, spec: Sheet, printed_on: str) -> None:
    name = _tab_name(str(spec.name or spec.title), book)
    ws = _Sheet(parent=book, title=name)
    book._add_sheet(ws)
    styles = _Styles(ws)
    columns = spec.columns
    offset = 1 if spec.numbered else 0
    width_count = len(columns) + offset
    last_letter = get_column_letter(max(width_count, 1))

    rows_iter: Iterator[Any] = iter(spec.rows)
    sample = list(itertools.islice(rows_iter, SAMPLE))
    rows: Iterable[Any] = itertools.chain(sample, rows_iter)

    # What write-only mode writes before the first row.
    widths: list[float] = []
    wraps: list[bool] = []
    if spec.numbered:
        ws.column_dimensions["A"].width = STT_WIDTH
        widths.append(STT_WIDTH)
        wraps.append(False)
    for i, col in enumerate(columns):
        values = [_cell_value(col.get(r), col.kind) for r in sample]
        width, wrap = _width(col, values)
        ws.column_dimensions[get_column_letter(offset + i + 1)].width = width
        widths.append(width)
        wraps.append(wrap)
    total_width = sum(widths) or 20

    row = 1
    layout: list[tuple[int, str, dict]] = []  # (row, text, style) of the lines above the table
    if spec.form:
        layout.append((row, spec.form, {"italic": True, "horizontal": "right", "size": 11}))
        row += 1
    layout.append(
        (row, spec.title, {"bold": True, "size": 14, "horizontal": "center", "wrap": True})
    )
    row += 1
    if spec.subtitle:
        layout.append((row, spec.subtitle, {"italic": True, "horizontal": "center", "wrap": True}))
        row += 1
    header_first = row + 1  # a blank row between the title lines and the table
    header_last = header_first + (1 if spec.groups else 0)
    first_data = header_last + 1

    ws.freeze_panes = f"A{first_data}"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    for r, text, style in layout:
        line = 20 if style.get("size") == 14 else 16
        ws.row_dimensions[r].height = line * _lines(text, total_width * 0.9)
    header_cells = _header_layout(spec, header_first)
    for r in range(header_first, header_last + 1):
        lines = max(
            (
                _lines(label, sum(widths[c0 - 1 : c1]))
                for label, r0, c0, r1, c1 in header_cells
                if r0 == r == r1
            ),
            default=1,
        )
        ws.row_dimensions[r].height = max(16 * lines, 18)

    # The lines above the table.
    for r, text, style in layout:
        if r == 1 and spec.form:
            start = max(1, width_count - max(1, width_count // 2) + 1)
            cells = [None] * (start - 1) + [styles.cell(text, **style)]
            ws.append(cells)
            if start < width_count:
                ws.merged_cells.add(f"{get_column_letter(start)}{r}:{last_letter}{r}")
        else:
            ws.append([styles.cell(text, **style)])
            if width_count > 1:
                ws.merged_cells.add(f"A{r}:{last_letter}{r}")
    ws.append([])

    # The header.
    grid: dict[tuple[int, int], str | None] = {}
    for label, r0, c0, r1, c1 in header_cells:
        for rr in range(r0, r1 + 1):
            for cc in range(c0, c1 + 1):
                grid[(rr, cc)] = label if (rr, cc) == (r0, c0) else None
        if (r0, c0) != (r1, c1):
            ws.merged_cells.add(f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")
    for r in range(header_first, header_last + 1):
        ws.append(
            [
                styles.cell(
                    grid.get((r, c)),
                    bold=True,
                    border=True,
                    fill=True,
                    horizontal="center",
                    wrap=True,
                )
                for c in range(1, width_count + 1)
            ]
        )

    # The data: one style per column and number format, each row built whole (see _Sheet).
    style_ids: dict[tuple[int, str | None], str] = {}

    def style_id(index: int, fmt: str | None) -> str:
        key = (index, fmt)
        found = style_ids.get(key)
        if found is None:
            horizontal = "left" if fmt is None else ("center" if fmt == DATE_FORMAT else "right")
            cell = styles.cell(
                border=True, horizontal=horizontal, wrap=wraps[offset + index], number_format=fmt
            )
            found = style_ids[key] = str(cell.style_id)
        return found

    stt = str(styles.cell(border=True, horizontal="center").style_id)
    letters = [get_column_letter(c) for c in range(1, width_count + 1)]
    count = 0
    for count, item in enumerate(rows, start=1):
        r = header_last + count
        row = Element("row", {"r": str(r)})
        if spec.numbered:
            _cell(row, f"A{r}", stt, count)
        for i, col in enumerate(columns):
            value = _cell_value(col.get(item), col.kind)
            _cell(row, f"{letters[offset + i]}{r}", style_id(i, _number_format(col, value)), value)
        ws.append(_Built((row,)))
    last_data = header_last + count

    # The totals row.
    end = last_data
    if spec.totals is not None:
        end += 1
        values = list(spec.totals)
        out = []
        if spec.numbered:
            out.append(styles.cell(None, bold=True, border=True))
        for i, col in enumerate(columns):
            value = _cell_value(values[i] if i < len(values) else None, col.kind)
            fmt = _number_format(col, value)
            out.append(
                styles.cell(
                    value,
                    bold=True,
                    border=True,
                    number_format=fmt,
                    horizontal="left" if fmt is None else "right",
                )
            )
        first = values[0] if values else None
        if spec.numbered and columns and (first is None or isinstance(first, str)):
            # The row's label ("Tổng cộng" when none is given) over STT and the first column
            # (their top-left cell holds it).
            label = str(first or "Tổng cộng")
            out[0] = styles.cell(label, bold=True, border=True, horizontal="center")
            ws.merged_cells.add(f"A{end}:B{end}")
        ws.append(out)

    # The notes.
    if spec.notes:
        ws.append([])
        end += 1
        for note in spec.notes:
            end += 1
            ws.row_dimensions[end].height = 16 * _lines(note, total_width * 0.9)
            ws.append(
                [styles.cell(note, italic=True, horizontal="left", vertical="top", wrap=True)]
            )
            if width_count > 1:
                ws.merged_cells.add(f"A{end}:{last_letter}{end}")

    # What write-only mode writes after the last row.
    ws.auto_filter.ref = f"A{header_last}:{last_letter}{max(last_data, header_last)}"
    ws.print_title_rows = f"{header_first}:{header_last}"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = 0.6
    ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    footer = ws.oddFooter
    footer.left.text = _footer_text(spec.scope, 60)
    footer.center.text = "Trang &P/&N"
    by = _footer_text(spec.user, 36)
    footer.right.text = f"{by} · {printed_on}" if by else printed_on
    for part in (footer.left, footer.center, footer.right):
        part.size = 9
        part.font = FONT


class _Built(tuple):
    """A data row built whole as its XML element (``_cell``), passed through ``append``."""


class _Sheet(WriteOnlyWorksheet):
    """openpyxl's streaming sheet, taking a data row built whole as well as a list of cells:
    openpyxl makes, binds and styles an object per cell, which for 100,000 rows of a dozen
    columns costs a minute; a row's element built from the column's style ids, a fraction."""

    def _write_rows(self):
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            index = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, _Built):
                        xf.write(row[0])
                    else:
                        self._writer.write_row(xf, self._values_to_row(row, index), index)
                    index += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


def _cell(row, ref: str, style: str, value: Any) -> None:
    """One cell of a built row, written as openpyxl would write it: text as an inline string
    (never a formula), a number as itself, a date as Excel's serial day (with its format)."""
    if value is None:
        SubElement(row, "c", {"r": ref, "s": style})
    elif isinstance(value, str):
        text = writable(value)
        cell = SubElement(row, "c", {"r": ref, "s": style, "t": "inlineStr"})
        t = SubElement(SubElement(cell, "is"), "t")
        t.text = text
        if text != text.strip():
            t.set(XML_SPACE, "preserve")
    else:
        if isinstance(value, date):
            value = to_excel(value)
        elif isinstance(value, float) and not math.isfinite(value):
            SubElement(row, "c", {"r": ref, "s": style})
            return
        cell = SubElement(row, "c", {"r": ref, "s": style, "t": "n"})
        SubElement(cell, "v").text = repr(value) if isinstance(value, float) else str(value)


def _footer_text(text: Any, limit: int) -> str:
    """Header and footer text use "&" for their codes, and Excel refuses a footer past 255
    characters, codes and fonts included: a long scope is cut with "…"."""
    clean = " ".join(writable(str(text)).split())
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return clean.replace("&", "&&")


def _tab_name(name: str, book: Workbook) -> str:
    """31 characters at most, none of []:*?/\\ and unique in the book."""
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in writable(name)).strip("' ") or "Sheet"
    base = clean[:31]
    taken = {s.title for s in book.worksheets}
    candidate, n = base, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    return candidate
