"""The member rules of the domain brief (§11.3, rules 7–11) as pure functions.

Kept free of the database so that they can be tested exhaustively (hypothesis) and reused
by services, imports and the demo loader alike.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .choices import TemporaryReason

MIN_ADMISSION_MONTHS = 18 * 12
MAX_ADMISSION_MONTHS = 60 * 12
PROBATION_MONTHS = 12
BADGE_MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
AWARD_ROUNDS = ((2, 3), (5, 19), (9, 2), (11, 7))  # (month, day): 3/2, 19/5, 2/9, 7/11
TEMPORARY_MIN_MONTHS = 3
TEMPORARY_MAX_MONTHS: dict[str, int] = {
    TemporaryReason.RESIDENCE: 12,
    TemporaryReason.WORK: 12,
    TemporaryReason.STUDY: 24,
}


def add_months(d: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (age counted in months)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def admission_age_error(
    date_of_birth: date, vote_date: date, *, has_provincial_approval: bool
) -> str | None:
    """Rule 7: 18 years 0 months to 60 years 0 months at the cell's vote; above 60 needs the
    province's approval."""
    months = months_between(date_of_birth, vote_date)
    if months < MIN_ADMISSION_MONTHS:
        return "Người được kết nạp chưa đủ 18 tuổi tại ngày chi bộ xét kết nạp."
    if months > MAX_ADMISSION_MONTHS and not has_provincial_approval:
        return (
            "Người được kết nạp đã quá 60 tuổi tại ngày chi bộ xét kết nạp: "
            "cần văn bản đồng ý của cấp ủy cấp tỉnh."
        )
    return None


def probation_end(ceremony_date: date) -> date:
    """Rule 8: twelve months from the admission ceremony."""
    return add_months(ceremony_date, PROBATION_MONTHS)


def recognition_error(ceremony_date: date, recognition_date: date) -> str | None:
    end = probation_end(ceremony_date)
    if recognition_date < end:
        return f"Ngày công nhận chính thức phải từ ngày hết 12 tháng dự bị ({end:%d/%m/%Y}) trở đi."
    return None


def probation_over_cutoff(as_of: date) -> date:
    """The last ceremony date whose twelve months of probation have ended by ``as_of``
    (``probation_end(ceremony) <= as_of`` exactly when ``ceremony <= this``), leap days
    included, so that a filter in SQL agrees with ``official_on``."""
    if as_of.year <= 1:  # no probation can have ended by then (and year 0 does not exist)
        return date.min
    cutoff = add_months(as_of, -PROBATION_MONTHS)
    following = cutoff + timedelta(days=1)
    if following.month == cutoff.month == 2 and probation_end(following) <= as_of:
        return following  # 29/02 ends its probation on 28/02 of a common year
    return cutoff


def official_on(
    recognition_date: date | None,
    recognition_unknown: bool,
    ceremony_date: date,
    as_of: date,
) -> bool:
    """Whether a member was official on ``as_of``: recognised by then, or official with the
    recognition date unknown (an imported roll without that column, read as official by the
    office) once the twelve months of probation were over — never counted as probationary
    after that."""
    if recognition_date is not None:
        return recognition_date <= as_of
    return recognition_unknown and probation_end(ceremony_date) <= as_of


def recognition_overdue(ceremony_date: date, today: date, grace_days: int) -> bool:
    """Rule 8: flagged when no recognition (nor strike-off) has followed probation."""
    return today > probation_end(ceremony_date) + timedelta(days=grace_days)


def overdue_ceremony_cutoff(as_of: date, grace_days: int) -> date:
    """Ceremonies strictly before this date are overdue on ``as_of``: the exact inverse of
    ``recognition_overdue`` (probation end + grace < as_of), leap days included, so that a
    list filtered in SQL agrees with each member's page."""
    limit = as_of - timedelta(days=grace_days)  # overdue iff probation_end(ceremony) < limit
    if limit.month == 2 and limit.day == 29:
        return date(limit.year - 1, 3, 1)  # 28/02 + 12 months is still before 29/02
    return add_months(limit, -12)


def _interruption_days(interruptions: Iterable[tuple[date, date]], until: date) -> int:
    total = 0
    for start, end in interruptions:
        if start > until:
            continue
        total += (min(end, until) - start).days + 1
    return total


def party_age_start(decision_date: date, interruptions: Iterable[tuple[date, date]]) -> date:
    """The date party age counts from once interruptions are subtracted."""
    return decision_date + timedelta(days=_interruption_days(interruptions, date.max))


