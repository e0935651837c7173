"""The basic statistical tables a committee sends upward (kind "thong-ke", "Biểu thống kê
cơ bản"): members by status and sex, age, general schooling, professional level, political
theory, party age, ethnicity and religion (the last two only for a viewer holding the
sensitive grant, and that read logged); organisations by kind and sector; admissions and
exits in the year.

Each table is one ``Sheet`` marked with the form it follows as far as the domain brief knows
the forms (§6.3: Biểu 3-TCTW and 4-TCTW of HD 12-HD/BTCTW; the other forms' exact layout is
not known, so they say "bố cục tham khảo"), and the same table in the official document
(landscape), so that the .xlsx, .docx and PDF say the same. Rows: the organisation's direct
children on the day, then a totals row. Every count is as of the period's end (or today),
from the stored data, within what the viewer may see (``statistics_queries``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from dangbo.core import audit, scope
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.core.office import (
    Column,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
)
from dangbo.core.office.sheet import Col, Sheet
from dangbo.core.text import collation_key, fold
from dangbo.members.choices import MemberAudit
from dangbo.orgs.choices import GRASSROOTS_KINDS, OrgKind, Sector
from dangbo.orgs.models import Organisation, OrgLink
from dangbo.orgs.queries import KIND_RANK, active_q, names_on

from . import annual, kinds
from . import statistics_queries as sq
from .kinds import Built, Period, no_progress

KEY = "thong-ke"
FORM_UNKNOWN = "Theo biểu mẫu thống kê cơ bản (HD 12-HD/BTCTW) — bố cục tham khảo"
FORM_3 = "Theo Biểu 3-TCTW (HD 12-HD/BTCTW) — bố cục tham khảo"
FORM_4 = "Theo Biểu 4-TCTW (HD 12-HD/BTCTW) — bố cục tham khảo"
MAX_GROUPS = 10  # ethnic groups and religions named one by one; the rest "khác"
TEXT_WIDTH_MM = 247.0  # A4 landscape less the guide's margins
NAME_WIDTH_MM = 62.0


@dataclass
class StatTable:
    """One table: its columns (key, label) and the counts of each row (child id → column)."""

    key: str
    title: str
    form: str
    tab: str
    columns: list[tuple[str, str]]
    counts: sq.Counts
    note: str = ""
    sensitive: bool = False
    groups: tuple[tuple[str, int], ...] = ()  # over the name column and the counts


# ------------------------------------------------------------------ classifying free text

_GRADE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})")


def schooling(value: str | None) -> str:
    """ "12/12", "9/12", "7/10" (grade / system) → primary, lower or upper secondary."""
    text = (value or "").strip()
    match = _GRADE.search(text)
    if match:
        grade, system = int(match.group(1)), int(match.group(2))
        primary, lower = (5, 9) if system >= 11 else (4, 7)
        if grade <= primary:
            return "primary"
        return "lower" if grade <= lower else "upper"
    folded = fold(text)
    if "thpt" in folded or "trung hoc pho thong" in folded:
        return "upper"
    if "thcs" in folded or "trung hoc co so" in folded:
        return "lower"
    if "tieu hoc" in folded:
        return "primary"
    return "unknown"


_LEVELS = (  # the highest degree only (Biểu 3-TCTW); the first match wins
    ("doctor", ("tien si", "tien sy", "tskh")),
    ("master", ("thac si", "thac sy", "cao hoc")),
    ("university", ("dai hoc", "cu nhan", "ky su", "bac si", "bac sy", "duoc si")),
    ("college", ("cao dang",)),
    ("intermediate", ("trung cap",)),
    ("elementary", ("so cap",)),
)


def professional(value: str | None) -> str:
    folded = fold((value or "").strip())
    if not folded:
        return "none"
    for column, words in _LEVELS:
        if any(w in folded for w in words):
            return column
    return "other"


_NO_RELIGION = {"", "khong", "khong ton giao", "khong co", "khong theo ton giao nao"}


def religion(value: str | None) -> str:
    text = " ".join((value or "").split())
    return "none" if fold(text) in _NO_RELIGION else text


def ethnicity(value: str | None) -> str:
    text = " ".join((value or "").split())
    return text or "unknown"


# ------------------------------------------------------------------ the build


def build(org: Organisation, period: Period, *, viewer: Any, progress=no_progress) -> Built:
    if period.quarter is not None:
        raise invalid(  # the fields' names of reports.services.period_of
            "quarter",
            f"Quý: biểu thống kê cơ bản lập theo năm (số liệu đến ngày 31/12), không lập cho "
            f"{period.label}. Hãy bỏ quý và chọn năm {period.year}.",
        )
    as_of = min(period.end, today())  # the year's last day, or today while it runs
    if as_of < period.start:
        raise invalid("year", f"Năm: {period.year} chưa bắt đầu, chưa có số liệu để thống kê.")
    if viewer is not None and not scope.reaches_into(viewer, scope.VIEW, org):
        raise Http404
    sensitive = _sensitive_allowed(viewer, org)
    steps = 8 + (2 if sensitive else 0)
    done = 0

    def step(phase: str) -> None:
        nonlocal done
        done += 1
        progress(done, steps, phase)

    progress(0, steps, "Chuẩn bị")
    fold_ = sq.Fold.of(org, as_of)
    base = sq.active_memberships(fold_, as_of, viewer)
    tables: list[StatTable] = []
    tables.append(_status_table(sq.status_sex(base, fold_, as_of)))
    step("Đảng viên theo tình trạng, giới tính")
    tables.append(_age_table(sq.ages(base, fold_, as_of)))
    step("Độ tuổi")
    tables.append(_schooling_table(sq.by_value(base, fold_, "education", schooling)))
    step("Giáo dục phổ thông")
    tables.append(_professional_table(sq.by_value(base, fold_, "qualification", professional)))
    step("Chuyên môn, nghiệp vụ")
    tables.append(_theory_table(sq.theory(base, fold_)))
    step("Lý luận chính trị")
    tables.append(_party_age_table(sq.party_ages(base, fold_, as_of)))
    step("Tuổi đảng")
    if sensitive:
        tables.append(_open_table(sq.by_value(base, fold_, "ethnicity", ethnicity), ETHNICITY))
        step("Dân tộc")
        tables.append(_open_table(sq.by_value(base, fold_, "religion", religion), RELIGION))
        step("Tôn giáo")
        audit.record(
            actor=viewer,
            action=MemberAudit.SENSITIVE_READ,
            object_type="reports.statistics",
            object_id=f"{org.code}/{period.slug}",
            scope_org=org,
            summary=f"Xem thống kê đảng viên theo dân tộc, tôn giáo của {org.name} "
            f"({period.label})",
            after={"fields": ["ethnicity", "religion"], "as_of": as_of.isoformat()},
        )
    moves = _movement_table(sq.movements(org, period.start, as_of, fold_, viewer))
    step("Kết nạp, ra khỏi Đảng trong năm")
    org_counts = sq.organisations(fold_, as_of, viewer)
    step("Tổ chức đảng")

    rows = _rows(org, as_of, viewer, tables + [moves])
    member_tables = [_with_total(t) for t in tables]
    subtitle = f"{org.name} · số liệu đến ngày {as_of:%d/%m/%Y}"
    partial = viewer is not None and not scope.covers(viewer, scope.VIEW, org)
    notes = ("Chỉ gồm các tổ chức đảng trong phạm vi người lập biểu được xem.",) if partial else ()
    user = getattr(viewer, "get_username", lambda: "")() if viewer is not None else ""
    sheets: list[Sheet] = []
    blocks: list[Any] = [
        Paragraph(
            f"Số liệu thống kê cơ bản về tổ chức đảng và đảng viên của {org.name} "
            f"{period.label}, tính đến ngày {as_of:%d/%m/%Y}, lập từ dữ liệu đảng viên và tổ "
            "chức đảng đang lưu." + (" " + notes[0] if notes else "")
        )
    ]
    number = 0
    for table in [*member_tables, moves]:
        number += 1
        grid: list[tuple[Any, ...]] = [
            (name, *[table.counts.get(key, Counter())[c] for c, _l in table.columns])
            for key, name in rows
        ]
        totals = _sums(grid, len(table.columns))
        sheets.append(_sheet(table, grid, totals, subtitle, org, user, notes))
        blocks += _blocks(number, table, grid, totals)
    org_table, org_grid, org_totals = _org_table(org_counts)
    number += 1
    sheets.append(_sheet(org_table, org_grid, org_totals, subtitle, org, user, notes, "Loại hình"))
    blocks += _blocks(number, org_table, org_grid, org_totals, "Loại hình")
    figures = _figures(org, as_of, member_tables, moves, org_table, org_totals, sensitive)
    summary = f"Số liệu thống kê cơ bản về tổ chức đảng và đảng viên {period.label}"
    document = OfficialDocument(
        issuer=annual.issuer_of(org),
        kind="BÁO CÁO",
        kind_code="BC",
        period_year=period.year,
        summary=summary,
        blocks=tuple(blocks),
        signature=annual.signature_of(org, as_of),
        recipients=annual.recipients_of(org),
        landscape=True,
        keywords=("thống kê", "đảng viên", str(period.year)),
    )
    progress(steps, steps, "Xong")
    return Built(KEY, org, period, document, sheets, figures)


def _sensitive_allowed(viewer: Any, org: Organisation) -> bool:
    """Ethnicity and religion need the explicit sensitive grant over everything counted (as
    the member export: no count of a field the viewer could not read on a member's page)."""
    if viewer is None:
        return True
    if scope.covers(viewer, scope.SENSITIVE, org):
        return True
    if scope.covers(viewer, scope.VIEW, org):
        return False
    inside = [
        r for r in scope.roots(viewer, scope.VIEW) or [] if org.path <= r.path < org.subtree_upper
    ]
    return bool(inside) and all(scope.covers(viewer, scope.SENSITIVE, r) for r in inside)


def _rows(org: Organisation, as_of, viewer, tables: list[StatTable]) -> list[tuple[int, str]]:
    """(key, name) of the rows: the direct children on the day that the viewer reaches, in
    the tree's order, then any other key a count fell under (the organisation's own members,
    an organisation ended during the year)."""
    child_ids = OrgLink.objects.filter(active_q(as_of), parent=org).values("child_id")
    children = list(Organisation.objects.filter(active_q(as_of), pk__in=child_ids))
    if viewer is not None and not scope.covers(viewer, scope.VIEW, org):
        children = [c for c in children if scope.reaches_into(viewer, scope.VIEW, c)]
    names = names_on(children, as_of)
    children.sort(key=lambda c: (KIND_RANK[c.kind], collation_key(names[c.pk])))
    rows = [(c.pk, names[c.pk]) for c in children]
    known = {c.pk for c in children}
    extra = {k for t in tables for k, v in t.counts.items() if k not in known and any(v.values())}
    if extra:
        found = {o.pk: o for o in Organisation.objects.filter(pk__in=extra)}
        for pk in sorted(extra, key=lambda k: (k != org.pk, k)):
            name = found[pk].name if pk in found else f"#{pk}"
            rows.append((pk, f"{name} (trực thuộc trực tiếp)" if pk == org.pk else name))
    return rows


def _with_total(table: StatTable) -> StatTable:
    return StatTable(
        table.key,
        table.title,
        table.form,
        table.tab,
        [("total", "Tổng số"), *table.columns],
        table.counts,
        table.note,
        table.sensitive,
        table.groups,
    )


def _status_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "members",
        "Số lượng đảng viên",
        FORM_UNKNOWN,
        "Đảng viên",
        [
            ("official", "Chính thức"),
            ("probationary", "Dự bị"),
            ("male", "Nam"),
            ("female", "Nữ"),
        ],
        counts,
    )


