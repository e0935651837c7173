"""Build real spreadsheet files for import tests (openpyxl for .xlsx, bytes for .csv)."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

MEMBER_HEADER = [
    "STT", "Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ", "Số thẻ đảng viên",
    "Ngày vào Đảng", "Ngày chính thức", "Điện thoại",
]  # fmt: skip


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: list[list], **kw) -> Path:
    path.write_bytes(csv_bytes(rows, **kw))
    return path


def write_xlsx(path: Path, rows: list[list], *, number_formats: dict | None = None) -> Path:
    """``number_formats``: {(row index, col index): format} for cells that must carry one."""
    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            fmt = (number_formats or {}).get((r - 1, c - 1))
            if fmt:
                cell.number_format = fmt
    book.save(path)
    return path
