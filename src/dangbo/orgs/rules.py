"""The structural rules of the domain brief (§11.3, rules 1–5) as named constants and the
pure functions that phrase their warnings.

Free of the database: the queries (``registry.queries.structural_warnings``,
``orgs.queries._ended_districts``) count and look up, these say what the numbers mean.
Sources are those of brief §2.2 and §2.4: Điều lệ Đảng Art. 21 and 24, with Quy định
24-QĐ/TW (30/07/2021), replaced by Quy định 232-QĐ/TW (20/01/2025), on implementing the
Charter; the end of the district level by Nghị quyết 203/2025/QH15.
"""

from datetime import date

# Rule 1 — a cell (chi bộ) needs at least three official members; with fewer, the superior
# committee attaches them to a suitable TCCSĐ (Điều lệ Art. 21; QĐ 24-QĐ/TW → 232-QĐ/TW).
MIN_CELL_OFFICIAL = 3

# Rule 2 — a TCCSĐ with at least thirty members is a đảng bộ cơ sở, with fewer a chi bộ cơ
# sở; the exceptions need the superior's written consent (``exception_doc``) (Điều lệ
# Art. 21; QĐ 24-QĐ/TW → 232-QĐ/TW).
GRASSROOTS_COMMITTEE_MIN_MEMBERS = 30

# Rule 3 — a cell with at least nine official members elects a chi ủy; with fewer, a bí thư
# (and a phó bí thư if needed) (Điều lệ Art. 24; QĐ 24-QĐ/TW → 232-QĐ/TW).
CELL_COMMITTEE_MIN_OFFICIAL = 9

# Rule 5 — district-level units ended on 01/07/2025, so no đảng bộ cấp huyện is active
# after 30/06/2025 (Nghị quyết 203/2025/QH15, the constitutional amendment; Kết luận
# 127-KL/TW).
DISTRICT_LEVEL_END = date(2025, 6, 30)


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def too_few_official(official: int) -> str | None:
    """Rule 1: the warning for a cell with ``official`` official members, if any."""
    if official >= MIN_CELL_OFFICIAL:
        return None
    return f"Chi bộ chỉ có {official} đảng viên chính thức (cần ít nhất {MIN_CELL_OFFICIAL})."


def needs_cell_committee(official: int) -> bool:
    """Rule 3: whether a cell of ``official`` official members must have a chi ủy."""
    return official >= CELL_COMMITTEE_MIN_OFFICIAL


def no_cell_committee(official: int) -> str:
    """Rule 3: the warning for a cell that needs a chi ủy and has none."""
    return (
        f"Chi bộ có {official} đảng viên chính thức (từ {CELL_COMMITTEE_MIN_OFFICIAL} trở lên) "
        "nhưng chưa có chi ủy."
    )


def grassroots_form_mismatch(is_cell: bool, total: int) -> str | None:
    """Rule 2: the warning for a TCCSĐ of ``total`` members (official and probationary)
    whose form does not fit its size — a chi bộ cơ sở (``is_cell``) of thirty or more, a
    đảng bộ cơ sở of fewer — if any. The caller skips one with an ``exception_doc``."""
    limit = GRASSROOTS_COMMITTEE_MIN_MEMBERS
    if is_cell and total >= limit:
        return f"Chi bộ cơ sở có {total} đảng viên (từ {limit} trở lên): nên lập đảng bộ cơ sở."
    if not is_cell and total < limit:
        return f"Đảng bộ cơ sở chỉ có {total} đảng viên (dưới {limit}): nên là chi bộ cơ sở."
    return None


# Rule 4 — a tổ đảng works under a chi ủy: it may only sit under a chi bộ (QĐ 24-QĐ/TW →
# 232-QĐ/TW on tổ đảng).
PARTY_GROUP_OUTSIDE_CELL = "Tổ đảng phải trực thuộc một chi bộ."


def district_active_after_end(on: date) -> bool:
    """Rule 5: whether an active district committee on ``on`` is a warning."""
    return on > DISTRICT_LEVEL_END


DISTRICT_STILL_ACTIVE = (
    f"Đảng bộ cấp huyện vẫn hoạt động sau ngày {_day(DISTRICT_LEVEL_END)} (cấp huyện đã kết thúc)."
)
DISTRICT_WITHOUT_SUCCESSOR = (
    f"Đảng bộ huyện kết thúc ngày {_day(DISTRICT_LEVEL_END)} nhưng chưa ghi tổ chức kế thừa."
)
