"""The quarter's report ("quy"): visits of committee members and working groups to the cells'
meetings, and the opinions heard — by topic, by who raised them, answered or overdue.

The counts are those of the opinions' quarter page (``oversight.queries.heard_in_quarter``)
and of ``dangbo stats`` (the opinions overdue on the quarter's last day); what neither has
(visits by the organisations directly below, opinions by who raised them, the overdue list
as it stood that day) is read here, from the same querysets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from dangbo.core.dates import fmt, today
from dangbo.core.errors import invalid
from dangbo.core.office import Column, Heading, Paragraph, Table
from dangbo.meetings.queries import cells_in
from dangbo.meetings.rules import quarter_bounds
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import active_q
from dangbo.oversight.choices import HANDLING_STATES, OpinionSource, OpinionState
from dangbo.oversight.models import Opinion, OpinionStep, Visit, VisitAttendee
from dangbo.oversight.queries import heard_in_quarter, opinions_in, states_on

from . import periods as p
from .kinds import QUARTER_NAMES, Built, Kind, Period, Progress, no_progress, register

KEY = "quy"
ANSWERED = (OpinionState.ANSWERED, OpinionState.CLOSED)
TOP_TOPICS = 3


@dataclass(frozen=True)
class ChildRow:
    """Visits to the cells under one organisation directly below the report's."""

    code: str
    name: str
    cells: int
    visited: int
    visits: int

    @property
    def share(self) -> float | None:
        return p.pct_value(self.visited, self.cells)


@dataclass(frozen=True)
class OverdueRow:
    received_on: date
    grassroots: str
    topic: str
    source: str
    assigned_to: str
    deadline: date
    days_late: int


def check_period(period: Period) -> None:
    if period.quarter is None or period.quarter not in QUARTER_NAMES:
        raise invalid("quy", f"Quý “{period.quarter}”: không hợp lệ (quý từ 1 đến 4).")
    start, _end = quarter_bounds(period.year, period.quarter)
    if start > today():
        raise invalid(
            "quy",
            f"Quý {QUARTER_NAMES[period.quarter]} năm {period.year} chưa bắt đầu: "
            "chưa có số liệu để báo cáo.",
        )


