"""The year's review results ("danh-gia"): organisations and members by level with their
share of those reviewed, compared with the years before (a table of the last five), and
the "n years running" counts.

The figures of ``dangbo stats`` (``reviews.queries.reviews_stats``: recognised by the
organisation's own committee, streaks) are taken as they are; the levels come from the
decided annual results of the subtree, under whatever scheme the year used (TSVM levels
until 2017, four levels after)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.core.office import Column, Heading, Paragraph, Table
from dangbo.orgs.choices import GRASSROOTS_KINDS, UPPER_KINDS, OrgKind
from dangbo.orgs.models import Organisation
from dangbo.reviews.choices import EvaluationState, PeriodKind, SubjectKind
from dangbo.reviews.models import Evaluation, SchemeLevel
from dangbo.reviews.queries import level_counts, reviews_stats, subject_q

from . import periods as p
from . import wording
from .kinds import Built, Kind, Period, Progress, no_progress, register

KEY = "danh-gia"
HISTORY_YEARS = 5
STREAK_YEARS = 5  # "n năm liền" as dangbo stats counts it
HISTORY_GROUPS = (("", 1), ("Tổ chức đảng", 4), ("Đảng viên", 4))

# Organisations reviewed, by their tier (a district counts its grassroots organisations and
# the cells under them apart; a province also its districts).
TIERS = (
    ("upper", "Đảng bộ cấp trên cơ sở", set(UPPER_KINDS)),
    ("grassroots", "Tổ chức cơ sở đảng", set(GRASSROOTS_KINDS)),
    (
        "below",
        "Đảng bộ bộ phận, chi bộ trực thuộc",
        {OrgKind.BRANCH_COMMITTEE, OrgKind.SUB_CELL, OrgKind.PARTY_GROUP},
    ),
)


def tier_of(kind: str) -> str:
    return next((key for key, _label, kinds in TIERS if kind in kinds), "below")


def check_period(period: Period) -> None:
    if period.quarter is not None:
        raise invalid("quy", "Kết quả đánh giá, xếp loại là của cả năm: không chọn quý.")
    if date(period.year, 1, 1) > today():
        raise invalid("nam", f"Năm {period.year} chưa bắt đầu: chưa có kết quả để báo cáo.")


def decided_in(org: Organisation, first: int, last: int, as_of: date) -> QuerySet[Evaluation]:
    """Decided annual results of ``org``'s subtree for the years ``first``–``last``, as
    decided by ``as_of`` (the last year's decisions up to that day, as ``dangbo stats``)."""
    return Evaluation.objects.filter(
        org.subtree_q("org__"),
        state=EvaluationState.DECIDED,
        cycle__kind=PeriodKind.YEAR,
        cycle__year__gte=first,
        cycle__year__lte=last,
    ).filter(Q(cycle__year__lt=last) | Q(decided_on__lte=as_of))


def build(
    org: Organisation, period: Period, *, viewer: Any, progress: Progress = no_progress
) -> Built:
    check_period(period)
    p.check_viewer(org, viewer)
    year = period.year
    as_of = p.as_of_for(date(year, 12, 31))
    progress(0, 3, "Kết quả xếp loại")
    this_year = decided_in(org, year, year, as_of)
    orgs_qs = this_year.filter(subject_q(SubjectKind.ORG)).exclude(subject_org=org)
    members_qs = this_year.filter(subject_q(SubjectKind.MEMBER))
    own = (
        this_year.filter(subject_org=org)
        .values_list("final_level__name", flat=True)
        .order_by("-decided_on")
        .first()
    )

    # Organisations by tier and level (best first), members by level.
    org_cells: dict[str, dict[str, int]] = defaultdict(dict)
    org_levels: dict[str, tuple[int, int, str]] = {}  # code → (rank, common, name)
    for kind, code, name, rank, common, n in (
        orgs_qs.values_list(
            "subject_org__kind",
            "final_level__code",
            "final_level__name",
            "final_level__rank",
            "final_level__common_rank",
        )
        .annotate(n=Count("id"))
        .order_by()
    ):
        tier = tier_of(kind)
        org_cells[tier][code] = org_cells[tier].get(code, 0) + n
        org_levels[code] = (rank, common, name)
    level_order = sorted(org_levels, key=lambda c: org_levels[c][:2])
    tiers = [(key, label) for key, label, _kinds in TIERS if org_cells.get(key)]
    orgs_total = sum(sum(v.values()) for v in org_cells.values())
    orgs_by_level = {
        org_levels[c][2]: sum(org_cells[t].get(c, 0) for t, _l in tiers) for c in level_order
    }
    members = level_counts(members_qs)
    members_total = sum(m.count for m in members)
    progress(1, 3, "Các năm trước")

    first = year - HISTORY_YEARS + 1
    history = _history(decided_in(org, first, year, as_of).exclude(subject_org=org), first, year)
    stats = reviews_stats(org, as_of)
    level_names = _level_names(this_year)

    figures: dict[str, Any] = {
        "year": year,
        "as_of": as_of.isoformat(),
        "own_level": own,
        "organisations_reviewed": orgs_total,
        "organisations_by_level": orgs_by_level,
        "organisations_by_tier": {
            t: {org_levels[c][2]: org_cells[t].get(c, 0) for c in level_order} for t, _l in tiers
        },
        "members_reviewed": members_total,
        "members_by_level": {m.name: m.count for m in members},
        "recognised_by_committee": stats["tsvm_or_exemplary"],
        "recognised_exemplary": stats["exemplary"],
        "exemplary_5_years_running_cells": stats["exemplary_5_years_running_cells"],
        "excellent_5_years_running_members": stats["excellent_5_years_running_members"],
        "history": history,
    }
    say = p.Sayer()
    text_orgs, text_members, text_honours = _texts(say, org, figures, level_names, period)
    progress(2, 3, "Văn bản")

    label = period.label
    org_columns = (
        Column("Mức xếp loại", 60),
        *(
            c
            for _t, tier_label in tiers
            for c in (
                Column(f"{tier_label}: số", 24, "right", "int"),
                Column("Tỷ lệ", 18, "right", "pct"),
            )
        ),
    )
    tier_totals = {t: sum(org_cells[t].values()) for t, _l in tiers}
    org_rows = tuple(
        (
            org_levels[c][2],
            *(
                v
                for t, _l in tiers
                for v in (
                    org_cells[t].get(c, 0),
                    p.pct_value(org_cells[t].get(c, 0), tier_totals[t]),
                )
            ),
        )
        for c in level_order
    )
    org_totals = (
        "Tổng số được xếp loại",
        *(v for t, _l in tiers for v in (tier_totals[t], 100 if tier_totals[t] else None)),
    )
    member_columns = (
        Column("Mức xếp loại", 90),
        Column("Số đảng viên", 30, "right", "int"),
        Column("Tỷ lệ", 25, "right", "pct"),
    )
    member_rows = tuple((m.name, m.count, p.pct_value(m.count, members_total)) for m in members)
    member_totals = ("Tổng số được xếp loại", members_total, 100 if members_total else None)
    history_columns = (
        Column("Năm", 16, "center"),
        Column("Tổ chức được xếp loại", 26, "right", "int"),
        Column("Tiêu biểu, xuất sắc", 24, "right", "int"),
        Column("Từ mức tốt trở lên", 24, "right", "int"),
        Column("Tỷ lệ", 18, "right", "pct"),
        Column("Đảng viên được xếp loại", 26, "right", "int"),
        Column("Hoàn thành xuất sắc", 24, "right", "int"),
        Column("Từ mức tốt trở lên", 24, "right", "int"),
        Column("Tỷ lệ", 18, "right", "pct"),
    )
    history_rows = tuple(
        (
            str(h["year"]),
            h["orgs"],
            h["orgs_top"],
            h["orgs_good"],
            p.pct_value(h["orgs_good"], h["orgs"]),
            h["members"],
            h["members_top"],
            h["members_good"],
            p.pct_value(h["members_good"], h["members"]),
        )
        for h in history
    )
    blocks: list[Any] = [Heading("I. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI TỔ CHỨC ĐẢNG")]
    blocks.append(Paragraph(text_orgs))
    if org_rows:
        blocks.append(
            Table(
                columns=org_columns,
                rows=org_rows,
                numbered=False,
                caption=f"Xếp loại tổ chức đảng {label}",
                totals=org_totals,
            )
        )
    blocks += [Heading("II. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN"), Paragraph(text_members)]
    if member_rows:
        blocks.append(
            Table(
                columns=member_columns,
                rows=member_rows,
                numbered=False,
                caption=f"Xếp loại đảng viên {label}",
                totals=member_totals,
            )
        )
    blocks.append(Heading("III. SO SÁNH VỚI CÁC NĂM TRƯỚC VÀ KHEN THƯỞNG NHIỀU NĂM LIỀN"))
    if text_honours:
        blocks.append(Paragraph(text_honours))
    if any(h["orgs"] or h["members"] for h in history):
        blocks.append(
            Table(
                columns=history_columns,
                rows=history_rows,
                numbered=False,
                caption=f"Kết quả xếp loại các năm {first}–{year}",
                groups=HISTORY_GROUPS,
            )
        )
    summary = f"Kết quả đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên {label}"
    document = p.report_document(
        org, as_of, year, summary, blocks, ("đánh giá, xếp loại", "báo cáo")
    )
    make = p.sheet_maker(org, label, as_of, viewer)
    sheets = [
        make(
            title=f"XẾP LOẠI TỔ CHỨC ĐẢNG {label.upper()}",
            name="Tổ chức đảng",
            columns=p.sheet_columns(org_columns),
            rows=org_rows,
            numbered=False,
            totals=org_totals if org_rows else None,
        ),
        make(
            title=f"XẾP LOẠI ĐẢNG VIÊN {label.upper()}",
            name="Đảng viên",
            columns=p.sheet_columns(member_columns),
            rows=member_rows,
            numbered=False,
            totals=member_totals if member_rows else None,
        ),
        make(
            title=f"KẾT QUẢ XẾP LOẠI CÁC NĂM {first}–{year}",
            name="Các năm",
            columns=p.sheet_columns(history_columns),
            rows=history_rows,
            numbered=False,
            groups=HISTORY_GROUPS,
            landscape=True,
            notes=(
                "Tiêu biểu, xuất sắc: mức cao nhất của cách xếp loại năm đó; từ mức tốt trở "
                "lên: trong sạch, vững mạnh (đến 2017) hoặc hoàn thành tốt nhiệm vụ trở lên.",
            ),
        ),
    ]
    progress(3, 3, "Xong")
    return Built(KEY, org, period, document, sheets, figures)


def _history(qs: QuerySet[Evaluation], first: int, last: int) -> list[dict[str, int]]:
    """Per year: reviewed, at the top level (common rank 1), good or better (rank ≤ 2), for
    organisations and for members. One grouped query."""
    keys = ("orgs", "orgs_top", "orgs_good", "members", "members_top", "members_good")
    rows = {y: dict.fromkeys(keys, 0) for y in range(first, last + 1)}
    for subject, prefix in ((SubjectKind.ORG, "orgs"), (SubjectKind.MEMBER, "members")):
        for year, common, n in (
            qs.filter(subject_q(subject))
            .values_list("cycle__year", "final_common_rank")
            .annotate(n=Count("id"))
            .order_by()
        ):
            row = rows[year]
            row[prefix] += n
            if common == 1:
                row[f"{prefix}_top"] += n
            if common is not None and common <= 2:
                row[f"{prefix}_good"] += n
    return [{"year": y, **rows[y]} for y in range(first, last + 1)]


def _level_names(qs: QuerySet[Evaluation]) -> dict[str, str]:
    """The names of the top and the "good" level of the year's organisation scheme."""
    levels = SchemeLevel.objects.filter(
        scheme__in=qs.filter(subject_q(SubjectKind.ORG)).values("scheme")
    ).order_by("rank")
    names = {"top": "", "good": ""}
    for common, name in levels.values_list("common_rank", "name"):
        if common == 1 and not names["top"]:
            names["top"] = name
        if common == 2 and not names["good"]:
            names["good"] = name
    return {
        "top": names["top"] or "Trong sạch, vững mạnh tiêu biểu",
        "good": names["good"] or "Trong sạch, vững mạnh",
    }


def _levels_phrase(say: p.Sayer, key: str, levels: dict[str, int], total: int, noun: str) -> str:
    present = [(name, c) for name, c in levels.items() if c]
    if len(present) == 1 and present[0][1] == total:
        return say(key, "all", level=present[0][0], noun=noun)
    return p.listing(
        [
            say(key, "some", count=p.n(c), level=name, share=p.pct(c, total), noun=noun)
            for name, c in present
        ]
    )


def _texts(
    say: p.Sayer, org: Organisation, f: dict[str, Any], names: dict[str, str], period: Period
) -> tuple[str, str, str]:
    year = f["year"]
    if not f["organisations_reviewed"] and not f["members_reviewed"] and not f["own_level"]:
        none = say("review.none", "", period=period.label, subject=org.name)
        return none, none, ""
    own = say("review.own", "", subject=org.name, level=f["own_level"]) if f["own_level"] else ""
    orgs = ""
    good = ""
    total = f["organisations_reviewed"]
    if total:
        orgs = say(
            "review.orgs",
            p.case_of(total),
            year=year,
            total=p.n(total),
            levels=_levels_phrase(
                say, "review.orgs_level", f["organisations_by_level"], total, "tổ chức"
            ),
        )
        this = next(h for h in f["history"] if h["year"] == year)
        prev = next((h for h in f["history"] if h["year"] == year - 1 and h["orgs"]), None)
        compare = ""
        share = p.pct_value(this["orgs_good"], this["orgs"]) or 0.0
        if prev is not None:
            before = p.pct_value(prev["orgs_good"], prev["orgs"]) or 0.0
            diff = round(share - before, 1)
            key = (
                "review.compare_up"
                if diff > 0
                else "review.compare_down"
                if diff < 0
                else "review.compare_same"
            )
            compare = say(
                key,
                "",
                diff=wording.number(abs(diff), 0 if float(diff).is_integer() else 1),
                prev=year - 1,
            )
        good = say(
            "review.orgs_top",
            p.case_of(this["orgs_good"]),
            level2=names["good"],
            top=p.n(this["orgs_good"]),
            share=p.pct(this["orgs_good"], this["orgs"]),
            compare=compare,
        )
    committee = p.body_of(org)
    noun = "tổ chức cơ sở đảng" if org.kind in UPPER_KINDS else "chi bộ"
    recognised = ""
    if f["recognised_by_committee"]:
        recognised = p.paragraph_of(
            say(
                "review.recognised",
                p.case_of(f["recognised_by_committee"]),
                committee=committee,
                n=p.n(f["recognised_by_committee"]),
                level2=names["good"],
                noun=noun,
            ),
            say(
                "review.recognised_top",
                p.case_of(f["recognised_exemplary"], f["recognised_by_committee"]),
                n=p.n(f["recognised_exemplary"]),
                level1=names["top"],
                noun=noun,
            ),
        )
    members = say(
        "review.members",
        p.case_of(f["members_reviewed"]),
        total=p.n(f["members_reviewed"]),
        levels=_levels_phrase(
            say, "review.members_level", f["members_by_level"], f["members_reviewed"], "đồng chí"
        ),
    )
    first = year - STREAK_YEARS + 1
    cells = (
        say(
            "review.streak_cells",
            p.case_of(f["exemplary_5_years_running_cells"]),
            n=p.n(f["exemplary_5_years_running_cells"]),
            years=STREAK_YEARS,
            first=first,
            year=year,
            level1=names["top"],
        )
        if f["exemplary_5_years_running_cells"]
        else ""
    )
    people = (
        say(
            "review.streak_members",
            p.case_of(f["excellent_5_years_running_members"]),
            n=p.n(f["excellent_5_years_running_members"]),
            years=STREAK_YEARS,
            first=first,
            year=year,
        )
        if f["excellent_5_years_running_members"]
        else ""
    )
    return p.paragraph_of(own, orgs, good, recognised), members, p.paragraph_of(cells, people)


register(
    Kind(
        key=KEY,
        label="Báo cáo kết quả đánh giá, xếp loại chất lượng",
        build=build,
        description=(
            "Tổ chức đảng và đảng viên theo mức xếp loại, tỷ lệ trên số được xếp loại; so với "
            "các năm trước; tổ chức, đảng viên đạt mức cao nhất nhiều năm liền."
        ),
    )
)
