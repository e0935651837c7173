"""Open an uploaded spreadsheet safely and stream its rows.

A file from an office PC can be anything: a renamed Word document, an empty sheet, a CSV in
Windows-1258, an .xlsx whose zip inflates to gigabytes. Every such case becomes a
``FileProblem`` with a Vietnamese message before a single row is read, and rows are streamed
so that memory does not grow with the file (CSV and .xlsx fully; for the old .xls and .ods,
calamine holds the cells of the sheet being read). ``open_book`` lists a file's sheets (a CSV
is one sheet named ""); ``Book.open`` finds the table in one of them (``table.Table``).
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from dangbo.core import legacy
from dangbo.core.text import strip_control

from .table import HEAD_ROWS, NoHeader, OutsideSheet, Table

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
    """One sheet's header and an iterator of (row number as the user sees it, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    encoding: str = ""  # CSV only: utf-8, utf-16, cp1258
    notes: list[str] = field(default_factory=list)
    height: int | None = None  # the rows the sheet declares (workbooks)
    fraction: Callable[[], float] | None = None  # share of the file read so far (CSV)
    name: str = ""  # the sheet's name ("" for CSV)
    table: Table | None = None  # the layout found (title, header rows, footer…)

    @property
    def title(self) -> tuple[str, ...]:
        return self.table.title if self.table else ()

    def group_for(self, row_no: int) -> str:
        return self.table.group_for(row_no) if self.table else ""

    def estimate_total(self, done: int) -> int | None:
        if self.height is not None:
            return self.height
        share = self.fraction() if self.fraction else 0
        return int(done / share) if share > 0 else None


class Book:
    """A workbook's sheets (one for a CSV), opened one at a time: ``open(name)`` finds the
    table in that sheet and streams its rows (call again for a second pass)."""

    def __init__(self, names: list[str], heights: list[int | None], opener, closer=None):
        self.names = names
        self.heights = dict(zip(names, heights, strict=True))
        self._opener = opener
        self._closer = closer
        self.encoding = ""
        self.notes: list[str] = []

    def open(self, name: str, *, header_row: int | None = None, last_row: int | None = None):
        """The sheet's table; ``NoHeader`` when it holds nothing; ``FileProblem`` when an
        override names a row outside it."""
        sheet = self._opener(name, header_row, last_row)
        sheet.name = name
        return sheet

    def close(self) -> None:
        if self._closer:
            self._closer()

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_size(size: int, *, limit: int | None = None) -> None:
    """Refuse before reading further: ``size`` may be only how far the upload got."""
    limit = _limit("IMPORT_MAX_BYTES") if limit is None else limit
    if limit and size > limit:
        raise FileProblem(
            f"Tệp quá lớn (hơn {limit / 1e6:.0f} MB). "
            "Hãy chia tệp hoặc nhập bằng lệnh dangbo import trên máy chủ."
        )