def _age_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "age",
        "Đảng viên theo độ tuổi",
        FORM_UNKNOWN,
        "Độ tuổi",
        [(key, label) for key, label, _lo, _hi in sq.AGE_BANDS],
        counts,
        "Tuổi tròn tính đến ngày lấy số liệu.",
    )


def _schooling_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "schooling",
        "Đảng viên theo trình độ giáo dục phổ thông",
        FORM_3,
        "Giáo dục phổ thông",
        [
            ("primary", "Tiểu học"),
            ("lower", "Trung học cơ sở"),
            ("upper", "Trung học phổ thông"),
            ("unknown", "Chưa rõ"),
        ],
        counts,
    )


def _professional_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "professional",
        "Đảng viên theo trình độ chuyên môn, nghiệp vụ",
        FORM_3,
        "Chuyên môn",
        [
            ("doctor", "Tiến sĩ"),
            ("master", "Thạc sĩ"),
            ("university", "Đại học"),
            ("college", "Cao đẳng"),
            ("intermediate", "Trung cấp"),
            ("elementary", "Sơ cấp"),
            ("other", "Khác"),
            ("none", "Chưa qua đào tạo"),
        ],
        counts,
        "Mỗi đảng viên tính một lần, theo bằng cấp cao nhất.",
    )


