"""The annual report ("Báo cáo năm", kind "nam"): the committee's report of the year written
from the data, one sentence per figure, in the words of ``phrases/annual.toml`` that the
office edits.

The figures come from the statistics the rest of dangbo already computes (``org_stats``,
``oversight_stats``, ``reviews_stats``, ``programs_stats``, ``indicators_stats``) plus a few
counts of the year that only the report needs (working groups, visits by quarter, opinions
heard in the year, remedy groups). They are taken at the end of the period; the new-rural
count is also stated as of the report's date when that is later (a report of 2016 written in
March 2017 says both).

The words adapt to the organisation: a district speaks of "chi, đảng bộ trực thuộc", a
commune of its "chi bộ", a cell of its members; a section with no data is left out or said
once ("chưa có …"), never as "0 chi bộ".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter

from dangbo.core import errors, scope
from dangbo.core.office import (
    Bullets,
    Column,
    Heading,
    Issuer,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
)
from dangbo.core.office.sheet import Col, Sheet
from dangbo.indicators.stats import indicators_stats
from dangbo.orgs.choices import CELL_KINDS, OrgKind, Sector, Title
from dangbo.orgs.models import Organisation, Position
from dangbo.orgs.queries import name_on, subtree_filter
from dangbo.oversight.choices import OpinionState
from dangbo.oversight.models import Visit, WorkingGroup
from dangbo.oversight.queries import opinions_in, oversight_stats, states_on
from dangbo.programs.stats import programs_stats
from dangbo.registry.queries import org_stats
from dangbo.reviews.choices import EvaluationState, PeriodKind, RemedyStatus
from dangbo.reviews.models import Evaluation, RemedyGroup
from dangbo.reviews.queries import reviews_stats

from . import kinds, wording
from .kinds import Built, Kind, Period, no_progress
from .prose import Phrasebook, case_of

KIND = "nam"
STREAK_YEARS = 5  # reviews_stats counts cells and members at this many years running
TERRITORIAL = (Sector.COMMUNE, Sector.TOWN, Sector.WARD)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_ANSWERED = (OpinionState.ANSWERED, OpinionState.CLOSED)
_SECTOR_WORD: dict[str, str] = {
    Sector.COMMUNE: "xã",
    Sector.TOWN: "thị trấn",
    Sector.WARD: "phường",
    Sector.AGENCY: "cơ quan",
    Sector.ENTERPRISE: "doanh nghiệp",
    Sector.SCHOOL: "trường học",
    Sector.PUBLIC_UNIT: "đơn vị sự nghiệp",
    Sector.ARMED_FORCES: "lực lượng vũ trang",
    Sector.VILLAGE: "thôn",
    Sector.RESIDENTIAL_GROUP: "tổ dân phố",
    Sector.OTHER: "khác",
}


# ---------------------------------------------------------------- who issues the report


@dataclass(frozen=True)
class Committee:
    """The words an organisation's committee goes by in its documents."""

    name: str  # "Huyện ủy Tam Dương"
    symbol: str  # "HU"
    body: str  # who reports and recognises: "Ban Thường vụ Huyện ủy Tam Dương"
    on_behalf: str  # "T/M BAN THƯỜNG VỤ"
    members: str  # "Các đồng chí Huyện ủy viên"
    office: str  # "Văn phòng Huyện ủy"
    area: str  # "huyện": "toàn huyện có …"


# The one mapping from an organisation's name to its committee: prefix of the party
# organisation's name → (committee's word, symbol, area word). Longest prefix first.
_COMMITTEES = (
    ("Đảng bộ thành phố ", "Thành ủy", "TU", "thành phố"),
    ("Đảng bộ tỉnh ", "Tỉnh ủy", "TU", "tỉnh"),
    ("Đảng bộ huyện ", "Huyện ủy", "HU", "huyện"),
    ("Đảng bộ quận ", "Quận ủy", "QU", "quận"),
    ("Đảng bộ thị xã ", "Thị ủy", "TU", "thị xã"),
)
_UPPER_KINDS = (
    OrgKind.CENTRAL,
    OrgKind.PROVINCE_COMMITTEE,
    OrgKind.DISTRICT_COMMITTEE,
    OrgKind.COMMUNE_COMMITTEE,
    OrgKind.BLOC_COMMITTEE,
)