def open_book(path: Path, original_name: str = "") -> Book:
    """Recognise the format from the content (not the name); the file's sheets."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("Tệp rỗng: không có dữ liệu.")
    with path.open("rb") as fh:
        head = fh.read(8)
    name = (original_name or path.name).lower()
    if head.startswith(b"PK\x03\x04"):
        if "xl/workbook.xml" in _check_zip(path):
            return _xlsx_book(path)
        return _calamine_book(path, ods=True)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls (or a .doc, which calamine refuses)
        return _calamine_book(path)
    if name.endswith((".xlsx", ".xlsm", ".ods", ".xls")):
        raise FileProblem("Tệp không phải là bảng tính Excel/ODS hợp lệ (nội dung bị hỏng).")
    return _csv_book(path)


def open_sheet(path: Path, original_name: str = "") -> Sheet:
    """The first sheet that holds something (a workbook's other sheets: ``open_book``)."""
    book = open_book(path, original_name)
    for name in book.names:
        try:
            return book.open(name)
        except NoHeader:
            continue
    book.close()
    raise FileProblem("Tệp không có dữ liệu (không tìm thấy dòng tiêu đề).")


def _table(
    rows, name: str, header_row: int | None, last_row: int | None, merges=None, fonts=None
) -> Table:
    try:
        return Table(rows, header_row=header_row, last_row=last_row, merges=merges, fonts=fonts)
    except OutsideSheet as exc:
        where = f"Trang “{name}”: " if name else ""
        raise FileProblem(where + _capital(str(exc))) from None


def _fonts_encoding(path: Path, sheet: str, first: int, last: int) -> str | None:
    """The legacy encoding the fonts of those rows give (an .xlsx keeps them), or None."""
    try:
        from .fonts import rows_encoding

        return rows_encoding(path, sheet, first, last)
    except Exception:  # noqa: BLE001 - fonts only help; the text still decides
        return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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


def _xlsx_book(path: Path) -> Book:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        if not book.sheetnames:
            raise FileProblem("Bảng tính không có trang nào.")
        # The dimension each sheet declares: for the width check and the progress estimate
        # only. Rows are then read as they are stored: a sheet "formatted" down to row
        # 1,048,576 must not yield a million empty rows.
        heights = [ws.max_row for ws in book.worksheets]
        widths = [ws.max_column for ws in book.worksheets]
    except FileProblem:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML errors, ValueError)
        raise FileProblem("Tệp không phải là bảng tính đọc được (hỏng hoặc có mật khẩu).") from exc
    names = list(book.sheetnames)

    def opener(name: str, header_row, last_row) -> Sheet:
        index = names.index(name)
        if widths[index]:
            _check_width(widths[index])
        sheet = book.worksheets[index]
        try:
            sheet.reset_dimensions()
            raw = sheet.iter_rows(values_only=True)
        except Exception as exc:
            raise FileProblem(f"Trang “{name}”: bảng tính bị hỏng, không đọc được.") from exc
        found = _table(
            enumerate(_xlsx_rows(raw), start=1),
            name,
            header_row,
            last_row,
            merges=lambda: _xlsx_merges(book, sheet),
            fonts=lambda first, last: _fonts_encoding(path, name, first, last),
        )
        _check_width(len(found.header))
        return Sheet(
            header=found.header,
            rows=found.rows(width=len(found.header)),
            height=heights[index],
            notes=found.notes,
            table=found,
        )

    return Book(names, heights, opener, book.close)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def _xlsx_merges(book, sheet) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges that span several rows (read-only openpyxl does not give
    them): the sheet's XML scanned in blocks, in fixed memory. Never fails."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if not path or archive is None:
        return []
    found = []
    tail = b""
    try:
        with archive.open(path) as fh:
            while block := fh.read(1 << 20):
                text = tail + block
                for m in _MERGE.finditer(text):
                    r1, r2 = int(m.group(2)), int(m.group(4))
                    if r2 > r1:
                        c1, c2 = _column_index(m.group(1)), _column_index(m.group(3))
                        found.append((r1, c1, r2, c2))
                cut = text.rfind(b"<")
                tail = text[cut:] if cut >= 0 and len(text) - cut < 200 else b""
                if len(found) > 100_000:
                    break
    except Exception:  # noqa: BLE001 - merges only help; a sheet that cannot say has none
        return []
    return sorted(set(found))


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """An .ods sheet's cells spanning several rows (calamine does not give them): its
    content.xml read as a stream. (first row 1-based, first column 0-based, last row, last
    column). Never fails."""
    try:
        from defusedxml.ElementTree import iterparse
    except ImportError:  # expat refuses entity expansion bombs itself; the zip was checked
        from xml.etree.ElementTree import iterparse  # noqa: S405

    t = _ODS_TABLE
    found: list[tuple[int, int, int, int]] = []
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            inside = False
            row = column = 0
            for event, element in iterparse(fh, events=("start", "end")):  # noqa: S314
                tag = element.tag
                if tag == f"{t}table":
                    if event == "start":
                        inside = element.get(f"{t}name") == sheet_name
                        row = 0
                    elif inside:
                        break
                    continue
                if not inside:
                    if event == "end" and tag == f"{t}table-row":
                        element.clear()
                    continue
                if tag == f"{t}table-row":
                    if event == "start":
                        column = 0
                    else:
                        row += int(element.get(f"{t}number-rows-repeated", "1"))
                        element.clear()
                elif tag in (f"{t}table-cell", f"{t}covered-table-cell") and event == "end":
                    rows = int(element.get(f"{t}number-rows-spanned", "1"))
                    columns = int(element.get(f"{t}number-columns-spanned", "1"))
                    if rows > 1:
                        found.append((row + 1, column, row + rows, column + columns - 1))
                    column += int(element.get(f"{t}number-columns-repeated", "1"))
                if len(found) > 100_000:
                    break
    except Exception:  # noqa: BLE001 - merges only help
        return []
    return found


def _xlsx_rows(rows: Iterator[tuple]) -> Iterator[list]:
    """Rows as lists, checked for width."""
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


