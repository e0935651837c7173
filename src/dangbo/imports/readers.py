"""Open an uploaded spreadsheet safely and stream its rows.

A file from an office PC can be anything: a renamed Word document, an empty sheet, a CSV in
Windows-1258, an .xlsx whose zip inflates to gigabytes. Every such case becomes a
``FileProblem`` with a Vietnamese message before a single row is read, and rows are streamed
so that memory does not grow with the file (CSV and .xlsx fully; for the old .xls and .ods,
calamine holds the first sheet's cells).
"""

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from dangbo.core import legacy
from dangbo.core.text import strip_control

from .table import HEAD_ROWS, NoHeader, Table, sheet_notes

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")
_SNIFF_BYTES = 64 * 1024
# An .xlsx compresses 5–15×; a zip bomb 1,000× and more.
MAX_ZIP_RATIO = 100


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


def _limit(name: str) -> int:
    return settings.DANGBO[name]


@dataclass
class Sheet:
    """A header and an iterator of (row number as the user sees it, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    encoding: str = ""  # CSV only: utf-8, utf-16, cp1258
    notes: list[str] = field(default_factory=list)
    height: int | None = None  # data rows, when the format knows it (workbooks)
    fraction: Callable[[], float] | None = None  # share of the file read so far (CSV)

    def estimate_total(self, done: int) -> int | None:
        if self.height is not None:
            return self.height
        share = self.fraction() if self.fraction else 0
        return int(done / share) if share > 0 else None


def check_size(size: int, *, limit: int | None = None) -> None:
    """Refuse before reading further: ``size`` may be only how far the upload got."""
    limit = _limit("IMPORT_MAX_BYTES") if limit is None else limit
    if limit and size > limit:
        raise FileProblem(
            f"Tệp quá lớn (hơn {limit / 1e6:.0f} MB). "
            "Hãy chia tệp hoặc nhập bằng lệnh dangbo import trên máy chủ."
        )


def open_sheet(path: Path, original_name: str = "") -> Sheet:
    """Recognise the format from the content (not the name) and return the first sheet."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("Tệp rỗng: không có dữ liệu.")
    with path.open("rb") as fh:
        head = fh.read(8)
    name = (original_name or path.name).lower()
    if head.startswith(b"PK\x03\x04"):
        if "xl/workbook.xml" in _check_zip(path):
            return _open_xlsx(path)
        return _open_calamine(path)  # .ods
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls (or a .doc, which calamine refuses)
        return _open_calamine(path)
    if name.endswith((".xlsx", ".xlsm", ".ods", ".xls")):
        raise FileProblem("Tệp không phải là bảng tính Excel/ODS hợp lệ (nội dung bị hỏng).")
    return _open_csv(path)


