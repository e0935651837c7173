"""Read one cell of a real-world spreadsheet: text, dates and codes as offices type them.

Each parser returns a value or raises ``CellError`` with a message that names the column;
a note (a converted legacy encoding, a two-digit year read as 19xx) is returned beside the
value so the preview can show what was changed.
"""

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError

from dangbo.core import legacy
from dangbo.core.dates import read_day
from dangbo.core.text import (
    UnsafeText,
    compact_digits,
    fold,
    fold_spaces,
    plain,
    unsafe_message,
    vietnamese,
)

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 01/01/1900, with Lotus's phantom 29/02/1900


class CellError(ValueError):
    pass


def text(value, label: str, *, max_length: int, legacy_encoding: str | None = None):
    """(clean NFC text, note or None). ``legacy_encoding`` is the column's detected one."""
    if value is None:
        return "", None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = value if isinstance(value, str) else str(value)
    note = None
    result = raw
    # A capitals-font column (".VnTimeH") draws even its ASCII cells in capitals.
    if not raw.isascii() or legacy_encoding == "tcvn3_caps":
        encoding = legacy_encoding or legacy.detect(raw)
        if encoding:
            # The column's encoding decides cells that alone are unclear ("NghÖ An").
            converted = legacy.convert_in_column(raw, encoding)
            if converted is not None:
                note = (
                    f"{label}: chuyển từ mã {legacy.LEGACY_LABELS[encoding]} sang Unicode: "
                    f"“{fold_spaces(raw)}” → “{fold_spaces(converted)}”"
                )
                result = converted
    result = normalised(result, label)
    if len(result) > max_length:
        raise CellError(f"{label}: dài quá {max_length} ký tự (hiện có {len(result)}).")
    return result, note


def normalised(value: str, label: str) -> str:
    """The one input normaliser (``core.text.plain``), as the form and the API apply it."""
    try:
        return vietnamese(plain(value))  # imported text cells are Vietnamese names, places
    except UnsafeText as exc:
        raise CellError(unsafe_message(label, exc.char)) from None


def number_text(value: str, separators: str) -> str:
    """A number typed in a cell, in any digits ("９７３６ ５３４２"): folded to ASCII as the
    form and the API fold it (``compact_digits``), then without ``separators``."""
    return re.sub(f"[{re.escape(separators)}]", "", compact_digits(value))


def digits(value, label: str, *, length: int) -> str:
    """A number-like code (card, ID) as offices type it: spaces, dots, dashes, no-break
    spaces between its digits ("83.016532", "0261 8000 1234"), or stored by Excel as a
    number that dropped its leading zeros (2618000123 → "002618000123"). Returned as the
    bare digits, which is how it is stored and searched."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        raise CellError(f"{label}: phải gồm {length} chữ số.")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"{label}: phải gồm {length} chữ số.")
        text_value = str(int(value))
        # Excel drops leading zeros: a CCCD (province code 001–096) loses one or two, a
        # card a few; a 9-digit number under a 12-digit field is an old CMND, not padded.
        if length < 12 or len(text_value) >= length - 2:
            text_value = text_value.zfill(length)
    else:
        raw = str(value).strip()
        if re.fullmatch(r"\d+\.0+", raw):  # "83016532.0": a number written out by an export
            raw = raw.split(".")[0]
        # Most cells are bare ASCII digits already: nothing to fold.
        text_value = raw if raw.isdigit() and raw.isascii() else number_text(raw, "-'‘’_")
        if text_value.isascii() and text_value.isdigit() and len(text_value) == length - 1:
            text_value = text_value.zfill(length)  # a number whose leading zero Excel lost
    if not (text_value.isascii() and text_value.isdigit() and len(text_value) == length):
        raise CellError(f"{label}: phải gồm {length} chữ số (đang là “{str(value)[:20]}”).")
    return text_value


_GROUPS = re.compile(r"\s*[/;,|]\s*|\s+")


def number_groups(value) -> list[str]:
    """The groups of a cell that may hold two numbers ("83.016532 044798": a card and a
    record number under "Số thẻ đảng viên/Số lý lịch"); one group for anything else."""
    if not isinstance(value, str) or (value.isdigit() and value.isascii()):
        return [value]
    text_value = unicodedata.normalize("NFKC", value).strip()
    # Spaces inside one number ("8301 6532") are not two groups: only split when the
    # first group alone is long enough to be a number of its own.
    groups = [g for g in _GROUPS.split(text_value) if g]
    if len(groups) == 2 and len(re.sub(r"\D", "", groups[0])) >= 6:
        return groups
    return [value]


def a_date(value, label: str, *, kind: str = "event", today: date):
    """(date or None, note). ``kind`` "birth" reads two-digit years as people's ages suggest."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        raise CellError(f"{label}: không phải là ngày.")
    year = _year_only(value)
    if year and kind == "birth":
        # A list that keeps only the year ("Năm sinh"): a day is never made up.
        raise CellError(
            f"{label}: chỉ có năm sinh ({year}); cần đủ ngày, tháng, năm sinh (dd/mm/yyyy) "
            "như trong lý lịch đảng viên."
        )
    if isinstance(value, int | float):
        return _serial(value, label), None
    return _date_text(str(value), label, kind, today)


