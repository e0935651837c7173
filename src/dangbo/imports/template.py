"""The downloadable import templates: Vietnamese headers, a hint row, one filled example."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from dangbo.core.text import writable

from .schema import MEMBER_COLUMNS, ORG_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEMPLATES = {"members": MEMBER_COLUMNS, "orgs": ORG_COLUMNS}
FILE_NAMES = {"members": "mau-nhap-dang-vien.xlsx", "orgs": "mau-nhap-to-chuc-dang.xlsx"}


def template_xlsx(kind: str, *, include_sensitive: bool = True) -> bytes:
    """Row 1 headers (required ones marked "(*)"), row 2 an example, every cell typed as text
        so that Excel keeps leading zeros of card and ID numbers. Texts pass ``writable`` like every
    other writer's, so a label edited into something XML cannot hold never breaks the file."""
    columns = [c for c in TEMPLATES[kind] if include_sensitive or not c.sensitive]
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(
            row=1, column=index, value=writable(column.header + (" (*)" if column.required else ""))
        )
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        if column.hint:
            cell.comment = Comment(writable(column.hint), "dangbo")
        example = sheet.cell(
            row=2, column=index, value=writable(str(column.example)) if column.example else None
        )
        example.number_format = "@"
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column.header) + 4)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc (với dòng mới)", "Ghi chú", "Tên cột khác được chấp nhận"])
    for column in columns:
        guide.append(
            [
                writable(text)
                for text in (
                    column.header,
                    "Có" if column.required else "",
                    column.hint,
                    ", ".join(column.aliases[:4]),
                )
            ]
        )
    for cell in guide[1]:
        cell.font = bold
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["C"].width = 50
    guide.column_dimensions["D"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