def committee_of(org: Organisation, name: str | None = None) -> Committee:
    """ "Đảng bộ huyện Tam Dương" → Huyện ủy Tam Dương (HU); "Đảng bộ xã Kim Long" → Đảng ủy
    xã Kim Long (ĐU); a cell issues as itself (CB)."""
    name = name or org.name
    if org.kind == OrgKind.CENTRAL:
        return Committee(
            "Ban Chấp hành Trung ương",
            "TW",
            "Bộ Chính trị",
            "T/M BỘ CHÍNH TRỊ",
            "Các đồng chí Ủy viên Trung ương Đảng",
            "Văn phòng Trung ương Đảng",
            "Đảng",
        )
    if org.kind in (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL, OrgKind.PARTY_GROUP):
        return Committee(
            name, "CB", name, "T/M CHI BỘ", "Các đồng chí chi ủy viên", "Chi bộ", "chi bộ"
        )
    for prefix, word, symbol, area in _COMMITTEES:
        if name.startswith(prefix):
            committee = f"{word} {name[len(prefix) :]}"
            return Committee(
                committee,
                symbol,
                f"Ban Thường vụ {committee}",
                "T/M BAN THƯỜNG VỤ",
                f"Các đồng chí {word} viên",
                f"Văn phòng {word}",
                area,
            )
    rest = name.removeprefix("Đảng bộ ").strip()
    committee = f"Đảng ủy {rest}"
    if org.kind in _UPPER_KINDS:  # a bloc committee has its standing committee too
        return Committee(
            committee,
            "ĐU",
            f"Ban Thường vụ {committee}",
            "T/M BAN THƯỜNG VỤ",
            "Các đồng chí đảng ủy viên",
            "Văn phòng Đảng ủy",
            "đảng bộ",
        )
    return Committee(
        committee,
        "ĐU",
        committee,
        "T/M ĐẢNG ỦY",
        "Các đồng chí đảng ủy viên",
        "Văn phòng Đảng ủy",
        "đảng bộ",
    )


def place_of(org: Organisation) -> str:
    """Where the date line says the report is written: the organisation's administrative
    unit, else its name without "Đảng bộ huyện", else its parent's place."""
    for prefix in (*(p for p, *_ in _COMMITTEES), "Đảng bộ xã ", "Đảng bộ thị trấn "):
        if org.name.startswith(prefix):
            return org.name[len(prefix) :]
    if org.name.startswith("Đảng bộ phường "):
        return org.name.removeprefix("Đảng bộ ")
    if org.admin_unit is not None:
        return org.admin_unit.name
    return place_of(org.parent) if org.parent is not None else ""


