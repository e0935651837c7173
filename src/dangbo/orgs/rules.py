"""The structural rules of the domain brief (§11.3, rules 1–5) as named constants and the
pure functions that phrase their warnings.

Free of the database: the queries (``registry.queries.structural_warnings``,
``orgs.queries._ended_districts``) count and look up, these say what the numbers mean.
Sources are those of brief §2.2 and §2.4: Điều lệ Đảng Art. 21 and 24, with Quy định
24-QĐ/TW (30/07/2021), replaced by Quy định 232-QĐ/TW (20/01/2025), on implementing the
Charter; the end of the district level by Nghị quyết 203/2025/QH15.
"""

from datetime import date
from enum import StrEnum

from dangbo.core.errors import invalid

from .choices import ALLOWED_PARENTS, CELL_KINDS, RESIDENTIAL_SECTORS, OrgKind

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


# ---- Where each structural warning comes from, in words (issue 12: no "Quy tắc 5") -------
# The implementing regulation of the Charter in force on a date (brief §2.2): QĐ 29-QĐ/TW
# (2016), replaced by QĐ 24-QĐ/TW of 30/07/2021, replaced by QĐ 232-QĐ/TW of 20/01/2025.
CHARTER_REGULATIONS: tuple[tuple[date, str], ...] = (
    (date(2025, 1, 20), "Quy định 232-QĐ/TW ngày 20/01/2025"),
    (date(2021, 7, 30), "Quy định 24-QĐ/TW ngày 30/07/2021"),
    (date.min, "Quy định 29-QĐ/TW năm 2016"),
)

# Rule number (brief §11.3) → the documents the rule comes from; ``{reg}`` is the
# implementing regulation in force on the date being looked at.
RULE_SOURCES: dict[int, str] = {
    1: "Điều lệ Đảng, Điều 21; {reg}",
    2: "Điều lệ Đảng, Điều 21; {reg}",
    3: "Điều lệ Đảng, Điều 24; {reg}",
    4: "Điều lệ Đảng, Điều 24; {reg}, về tổ đảng",
    5: "Nghị quyết 203/2025/QH15; Kết luận 127-KL/TW; Hướng dẫn 31-HD/BTCTW ngày 23/4/2025",
}


def charter_regulation(on: date) -> str:
    """The regulation implementing the Charter in force on ``on``."""
    return next(text for since, text in CHARTER_REGULATIONS if on >= since)


def rule_source(rule: int, on: date) -> str:
    """The documents behind structural rule ``rule``, as a person reads them on ``on``."""
    return RULE_SOURCES[rule].format(reg=charter_regulation(on))


# ---- Which operations an organisation's page offers, by its kind (issue 12) ---------------
# One home for the decision: the organisation page shows only these, and the operation page
# refuses the others (a hidden operation posted by hand writes nothing).


class OrgOperation(StrEnum):
    FOUND_SUBORDINATE = "found_subordinate"  # thành lập tổ chức trực thuộc
    RENAME = "rename"
    REPARENT = "reparent"
    DISSOLVE = "dissolve"
    MERGE_INTO = "merge_into"  # other organisations merged into this one
    SPLIT = "split"
    CREATE_BODY = "create_body"  # cấp ủy, ban thường vụ…
    ASSIGN_POSITION = "assign_position"
    END_POSITION = "end_position"
    ADMIT = "admit"  # kết nạp đảng viên: members live in cells
    TRANSFER_IN = "transfer_in"


def _founds_subordinates(kind: str) -> bool:
    """Whether any organisation other than a tổ đảng may sit directly under ``kind``
    (``ALLOWED_PARENTS``): a cell has tổ đảng, never subordinate organisations."""
    return any(
        kind in parents
        for child, parents in ALLOWED_PARENTS.items()
        if child != OrgKind.PARTY_GROUP
    )


_CHANGES_OF_PLACE = (
    OrgOperation.RENAME,
    OrgOperation.REPARENT,
    OrgOperation.DISSOLVE,
    OrgOperation.MERGE_INTO,
    OrgOperation.SPLIT,
)


def operation_allowed(op: OrgOperation, kind: str, sector: str) -> bool:
    """Whether operation ``op`` makes sense for an organisation of ``kind`` and ``sector``.

    - Subordinate organisations are founded only under levels that may have them.
    - A residential cell (thôn, tổ dân phố) is not split: one cell per village or group
      (brief §2.2 and rule 6); a tổ đảng is neither split nor given a committee body.
    - Members are admitted and received in cells (Điều lệ Art. 24): only cells take them.
    - The top of the tree (Trung ương) is not renamed, moved, merged into or ended here.
    """
    if kind == OrgKind.CENTRAL and op in _CHANGES_OF_PLACE:
        return False
    if op == OrgOperation.FOUND_SUBORDINATE:
        return _founds_subordinates(kind)
    if op == OrgOperation.SPLIT:
        if kind == OrgKind.PARTY_GROUP:
            return False
        return not (kind in CELL_KINDS and sector in RESIDENTIAL_SECTORS)
    if op == OrgOperation.CREATE_BODY:
        return kind != OrgKind.PARTY_GROUP
    if op in (OrgOperation.ADMIT, OrgOperation.TRANSFER_IN):
        return kind in CELL_KINDS
    if op == OrgOperation.MERGE_INTO:
        return kind != OrgKind.PARTY_GROUP
    return True


# Why an operation does not apply, as the refusal says it (the page hides it; the services
# refuse it, so the web, the API and the command line answer alike).
_WHY_NOT: dict[OrgOperation, str] = {
    OrgOperation.RENAME: "Đổi tên",
    OrgOperation.REPARENT: "Chuyển trực thuộc",
    OrgOperation.DISSOLVE: "Giải thể",
    OrgOperation.MERGE_INTO: "Hợp nhất",
    OrgOperation.SPLIT: "Chia tách",
    OrgOperation.CREATE_BODY: "Lập cơ quan lãnh đạo",
}


def refuse_unless_allowed(op: OrgOperation, org, field: str = "org") -> None:
    """Raise a field error naming the organisation when ``op`` does not make sense for it."""
    if operation_allowed(op, org.kind, org.sector):
        return
    label = _WHY_NOT.get(op, str(op))
    if org.kind == OrgKind.CENTRAL:
        why = "cấp Trung ương không thay đổi tại đây"
    elif op == OrgOperation.SPLIT and org.kind != OrgKind.PARTY_GROUP:
        why = "mỗi thôn, tổ dân phố có một chi bộ (một chi bộ thôn không chia tách)"
    else:
        why = "không áp dụng cho loại tổ chức này"
    raise invalid(field, f"{label}: {org.name} — {why}.")


def operations_for(kind: str, sector: str) -> frozenset[OrgOperation]:
    """Every operation that makes sense for an organisation of ``kind`` and ``sector``."""
    return frozenset(op for op in OrgOperation if operation_allowed(op, kind, sector))