def _theory_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "theory",
        "Đảng viên theo trình độ lý luận chính trị",
        FORM_3,
        "Lý luận chính trị",
        [
            ("advanced", "Cao cấp, cử nhân"),
            ("intermediate", "Trung cấp"),
            ("elementary", "Sơ cấp"),
            ("none", "Chưa qua đào tạo"),
        ],
        counts,
    )


def _party_age_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "party_age",
        "Đảng viên theo tuổi đảng",
        FORM_UNKNOWN,
        "Tuổi đảng",
        [(key, label) for key, label, _lo, _hi in sq.PARTY_AGE_BANDS]
        + [("probationary", "Dự bị (chưa tính tuổi đảng)")],
        counts,
        "Tuổi đảng tính từ ngày quyết định kết nạp, trừ thời gian gián đoạn; "
        "đảng viên dự bị chưa tính tuổi đảng.",
    )


@dataclass(frozen=True)
class Open:
    """A table whose columns are the values found (ethnic groups, religions)."""

    key: str
    title: str
    tab: str
    first: tuple[str, str]  # the column before the groups: ("Kinh", "Kinh"), ("none", …)
    group_total: tuple[str, str]  # the sum of the named groups and "khác"
    last: tuple[str, str]  # after them: ("unknown", "Chưa rõ")
    other: str


