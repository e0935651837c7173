"""Official documents and printable spreadsheets: one model, every format.

Everything dangbo writes for an office to print, sign or send upward is described once, as an
``OfficialDocument`` (a Party document in the format of Hướng dẫn 36-HD/VPTW, 03/4/2018) or as
a list of ``sheet.Sheet`` (a workbook). The formats are renderings of that one description:

- ``to_docx(doc)``  python-docx, A4, Times New Roman (``office.docx``);
- ``to_pdf(doc)``   WeasyPrint from the HTML of the same document (``office.pdf``);
- ``to_text(doc)``  plain text, for the terminal and for comparing formats (``office.text``);
- ``sheet.workbook(sheets)`` an .xlsx people can print (``office.sheet``).

A view, a command or a background task builds the model and calls one renderer; no app writes
python-docx, WeasyPrint or openpyxl calls of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Align = Literal["left", "center", "right", "justify"]
CellKind = Literal["text", "int", "number", "pct", "date"]


@dataclass(frozen=True)
class Issuer:
    """The body that issues the document (top left) and where it sits (the date line)."""

    name: str  # "Huyện ủy Tam Dương": printed upper-case and bold
    superior: str = ""  # "Tỉnh ủy Vĩnh Phúc": the direct superior, upper-case, not bold
    place: str = ""  # "Tam Dương": the place of "Tam Dương, ngày 31 tháng 12 năm 2016"
    symbol: str = ""  # "HU": the body's part of the number's symbol ("Số 15-BC/HU")


@dataclass(frozen=True)
class Signature:
    """The signature block (bottom right): "T/M BAN THƯỜNG VỤ" / "BÍ THƯ" / the name."""

    on_behalf: str = ""  # "T/M BAN THƯỜNG VỤ", "T/M CHI ỦY"; "" when a person signs for themself
    post: str = ""  # "BÍ THƯ", "PHÓ BÍ THƯ"; "CHỦ TRÌ", "THƯ KÝ" for minutes
    name: str = ""  # the signer's full name; "" leaves the space blank


@dataclass(frozen=True)
class Heading:
    text: str  # with its own numbering: "I. TÌNH HÌNH CHUNG", "1. Công tác tổ chức"
    level: int = 1  # 1 = upper-case bold section, 2 = bold, 3 = bold italic


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    indent: bool = True  # first-line indent of the body text


@dataclass(frozen=True)
class Column:
    label: str
    width_mm: float  # the column's printed width; the table fits the text block
    align: Align = "left"
    kind: CellKind = "text"  # how a value is written: 1.234 / 12,5 / 12,5% / 31/12/2016


@dataclass(frozen=True)
class Table:
    """A table with its header repeated on every page and, unless ``numbered`` is False, an
    "STT" column first (not among ``columns``)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    numbered: bool = True
    caption: str = ""  # a bold line above the table
    # A two-row header: groups over the columns, as (label, number of columns); a column not
    # under a group spans both rows. Empty: a one-row header.
    groups: tuple[tuple[str, int], ...] = ()
    totals: tuple[object, ...] | None = None  # a bold last row ("Tổng cộng"), not numbered
    empty: str = "Không có trường hợp nào."  # said instead of an empty table


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    mark: str = "-"


@dataclass(frozen=True)
class Figure:
    """A chart or picture: PNG in the .docx, the SVG (or PNG) in the PDF."""

    png: bytes
    caption: str
    svg: str = ""
    width_mm: float = 150


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Bullets | Figure | PageBreak


@dataclass(frozen=True)
class OfficialDocument:
    """One Party document: header, number, date line, type and summary, body, signature,
    recipients. ``kind`` is the type as printed ("BÁO CÁO"); ``kind_code`` its symbol ("BC"):
    with ``number`` and the issuer's symbol they make "Số 15-BC/HU". A document without a
    number (a draft, a list) prints "Số      -BC/HU" so that the office can write it in."""

    issuer: Issuer
    kind: str  # "BÁO CÁO", "BIÊN BẢN", "DANH SÁCH", "QUYẾT ĐỊNH", "" for an annex
    kind_code: str = ""  # "BC", "BB", "QĐ"…; "" prints no number line
    number: str = ""
    day: date | None = None  # None prints "ngày   tháng   năm <year of period_year>"
    period_year: int | None = None  # the year of a blank date line
    summary: str = ""  # "Kết quả công tác xây dựng Đảng năm 2016"
    blocks: tuple[Block, ...] = ()
    signature: Signature | None = None
    # Minutes carry two signatures (the secretary left, the chair right).
    second_signature: Signature | None = None
    recipients: tuple[str, ...] = ()  # "Tỉnh ủy Vĩnh Phúc (b/c)", …, "Lưu Văn phòng Huyện ủy"
    landscape: bool = False
    # The file's properties: title (default: kind + summary), author = the issuer, and the
    # program that made it = "dangbo", never the library's name.
    title: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)


def to_docx(doc: OfficialDocument) -> bytes:
    from .docx import render

    return render(doc)


def to_pdf(doc: OfficialDocument) -> bytes:
    from .pdf import render

    return render(doc)


def to_text(doc: OfficialDocument) -> str:
    from .text import render

    return render(doc)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
