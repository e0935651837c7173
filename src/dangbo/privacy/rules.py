"""The deadlines of the personal-data law as pure functions (no database).

Sources (brief §9.1, §9.4):

- Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (Quốc hội, 26/6/2025), in force 1/1/2026:
  the data subject's rights (Art. 4), consent (Art. 9).
- Nghị định 356/2025/NĐ-CP (Chính phủ, 31/12/2025), in force 1/1/2026, guiding the Law:
  acknowledging and answering requests, breach notification, keeping breach records.

Each constant names its source; [U] marks what the brief could not verify, kept in one
constant so that it changes in one place. Working days are Monday to Friday: public holidays
(Tết, 30/4, 1/5, 2/9, …) and the Saturdays worked in their place are **not modelled**, so a
deadline that spans a holiday is earlier than the law's — the safe side.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from .choices import RequestKind

# Nghị định 356/2025/NĐ-CP: a request is acknowledged within 2 working days of receipt.
ACK_WORKING_DAYS = 2
# Nghị định 356/2025/NĐ-CP: withdrawal of consent, restriction and objection are carried out
# within 15 days, 20 days when a processor or a third party is involved …
RESTRICT_DAYS = 15
RESTRICT_THIRD_PARTY_DAYS = 20
# … extendable once, by 15 days.
EXTENSION_DAYS = 15
MAX_EXTENSIONS = 1
# [U] Nghị định 356/2025/NĐ-CP gives "other request types their own limits" (brief §9.4); the
# brief did not verify them. Seeing, correcting and deleting take the same 15 (20) days until
# the text is checked: change these two constants then.
ACCESS_DAYS = 15
ACCESS_THIRD_PARTY_DAYS = 20
# Nghị định 356/2025/NĐ-CP (Decree 13/2023 before it): a breach is notified within 72 hours.
BREACH_NOTIFY_HOURS = 72
# Nghị định 356/2025/NĐ-CP: records of breaches are kept at least 5 years.
BREACH_KEEP_YEARS = 5

# dangbo's own retention choices (not set by the law; the register prints them):
# a consent record is the proof that data was processed lawfully, so it is kept as long as a
# complaint about that processing may come — 5 years after the consent was withdrawn, as long
# as breach records are kept.
CONSENT_KEEP_YEARS = 5
# A closed request: the name, email and text are anonymised 5 years after it was closed; its
# kind, dates and outcome state stay, the proof that requests were answered in time.
REQUEST_KEEP_YEARS = 5

_RESTRICTING = frozenset({RequestKind.RESTRICT, RequestKind.WITHDRAW, RequestKind.OBJECT})


def add_working_days(day: date, n: int) -> date:
    """``n`` working days (Mon–Fri) after ``day``; the day itself does not count."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _day(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def ack_due(received_at: datetime | date) -> date:
    """The last day to acknowledge a request received at ``received_at`` (a local time):
    2 working days later (Friday → Tuesday; Saturday or Sunday → Tuesday)."""
    return add_working_days(_day(received_at), ACK_WORKING_DAYS)


def days_for(kind: str, third_party: bool = False) -> int:
    if kind in _RESTRICTING:
        return RESTRICT_THIRD_PARTY_DAYS if third_party else RESTRICT_DAYS
    return ACCESS_THIRD_PARTY_DAYS if third_party else ACCESS_DAYS


def due(kind: str, received_at: datetime | date, third_party: bool = False) -> date:
    """The last day to carry out a request: calendar days from the day it was received."""
    return _day(received_at) + timedelta(days=days_for(kind, third_party))


def extended(due_on: date) -> date:
    """The deadline after the one extension the law allows."""
    return due_on + timedelta(days=EXTENSION_DAYS)


def extension_error(extensions_so_far: int) -> str | None:
    if extensions_so_far >= MAX_EXTENSIONS:
        return "Pháp luật chỉ cho gia hạn một lần (thêm 15 ngày)."
    return None


def effective_due(due_on: date, extended_until: date | None) -> date:
    return extended_until or due_on


def overdue(
    due_on: date, on: date, *, extended_until: date | None = None, closed: bool = False
) -> bool:
    """Whether an open request is past its deadline on ``on`` (the deadline day itself is
    still in time)."""
    return not closed and on > effective_due(due_on, extended_until)


def days_left(due_on: date, on: date, *, extended_until: date | None = None) -> int:
    """Days from ``on`` to the deadline: 0 on the day itself, negative once late."""
    return (effective_due(due_on, extended_until) - on).days


def notify_due(detected_at: datetime) -> datetime:
    """When the breach must have been notified: 72 hours after it was detected."""
    return detected_at + timedelta(hours=BREACH_NOTIFY_HOURS)


def hours_left(deadline: datetime, now: datetime) -> int:
    """Whole hours left before ``deadline`` (rounded down; negative once it has passed)."""
    return int((deadline - now).total_seconds() // 3600)


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment ``years`` earlier (29 February → 28 February)."""
    year = moment.year - years
    day = min(moment.day, calendar.monthrange(year, moment.month)[1])
    return moment.replace(year=year, day=day)


# A request's public reference: 10 characters of Crockford's base32 (no I, L, O, U: nothing
# to misread), 50 random bits — unguessable, short enough to read out on the phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def new_code(random: bytes) -> str:
    """A reference made of ``random`` (at least 7 bytes, e.g. ``secrets.token_bytes(8)``)."""
    number = int.from_bytes(random, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(CODE_ALPHABET[digit])
    return "".join(chars)