ETHNICITY = Open(
    "ethnicity",
    "Đảng viên theo dân tộc",
    "Dân tộc",
    ("Kinh", "Kinh"),
    ("minorities", "Dân tộc thiểu số"),
    ("unknown", "Chưa rõ"),
    "Dân tộc khác",
)
RELIGION = Open(
    "religion",
    "Đảng viên theo tôn giáo",
    "Tôn giáo",
    ("none", "Không theo tôn giáo"),
    ("believers", "Có tôn giáo"),
    ("", ""),
    "Tôn giáo khác",
)


def _open_table(counts: sq.Counts, spec: Open) -> StatTable:
    """The groups found, largest first (at most ``MAX_GROUPS`` by name, the rest "khác"),
    after the first column and the groups' own sum."""
    overall: Counter = Counter()
    for bucket in counts.values():
        overall.update(bucket)
    fixed = {"total", spec.first[0], spec.last[0]}
    groups = sorted(
        (g for g in overall if g not in fixed and overall[g]),
        key=lambda g: (-overall[g], collation_key(g)),
    )
    named, rest = groups[:MAX_GROUPS], set(groups[MAX_GROUPS:])
    if len(rest) == 1:
        named, rest = groups, set()
    for bucket in counts.values():
        bucket[spec.group_total[0]] = sum(bucket[g] for g in groups)
        bucket["other"] = sum(bucket[g] for g in rest)
    columns = [spec.first, spec.group_total] + [(g, f"– {g}") for g in named]
    if rest:
        columns.append(("other", f"– {spec.other}"))
    if spec.last[0]:
        columns.append(spec.last)
    return StatTable(
        spec.key,
        spec.title,
        FORM_4,
        spec.tab,
        columns,
        counts,
        "Thông tin nhạy cảm (Nghị định 13/2023/NĐ-CP): chỉ người được cấp quyền xem.",
        sensitive=True,
    )


def _movement_table(counts: sq.Counts) -> StatTable:
    return StatTable(
        "movements",
        "Kết nạp đảng viên và đảng viên ra khỏi danh sách trong năm",
        FORM_UNKNOWN,
        "Tăng, giảm",
        [
            ("arrivals", "Cộng tăng"),
            ("admitted", "Kết nạp"),
            ("moved_in", "Chuyển đến"),
            ("exits", "Cộng giảm"),
            ("deceased", "Từ trần"),
            ("struck_off", "Xóa tên"),
            ("expelled", "Khai trừ"),
            ("resigned", "Xin ra khỏi Đảng"),
            ("moved_out", "Chuyển đi"),
        ],
        counts,
        "Kết nạp: theo ngày quyết định và nơi kết nạp. Chuyển đến, chuyển đi: chuyển sinh "
        "hoạt chính thức giữa các tổ chức trong biểu hoặc qua ranh giới của đảng bộ (chuyển "
        "đi gồm cả chuyển ra ngoài hệ thống). Giảm: theo ngày ra khỏi danh sách và chi bộ "
        "nơi sinh hoạt cuối cùng.",
        groups=(("", 1), ("Tăng", 3), ("Giảm", 6)),
    )


_ORG_COLUMNS = [
    ("grassroots", "Cộng tổ chức cơ sở đảng"),
    (OrgKind.GRASSROOTS_COMMITTEE.value, "Đảng bộ cơ sở"),
    (OrgKind.GRASSROOTS_CELL.value, "Chi bộ cơ sở"),
    (OrgKind.BRANCH_COMMITTEE.value, "Đảng bộ bộ phận"),
    (OrgKind.SUB_CELL.value, "Chi bộ trực thuộc"),
]