def _check_zip(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem("Tệp .xlsx bị hỏng: không mở được.") from exc
    if len(infos) > 10_000:
        raise FileProblem("Tệp .xlsx bất thường: quá nhiều thành phần bên trong.")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > _limit("IMPORT_MAX_UNZIPPED_BYTES") or (
        total > 10_000_000 and total / packed > MAX_ZIP_RATIO
    ):
        raise FileProblem(
            "Tệp .xlsx bất thường: dữ liệu giải nén quá lớn so với tệp (nghi là tệp “bom zip”). "
            "Không nhập."
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise FileProblem("Tệp nén này không phải là bảng tính Excel/ODS.")
    return names


def _open_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        if not book.sheetnames:
            raise FileProblem("Bảng tính không có trang nào.")
        sheet = book.worksheets[0]
        # The dimension the file declares: for the width check and the progress estimate
        # only. Rows are then read as they are stored: a sheet "formatted" down to row
        # 1,048,576 must not yield a million empty rows.
        declared_rows, declared_width = sheet.max_row, sheet.max_column
        others = [
            (other.title, other.max_row or 0, _head(other.iter_rows(values_only=True)))
            for other in book.worksheets[1:]
        ]
        sheet.reset_dimensions()
    except FileProblem:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML errors, ValueError)
        raise FileProblem("Tệp không phải là bảng tính đọc được (hỏng hoặc có mật khẩu).") from exc
    if declared_width:
        _check_width(declared_width)
    rows = _xlsx_rows(book, sheet.iter_rows(values_only=True))
    found = _table(rows, 1)
    found.notes[:0] = sheet_notes((sheet.title, declared_rows or 0), others)
    _check_width(len(found.header))
    height = max(0, declared_rows - found.header_row) if declared_rows else None
    return Sheet(
        header=found.header,
        rows=found.rows(width=len(found.header)),
        height=height,
        notes=found.notes,
    )


def _xlsx_rows(book, rows: Iterator[tuple]) -> Iterator[list]:
    """Rows as lists, checked for width; the workbook is closed when they run out."""
    max_cols = _limit("IMPORT_MAX_COLUMNS")
    number = 0
    try:
        for number, row in enumerate(rows, start=1):  # noqa: B007 - read after the loop
            if len(row) > max_cols and any(c not in ("", None) for c in row[max_cols:]):
                raise FileProblem(f"Dòng {number}: có {len(row)} cột, quá giới hạn {max_cols}.")
            yield list(row[:max_cols])
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem(f"Dòng {number + 1}: bảng tính bị hỏng, không đọc được.") from exc
    finally:
        book.close()


def _open_calamine(path: Path) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileProblem("Bảng tính không có trang nào.")
        sheet = workbook.get_sheet_by_index(0)
        width = sheet.total_width
        others = []
        for index, name in enumerate(workbook.sheet_names[1:], start=1):
            other = workbook.get_sheet_by_index(index)
            others.append((name, other.height or 0, _head(iter(other.iter_rows()))))
    except CalamineError as exc:
        raise FileProblem("Tệp không phải là bảng tính đọc được (hỏng hoặc có mật khẩu).") from exc
    except (OSError, ValueError) as exc:
        raise FileProblem("Tệp không phải là bảng tính đọc được.") from exc
    _check_width(width)
    start = sheet.start or (0, 0)
    rows = iter(sheet.iter_rows())
    first_row = start[0] + 1
    found = _table(rows, first_row)
    found.notes[:0] = sheet_notes((workbook.sheet_names[0], sheet.height or 0), others)
    height = max(0, (sheet.height or 0) - (found.header_row - first_row + 1))
    return Sheet(
        header=found.header,
        rows=found.rows(),
        height=height,
        notes=found.notes,
    )


def _head(rows) -> list[list]:
    return [list(r) for r in itertools.islice(rows, HEAD_ROWS)]


def _table(rows: Iterator[list], first_row: int) -> Table:
    try:
        return Table(rows, first_row)
    except NoHeader:
        raise FileProblem("Tệp không có dữ liệu (không tìm thấy dòng tiêu đề).") from None


def _header_text(value) -> str:
    """A header as typed, without the invisible characters a pasted title may carry (a
    zero-width space, a BOM): "Họ và tên\u200b" still finds its column."""
    return "" if value is None else strip_control(str(value)).strip()


def _check_width(width: int) -> None:
    if width > _limit("IMPORT_MAX_COLUMNS"):
        shown = f"{width:,}".replace(",", ".")
        raise FileProblem(
            f"Tệp có {shown} cột, quá giới hạn {_limit('IMPORT_MAX_COLUMNS')} cột. "
            "Hãy xóa các cột thừa."
        )


def _sniff_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise FileProblem("Tệp không phải là bảng tính hay tệp CSV (có dữ liệu nhị phân).")
    try:
        # A multi-byte character may be cut at the end of the sample: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def _open_csv(path: Path) -> Sheet:
    size = path.stat().st_size
    with path.open("rb") as fh:
        sample = fh.read(_SNIFF_BYTES)
    encoding = _sniff_encoding(sample)
    raw = path.open("rb")
    if encoding == "cp1258":
        # 8-bit: Windows-1258 Vietnamese, or TCVN3/VNI typed text saved under Windows-1252.
        # Latin-1 maps every byte to one character; the table turns it into the right one.
        encoding, table = legacy.eight_bit_reading(sample)
        lines = io.TextIOWrapper(raw, encoding="latin-1", newline="")
        stream = (line.translate(table) for line in lines)
        if not _looks_textual(sample.decode("latin-1")):
            raw.close()
            raise FileProblem("Tệp không phải là bảng tính hay tệp CSV đọc được.")
    else:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
    try:
        first_line, consumed = _header_line(stream)
    except UnicodeDecodeError as exc:
        raw.close()
        raise FileProblem(
            f"Dòng tiêu đề: có ký tự không đọc được theo mã {encoding}. "
            "Hãy lưu lại tệp dạng CSV UTF-8 hoặc .xlsx."
        ) from exc
    delimiter = _delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    _check_width(len(header))
    reader = csv.reader(stream, delimiter=delimiter)
    notes = []
    if encoding == "cp1258":
        notes.append("Tệp CSV mã Windows-1258: đã chuyển sang Unicode.")
    elif encoding == "cp1252":
        notes.append("Tệp CSV 8-bit gõ bằng phông chữ cũ (TCVN3/VNI): đọc theo Windows-1252.")
    label = {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(encoding, encoding)
    return Sheet(
        header=[_header_text(h) for h in header],
        rows=_csv_rows(reader, encoding, consumed),
        encoding=label,
        notes=notes,
        fraction=lambda: raw.tell() / size if not raw.closed else 1.0,
    )


def _header_line(stream) -> tuple[str, int]:
    """The first non-blank line and how many lines it took (leading blank lines are fine)."""
    for consumed, line in enumerate(stream, start=1):
        if line.strip():
            return line, consumed
    raise FileProblem("Tệp rỗng: không có dòng tiêu đề.")


def _looks_textual(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls <= len(text) // 100


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(reader, encoding: str, offset: int) -> Iterator[tuple[int, list]]:
    """Rows numbered by their line in the file (a quoted cell may span lines)."""
    max_cols = _limit("IMPORT_MAX_COLUMNS")
    number = offset
    try:
        for row in reader:
            number = reader.line_num + offset
            if len(row) > max_cols:
                raise FileProblem(f"Dòng {number}: có {len(row)} cột, quá giới hạn {max_cols}.")
            if any(c.strip() for c in row):
                yield number, row
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"Dòng {number + 1}: ký tự không đọc được theo mã {encoding} — tệp trộn nhiều bảng mã. "
            "Hãy lưu lại tệp dạng CSV UTF-8."
        ) from exc
    except csv.Error as exc:
        raise FileProblem(f"Dòng {number + 1}: tệp CSV sai định dạng ({exc}).") from exc
