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
