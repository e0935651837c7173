"""Writing a list out as CSV or .xlsx: streamed, formula-safe, the same for every list.

Spreadsheet programs run a cell that starts like a formula (``=``, ``+``, ``-``, ``@``):
CSV cells get a leading quote, .xlsx cells are typed as text, so nothing a record holds can
run on the reader's machine. Every cell is also cut down to what the format can carry
(``core.text.writable``): the database may hold rows written before input was normalised, or
by raw SQL, and a download must open whatever it holds.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable

from django.http import FileResponse, StreamingHttpResponse

from .text import writable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Column = tuple[object, Callable]  # (label, getter)


def safe_cell(value) -> str:
    """Spreadsheet programs run cells that start like a formula; a leading quote disarms them."""
    text = "" if value is None else writable(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(objects: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    """UTF-8 with a BOM so that Excel opens Vietnamese correctly; streamed row by row."""

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(label) for label, _get in columns])
        for obj in objects:
            yield writer.writerow([safe_cell(get(obj)) for _label, get in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    objects: Iterable, columns: list[Column], filename: str, sheet_title: str
) -> FileResponse:
    """openpyxl's write-only mode keeps memory flat; the file is spooled to disk past 8 MB."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])

    def text_cell(value) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value="" if value is None else writable(str(value)))
        cell.data_type = "s"
        return cell

    sheet.append([text_cell(label) for label, _get in columns])
    for obj in objects:
        sheet.append([text_cell(get(obj)) for _label, get in columns])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    book.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