def build(
    org: Organisation, period: Period, *, viewer: Any, progress: Progress = no_progress
) -> Built:
    check_period(period)
    p.check_viewer(org, viewer)
    assert period.quarter is not None
    year, quarter = period.year, period.quarter
    start, end = quarter_bounds(year, quarter)
    as_of = p.as_of_for(end)
    progress(0, 3, "Dự sinh hoạt")

    # ---- visits: as the quarter page counts them (visits whose path is in the subtree)
    heard = heard_in_quarter(org, year, quarter)
    visits = Visit.objects.filter(
        Q(path__gte=org.path, path__lt=org.subtree_upper), date__gte=start, date__lte=end
    )
    visit_rows = list(visits.values_list("org_id", "path", "group_id", "without_mandate"))
    by_groups = sum(1 for _o, _p, g, _w in visit_rows if g is not None)
    without_mandate = sum(1 for *_x, w in visit_rows if w)
    overseers = VisitAttendee.objects.filter(visit__in=visits).values("member_id").distinct()
    overseers_n = overseers.count()
    cells = list(cells_in(org, as_of).values_list("pk", "path"))
    children = list(
        Organisation.objects.filter(active_q(as_of), parent=org)
        .order_by("path")
        .values_list("code", "name", "path", "kind")
    )
    child_rows = _by_child(children, cells, visit_rows)
    words = p.words_for(org, {kind for *_x, kind in children})
    progress(1, 3, "Ý kiến")

    # ---- opinions heard in the quarter, as on the quarter page
    heard_qs = opinions_in(org, end).filter(received_on__gte=start, received_on__lte=end)
    by_source = Counter(dict(heard_qs.values_list("source").annotate(n=Count("id")).order_by()))
    states = states_on(heard_qs, as_of)
    answered = sum(states.get(s, 0) for s in ANSWERED)
    by_topic = sorted(
        zip(heard.topics, heard.topic_totals, strict=True), key=lambda t: (-t[1], t[0])
    )
    overdue = overdue_on(org, as_of)
    progress(2, 3, "Văn bản")

    figures: dict[str, Any] = {
        "year": year,
        "quarter": quarter,
        "as_of": as_of.isoformat(),
        "cells": len(cells),
        "cells_visited": heard.cells_visited,
        "visits": heard.visits,
        "visits_by_groups": by_groups,
        "visits_by_members": heard.visits - by_groups,
        "visits_without_mandate": without_mandate,
        "overseers": overseers_n,
        "opinions_total": heard.total,
        "opinions_by_topic": dict(by_topic),
        "opinions_by_source": {s: by_source.get(s, 0) for s in OpinionSource.values},
        "opinions_answered": answered,
        "opinions_open": heard.total - answered,
        "opinions_overdue": len(overdue),
        "by_child": [
            {
                "code": r.code,
                "name": r.name,
                "cells": r.cells,
                "visited": r.visited,
                "visits": r.visits,
            }
            for r in child_rows
        ],
    }
    label = period.label
    say = p.Sayer()
    text_visits = _visits_text(say, figures, label, words)
    text_opinions = _opinions_text(say, figures, label, as_of)
    summary = f"Kết quả dự sinh hoạt chi bộ và tiếp nhận ý kiến {label}"
    if words.children == "chi bộ":  # a commune's cells: one cell a row, its visits
        child_columns: tuple[Column, ...] = (
            Column("Chi bộ", 110),
            Column("Số buổi dự", 30, "right", "int"),
        )
        child_table: tuple[tuple[Any, ...], ...] = tuple((r.name, r.visits) for r in child_rows)
        totals: tuple[Any, ...] = ("Tổng cộng", heard.visits)
    else:
        child_columns = (
            Column(words.children[:1].upper() + words.children[1:], 70),
            Column("Số chi bộ", 22, "right", "int"),
            Column("Chi bộ được dự", 24, "right", "int"),
            Column("Tỷ lệ", 18, "right", "pct"),
            Column("Số buổi dự", 22, "right", "int"),
        )
        child_table = tuple((r.name, r.cells, r.visited, r.share, r.visits) for r in child_rows)
        totals = (
            "Tổng cộng",
            len(cells),
            heard.cells_visited,
            p.pct_value(heard.cells_visited, len(cells)),
            heard.visits,
        )
    topic_rows = tuple((t, c, p.pct_value(c, heard.total)) for t, c in by_topic)
    topic_columns = (
        Column("Lĩnh vực", 90),
        Column("Số ý kiến", 30, "right", "int"),
        Column("Tỷ lệ", 25, "right", "pct"),
    )
    blocks: list[Any] = [
        Heading("I. DỰ SINH HOẠT CHI BỘ"),
        Paragraph(text_visits),
    ]
    if len(child_rows) > 1:
        blocks.append(
            Table(
                columns=child_columns,
                rows=child_table,
                caption=f"Dự sinh hoạt chi bộ {label}, theo {words.children}",
                totals=totals,
            )
        )
    blocks += [Heading("II. TIẾP NHẬN Ý KIẾN, KIẾN NGHỊ"), Paragraph(text_opinions)]
    if topic_rows:
        blocks.append(
            Table(
                columns=topic_columns,
                rows=topic_rows,
                caption=f"Ý kiến tiếp nhận {label}, theo lĩnh vực",
                totals=("Tổng cộng", heard.total, 100 if heard.total else None),
            )
        )
    overdue_columns = (
        Column("Ngày tiếp nhận", 24, "center", "date"),
        Column("Tổ chức cơ sở", 38),
        Column("Lĩnh vực", 30),
        Column("Người nêu", 20),
        Column("Giao xử lý", 38),
        Column("Hạn xử lý", 22, "center", "date"),
        Column("Số ngày quá hạn", 20, "right", "int"),
    )
    overdue_table = tuple(
        (r.received_on, r.grassroots, r.topic, r.source, r.assigned_to, r.deadline, r.days_late)
        for r in overdue
    )
    if overdue:
        blocks += [
            Heading("III. Ý KIẾN QUÁ HẠN XỬ LÝ"),
            Table(
                columns=overdue_columns,
                rows=overdue_table,
                caption=f"Ý kiến đang xử lý quá hạn, tính đến ngày {fmt(as_of)}",
            ),
        ]
    document = p.report_document(
        org, as_of, year, summary, blocks, ("báo cáo quý", "dự sinh hoạt", "ý kiến")
    )
    make = p.sheet_maker(org, label, as_of, viewer)
    commune_columns = (
        Column("Tổ chức cơ sở", 60),
        *(Column(topic, 20, "right", "int") for topic in heard.topics),
        Column("Cộng", 20, "right", "int"),
    )
    sheets = [
        make(
            title=f"DỰ SINH HOẠT CHI BỘ {label.upper()}",
            name="Dự sinh hoạt",
            columns=p.sheet_columns(child_columns),
            rows=child_table,
            totals=totals,
        ),
        make(
            title=f"Ý KIẾN TIẾP NHẬN {label.upper()} THEO LĨNH VỰC",
            name="Theo lĩnh vực",
            columns=p.sheet_columns(topic_columns),
            rows=topic_rows,
            totals=("Tổng cộng", heard.total, 100 if heard.total else None),
        ),
        make(
            title=f"Ý KIẾN TIẾP NHẬN {label.upper()} THEO TỔ CHỨC CƠ SỞ VÀ LĨNH VỰC",
            name="Theo tổ chức cơ sở",
            columns=p.sheet_columns(commune_columns),
            rows=[(c, *counts, total) for c, counts, total in heard.rows],
            totals=("Tổng cộng", *heard.topic_totals, heard.total),
            landscape=len(heard.topics) > 6,
        ),
        make(
            title="Ý KIẾN ĐANG XỬ LÝ QUÁ HẠN",
            name="Quá hạn",
            columns=p.sheet_columns(overdue_columns),
            rows=overdue_table,
            landscape=True,
        ),
    ]
    progress(3, 3, "Xong")
    return Built(KEY, org, period, document, sheets, figures)


