"""How a value and the document's fixed lines are written, the same in every format."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from dangbo.core.text import strip_control, vn_number

if TYPE_CHECKING:
    from . import OfficialDocument, Table


def printable(value: str) -> str:
    """What a printed document shows of a stored text: what the input normaliser would have
    refused or dropped (controls, bidi overrides, invisible fillers) removed, NFC, digits in
    ASCII — text stored before normalisation (or by raw SQL) prints as text typed today
    would. Every renderer (docx, html/PDF, text) writes through it, so the three agree; it
    also removes all ``writable`` removes."""
    return strip_control(value)


def cell_text(value: object, kind: str = "text") -> str:
    """31/12/2016, 1.234, 12,5, 12,5%; "" for None. Text is cut to what XML can carry."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "Có" if value else ""
    if isinstance(value, int | float | Decimal) and kind in ("int", "number", "pct"):
        decimals = 0 if kind == "int" or float(value).is_integer() else 1
        text = vn_number(float(value), decimals)
        return text + "%" if kind == "pct" else text
    if isinstance(value, int):
        return vn_number(value)
    return printable(str(value))


def number_line(doc: OfficialDocument) -> str:
    """ "Số 15-BC/HU"; a blank number leaves room to write it in; no code, no line."""
    if not doc.kind_code:
        return ""
    symbol = f"{doc.kind_code}/{doc.issuer.symbol}" if doc.issuer.symbol else doc.kind_code
    return f"Số {doc.number}-{symbol}" if doc.number else f"Số       -{symbol}"


def date_line(doc: OfficialDocument) -> str:
    """ "Tam Dương, ngày 31 tháng 12 năm 2016" (days and months under 10 as 01…09 only for
    days 1–9 and months 1–2, as Hướng dẫn 36 writes them)."""
    place = f"{doc.issuer.place}, " if doc.issuer.place else ""
    if doc.day is None:
        year = doc.period_year or ""
        return f"{place}ngày     tháng     năm {year}".rstrip()
    day = f"{doc.day.day:02d}" if doc.day.day < 10 else str(doc.day.day)
    month = f"{doc.day.month:02d}" if doc.day.month < 3 else str(doc.day.month)
    return f"{place}ngày {day} tháng {month} năm {doc.day.year}"


def header_rows(table: Table) -> list[list[tuple[str, int, int]]]:
    """The header as rows of (label, column span, row span); a column under no group spans
    both rows. Groups cover the columns in order, (label, n): an empty label leaves its n
    columns ungrouped; columns past the groups are ungrouped too."""
    labels = [c.label for c in table.columns]
    stt = [("STT", 1, 2 if table.groups else 1)] if table.numbered else []
    if not table.groups:
        return [stt + [(label, 1, 1) for label in labels]]
    top: list[tuple[str, int, int]] = list(stt)
    bottom: list[tuple[str, int, int]] = []
    i = 0
    for label, n in table.groups:
        cols = labels[i : i + n]
        if label:
            top.append((label, len(cols), 1))
            bottom.extend((c, 1, 1) for c in cols)
        else:
            top.extend((c, 1, 2) for c in cols)
        i += n
    top.extend((c, 1, 2) for c in labels[i:])
    return [top, bottom]
