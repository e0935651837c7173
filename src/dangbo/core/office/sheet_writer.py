"""openpyxl behind ``office.sheet``: the only module that knows it (a first cut: typed cells
and the title; the print setup comes with the builder's owner)."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from dangbo.core.text import writable


def write(sheets: list[Any], out: IO[bytes], *, title: str, author: str) -> None:
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet((spec.name or spec.title)[:31])
        sheet.append([_text(sheet, spec.title)])
        if spec.subtitle:
            sheet.append([_text(sheet, spec.subtitle)])
        labels = (["STT"] if spec.numbered else []) + [c.label for c in spec.columns]
        sheet.append([_text(sheet, label) for label in labels])
        for n, row in enumerate(spec.rows, start=1):
            values = [c.get(row) for c in spec.columns]
            cells = [_value(sheet, v) for v in values]
            sheet.append(([n] if spec.numbered else []) + cells)
    book.properties.creator = author or "dangbo"
    book.properties.title = title
    book.save(out)


def _text(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value="" if value is None else writable(str(value)))
    cell.data_type = "s"
    return cell


def _value(sheet, value):
    if isinstance(value, str):
        return _text(sheet, value)
    return value