def party_age_years(
    decision_date: date,
    as_of: date,
    interruptions: Iterable[tuple[date, date]] = (),
    *,
    recognised: bool = True,
) -> int | None:
    """Rule 9: completed years from the admission decision, less interrupted periods.

    Only members recognised official have a party age; for others the answer is None.
    """
    if not recognised or as_of < decision_date:
        return None
    start = decision_date + timedelta(days=_interruption_days(interruptions, as_of))
    if as_of < start:
        return 0
    return months_between(start, as_of) // 12


def next_award_round(on_or_after: date) -> date:
    """The first award round (3/2, 19/5, 2/9, 7/11) on or after a date."""
    for year in (on_or_after.year, on_or_after.year + 1):
        for month, day in AWARD_ROUNDS:
            candidate = date(year, month, day)
            if candidate >= on_or_after:
                return candidate
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class BadgeDue:
    milestone: int
    milestone_date: date
    award_round: date
    early: bool


def _early_limit_months(milestone: int) -> int:
    return 12 if milestone <= 65 else 24


def badge_due(
    decision_date: date,
    interruptions: Iterable[tuple[date, date]],
    *,
    as_of: date,
    awarded: Iterable[int] = (),
    severe_illness: bool = False,
    excluded_status: bool = False,
) -> BadgeDue | None:
    """Rule 10: the badge a member should receive at the next round, if any.

    The highest milestone reached is due (lower ones it supersedes are skipped); with a
    severe-illness flag a milestone may be awarded up to 12 months early (30–65 years) or
    24 months early (70–90). Nothing for members struck off, expelled or resigned.
    """
    if excluded_status:
        return None
    interruptions = list(interruptions)
    start = party_age_start(decision_date, interruptions)
    held = set(awarded)
    highest_held = max(held, default=0)
    candidate: BadgeDue | None = None
    for milestone in BADGE_MILESTONES:
        if milestone <= highest_held:
            continue
        reached = add_years(start, milestone)
        if reached <= as_of:
            # A round already missed is not a due date: the next one to come is.
            candidate = BadgeDue(milestone, reached, next_award_round(max(reached, as_of)), False)
        elif severe_illness and add_months(reached, -_early_limit_months(milestone)) <= as_of:
            candidate = BadgeDue(milestone, reached, next_award_round(as_of), early=True)
            break
    return candidate


def badge_award_error(
    decision_date: date,
    interruptions: Iterable[tuple[date, date]],
    *,
    milestone: int,
    award_date: date,
    severe_illness: bool,
    awarded: Iterable[int],
    excluded_status: bool,
) -> str | None:
    if milestone not in BADGE_MILESTONES:
        return f"Mốc {milestone} năm không phải là mốc Huy hiệu Đảng."
    if excluded_status:
        return "Đảng viên đã bị xóa tên, khai trừ hoặc xin ra không được xét tặng Huy hiệu Đảng."
    held = set(awarded)
    if any(h >= milestone for h in held):
        return f"Đảng viên đã nhận Huy hiệu {max(held)} năm tuổi Đảng (bằng hoặc cao hơn)."
    reached = add_years(party_age_start(decision_date, interruptions), milestone)
    if reached <= award_date:
        return None
    limit = _early_limit_months(milestone)
    if severe_illness and add_months(reached, -limit) <= award_date:
        return None
    if severe_illness:
        return f"Chỉ được trao sớm tối đa {limit} tháng cho mốc {milestone} năm."
    return (
        f"Chưa đủ {milestone} năm tuổi Đảng (đủ vào {reached:%d/%m/%Y}); "
        "chỉ trao sớm khi đảng viên bị bệnh hiểm nghèo."
    )


def temporary_duration_error(reason: str, start: date, planned_end: date) -> str | None:
    """Rule 11: 3 months ≤ duration < 1 year (residence, work), ≤ 2 years (study)."""
    if planned_end <= start:
        return "Ngày kết thúc dự kiến phải sau ngày bắt đầu."
    if add_months(start, TEMPORARY_MIN_MONTHS) > planned_end:
        return "Sinh hoạt tạm thời phải từ 3 tháng trở lên."
    limit = TEMPORARY_MAX_MONTHS.get(reason, 12)
    end_limit = add_months(start, limit)
    study = reason == TemporaryReason.STUDY
    too_long = planned_end > end_limit if study else planned_end >= end_limit
    if too_long:
        if study:
            return "Sinh hoạt tạm thời khi đi học không quá 2 năm (trừ khi được gia hạn)."
        return (
            "Sinh hoạt tạm thời vì nơi ở hoặc nơi làm việc phải dưới 1 năm (trừ khi được gia hạn)."
        )
    return None
