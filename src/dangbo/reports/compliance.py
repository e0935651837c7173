"""Meeting compliance ("sinh-hoat"): the cells' regular monthly and thematic quarterly
meetings in the year (up to a quarter's end when one is given), those that missed, the
attendance rate and the members absent without reason three months or more.

The counts are the compliance page's (``meetings.queries.compliance``); the table by month
and by quarter (how many cells were due and how many held their meeting) is read here, in
two grouped queries whatever the number of cells."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter

from dangbo.core.dates import fmt, today
from dangbo.core.errors import invalid
from dangbo.core.office import Column, Heading, Paragraph, Table
from dangbo.meetings import rules
from dangbo.meetings.choices import MeetingKind
from dangbo.meetings.models import Meeting
from dangbo.meetings.queries import LISTED, cells_in, compliance
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.models import Organisation

from . import periods as p
from .kinds import QUARTER_NAMES, Built, Kind, Period, Progress, no_progress, register

KEY = "sinh-hoat"


def check_period(period: Period) -> None:
    if period.quarter is not None and period.quarter not in QUARTER_NAMES:
        raise invalid("quy", f"Quý “{period.quarter}”: không hợp lệ (quý từ 1 đến 4).")
    if date(period.year, 1, 1) > today():
        raise invalid("nam", f"Năm {period.year} chưa bắt đầu: chưa có số liệu để báo cáo.")


def months_label(months: list[int]) -> str:
    """ "tháng 1–12", "tháng 3", "tháng 1, 3 và 5"."""
    if not months:
        return ""
    if len(months) == 1:
        return f"tháng {months[0]}"
    if months == list(range(months[0], months[-1] + 1)):
        return f"tháng {months[0]}–{months[-1]}"
    return "tháng " + p.listing([str(m) for m in months])


def quarters_label(quarters: list[int]) -> str:
    """ "I–IV", "II", "I và III"."""
    names = [QUARTER_NAMES[q] for q in quarters]
    if len(names) > 2 and quarters == list(range(quarters[0], quarters[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return p.listing(names)


def build(
    org: Organisation, period: Period, *, viewer: Any, progress: Progress = no_progress
) -> Built:
    check_period(period)
    p.check_viewer(org, viewer)
    year = period.year
    as_of = p.as_of_for(period.end)
    progress(0, 3, "Sinh hoạt chi bộ")
    result = compliance(org, as_of)
    cells = cells_in(org, as_of)
    since = dict(cells.values_list("pk", "valid_from"))
    start = date(year, 1, 1)

    # Which cell held its regular meeting in which month, its thematic one in which quarter.
    held_months: dict[int, set[int]] = defaultdict(set)
    held_quarters: dict[int, set[int]] = defaultdict(set)
    meetings = Meeting.objects.filter(org__in=cells, date__gte=start, date__lte=as_of)
    for org_id, month in (
        meetings.filter(kind=MeetingKind.REGULAR)
        .annotate(m=ExtractMonth("date"))
        .values_list("org_id", "m")
        .distinct()
        .order_by()
    ):
        held_months[month].add(org_id)
    for org_id, quarter in (
        meetings.filter(kind=MeetingKind.THEMATIC)
        .annotate(q=ExtractQuarter("date"))
        .values_list("org_id", "q")
        .distinct()
        .order_by()
    ):
        held_quarters[quarter].add(org_id)
    attendance_by_month = {
        m: (present, expected)
        for m, present, expected in meetings.annotate(m=ExtractMonth("date"))
        .values_list("m")
        .annotate(
            present=Coalesce(Sum("present"), 0),
            expected=Coalesce(Sum("summoned"), 0) - Coalesce(Sum("not_expected"), 0),
        )
        .values_list("m", "present", "expected")
        .order_by()
    }
    progress(1, 3, "Theo tháng, quý")

    by_month: list[dict[str, Any]] = []
    for month in result.months_due:
        due = {pk for pk, s in since.items() if s <= rules.month_end(year, month)}
        held = len(due & held_months[month])
        present, expected = attendance_by_month.get(month, (0, 0))
        by_month.append(
            {
                "month": month,
                "due": len(due),
                "held": held,
                "share": p.pct_value(held, len(due)),
                "attendance_rate": rules.attendance_rate(present, expected),
            }
        )
    by_quarter: list[dict[str, Any]] = []
    for quarter in result.quarters_due:
        end = rules.quarter_bounds(year, quarter)[1]
        due = {pk for pk, s in since.items() if s <= end}
        held = len(due & held_quarters[quarter])
        by_quarter.append(
            {
                "quarter": quarter,
                "due": len(due),
                "held": held,
                "share": p.pct_value(held, len(due)),
            }
        )
    att = result.attendance
    figures: dict[str, Any] = {
        "year": year,
        "quarter": period.quarter,
        "as_of": as_of.isoformat(),
        "cells": result.cells,
        "months_due": result.months_due,
        "quarters_due": result.quarters_due,
        "regular_meetings": result.regular_meetings,
        "thematic_meetings": result.thematic_meetings,
        "cells_missing_regular": result.missing_regular_total,
        "cells_missing_thematic": result.missing_thematic_total,
        "attendance_present": att.get("present", 0),
        "attendance_expected": att.get("expected", 0),
        "attendance_rate": att.get("rate"),
        "members_flagged_unexcused": result.flagged_total,
        "by_month": by_month,
        "by_quarter": by_quarter,
    }
    label = period.label
    say = p.Sayer()
    text = _text(say, org, figures, label, as_of, result)
    progress(2, 3, "Văn bản")

    month_columns = (
        Column("Tháng", 18, "center", "int"),
        Column("Chi bộ phải sinh hoạt", 32, "right", "int"),
        Column("Chi bộ đã sinh hoạt", 32, "right", "int"),
        Column("Tỷ lệ chi bộ", 26, "right", "pct"),
        Column("Tỷ lệ đảng viên dự", 30, "right", "pct"),
    )
    month_rows = tuple(
        (r["month"], r["due"], r["held"], r["share"], r["attendance_rate"]) for r in by_month
    )
    quarter_columns = (
        Column("Quý", 18, "center"),
        Column("Chi bộ phải sinh hoạt chuyên đề", 45, "right", "int"),
        Column("Chi bộ đã sinh hoạt chuyên đề", 45, "right", "int"),
        Column("Tỷ lệ", 26, "right", "pct"),
    )
    quarter_rows = tuple(
        (QUARTER_NAMES[r["quarter"]], r["due"], r["held"], r["share"]) for r in by_quarter
    )
    missing = _missing_rows(result)
    missing_columns = (
        Column("Chi bộ", 80),
        Column("Tháng chưa sinh hoạt thường kỳ", 45),
        Column("Quý chưa sinh hoạt chuyên đề", 35),
    )
    more = max(result.missing_regular_total, result.missing_thematic_total) - len(missing)
    notes = (
        (f"Danh sách liệt kê {p.n(len(missing))} chi bộ đầu tiên; còn {p.n(more)} chi bộ khác.",)
        if more > 0
        else ()
    )
    single = org.kind in CELL_KINDS
    blocks: list[Any] = [Heading("I. KẾT QUẢ SINH HOẠT CHI BỘ"), Paragraph(text)]
    if month_rows and not single:
        blocks.append(
            Table(
                columns=month_columns,
                rows=month_rows,
                caption=f"Sinh hoạt thường kỳ theo tháng, {label}",
            )
        )
    if quarter_rows and not single:
        blocks.append(
            Table(
                columns=quarter_columns,
                rows=quarter_rows,
                caption=f"Sinh hoạt chuyên đề theo quý, {label}",
            )
        )
    if missing and not single:
        blocks += [
            Heading("II. CHI BỘ CHƯA SINH HOẠT ĐỦ THEO QUY ĐỊNH"),
            Table(columns=missing_columns, rows=missing),
            *(Paragraph(note, italic=True, indent=False) for note in notes),
        ]
    summary = f"Kết quả thực hiện chế độ sinh hoạt chi bộ {label}"
    document = p.report_document(org, as_of, year, summary, blocks, ("sinh hoạt chi bộ", "báo cáo"))
    make = p.sheet_maker(org, label, as_of, viewer)
    sheets = [
        make(
            title=f"SINH HOẠT THƯỜNG KỲ THEO THÁNG {label.upper()}",
            name="Theo tháng",
            columns=p.sheet_columns(month_columns),
            rows=month_rows,
        ),
        make(
            title=f"SINH HOẠT CHUYÊN ĐỀ THEO QUÝ {label.upper()}",
            name="Theo quý",
            columns=p.sheet_columns(quarter_columns),
            rows=quarter_rows,
        ),
        make(
            title="CHI BỘ CHƯA SINH HOẠT ĐỦ THEO QUY ĐỊNH",
            name="Chưa đủ",
            columns=p.sheet_columns(missing_columns),
            rows=missing,
            notes=notes,
        ),
    ]
    progress(3, 3, "Xong")
    return Built(KEY, org, period, document, sheets, figures)


def _missing_rows(result) -> tuple[tuple[str, str, str], ...]:
    """Cells short of regular or thematic meetings (the page's lists, LISTED each)."""
    rows: dict[int, list[str]] = {}
    for r in result.missing_regular:
        rows.setdefault(r["id"], [r["name"], "", ""])[1] = ", ".join(map(str, r["missing"]))
    for r in result.missing_thematic:
        rows.setdefault(r["id"], [r["name"], "", ""])[2] = ", ".join(
            QUARTER_NAMES[q] for q in r["missing"]
        )
    ordered = sorted(rows.values(), key=lambda r: r[0])
    return tuple((a, b, c) for a, b, c in ordered[: 2 * LISTED])


def _text(
    say: p.Sayer, org: Organisation, f: dict[str, Any], label: str, as_of: date, result
) -> str:
    cells = f["cells"]
    if not cells:
        return say("compliance.none", "", subject=org.name, period=label)
    if not f["months_due"]:
        return say("compliance.nothing_due", "", as_of=fmt(as_of))
    single = org.kind in CELL_KINDS and cells == 1
    cells_phrase = "chi bộ" if single else f"{p.n(cells)} chi bộ"
    meetings = say(
        "compliance.meetings",
        p.case_of(f["regular_meetings"] + f["thematic_meetings"]),
        as_of=fmt(as_of),
        cells_phrase=cells_phrase,
        held=p.listing(
            [
                f"{p.n(n)} buổi sinh hoạt {what}"
                for n, what in (
                    (f["regular_meetings"], "thường kỳ"),
                    (f["thematic_meetings"], "chuyên đề"),
                )
                if n
            ]
        ),
    )
    months = months_label(f["months_due"])
    quarters = quarters_label(f["quarters_due"])
    ok_regular = cells - f["cells_missing_regular"]
    ok_thematic = cells - f["cells_missing_thematic"]
    if single:
        gaps_m = result.missing_regular[0]["missing"] if result.missing_regular else []
        gaps_q = result.missing_thematic[0]["missing"] if result.missing_thematic else []
        regular = say(
            "compliance.regular_single",
            "none" if gaps_m else "all",
            months=months,
            missing=p.listing([str(m) for m in gaps_m]),
        )
        thematic = (
            say(
                "compliance.thematic_single",
                "none" if gaps_q else "all",
                quarters=quarters,
                missing=quarters_label(gaps_q),
            )
            if f["quarters_due"]
            else ""
        )
    else:
        regular = say(
            "compliance.regular",
            p.case_of(ok_regular, cells),
            ok=p.n(ok_regular),
            cells=p.n(cells),
            share=p.pct(ok_regular, cells),
            missing=p.n(f["cells_missing_regular"]),
            months=months,
        )
        thematic = (
            say(
                "compliance.thematic",
                p.case_of(ok_thematic, cells),
                ok=p.n(ok_thematic),
                cells=p.n(cells),
                share=p.pct(ok_thematic, cells),
                missing=p.n(f["cells_missing_thematic"]),
                quarters=quarters,
            )
            if f["quarters_due"]
            else ""
        )
    worst = ""
    short = [r for r in f["by_month"] if r["due"] and r["held"] < r["due"]]
    if short and not single and len(f["by_month"]) > 1:
        low = min(short, key=lambda r: (r["held"] / r["due"], r["month"]))
        lowest = [r["month"] for r in short if r["held"] * low["due"] == low["held"] * r["due"]]
        worst = say(
            "compliance.worst_month",
            p.case_of(len(lowest)),
            months=p.listing([str(m) for m in lowest]),
            held=p.n(low["held"]),
            due=p.n(low["due"]),
            share=p.pct(low["held"], low["due"]),
        )
    attendance = ""
    if f["attendance_expected"] > 0:
        attendance = say(
            "compliance.attendance",
            "some",
            rate=p.pct(f["attendance_present"], f["attendance_expected"]),
            present=p.n(f["attendance_present"]),
            expected=p.n(f["attendance_expected"]),
        )
    flagged = say(
        "compliance.flagged",
        p.case_of(f["members_flagged_unexcused"]),
        n=p.n(f["members_flagged_unexcused"]),
    )
    return p.paragraph_of(meetings, regular, thematic, worst, attendance, flagged)


register(
    Kind(
        key=KEY,
        label="Báo cáo thực hiện chế độ sinh hoạt chi bộ",
        build=build,
        description=(
            "Chi bộ sinh hoạt thường kỳ hằng tháng, chuyên đề hằng quý; chi bộ chưa sinh hoạt "
            "đủ; tỷ lệ đảng viên dự; đảng viên vắng không lý do từ 3 tháng trở lên."
        ),
    )
)
