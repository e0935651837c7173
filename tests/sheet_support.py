"""Reading back a printable sheet (``core.office.sheet``): its table lies under a title and an
as-of line, so a test finds it where the file says it is — the filter's range (the last
header row to the last data row)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries


@dataclass
class Table:
    sheet: object  # the openpyxl worksheet
    header: list  # the last header row's labels (with "STT" first when numbered)
    rows: list[list]  # the data rows' values
    cells: list[list]  # the data rows' cells (data_type, number_format…)
    above: list[str]  # the texts above the header: form mark, title, as-of line

    def column(self, label: str) -> list:
        i = self.header.index(label)
        return [r[i] for r in self.rows]

    def by(self, label: str, value) -> list:
        """The row whose ``label`` column holds ``value``."""
        i = self.header.index(label)
        return next(r for r in self.rows if r[i] == value)


def content_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_table(content: bytes | object, index: int = 0) -> Table:
    if not isinstance(content, bytes):
        content = content_of(content)
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[index]
    _c0, header_row, _c1, last = range_boundaries(sheet.auto_filter.ref)
    grid = list(sheet.iter_rows(min_row=1, max_row=max(last, header_row)))
    header = [c.value for c in grid[header_row - 1]]
    first_header = int(sheet.print_title_rows.split(":")[0].strip("$"))
    if first_header != header_row:  # a two-row header: a label spanning both rows is above
        top = [c.value for c in grid[first_header - 1]]
        header = [h if h is not None else t for h, t in zip(header, top, strict=True)]
    data = grid[header_row:last]
    above = [c.value for row in grid[: first_header - 1] for c in row if c.value is not None]
    return Table(
        sheet=sheet,
        header=header,
        rows=[[c.value for c in r] for r in data],
        cells=[list(r) for r in data],
        above=above,
    )
