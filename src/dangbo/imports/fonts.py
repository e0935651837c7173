"""The font of a column tells how its text was typed.

An office that typed its roll before Unicode chose a font, not an encoding: ".VnTime" and
".VnArial" draw TCVN3 (ABC) bytes, "VNI-Times" VNI bytes. The capitals fonts (".VnTimeH",
".VnArialH"…) draw TCVN3's lower-case codes as capitals: their cells decode to lower-case
letters that the person who typed them saw, and printed, as capitals. An .xlsx keeps each
cell's font name, so the importer need not guess: :func:`column_fonts` reads the font most
cells of each column use, :func:`font_encoding` says what it means ('tcvn3', 'tcvn3_caps',
'vni' or None for a Unicode font), :func:`fix_in_font` converts a header or a title line.

Only .xlsx carries fonts here (calamine reads .xls and .ods without them; a CSV has none):
for the other formats, and for any file openpyxl cannot read, the answer is "no font" and the
importer guesses from the text as before (``core.legacy.detect_column``).
"""

import re
from collections import Counter
from pathlib import Path

from dangbo.core import legacy

# Rows looked at: enough for a column's font, few enough to stay fast on a big roll.
FONT_ROWS = 200

# ".VnTime", ".VnArial Narrow", ".VnTimeH", ".Vn3DH", and "VnTime", "VnArialH" (the dot lost
# on some copies; without it only these two families: "VNtimes new roman" is Unicode).
_TCVN3_FONT = re.compile(r"^(?:\.vn(?!i)|vn(?:time|arial)(?: narrow)?h?$)", re.IGNORECASE)
# "VNI-Times", "VNI-Helve", "VNI-Top", "VNI Times", "VNI-Helve-Condense".
_VNI_FONT = re.compile(r"^vni[-_ ]", re.IGNORECASE)


def font_encoding(name: str | None) -> tuple[str | None, bool]:
    """(encoding or None, capitals) of a font name.

    ".VnTime" -> ('tcvn3', False); ".VnTimeH" -> ('tcvn3', True) (TCVN3's capitals fonts
    end in H); "VNI-Times" -> ('vni', False); "Times New Roman", "Arial", "" -> (None, False).
    """
    name = (name or "").strip()
    if _VNI_FONT.match(name):
        return "vni", False
    if _TCVN3_FONT.match(name):
        return "tcvn3", name.endswith("H")
    return None, False


def encoding_key(name: str | None) -> str | None:
    """The ``core.legacy`` encoding key of a font: 'tcvn3', 'tcvn3_caps', 'vni' or None."""
    encoding, caps = font_encoding(name)
    if encoding is None:
        return None
    return encoding + legacy.CAPS if caps else encoding


def fix_in_font(text: str, font: str | None) -> tuple[str, str | None]:
    """A header or title cell typed in ``font``: (Unicode text, encoding key or None).

    A legacy font decides the encoding ("hä vµ tªn" in ".VnTimeH" is "HỌ VÀ TÊN"); with a
    Unicode font or none, the text is guessed as before (``legacy.fix``)."""
    if not isinstance(text, str) or not text:
        return text, None
    return legacy.fix_as(text, encoding_key(font))


def column_fonts(path, sheet_name: str, first_row: int, last_row: int) -> dict[int, str]:
    """{column index (0 = column A, as in a row's cells): font name} for an .xlsx sheet.

    The font most of the column's text cells use in rows ``first_row``..``last_row`` (1-based,
    as Excel shows them; at most ``FONT_ROWS`` rows are read). ``sheet_name`` "" is the first
    sheet. Never raises: a file that is not an .xlsx, a missing sheet or any read error gives
    {} (no font known).
    """
    try:
        return _column_fonts(Path(path), sheet_name, first_row, last_row)
    except Exception:  # noqa: BLE001 - fonts are a hint; a file openpyxl refuses has none
        return {}


def _column_fonts(path: Path, sheet_name: str, first_row: int, last_row: int) -> dict[int, str]:
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return {}
    from openpyxl import load_workbook

    first_row = max(1, int(first_row))
    last_row = min(int(last_row), first_row + FONT_ROWS - 1)
    if last_row < first_row:
        return {}
    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        if sheet_name:
            if sheet_name not in book.sheetnames:
                return {}
            sheet = book[sheet_name]
        else:
            sheet = book.worksheets[0]
        counts: dict[int, Counter[str]] = {}
        for row in sheet.iter_rows(min_row=first_row, max_row=last_row):
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if not isinstance(value, str) or not value.strip():
                    continue
                font = getattr(cell, "font", None)
                name = getattr(font, "name", None) if font is not None else None
                if name:
                    counts.setdefault(index, Counter())[name] += 1
    finally:
        book.close()
    return {index: c.most_common(1)[0][0] for index, c in counts.items()}


def rows_encoding(path, sheet_name: str, first_row: int, last_row: int) -> str | None:
    """The legacy encoding key the fonts of rows ``first_row``..``last_row`` give together
    (a header, a title block): the key of the font of more than half of their non-ASCII
    text cells when that is a legacy font, else None. ".VnTimeH" titles give 'tcvn3_caps' ("danh s¸ch ®¶ng viªn" is
    "DANH SÁCH ĐẢNG VIÊN"). Never raises; {} fonts (not an .xlsx) give None."""
    try:
        return _rows_encoding(Path(path), sheet_name, first_row, last_row)
    except Exception:  # noqa: BLE001 - fonts are a hint
        return None


def _rows_encoding(path: Path, sheet_name: str, first_row: int, last_row: int) -> str | None:
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return None
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    counts: Counter[str | None] = Counter()
    try:
        if sheet_name and sheet_name not in book.sheetnames:
            return None
        sheet = book[sheet_name] if sheet_name else book.worksheets[0]
        last_row = min(int(last_row), int(first_row) + FONT_ROWS - 1)
        for row in sheet.iter_rows(min_row=max(1, int(first_row)), max_row=last_row):
            for cell in row:
                value = getattr(cell, "value", None)
                if isinstance(value, str) and not value.isascii():  # "STT" tells nothing
                    font = getattr(cell, "font", None)
                    counts[encoding_key(getattr(font, "name", None) if font else None)] += 1
    finally:
        book.close()
    if not counts:
        return None
    key, count = counts.most_common(1)[0]
    return key if count * 2 > sum(counts.values()) else None
