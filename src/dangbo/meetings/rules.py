"""Meeting rules as pure functions (brief §4, §2.3; rules 13, 14, 17, 18, 20)."""

from datetime import date, timedelta

from .choices import AttendanceStatus

MIN_DURATION_MINUTES = 90  # a warning only: the source is not authoritative (rule 18, [U])
UNEXCUSED_MONTHS_FLAG = 3  # Charter Art. 8: three months in a year without reason (rule 13)

# Who counts toward a vote's denominator (QĐ 24 §9.3.2): official members summoned, except
# the temporarily transferred, the exempted who stay away, and those absent with a reason.
DENOMINATOR_STATUSES = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.UNEXCUSED})


def counts_in_denominator(status: str, official: bool) -> bool:
    """An exempted member who comes is recorded present and counts (rule 14)."""
    return official and status in DENOMINATOR_STATUSES


def passes(yes: int, denominator: int) -> bool:
    """Rule 20: more than half of those counted, not of those present."""
    return denominator > 0 and 2 * yes > denominator


def duration_warning(minutes: int | None) -> str | None:
    if minutes is not None and 0 < minutes < MIN_DURATION_MINUTES:
        return (
            f"Thời lượng {minutes} phút, dưới {MIN_DURATION_MINUTES} phút theo hướng dẫn "
            "(chỉ là lưu ý)."
        )
    return None


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def month_end(year: int, month: int) -> date:
    return date(year + (month == 12), 1 if month == 12 else month + 1, 1) - timedelta(days=1)


def months_due(year: int, as_of: date, since: date | None = None) -> list[int]:
    """Months of ``year`` that have ended by ``as_of`` and during which the cell existed:
    a month still running may yet get its meeting."""
    due = []
    for month in range(1, 13):
        end = month_end(year, month)
        if end > as_of:
            break
        if since is not None and since > end:
            continue
        due.append(month)
    return due


def quarters_due(year: int, as_of: date, since: date | None = None) -> list[int]:
    due = []
    for quarter in range(1, 5):
        _start, end = quarter_bounds(year, quarter)
        if end > as_of:
            break
        if since is not None and since > end:
            continue
        due.append(quarter)
    return due


def attendance_rate(present: int, expected: int) -> float | None:
    return None if expected == 0 else round(100 * present / expected, 1)
