"""Documents the office tests render, and how the tests read the files back."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import date

from docx.oxml.ns import qn

from dangbo.core.office import (
    Bullets,
    Column,
    Figure,
    Heading,
    Issuer,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Signature,
    Table,
)

ISSUER = Issuer(
    name="Huyện ủy Tam Dương", superior="Đảng bộ tỉnh Vĩnh Phúc", place="Tam Dương", symbol="HU"
)
RECIPIENTS = ("Tỉnh ủy Vĩnh Phúc (b/c)", "Các đồng chí Huyện ủy viên", "Lưu Văn phòng Huyện ủy")
SIGNATURE = Signature(on_behalf="T/M Ban Thường vụ", post="Bí thư", name="Nguyễn Văn Bình")
COLUMNS = (
    Column("Tổ chức đảng", 60),
    Column("Đảng viên", 25, kind="int"),
    Column("Tỷ lệ", 20, kind="pct"),
    Column("Ngày", 30, kind="date"),
)


def png(width: int = 4, height: int = 2) -> bytes:
    """A tiny valid PNG (grey), without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def table(n: int = 3, **kw) -> Table:
    rows = tuple(
        (f"Chi bộ thôn số {i}", 1000 + i * 37, 12.5 + i, date(2016, 12, 31))
        for i in range(1, n + 1)
    )
    return Table(columns=COLUMNS, rows=rows, **kw)


def report(*, paragraphs: int = 3, rows: int = 3, **kw) -> OfficialDocument:
    """A report with every kind of block; ``paragraphs`` long paragraphs make it run over
    pages."""
    prose = (
        "Năm 2016, Đảng bộ huyện có 25 chi, đảng bộ cơ sở với trên 5.470 đảng viên; công tác "
        "xây dựng Đảng được quan tâm, chất lượng sinh hoạt chi bộ từng bước được nâng lên. "
    ) * 4
    blocks: list = [
        Heading("I. Tình hình chung"),
        Heading("1. Công tác tổ chức", 2),
        *(Paragraph(f"{i}. {prose}") for i in range(1, paragraphs + 1)),
        Heading("a) Sinh hoạt chi bộ", 3),
        Bullets(("9/12 xã đạt chuẩn nông thôn mới", "tăng trên 10% so với năm 2015")),
        table(
            rows, caption="Biểu 1. Đảng viên theo tổ chức", totals=("Tổng cộng", 5470, None, None)
        ),
        Table(columns=COLUMNS, rows=(), caption="Biểu 2. Trường hợp vi phạm"),
        Figure(png=png(), caption="Hình 1. Đảng viên theo độ tuổi", width_mm=60),
        Paragraph("Kết thúc báo cáo.", align="left", indent=False),
    ]
    values = {
        "issuer": ISSUER,
        "kind": "BÁO CÁO",
        "kind_code": "BC",
        "number": "15",
        "day": date(2016, 12, 31),
        "summary": "Kết quả công tác xây dựng Đảng năm 2016",
        "blocks": tuple(blocks),
        "signature": SIGNATURE,
        "recipients": RECIPIENTS,
        "keywords": ("báo cáo", "2016"),
    }
    values.update(kw)
    return OfficialDocument(**values)


def long_table(rows: int = 80) -> OfficialDocument:
    return report(
        paragraphs=0,
        blocks=(
            table(rows, groups=(("", 1), ("Số liệu", 2))),
            PageBreak(),
            Paragraph("Trang cuối."),
        ),
    )


def docx_lines(document) -> list[str]:
    """The body's paragraphs in document order (tables' cells included, left to right)."""
    return [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in document.element.body.iter(qn("w:p"))
    ]


def words(text: str) -> list[str]:
    """Words for comparing renderings: table separators of the text rendering dropped."""
    return text.replace("|", " ").split()


def pdf_words(data: bytes) -> list[str]:
    """The PDF's words, without the page numbers at the top of pages 2…"""
    from pypdf import PdfReader

    out: list[str] = []
    for i, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        found = words(page.extract_text())
        if i > 1:
            for at in (-1, 0):
                if found and found[at] == str(i):
                    found.pop(at)
                    break
        out.extend(found)
    return out


HOSTILE = "Tên\x00 có\x07 ký tự \u202eđiều khiển\u202c\u200f\ufeff và \ud800 <b>&amp;</b> ' \" =1+1"
WHITESPACE = re.compile(r"\s+")