def _by_child(
    children: list[tuple], cells: list[tuple[int, str]], visits: list[tuple]
) -> list[ChildRow]:
    """Cells, cells visited and visits under each organisation directly below, matched by
    the materialised path (a visit keeps the path of the cell it went to)."""
    rows = []
    for code, name, path, _kind in children:
        upper = path[:-1] + "/"
        inside = [pk for pk, cp in cells if path <= cp < upper]
        went = [(o, vp) for o, vp, _g, _w in visits if path <= vp < upper]
        rows.append(ChildRow(code, name, len(inside), len({o for o, _vp in went}), len(went)))
    return rows


def overdue_on(org: Organisation, as_of: date) -> list[OverdueRow]:
    """Opinions of the subtree being handled on ``as_of`` past the deadline then in force
    (the history, not today's columns), oldest deadline first — the rows behind ``dangbo
    stats``' ``opinions_overdue``."""
    candidates = opinions_in(org, as_of).filter(received_on__lte=as_of)
    state: dict[int, tuple[str, date | None]] = {}
    for opinion_id, to_state, deadline in (
        OpinionStep.objects.filter(opinion__in=candidates, on__lte=as_of)
        .order_by("opinion_id", "on", "id")
        .values_list("opinion_id", "to_state", "deadline")
    ):
        prev = state.get(opinion_id, ("", None))
        state[opinion_id] = (to_state, deadline or prev[1])
    late = {
        pk: deadline
        for pk, (to_state, deadline) in state.items()
        if to_state in HANDLING_STATES and deadline is not None and deadline < as_of
    }
    sources = dict(OpinionSource.choices)
    rows = [
        OverdueRow(
            received_on=o.received_on,
            grassroots=o.grassroots.name if o.grassroots else "",
            topic=o.topic.name,
            source=str(sources.get(o.source, o.source)),
            assigned_to=o.assigned_to.name if o.assigned_to else "",
            deadline=late[o.pk],
            days_late=(as_of - late[o.pk]).days,
        )
        for o in Opinion.objects.filter(pk__in=list(late)).select_related(
            "topic", "grassroots", "assigned_to"
        )
    ]
    rows.sort(key=lambda r: (r.deadline, r.received_on, r.grassroots))
    return rows


