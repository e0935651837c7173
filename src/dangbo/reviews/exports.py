"""Honour lists ("n years running") as .xlsx and .docx: the same rows and title as the page.

A list of people is a disclosure: the views write one audit entry before either file. Every
text goes through ``core.text.writable`` (in cells via ``exports.safe_cell``): the files open
whatever the database holds."""

import io
from dataclasses import dataclass

from django.http import HttpResponse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dangbo.core import exports
from dangbo.core.text import writable

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class HonourRow:
    name: str
    place: str  # the member's cell, the organisation's superior
    years: int
    first_year: int
    last_year: int
    longest: int


def columns(members: bool) -> list[exports.Column]:
    return [
        ("Họ và tên" if members else "Tổ chức đảng", lambda r: r.name),
        ("Chi bộ" if members else "Trực thuộc", lambda r: r.place),
        ("Số năm liền", lambda r: r.years),
        ("Từ năm", lambda r: r.first_year),
        ("Đến năm", lambda r: r.last_year),
        ("Dài nhất", lambda r: r.longest),
    ]


def xlsx(rows: list[HonourRow], *, title: str, body: str, members: bool, filename: str):
    cols = columns(members)
    # The title and granting body as the first rows, then the table.
    head = [
        HonourRow(title, "", "", "", "", ""),  # type: ignore[arg-type]
        HonourRow(body, "", "", "", "", ""),  # type: ignore[arg-type]
    ]
    return exports.xlsx_response([*head, *rows], cols, filename, "Vinh danh")


def docx(rows: list[HonourRow], *, title: str, body: str, members: bool, filename: str):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(writable(body.upper()))
    run.bold = True
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(writable(title))
    run.bold = True
    run.font.size = Pt(14)
    cols = columns(members)
    table = doc.add_table(rows=1, cols=len(cols) + 1)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text = "STT"
    for i, (label, _get) in enumerate(cols, start=1):
        header[i].text = exports.safe_cell(label)
    for n, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        cells[0].text = str(n)
        for i, (_label, get) in enumerate(cols, start=1):
            cells[i].text = exports.safe_cell(get(row))
    if not rows:
        doc.add_paragraph("Không có trường hợp nào.")
    out = io.BytesIO()
    doc.save(out)
    response = HttpResponse(out.getvalue(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
