"""Build real spreadsheet files for import tests (openpyxl for .xlsx, bytes for .csv)."""

import csv
import io
import unicodedata
from pathlib import Path

from openpyxl import Workbook

MEMBER_HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Mã chi bộ",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Điện thoại",
]
# A roll naming each member's cell by name (no codes, no numbers).
CELL_HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Chi bộ",
    "Ngày vào Đảng",
    "Ngày chính thức",
]


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


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: letters like ư, ơ, â precomposed, the five
    tones as combining marks after them."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def dead_process_identity() -> str:
    """The identity a job records for its runner, of a process that has really ended: a
    server killed mid-run leaves exactly this behind."""
    import subprocess
    import sys

    from dangbo.imports.services import process_identity

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    try:
        identity = process_identity(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    return identity


OFFICE_TITLE = [
    ["ĐẢNG BỘ HUYỆN TAM DƯƠNG", None, None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    ["ĐẢNG ỦY XÃ KIM LONG", None, None, None, "Kim Long, ngày 15 tháng 3 năm 2026"],
    [],
    [None, None, "DANH SÁCH ĐẢNG VIÊN"],
    [None, None, "(Kèm theo báo cáo số 12-BC/ĐU)"],
    [],
]


def write_office_xlsx(path: Path, members: list[list], *, ticked_gender: bool = True) -> Path:
    """A roll as an office keeps it: a title block, a two-row header (a merged "Ngày sinh"
    over "Nam" / "Nữ" holding the date under the member's gender), the column-number row
    "(1) (2) …", then the members, a totals row and signatures.

    ``members``: [name, gender, birth date, cell, card, admission date, recognition date]."""
    book = Workbook()
    sheet = book.active
    rows: list[list] = [list(r) for r in OFFICE_TITLE]
    top = ["STT", "Họ tên đang dùng", "Ngày sinh", None, "Tên chi bộ"]
    top += ["Số thẻ đảng viên/Số lý lịch", "Ngày kết nạp Đảng", "Ngày chính thức", "Ghi chú"]
    sub = [None, None, "Nam", "Nữ", None, None, None, None, None]
    rows += [top, sub, [f"({i})" for i in range(1, len(top) + 1)]]
    for number, (name, gender, born, cell, card, admitted, official) in enumerate(members, start=1):
        male, female = (born, None) if gender == "Nam" else (None, born)
        rows.append([number, name, male, female, cell, card, admitted, official, None])
    rows += [
        [None, "Tổng cộng: " + str(len(members)) + " đảng viên"],
        [],
        [None, "Người lập biểu", None, None, None, "T/M ĐẢNG ỦY"],
        [None, "(Ký, ghi rõ họ tên)", None, None, None, "BÍ THƯ"],
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    header_row = len(OFFICE_TITLE) + 1
    for column in (1, 2, 5, 6, 7, 8, 9):
        sheet.merge_cells(
            start_row=header_row, start_column=column, end_row=header_row + 1, end_column=column
        )
    sheet.merge_cells(start_row=header_row, start_column=3, end_row=header_row, end_column=4)
    book.save(path)
    return path
