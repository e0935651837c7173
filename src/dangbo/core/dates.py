"""Dates as people type them, and the few date helpers every app shares.

``parse_day`` is the one reader of a typed date: the web forms' date fields, the importer's
cells and any text date the code reads go through it, so "31/02/2016" gets the same answer
("tháng 2/2016 không có ngày 31") on every path. ``parse_clock`` does the same for a time.
"""

import calendar
import re
import unicodedata
from datetime import date, time

from django.core.exceptions import ValidationError
from django.utils import timezone

from .errors import invalid

# d/m/y with "/", "-", "." or a space between the parts (31/12/2016, 31-12-16, 1.2.2016,
# 31 / 12 / 2016); the year may be any length so that a 3-digit year gets its own message.
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{1,5})$")
# ISO, possibly with a time a spreadsheet or a CSV export appended ("2016-12-31 00:00:00").
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?$")
_PACKED = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$")  # 31122016, 311216
_CLOCK = re.compile(r"^(\d{1,2})\s*(?:[:.hg]|giờ)\s*(\d{1,2})?\s*(?:phút|p|')?$", re.IGNORECASE)
_PACKED_CLOCK = re.compile(r"^(\d{1,2})(\d{2})$")  # 0730, 730, 1930

EARLIEST_YEAR = 1800
EXAMPLE = "31/12/2016"


def _fail(label: str, problem: str) -> ValidationError:
    return ValidationError(f"{label}: {problem}", code="invalid")


def _century(yy: int, *, birth: bool, today: date) -> int:
    """The pivot for a two-digit year: the latest year ending in ``yy`` that is not after
    this year (16 → 2016, 27 → 1927 while it is 2026). A birth date also has to leave the
    person at least 18 today (a member), so 10 → 1910 before 2028."""
    latest = today.year - 18 if birth else today.year
    year = (latest // 100) * 100 + yy
    return year if year <= latest else year - 100


def _build(year: int, month: int, day: int, label: str) -> date:
    if year < EARLIEST_YEAR:  # a later date is a date; the caller may refuse the future
        raise _fail(label, f"năm {year} không hợp lệ.")
    if not 1 <= month <= 12:
        raise _fail(label, f"tháng {month} không có (tháng từ 1 đến 12).")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _fail(label, f"tháng {month}/{year} không có ngày {day} (chỉ có {last} ngày).")
    return date(year, month, day)


def read_day(
    text: str, label: str, *, birth: bool = False, today: date | None = None
) -> tuple[date, str | None]:
    """(the date, a note when a two-digit year was completed). Accepts 31/12/2016,
    31-12-2016, 31.12.2016, 31 12 2016, 1/2/2016, 31122016, 311216, 31/12/16 and ISO
    2016-12-31, with spaces around and digits of any script. Raises a ``ValidationError``
    whose message names the field and says what is wrong."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        raise _fail(label, "bắt buộc.")
    shown = raw[:30]
    match = _ISO.match(raw)
    if match:
        return _build(int(match[1]), int(match[2]), int(match[3]), label), None
    match = _DMY.match(raw)
    if match:
        day_text, month_text, year_text = match[1], match[2], match[3]
    else:
        match = _PACKED.match(raw)
        if not match:
            if raw.isdigit():
                raise _fail(
                    label,
                    f"“{shown}” không phải là ngày: gõ liền thì đủ 8 chữ số ngày-tháng-năm "
                    f"(ví dụ 31122016), hoặc dạng dd/mm/yyyy.",
                )
            raise _fail(
                label, f"“{shown}” không phải là ngày; nhập theo dạng dd/mm/yyyy (ví dụ {EXAMPLE})."
            )
        day_text, month_text, year_text = match[1], match[2], match[3]
    if len(year_text) not in (2, 4):
        raise _fail(label, f"năm phải có 4 chữ số (hoặc 2 chữ số cuối), đang là “{year_text}”.")
    note = None
    if len(year_text) == 2:
        year = _century(int(year_text), birth=birth, today=today or timezone.localdate())
    else:
        year = int(year_text)
    result = _build(year, int(month_text), int(day_text), label)
    if len(year_text) == 2:
        note = f"{label}: năm viết 2 chữ số “{shown}”, hiểu là {fmt(result)}."
    return result, note


def parse_day(text: str, label: str, *, birth: bool = False, today: date | None = None) -> date:
    """The date typed in ``text``; a ``ValidationError`` naming ``label`` otherwise."""
    return read_day(text, label, birth=birth, today=today)[0]


def parse_clock(text: str, label: str) -> time:
    """A time of day as people type it: 7:30, 07:30, 7.30, 7h30, 07h, 7 giờ 30, 0730, 730."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        raise _fail(label, "bắt buộc.")
    match = _CLOCK.match(raw) or _PACKED_CLOCK.match(raw)
    if not match:
        raise _fail(label, f"“{raw[:20]}” không phải là giờ; nhập theo dạng HH:MM (ví dụ 07:30).")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23:
        raise _fail(label, f"giờ {hour} không có (giờ từ 0 đến 23).")
    if minute > 59:
        raise _fail(label, f"phút {minute} không có (phút từ 0 đến 59).")
    return time(hour, minute)


def today() -> date:
    return timezone.localdate()


def not_in_future(value: date | None, field: str, label: str) -> None:
    if value is not None and value > today():
        raise invalid(field, f"{label}: không được sau ngày hôm nay ({today():%d/%m/%Y}).")


def fmt(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