# ------------------------------------------------------------------ prose


def _visits_text(say: p.Sayer, f: dict[str, Any], label: str, words: p.Words) -> str:
    visits, cells, visited = f["visits"], f["cells"], f["cells_visited"]
    first = say(
        "quarter.visits",
        p.case_of(visits),
        period=label,
        visits=p.n(visits),
        overseers=p.n(f["overseers"]),
    )
    coverage = ""
    if visits and cells > 1:
        coverage = say(
            "quarter.coverage",
            p.case_of(visited, cells),
            visited=p.n(visited),
            cells=p.n(cells),
            share=p.pct(visited, cells),
            left=p.n(max(cells - visited, 0)),
        )
    groups = ""
    if visits:
        groups = say(
            "quarter.by_groups",
            p.case_of(f["visits_by_groups"], visits),
            by_groups=p.n(f["visits_by_groups"]),
            by_members=p.n(f["visits_by_members"]),
        )
    outside = say(
        "quarter.without_mandate",
        p.case_of(f["visits_without_mandate"]),
        n=p.n(f["visits_without_mandate"]),
    )
    unvisited = [r for r in f["by_child"] if r["cells"] and not r["visited"]]
    behind = ""
    if visits and unvisited and len(f["by_child"]) > 1 and words.children != "chi bộ":
        behind = say(
            "quarter.children_unvisited",
            p.case_of(len(unvisited), len(f["by_child"])),
            n=p.n(len(unvisited)),
            children=words.children,
            names=p.listing([r["name"] for r in unvisited[:5]]),
            more="" if len(unvisited) <= 5 else f" và {p.n(len(unvisited) - 5)} nơi khác",
        )
    return p.paragraph_of(first, groups, coverage, outside, behind)


SOURCE_WORDS = {
    OpinionSource.CADRE: "cán bộ",
    OpinionSource.MEMBER: "đảng viên",
    OpinionSource.CITIZEN: "nhân dân",
}


def _opinions_text(say: p.Sayer, f: dict[str, Any], label: str, as_of: date) -> str:
    total = f["opinions_total"]
    first = say("quarter.opinions", p.case_of(total), period=label, total=p.n(total))
    sources = ""
    topics = ""
    answered = ""
    if total:
        present = [(s, c) for s, c in f["opinions_by_source"].items() if c]
        if len(present) == 1:
            sources = say("quarter.sources", "all", who=SOURCE_WORDS[present[0][0]])
        elif present:
            parts = [f"{p.n(c)} ý kiến của {SOURCE_WORDS[s]}" for s, c in present]
            sources = say("quarter.sources", "some", parts=p.listing(parts))
        top = list(f["opinions_by_topic"].items())[:TOP_TOPICS]
        topics = say(
            "quarter.topics",
            p.case_of(len(f["opinions_by_topic"])),
            topics="; ".join(f"{t.lower()} ({p.n(c)})" for t, c in top),  # names hold commas
            topic=top[0][0].lower() if top else "",
        )
        answered = say(
            "quarter.answered",
            p.case_of(f["opinions_answered"], total),
            as_of=fmt(as_of),
            answered=p.n(f["opinions_answered"]),
            total=p.n(total),
            share=p.pct(f["opinions_answered"], total),
            open=p.n(f["opinions_open"]),
        )
    overdue = say(
        "quarter.overdue",
        p.case_of(f["opinions_overdue"]),
        n=p.n(f["opinions_overdue"]),
        as_of=fmt(as_of),
    )
    return p.paragraph_of(first, sources, topics, answered, overdue)


register(
    Kind(
        key=KEY,
        label="Báo cáo quý: dự sinh hoạt chi bộ, tiếp nhận ý kiến",
        build=build,
        quarterly=True,
        description=(
            "Cấp ủy viên, tổ công tác dự sinh hoạt chi bộ trong quý; ý kiến, kiến nghị tiếp nhận "
            "theo lĩnh vực, người nêu; đã trả lời, quá hạn."
        ),
    )
)