def _sums(grid: list[tuple[Any, ...]], columns: int) -> tuple[int, ...]:
    """The totals row: each count column summed (the first column is the row's name)."""
    return tuple(sum(int(r[i]) for r in grid) for i in range(1, columns + 1))


def _org_table(counts: dict[str, Counter]):
    """Rows: the sectors (loại hình); grassroots organisations by their own sector, branch
    committees and sub-cells by the sector of the organisation above them."""
    grid: list[tuple[Any, ...]] = []
    for sector in Sector:
        bucket = counts.get(sector.value)
        if not bucket or not any(bucket.values()):
            continue
        bucket["grassroots"] = sum(bucket[k] for k in GRASSROOTS_KINDS)
        grid.append((str(sector.label), *[bucket[key] for key, _l in _ORG_COLUMNS]))
    totals = _sums(grid, len(_ORG_COLUMNS))
    table = StatTable(
        "orgs",
        "Tổ chức đảng theo loại hình",
        FORM_UNKNOWN,
        "Tổ chức đảng",
        list(_ORG_COLUMNS),
        {},
        "Tổ chức cơ sở đảng theo loại hình của chính nó; đảng bộ bộ phận và chi bộ trực thuộc "
        "theo loại hình của tổ chức cấp trên trực tiếp.",
    )
    return table, grid, totals


# ------------------------------------------------------------------ renderings


def _sheet(table: StatTable, grid, totals, subtitle, org, user, notes, first="Tổ chức đảng"):
    def getter(i: int) -> Callable[[tuple], Any]:
        return lambda row: row[i]

    columns = (Col(first, getter(0), "text", 34),) + tuple(
        Col(label, getter(i), "int", max(9, min(16, len(label) * 0.7)))
        for i, (_key, label) in enumerate(table.columns, start=1)
    )
    return Sheet(
        title=table.title.upper(),
        columns=columns,
        rows=grid,
        subtitle=subtitle,
        name=table.tab,
        form=table.form,
        scope=org.name,
        user=user,
        landscape=True,
        totals=(None, *totals),
        groups=table.groups,
        notes=tuple(n for n in (f"Ghi chú: {table.note}" if table.note else "", *notes) if n),
    )


def _blocks(number: int, table: StatTable, grid, totals, first="Tổ chức đảng") -> list:
    width = (TEXT_WIDTH_MM - NAME_WIDTH_MM - 10) / max(len(table.columns), 1)
    columns = (Column(first, NAME_WIDTH_MM),) + tuple(
        Column(label, width, "right", "int") for _key, label in table.columns
    )
    blocks: list[Any] = [
        Heading(f"{number}. {table.title}", level=2),
        Paragraph(table.form, italic=True, indent=False, align="left"),
        Table(
            columns=columns,
            rows=tuple(tuple(r) for r in grid),
            totals=("Tổng cộng", *totals),
            groups=table.groups,
            empty="Không có số liệu.",
        ),
    ]
    if table.note:
        blocks.append(Paragraph(f"Ghi chú: {table.note}", italic=True, indent=False))
    return blocks


def _figures(org, as_of, member_tables, moves, org_table, org_totals, sensitive) -> dict:
    """The totals by name ("members.total", "age.age_le30", …): what an issued table freezes
    and what "changed since issued" compares."""
    figures: dict[str, Any] = {
        "org": org.code,
        "as_of": as_of.isoformat(),
        "sensitive": sensitive,
    }
    for table in [*member_tables, moves]:
        overall: Counter = Counter()
        for bucket in table.counts.values():
            overall.update(bucket)
        for key, _label in table.columns:
            figures[f"{table.key}.{key}"] = int(overall[key])
    for (key, _label), value in zip(org_table.columns, org_totals, strict=True):
        figures[f"orgs.{key}"] = int(value)
    return figures


kinds.register(
    kinds.Kind(
        key=KEY,
        label="Biểu thống kê cơ bản",
        build=build,
        quarterly=False,
        formats=("text", "docx", "pdf", "xlsx"),
        background=True,
        description="Số liệu thống kê cơ bản về tổ chức đảng và đảng viên đến ngày 31/12: "
        "đảng viên theo tình trạng, giới tính, độ tuổi, trình độ, lý luận chính trị, tuổi "
        "đảng (dân tộc, tôn giáo khi được cấp quyền xem thông tin nhạy cảm); tổ chức đảng "
        "theo loại hình; kết nạp và ra khỏi Đảng trong năm.",
    )
)