def secretary_of(org: Organisation, on: date) -> str:
    position = (
        Position.objects.filter(org=org, title=Title.SECRETARY, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("member")
        .order_by("-valid_from")
        .first()
    )
    return position.member.full_name if position else ""


# ---------------------------------------------------------------- figures of the year


def _year_counts(org: Organisation, period: Period) -> dict[str, Any]:
    """The counts of the year no statistics block gives: working groups, visits by quarter,
    opinions received in the year and answered by its end, the review's remedy groups."""
    start, end = period.start, period.end
    sub = Organisation.objects.filter(subtree_filter(org, end))
    groups = WorkingGroup.objects.filter(
        committee__in=sub, period_start__lte=end, period_end__gte=start
    )
    group_quarters = {
        (d.year, (d.month - 1) // 3) for d in groups.values_list("period_start", flat=True)
    }
    visits = Visit.objects.filter(org__in=sub, date__gte=start, date__lte=end)
    by_quarter = {
        q: (n, cells)
        for q, n, cells in visits.annotate(q=ExtractQuarter("date"))
        .values_list("q")
        .annotate(n=Count("id"), cells=Count("org", distinct=True))
        .values_list("q", "n", "cells")
        .order_by("q")
    }
    heard = opinions_in(org, end).filter(received_on__gte=start, received_on__lte=end)
    states: Counter[str] = states_on(heard, end)
    remedy_groups = list(
        RemedyGroup.objects.filter(cycle__year=period.year, org=org)
        .annotate(
            n_short=Count("shortcomings", distinct=True),
            n_rem=Count("remedies", distinct=True),
            n_done=Count("remedies", filter=Q(remedies__status=RemedyStatus.DONE), distinct=True),
        )
        .order_by("position", "id")
    )
    levels = list(
        Evaluation.objects.filter(
            cycle__year=period.year,
            cycle__kind=PeriodKind.YEAR,
            state=EvaluationState.DECIDED,
            decided_on__lte=end,
            decided_by=org,
            subject_org__isnull=False,
        )
        .values_list("final_level__name", "final_level__rank")
        .annotate(n=Count("id"))
        .order_by("final_level__rank", "final_level__name")
    )
    return {
        "working_groups": groups.count(),
        "working_group_quarters": len(group_quarters),
        "visits_by_quarter": by_quarter,
        "opinions_heard": sum(states.values()),
        "opinions_answered": sum(states.get(s, 0) for s in _ANSWERED),
        "remedy_groups": remedy_groups,
        "levels": levels,
    }


def issuer_of(org: Organisation) -> Issuer:
    """The body that issues the report (top left), its superior and the date line's place:
    the annual report's mapping (``committee_of``), one for every report."""
    committee = committee_of(org)
    parent = org.parent if org.parent_id else None
    return Issuer(
        name=committee.name,
        superior=committee_of(parent).name if parent else "",
        place=place_of(org),
        symbol=committee.symbol,
    )


def signature_of(org: Organisation, day: date) -> Signature:
    return Signature(
        on_behalf=committee_of(org).on_behalf,
        post="BÍ THƯ",
        name=secretary_of(org, day),
    )


def recipients_of(org: Organisation) -> tuple[str, ...]:
    committee = committee_of(org)
    out = []
    if org.parent_id and org.parent is not None:
        out.append(f"{committee_of(org.parent).name} (b/c)")
    out.append(f"Lưu {committee.office}")
    return tuple(out)


def _members_case(total: int, probationary: int) -> str:
    """ "none", "one" (no probationary member to name), "exact" (the figure said is the
    count, so it is not said twice) or the default: "trên 5.470 … (5.475 đồng chí, …)"."""
    if total == 0:
        return "none"
    if probationary == 0:
        return "one"
    return "exact" if wording.over(total) == wording.number(total) else ""


def _day(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _sector_rank(sector: str) -> int:
    order = list(_SECTOR_WORD)
    return order.index(sector) if sector in order else len(order)


def _sector_label(sector: str) -> str:
    """ "Xã", "Cơ quan": a table's cell."""
    return str(Sector(sector).label) if sector in Sector.values else sector


def _sector_words(sectors: list[str]) -> str:
    words = [_SECTOR_WORD.get(s, s) for s in sorted(set(sectors), key=_sector_rank)]
    return ", ".join(words)


# ---------------------------------------------------------------- the build


class _Writer:
    """Collects the sections' blocks and the figures the text states."""

    def __init__(self, book: Phrasebook):
        self.book = book
        self.blocks: list[Any] = []
        self.figures: dict[str, Any] = {}
        self._section = 0
        self._pending: list[Any] = []
        self._title = ""

    def say(self, key: str, case: str = "", **values: object) -> str:
        return self.book.say(key, case, **values)

    def section(self, title: str) -> None:
        self.flush()
        self._title = title
        self._pending = []

    def add(self, *blocks: Any) -> None:
        self._pending.extend(b for b in blocks if b)

    def paragraph(self, *sentences: str) -> None:
        text = " ".join(s for s in sentences if s)
        if text:
            self._pending.append(Paragraph(text))

    def flush(self) -> None:
        """A section is printed only when it says something; its number follows."""
        if self._title and any(isinstance(b, Paragraph) for b in self._pending):
            self._section += 1
            self.blocks.append(Heading(f"{ROMAN[self._section - 1]}. {self._title}"))
            self.blocks.extend(self._pending)
        self._title = ""
        self._pending = []


def build(
    org: Organisation,
    period: Period,
    *,
    viewer,
    progress=no_progress,
    day: date | None = None,
    number: str = "",
) -> Built:
    """The annual report of ``org`` for ``period``. The caller has checked that ``viewer``
    may see ``org``; the report counts ``org``'s whole subtree, as its statistics do (a view
    grant covers a subtree), and refuses a viewer who does not cover it."""
    if not scope.covers(viewer, scope.VIEW, org):
        raise errors.forbidden("Không có quyền xem số liệu của tổ chức này.")
    end = period.end
    day = day or end
    total_steps = 7
    progress(0, total_steps, "Số liệu tổ chức, đảng viên")
    name = name_on(org, end)
    committee = committee_of(org, name)
    book = Phrasebook()
    w = _Writer(book)
    f = w.figures
    year = period.year
    f.update(year=year, org=org.code, day=day.isoformat())

    org_fig = org_stats(org, end)
    progress(1, total_steps, "Lãnh đạo sát cơ sở")
    over_fig = oversight_stats(org, end)
    extra = _year_counts(org, period)
    progress(2, total_steps, "Chương trình, kế hoạch")
    prog_fig = programs_stats(org, end)
    progress(3, total_steps, "Đánh giá, xếp loại")
    rev_fig = reviews_stats(org, end)
    progress(4, total_steps, "Chỉ tiêu")
    ind_fig = indicators_stats(org, end)
    ind_day = indicators_stats(org, day) if day > end else ind_fig
    progress(5, total_steps, "Viết báo cáo")

    body = committee.body
    w.add(Paragraph(w.say("annual.opening", period=period.label, body=body)))

    # I. The organisation and its members.
    w.section("TÌNH HÌNH TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN")
    members = org_fig["members"]
    n_members = members["total"]
    f.update(
        members=n_members,
        members_said=wording.round_down(n_members, 10) if n_members >= 10 else n_members,
        members_probationary=members["probationary"],
    )
    w.paragraph(
        w.say(
            "annual.members",
            _members_case(n_members, members["probationary"]),
            day=_day(end),
            org=name,
            members=wording.over(n_members),
            exact=wording.number(n_members),
            probationary=wording.number(members["probationary"]),
        ),
        _grassroots_sentence(w, org_fig["grassroots"]),
    )
    w.paragraph(_sub_cells_sentence(w, org_fig, committee.area))
    w.add(*_organisation_tables(org_fig))

    # II. Leadership close to the grassroots.
    w.section("LÃNH ĐẠO SÁT CƠ SỞ, LẮNG NGHE Ý KIẾN CỦA CÁN BỘ, ĐẢNG VIÊN VÀ NHÂN DÂN")
    _close_to_grassroots(w, body, over_fig, extra, cell=org.kind in CELL_KINDS)

    # III. Programs and plans.
    w.section("THỰC HIỆN CHƯƠNG TRÌNH, KẾ HOẠCH CÔNG TÁC")
    _programs(w, body, prog_fig, year)

    # IV. Clean and strong organisations.
    w.section("XÂY DỰNG TỔ CHỨC ĐẢNG TRONG SẠCH, VỮNG MẠNH")
    _recognition(w, body, rev_fig, extra, year)

    # V. Self-criticism.
    w.section("TỰ PHÊ BÌNH VÀ PHÊ BÌNH")
    _self_criticism(w, body, extra, year)

    # VI. The political tasks.
    w.section("KẾT QUẢ THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ")
    _indicators(w, ind_fig, ind_day, committee.area, year, end, day, name)
    w.flush()

    w.blocks.append(Paragraph(w.say("annual.closing", period=period.label, body=body)))
    progress(6, total_steps, "Trình bày văn bản")

    parent = org.parent if org.parent_id else None
    superior = committee_of(parent, name_on(parent, end)).name if parent else ""
    recipients = [f"{superior} (b/c)"] if superior else []
    if org.kind not in (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL, OrgKind.PARTY_GROUP):
        recipients.append(committee.members)
        below = org_fig["grassroots"]["total"]
        recipients.append("Các chi, đảng bộ trực thuộc" if below else "Các chi bộ trực thuộc")
    recipients.append(f"Lưu {committee.office}")
    summary = w.say("annual.summary", period=period.label)
    document = OfficialDocument(
        issuer=Issuer(
            name=committee.name, superior=superior, place=place_of(org), symbol=committee.symbol
        ),
        kind="BÁO CÁO",
        kind_code="BC",
        number=number,
        day=day,
        period_year=year,
        summary=summary,
        blocks=tuple(w.blocks),
        signature=Signature(
            on_behalf=committee.on_behalf, post="BÍ THƯ", name=secretary_of(org, day)
        ),
        recipients=tuple(recipients),
        title=f"Báo cáo {summary[0].lower()}{summary[1:]}" if summary else "",
        keywords=("báo cáo", period.label, committee.name),
    )
    sheets = [_sheet(b, name, f"{name} · {period.label}") for b in w.blocks if isinstance(b, Table)]
    progress(total_steps, total_steps, "Xong")
    return Built(KIND, org, period, document, sheets=sheets, figures=f)


def _sheet(table: Table, scope_name: str, subtitle: str) -> Sheet:
    """The report's table as a sheet people can print (the same rows and totals)."""
    return Sheet(
        title=table.caption.upper(),
        columns=tuple(Col(c.label, itemgetter(i), c.kind) for i, c in enumerate(table.columns)),
        rows=table.rows,
        subtitle=subtitle,
        numbered=table.numbered,
        scope=scope_name,
        totals=(("", *table.totals[1:]) if table.totals and table.numbered else table.totals),
    )


# ---------------------------------------------------------------- sections


def _grassroots_sentence(w: _Writer, grassroots: dict) -> str:
    by = grassroots["by_kind_sector"]
    committees = by.get(OrgKind.GRASSROOTS_COMMITTEE, {})
    cells = sum(by.get(OrgKind.GRASSROOTS_CELL, {}).values())
    territorial = sum(n for s, n in committees.items() if s in TERRITORIAL)
    others = {s: n for s, n in committees.items() if s not in TERRITORIAL}
    parts = []
    if territorial:
        words = _sector_words([s for s in committees if s in TERRITORIAL])
        parts.append(wording.count(territorial, f"đảng bộ {words}"))
    if others:
        parts.append(wording.count(sum(others.values()), f"đảng bộ {_sector_words(list(others))}"))
    if cells:
        parts.append(wording.count(cells, "chi bộ cơ sở"))
    total = grassroots["total"]
    w.figures.update(
        grassroots=total,
        grassroots_territorial_committees=territorial,
        grassroots_other_committees=sum(others.values()),
        grassroots_cells=cells,
    )
    return w.say(
        "annual.grassroots",
        "none" if total == 0 else ("one" if len(parts) == 1 else ""),
        total=wording.number(total),
        parts=wording.join(parts),
    )


def _sub_cells_sentence(w: _Writer, org_fig: dict, area: str) -> str:
    sub = org_fig["sub_cells"]
    total = sub["total"]
    by_parent = sub["by_parent_sector"]
    committees = org_fig["grassroots"]["by_kind_sector"].get(OrgKind.GRASSROOTS_COMMITTEE, {})
    territorial = sum(n for s, n in by_parent.items() if s in TERRITORIAL)
    others = {s: n for s, n in by_parent.items() if s not in TERRITORIAL and n}
    parts = []
    if territorial:
        n_committees = sum(n for s, n in committees.items() if s in TERRITORIAL)
        words = _sector_words([s for s in by_parent if s in TERRITORIAL])
        parts.append(
            f"{wording.count(territorial, 'chi bộ')} thuộc "
            + (
                wording.count(n_committees, f"đảng bộ {words}")
                if n_committees
                else f"các đảng bộ {words}"
            )
        )
    if others:
        n_committees = sum(n for s, n in committees.items() if s in others)
        words = _sector_words(list(others))
        parts.append(
            f"{wording.count(sum(others.values()), 'chi bộ')} thuộc "
            + (
                wording.count(n_committees, f"đảng bộ {words}")
                if n_committees
                else f"các đảng bộ {words}"
            )
        )
    w.figures.update(
        sub_cells=total,
        sub_cells_territorial=territorial,
        sub_cells_other=sum(others.values()),
    )
    if org_fig["grassroots"]["total"] == 0:  # a grassroots committee's own cells
        return w.say("annual.own_cells", case_of(total), total=wording.number(total))
    return w.say(
        "annual.sub_cells",
        "none" if total == 0 else ("one" if len(parts) <= 1 else ""),
        total=wording.number(total),
        parts="; ".join(parts),
        area=area,
    )


def _organisation_tables(org_fig: dict) -> list[Table]:
    tables = []
    by = org_fig["grassroots"]["by_kind_sector"]
    rows = []
    for kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL):
        for sector, n in sorted(
            by.get(kind, {}).items(),
            key=lambda kv: _sector_rank(kv[0]),
        ):
            rows.append((str(OrgKind(kind).label), _sector_label(sector), n))
    if len(rows) > 1:
        tables.append(
            Table(
                columns=(
                    Column("Loại tổ chức cơ sở đảng", 70),
                    Column("Loại hình", 55),
                    Column("Số lượng", 30, "right", "int"),
                ),
                rows=tuple(rows),
                caption="Tổ chức cơ sở đảng theo loại và loại hình",
                totals=("Tổng cộng", "", org_fig["grassroots"]["total"]),
            )
        )
    sub = org_fig["sub_cells"]["by_parent_sector"]
    if len(sub) > 1:
        tables.append(
            Table(
                columns=(
                    Column("Loại hình đảng bộ cơ sở cấp trên", 100),
                    Column("Số chi bộ trực thuộc", 55, "right", "int"),
                ),
                rows=tuple(
                    (_sector_label(s), n)
                    for s, n in sorted(sub.items(), key=lambda kv: _sector_rank(kv[0]))
                ),
                caption="Chi bộ trực thuộc đảng bộ cơ sở theo loại hình của đảng bộ cấp trên",
                totals=("Tổng cộng", org_fig["sub_cells"]["total"]),
            )
        )
    return tables


def _close_to_grassroots(w: _Writer, body: str, over_fig: dict, extra: dict, *, cell: bool) -> None:
    f = w.figures
    if cell:
        visits = over_fig["visits"]
        f.update(visits=visits)
        w.paragraph(w.say("annual.visits_cell", case_of(visits), visits=wording.number(visits)))
        _opinions(w, extra)
        return
    grassroots = bool(f.get("grassroots"))
    units = "tổ chức cơ sở đảng" if grassroots else "chi bộ trực thuộc"
    cells = "chi bộ trực thuộc đảng bộ cơ sở" if grassroots else "chi bộ trực thuộc"
    assignments = over_fig["assignments"]
    uncovered = over_fig["organisations_without_oversight"]
    f.update(assignments=assignments, organisations_without_oversight=uncovered)
    w.paragraph(
        w.say(
            "annual.assignments",
            "none" if assignments == 0 else ("all" if uncovered == 0 else ""),
            body=body,
            count=wording.number(assignments),
            uncovered=wording.number(uncovered),
            units=units,
        ),
        w.say(
            "annual.working_groups",
            case_of(extra["working_groups"]),
            count=wording.number(extra["working_groups"]),
            quarters=wording.number(extra["working_group_quarters"]),
        ),
    )
    f.update(working_groups=extra["working_groups"])
    by_quarter = extra["visits_by_quarter"]
    visits = over_fig["visits"]
    f.update(
        visits=visits,
        cells_visited=over_fig["cells_visited"],
        visits_by_quarter={str(q): n for q, (n, _c) in by_quarter.items()},
    )
    quarter_words = "; ".join(
        f"quý {kinds.QUARTER_NAMES[q]}: {wording.count(n, 'lượt')}"
        for q, (n, _c) in by_quarter.items()
    )
    sub_total = over_fig["sub_cells"]
    sub_visited = over_fig["sub_cells_visited"]
    f.update(sub_cells_visited=sub_visited)
    w.paragraph(
        w.say(
            "annual.visits",
            case_of(visits),
            visits=wording.number(visits),
            cells=wording.number(over_fig["cells_visited"]),
            by_quarter=quarter_words,
        ),
        w.say(
            "annual.sub_cell_coverage",
            "none" if sub_total == 0 or sub_visited == 0 else case_of(sub_visited, sub_total),
            visited=wording.number(sub_visited),
            total=wording.number(sub_total),
            share=wording.share(sub_visited, sub_total),
            cells=cells,
        ),
    )
    if len(by_quarter) > 1:
        w.add(
            Table(
                columns=(
                    Column("Quý", 40),
                    Column("Lượt dự sinh hoạt", 50, "right", "int"),
                    Column("Số chi bộ được dự", 50, "right", "int"),
                ),
                rows=tuple(
                    (f"Quý {kinds.QUARTER_NAMES[q]}", n, c) for q, (n, c) in by_quarter.items()
                ),
                caption="Cấp ủy viên, tổ công tác dự sinh hoạt chi bộ theo quý",
                totals=("Cả năm", visits, over_fig["cells_visited"]),
            )
        )
    _opinions(w, extra)


def _opinions(w: _Writer, extra: dict) -> None:
    heard, answered = extra["opinions_heard"], extra["opinions_answered"]
    w.figures.update(opinions_heard=heard, opinions_answered=answered)
    if heard and not answered:
        w.paragraph(w.say("annual.opinions_open", "", heard=wording.number(heard)))
        return
    w.paragraph(
        w.say(
            "annual.opinions",
            "none" if heard == 0 else ("all" if answered >= heard else ""),
            heard=wording.number(heard),
            answered=wording.number(answered),
            share=wording.share(answered, heard),
            open=wording.number(heard - answered),
        )
    )


def _programs(w: _Writer, body: str, prog_fig: dict, year: int) -> None:
    n = prog_fig["programs"]
    w.figures.update(
        programs=n,
        program_tasks=prog_fig["tasks"],
        program_tasks_done=prog_fig["tasks_done"],
        program_tasks_overdue=prog_fig["tasks_overdue"],
        program_progress_pct=prog_fig["progress_pct"],
    )
    if not n:
        w.paragraph(w.say("annual.programs", "none", year=year, body=body))
        return
    w.paragraph(
        w.say(
            "annual.programs",
            "",
            year=year,
            body=body,
            programs=wording.number(n),
            tasks=wording.number(prog_fig["tasks"]),
            done=wording.number(prog_fig["tasks_done"]),
            progress=wording.pct(prog_fig["progress_pct"] or 0),
        ),
        w.say(
            "annual.programs_overdue",
            case_of(prog_fig["tasks_overdue"]),
            overdue=wording.number(prog_fig["tasks_overdue"]),
        )
        if prog_fig["tasks"]
        else "",
    )


def _recognition(w: _Writer, body: str, rev_fig: dict, extra: dict, year: int) -> None:
    decided = rev_fig["organisations_decided"]
    tsvm = rev_fig["tsvm_or_exemplary"]
    cells5 = rev_fig["exemplary_5_years_running_cells"]
    members5 = rev_fig["excellent_5_years_running_members"]
    w.figures.update(
        organisations_decided=decided,
        tsvm_or_exemplary=tsvm,
        exemplary=rev_fig["exemplary"],
        exemplary_5_years_cells=cells5,
        excellent_5_years_members=members5,
        streak_years=[year - STREAK_YEARS + 1, year],
    )
    if not decided and not cells5 and not members5:
        return
    run = dict(run=wording.number(STREAK_YEARS), years=wording.years(year - STREAK_YEARS + 1, year))
    w.paragraph(
        w.say(
            "annual.tsvm",
            case_of(tsvm, decided),
            year=year,
            count=wording.number(tsvm),
            exemplary=wording.number(rev_fig["exemplary"]),
            body=body,
            decided=wording.number(decided),
            share=wording.share(tsvm, decided),
        )
        if decided
        else "",
        w.say("annual.streak_cells", case_of(cells5), count=wording.number(cells5), **run),
        w.say("annual.streak_members", case_of(members5), count=wording.number(members5), **run),
    )
    levels = extra["levels"]
    if levels:
        w.add(
            Table(
                columns=(
                    Column("Mức xếp loại", 95),
                    Column("Số tổ chức", 30, "right", "int"),
                    Column("Tỷ lệ", 30, "right", "pct"),
                ),
                rows=tuple(
                    (level, n, round(100.0 * n / decided, 1) if decided else 0)
                    for level, _rank, n in levels
                ),
                caption=f"Kết quả đánh giá, xếp loại tổ chức đảng năm {year}",
                totals=("Tổng cộng", decided, 100.0),
            )
        )


def _self_criticism(w: _Writer, body: str, extra: dict, year: int) -> None:
    groups = extra["remedy_groups"]
    shortcomings = sum(g.n_short for g in groups)
    remedies = sum(g.n_rem for g in groups)
    done = sum(g.n_done for g in groups)
    w.figures.update(
        remedy_groups=len(groups),
        shortcomings=shortcomings,
        remedies=remedies,
        remedies_done=done,
    )
    if not groups:
        w.paragraph(w.say("annual.self_criticism", "none", year=year, body=body))
        return
    w.paragraph(
        w.say(
            "annual.self_criticism",
            "",
            year=year,
            body=body,
            shortcomings=wording.number(shortcomings),
            groups=wording.number(len(groups)),
            remedies=wording.number(remedies),
        ),
        w.say("annual.remedies_done", case_of(done, remedies), done=wording.number(done)),
    )
    w.add(Bullets(tuple(f"{g.title}." for g in groups)))


def _indicators(
    w: _Writer,
    ind: dict,
    ind_day: dict,
    area: str,
    year: int,
    end: date,
    day: date,
    org_name: str,
) -> None:
    f = w.figures
    growth = ind.get("production_value_growth_pct")
    f["growth_pct"] = growth
    sentences = []
    if growth is not None:
        sentences.append(
            w.say(
                "annual.growth",
                "none" if growth <= 0 else "",
                year=year,
                previous=year - 1,
                growth=wording.over_pct(growth),
            )
        )
    reform = ind.get("admin_reform") or {}
    units, met = reform.get("units") or 0, reform.get("met")
    f["admin_reform_units"], f["admin_reform_met"] = units, met
    if units and met is not None:
        sentences.append(
            w.say(
                "annual.admin_reform",
                ("one" if met else "none") if units == 1 else case_of(met, units),
                met=wording.number(met),
                units=wording.number(units),
                share=wording.share(met, units),
                noun="xã, thị trấn",
            )
        )
    ntm = ind.get("ntm") or {}
    communes = ntm.get("communes") or 0
    f["ntm_communes"], f["ntm_met"] = communes, ntm.get("met") or 0
    if communes == 1:
        sentences.append(w.say("annual.ntm_own", case_of(ntm.get("met") or 0), org=org_name))
    if communes > 1:
        met = ntm.get("met") or 0
        sentences.append(
            w.say(
                "annual.ntm",
                case_of(met, communes),
                day=_day(end),
                area=area,
                fraction=wording.fraction(met, communes, "xã"),
            )
        )
        later = (ind_day.get("ntm") or {}).get("met") or 0
        f["ntm_met_on_day"] = later
        if day > end and later != met:
            sentences.append(
                w.say(
                    "annual.ntm_since",
                    "",
                    day=_day(day),
                    fraction=wording.fraction(
                        later, (ind_day.get("ntm") or {}).get("communes") or communes, "xã"
                    ),
                )
            )
    w.paragraph(*sentences)


kinds.register(
    Kind(
        key=KIND,
        label="Báo cáo năm",
        build=build,
        description="Kết quả lãnh đạo, chỉ đạo công tác xây dựng Đảng của năm, viết từ số liệu.",
    )
)
