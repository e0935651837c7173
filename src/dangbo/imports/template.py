"""The downloadable import templates: Vietnamese headers, a hint row, one filled example.

The members' template also lists the user's own cells (sheet "Chi bộ của bạn": name, the
organisation above, code) and offers them as a drop-down on the cell column; the example row
names one of them, so that the filled template imports as it is."""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dangbo.core.text import vn_number, writable

from .schema import INDICATOR_COLUMNS, MEMBER_COLUMNS, ORG_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEMPLATES = {"members": MEMBER_COLUMNS, "orgs": ORG_COLUMNS}
FILE_NAMES = {
    "members": "mau-nhap-dang-vien.xlsx",
    "orgs": "mau-nhap-to-chuc-dang.xlsx",
    "indicators": "mau-nhap-so-lieu-chi-tieu.xlsx",
}
CELLS_SHEET = "Chi bộ của bạn"
CELLS_LIMIT = 5000  # rows of the cells sheet; a bigger scope is cut, with a note
VALIDATED_ROWS = 5000  # rows of the data sheet that get the drop-down


def template_xlsx(
    kind: str,
    *,
    include_sensitive: bool = True,
    cells: Sequence[tuple[str, str, str]] | None = None,
    cells_total: int | None = None,
) -> bytes:
    """Row 1 headers (required ones marked "(*)"), row 2 an example, every cell typed as text
    so that Excel keeps leading zeros of card and ID numbers. Texts pass ``writable`` like every
    other writer's, so a label edited into something XML cannot hold never breaks the file.

    ``cells`` (members only): the user's current cells as (name, organisation above, code),
    in tree order, at most ``CELLS_LIMIT``; ``cells_total`` how many there are in all."""
    columns = [c for c in TEMPLATES[kind] if include_sensitive or not c.sensitive]
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    examples = {c.key: c.example for c in columns}
    if cells is not None:  # the example names one of the user's cells, never a made-up code
        examples["org"] = cells[0][0] if cells else ""
        examples["commune"] = cells[0][1] if cells else ""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(
            row=1, column=index, value=writable(column.header + (" (*)" if column.required else ""))
        )
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        if column.hint:
            cell.comment = Comment(writable(column.hint), "dangbo")
        value = examples.get(column.key)
        example = sheet.cell(row=2, column=index, value=writable(str(value)) if value else None)
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
    if cells is not None:
        keys = [c.key for c in columns]
        _cells_sheet(book, sheet, cells, cells_total, keys.index("org") + 1)
        guide.append([])
        for line in _cells_guide(cells, cells_total):
            guide.append(["", "", writable(line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells_sheet(book, data_sheet, cells, total, org_column: int) -> None:
    """The sheet of the user's cells, and the drop-down of their names on the cell column
    (any other text is still accepted: a code, a name as the office writes it)."""
    listed = book.create_sheet(CELLS_SHEET)
    listed.append(["Chi bộ", "Đảng bộ cấp trên", "Mã chi bộ"])
    for cell in listed[1]:
        cell.font = Font(bold=True)
    for name, above, code in cells[:CELLS_LIMIT]:
        listed.append([writable(name), writable(above), writable(code)])
    listed.column_dimensions["A"].width = 45
    listed.column_dimensions["B"].width = 40
    listed.column_dimensions["C"].width = 22
    listed.freeze_panes = "A2"
    shown = min(len(cells), CELLS_LIMIT)
    if total is not None and total > shown:
        listed["E1"] = (
            f"Chỉ liệt kê {vn_number(shown)} trong số {vn_number(total)} chi bộ của bạn; chi bộ "
            "khác: gõ tên hoặc mã chi bộ vào cột “Chi bộ”."
        )
    if not shown:
        listed["A2"] = "Bạn chưa có chi bộ nào trong phạm vi được quyền nhập."
        return
    letter = get_column_letter(org_column)
    validation = DataValidation(
        type="list",
        formula1=f"'{CELLS_SHEET}'!$A$2:$A${shown + 1}",
        allow_blank=True,
        showErrorMessage=False,  # a code or a name written otherwise still goes in
        showInputMessage=True,
        promptTitle="Chi bộ",
        prompt="Chọn chi bộ trong danh sách, hoặc gõ tên / mã chi bộ.",
    )
    validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
    data_sheet.add_data_validation(validation)


def _cells_guide(cells, total) -> list[str]:
    lines = [
        f"Cột “Chi bộ”: chọn trong danh sách thả xuống (trang “{CELLS_SHEET}”), hoặc gõ tên "
        "như văn phòng vẫn ghi (“Chi bộ thôn Đồng Bông”, “Thôn Đồng Bông”, “Chi bộ 02”), "
        "hoặc mã chi bộ.",
        "Khi cùng một tên có ở nhiều đảng bộ, ghi thêm cột “Đảng bộ xã” (ví dụ “Kim Long” hoặc "
        "“Đảng bộ xã Kim Long”), hoặc dùng mã chi bộ.",
        "Tệp có mỗi trang một chi bộ: không cần cột “Chi bộ” khi tên trang hoặc tiêu đề trang "
        "ghi tên chi bộ (“DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐỒNG BÔNG”).",
    ]
    if total is not None and total > len(cells):
        lines.append(
            f"Trang “{CELLS_SHEET}” chỉ liệt kê {vn_number(len(cells))} chi bộ đầu trong số "
            f"{vn_number(total)}."
        )
    return lines


VALUE_HINTS = {
    "number": "Số, viết kiểu Việt Nam: 1.234,5",
    "percent": "Tỷ lệ %, từ 0 đến 100: 12,5",
    "boolean": "Đạt: x, có, đạt, 1 — không đạt: để trống, không, 0, chưa đạt",
}


def indicators_xlsx(indicators: Sequence, units: Sequence[str] = ()) -> bytes:
    """The wide layout offices keep: a unit column, a year column, then one column per
    indicator entered by people ("Name (unit)"); no example row (an example value would be
    imported as a figure). The guide lists the indicators, the long layout and the units."""
    columns = {c.key: c for c in INDICATOR_COLUMNS}
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    bold = Font(bold=True)
    headers = [
        (columns["org"].header + " (*)", columns["org"].hint),
        (columns["year"].header, columns["year"].hint),
    ] + [(f"{i.name} ({i.unit})", VALUE_HINTS.get(i.value_type, "")) for i in indicators]
    for index, (header, hint) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=writable(header))
        cell.font = bold
        if hint:
            cell.comment = Comment(writable(hint), "dangbo")
        sheet.column_dimensions[cell.column_letter].width = max(14, min(40, len(header) + 4))
    for row, unit in enumerate(units[:CELLS_LIMIT], start=2):
        sheet.cell(row=row, column=1, value=writable(unit))
    sheet.freeze_panes = "B2"
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Chỉ tiêu", "Mã", "Đơn vị tính", "Cách ghi"])
    for cell in guide[1]:
        cell.font = bold
    for i in indicators:
        guide.append(
            [writable(i.name), i.code, writable(i.unit), VALUE_HINTS.get(i.value_type, "")]
        )
    guide.append([])
    for line in (
        "Mỗi dòng là một đơn vị (xã, thị trấn…), ghi tên như văn phòng vẫn ghi: "
        "“xã Kim Long”, “Kim Long” hay “Đảng bộ xã Kim Long”.",
        "Không có cột “Năm”: năm lấy từ tiêu đề của trang (“… năm 2016”), nếu không có thì "
        "chương trình hỏi khi xem trước.",
        "Tên cột chỉ tiêu có thể ghi như biểu của văn phòng (“Một cửa” dưới “Cải cách hành "
        "chính”); cột không phải chỉ tiêu được bỏ qua.",
        "Dạng dọc cũng được: các cột Đơn vị | Chỉ tiêu | Năm | Giá trị, mỗi dòng một giá trị.",
        "Ô để trống: không có số liệu (riêng chỉ tiêu đạt/không: để trống là chưa đạt).",
    ):
        guide.append(["", "", "", writable(line)])
    guide.column_dimensions["A"].width = 45
    guide.column_dimensions["B"].width = 22
    guide.column_dimensions["D"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