_YEAR = re.compile(r"\d{4}")


def _year_only(value) -> int | None:
    """1960, 1960.0 or "1960": a year standing for a whole date."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if len(value) != 4 or not _YEAR.fullmatch(value):
            return None  # most cells: a whole date, told apart by its length alone
        value = int(value)
    return value if isinstance(value, int) and 1890 <= value <= 2100 else None


_MIDNIGHT = re.compile(r"(?<=\d)[ T]0{1,2}:00(?::00(?:\.0+)?)?$")


_WORDS = re.compile(
    r"(?:ngày|ngay)\s*(\d{1,2})\s*(?:tháng|thang)\s*(\d{1,2})\s*(?:năm|nam)\s*(\d{2,4})",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1 << 15)
def _date_text(value: str, label: str, kind: str, today: date):
    # A roll repeats the same few thousand dates: parse each once. Errors are not cached.
    # The text itself is read by the one date parser the web forms use (core.dates).
    raw = unicodedata.normalize("NFKC", value).strip()
    raw = _MIDNIGHT.sub("", raw).rstrip(".,;")  # "15/05/1976 00:00:00" from an export
    words = _WORDS.fullmatch(raw)  # "ngày 15 tháng 5 năm 1976", as a form writes it
    if words:
        raw = "/".join(words.groups())
    if re.fullmatch(r"\d{5}(?:\.0+)?", raw):  # a serial that became text in a CSV
        return _serial(float(raw), label), None
    try:
        return read_day(raw, label, birth=kind == "birth", today=today)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


# No date a roll records is before 1910 (the Party was founded in 1930; a member born
# before 1890 is refused anyway): a smaller serial is a number typed in a date column (a
# column number, a count), not a date of 1900.
FIRST_SERIAL = 3654  # 01/01/1910


def _serial(value: float, label: str) -> date:
    if not FIRST_SERIAL <= value < 2_958_466:  # 31/12/9999
        raise CellError(f"{label}: số {value:g} không phải là ngày.")
    serial = int(value)
    if serial < 61:  # Excel's fictitious 29/02/1900 shifts the first two months
        serial += 1
    return EXCEL_EPOCH + timedelta(days=serial)


def choice(value, label: str, options: dict[str, str], shown: str | None = None) -> str:
    """Map a typed label ("Nữ", "nu", "F", "female") onto a stored value via folded keys.
    ``shown``: the choices as the form words them ("Nam, Nữ"), for the message."""
    if value is None or value == "":
        return ""
    key = fold(str(value)).strip(". ")
    if key in options:
        return options[key]
    if shown is None:
        shown = ", ".join(sorted({k for k in options if not k.isascii() or len(k) > 1})[:6])
    raise CellError(f"{label}: “{str(value)[:30]}” không hợp lệ (chọn: {shown}).")


def boolean(value, label: str) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    key = fold(str(value))
    if key in {"x", "co", "1", "yes", "true", "c", "1.0"}:
        return True
    if key in {"khong", "0", "no", "false", "k", "0.0"}:
        return False
    raise CellError(f"{label}: ghi “Có” hoặc “Không”.")