def _calamine_book(path: Path, *, ods: bool = False) -> Book:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileProblem("Bảng tính không có trang nào.")
        names = list(workbook.sheet_names)
    except CalamineError as exc:
        raise FileProblem("Tệp không phải là bảng tính đọc được (hỏng hoặc có mật khẩu).") from exc
    except (OSError, ValueError) as exc:
        raise FileProblem("Tệp không phải là bảng tính đọc được.") from exc
    heights: list[int | None] = []
    for index in range(len(names)):
        heights.append(None)
        try:
            sheet = workbook.get_sheet_by_index(index)
            start = sheet.start or (0, 0)
            heights[index] = (start[0] + sheet.height) if sheet.height else 0
        except Exception:  # noqa: S112 - a sheet calamine cannot read: said when opened
            continue

    def opener(name: str, header_row, last_row) -> Sheet:
        try:
            sheet = workbook.get_sheet_by_name(name)
            width = sheet.total_width
            start = sheet.start or (0, 0)
            rows = iter(sheet.iter_rows())
        except CalamineError as exc:
            raise FileProblem(f"Trang “{name}”: không đọc được (hỏng).") from exc
        except (OSError, ValueError) as exc:
            raise FileProblem(f"Trang “{name}”: không đọc được.") from exc
        _check_width(width)
        # calamine starts at the first cell holding something: number rows as the file does.
        merges = []
        try:
            for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ():
                if r2 > r1:
                    merges.append((r1 + 1, c1 - start[1], r2 + 1, c2 - start[1]))
        except Exception:  # noqa: BLE001, S110 - merges only help (not every format has them)
            pass
        if ods and not merges:
            merges = [
                (r1, c1 - start[1], r2, c2 - start[1]) for r1, c1, r2, c2 in _ods_merges(path, name)
            ]
        found = _table(
            enumerate(rows, start=start[0] + 1), name, header_row, last_row, merges=merges
        )
        return Sheet(
            header=found.header,
            rows=found.rows(),
            height=heights[names.index(name)],
            notes=found.notes,
            table=found,
        )

    return Book(names, heights, opener)


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


def _csv_book(path: Path) -> Book:
    """A CSV is one sheet named "": its table found as in a workbook (title block, header
    rows, number row, footer), rows numbered by their line in the file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        sample = fh.read(_SNIFF_BYTES)
    encoding = _sniff_encoding(sample)
    table = None
    if encoding == "cp1258":
        # 8-bit: Windows-1258 Vietnamese, or TCVN3/VNI typed text saved under Windows-1252.
        # Latin-1 maps every byte to one character; the table turns it into the right one.
        encoding, table = legacy.eight_bit_reading(sample)
        if not _looks_textual(sample.decode("latin-1")):
            raise FileProblem("Tệp không phải là bảng tính hay tệp CSV đọc được.")
        text = sample.decode("latin-1").translate(table)
    else:
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    delimiter = _delimiter(text)
    notes = []
    if encoding == "cp1258":
        notes.append("Tệp CSV mã Windows-1258: đã chuyển sang Unicode.")
    elif encoding == "cp1252":
        notes.append("Tệp CSV 8-bit gõ bằng phông chữ cũ (TCVN3/VNI): đọc theo Windows-1252.")
    label = {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(encoding, encoding)
    files: list = []

    def opener(name: str, header_row, last_row) -> Sheet:
        raw = path.open("rb")
        files.append(raw)
        stream: Iterator[str]
        if table is not None:
            lines = io.TextIOWrapper(raw, encoding="latin-1", newline="")
            stream = (line.translate(table) for line in lines)
        else:
            stream = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            found = _table(_csv_rows(reader, encoding), "", header_row, last_row)
        except NoHeader:
            raw.close()
            raise FileProblem("Tệp rỗng: không có dòng tiêu đề.") from None
        found.notes[:0] = notes  # the same list: the footer is added to it once read
        header = [_header_text(h) for h in found.header]
        _check_width(len(header))
        return Sheet(
            header=header,
            rows=found.rows(),
            encoding=label,
            notes=found.notes,
            fraction=lambda: raw.tell() / size if not raw.closed else 1.0,
            table=found,
        )

    def closer() -> None:
        for raw in files:
            raw.close()

    book = Book([""], [None], opener, closer)
    book.encoding = label
    return book


def _looks_textual(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls <= len(text) // 100


def _delimiter(text: str) -> str:
    """The separator of the widest of the first lines (a title line may have none)."""
    best, most = ",", 0
    for line in [line for line in text.splitlines() if line.strip()][:HEAD_ROWS]:
        for d in (",", ";", "\t", "|"):
            if line.count(d) > most:
                best, most = d, line.count(d)
    return best


def _csv_rows(reader, encoding: str) -> Iterator[tuple[int, list]]:
    """Rows numbered as a spreadsheet program shows the file (a quoted cell spanning lines
    is one row; blank lines come as empty rows)."""
    max_cols = _limit("IMPORT_MAX_COLUMNS")
    number = 0
    try:
        for row in reader:
            number += 1
            if len(row) > max_cols:
                shown = f"{len(row):,}".replace(",", ".")
                raise FileProblem(
                    f"Dòng {number}: có {shown} cột, quá giới hạn {max_cols} cột. "
                    "Hãy xóa các cột thừa."
                )
            yield number, row
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"Dòng {number + 1}: ký tự không đọc được theo mã {encoding} — tệp trộn nhiều bảng mã. "
            "Hãy lưu lại tệp dạng CSV UTF-8."
        ) from exc
    except csv.Error as exc:
        raise FileProblem(f"Dòng {number + 1}: tệp CSV sai định dạng ({exc}).") from exc
