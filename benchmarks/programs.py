"""Programs and indicators at national scale: a program's tree rolled up as of a date, an
indicator's province board (communes × years), the new-rural board of a province and the
administrative-reform share of the root — dangbo's reads against one hand-written statement
each (GROUP BY / level-by-level CTEs), on generated data.

    python -m benchmarks.programs prepare [--tasks 10000] [--indicators 50] [--years 5]
    python -m benchmarks.programs dangbo VIEW CODE [--runs 7] [--report F]
    python -m benchmarks.programs sql VIEW CODE [--runs 7]
    python -m benchmarks.programs cleanup

``prepare`` writes (once; a later run finds the marked program and reuses everything):

* a program of the root committee with ``--tasks`` tasks in four levels (10 / 100 / 1,000 /
  the rest at 10,000), led by the provinces (top two levels) and the communes (below),
  weights 1–3; quarterly progress reports on the leaves over two years (a leaf in 17
  never reports; one in 9 reaches 100 % and is reported done), and a report of its own on
  one objective of the second level in 10 (which then overrides its children's roll-up);
* ``--indicators`` indicator definitions (``bench-01``…, sum / mean / share / count in
  turn) and their values for every commune-level unit of the world over ``--years`` years
  ending with the world's year (3,321 × 50 × 5 = 830k at scale 1), targets for the first;
  the three administrative-reform parts (``cchc_*``, one unit in 10 misses one) and the
  computed indicator ``admin_reform`` (share of units meeting) that dangbo rolls up;
* the new-rural assessments of every commune for those years under the set in force (the
  sets of ``indicators/ntm_sets.py``; a marked set when none is in force), three communes in
  five meeting every criterion, and their recognition decisions.

The bulk rows are written with ``INSERT … SELECT`` over the organisations (a few
statements); tasks and reports with ``bulk_create`` (ids reserved, so paths are known).
``dangbo`` times one view (median and best of ``runs`` after a warm-up) and counts its SQL
queries on a warm call; ``sql`` does the same for the statement. Both print their answer so
that the driver compares them.
"""

import argparse
import sys
from datetime import date, timedelta
from decimal import Decimal

from benchmarks import child, oversight

VIEWS = ("tree", "value_table", "ntm_board", "admin_reform")
LABELS = {
    "tree": "programs.queries.program_tree",
    "value_table": "indicators.queries.value_table",
    "ntm_board": "indicators.ntm.board",
    "admin_reform": "admin-reform share (root)",
}
MARK = "bench-programs/1"  # change it when the generated data changes: old rows are replaced
DOC_NUMBER = "BENCH-PROGRAMS"
DOC_ISSUER = "benchmarks/programs.py"
PREFIX = "bench-"  # codes of the generated indicators
ADMIN_PARTS = ("cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen")
ADMIN_CODE = "bench-cchc"
NTM_SET = "bench-ntm"
# The communes of the national world (3,321 at scale 1): its commune/ward committees.
UNIT_KIND = "commune_committee"
AGGREGATIONS = ("sum", "mean", "share", "count")


# -- helpers -----------------------------------------------------------------------------


def _d(day: date):
    from django.db import connection

    return connection.ops.adapt_datefield_value(day)


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def world_year() -> int:
    from benchmarks.oversight import world_as_of

    return world_as_of()[0]


def units_sql(lo: str = "%(lo)s", hi: str = "%(hi)s") -> str:
    """The communes of the national world in a subtree (its commune/ward committees, in
    force now): where the generated values, assessments and recognitions go."""
    return (
        f"SELECT id, sector FROM orgs_organisation WHERE path >= {lo} AND path < {hi} "
        f"AND kind = '{UNIT_KIND}' AND valid_to IS NULL"
    )


def commune_level_sql(sectors: str = "('commune', 'town', 'ward')") -> str:
    """The baselines' commune-level units of a subtree active on %(day)s: commune
    committees, and grassroots committees of a commune sector that are not inside one (the
    communes before the 2025 reform); a residential committee under a commune is not one.
    Active on some day from %(day_from)s to %(day_to)s."""
    return (
        "SELECT o.id FROM orgs_organisation o WHERE o.path >= %(lo)s AND o.path < %(hi)s "
        f"AND o.sector IN {sectors} AND o.valid_from <= %(day_to)s "
        "AND (o.valid_to IS NULL OR o.valid_to >= %(day_from)s) "
        "AND (o.kind = 'commune_committee' OR (o.kind = 'grassroots_committee' AND NOT EXISTS "
        "(SELECT 1 FROM orgs_organisation p WHERE p.id = o.parent_id "
        "AND p.kind = 'commune_committee')))"
    )


_PROGRAM: list = []


def program(cached: bool = False):
    """The marked program (``cached``: looked up once per process, so that the timed reads
    do not count the look-up)."""
    from dangbo.programs.models import Program

    if cached and _PROGRAM:
        return _PROGRAM[0]
    found = Program.objects.filter(title__endswith=f"({MARK})").order_by("-id").first()
    if cached and found is not None:
        _PROGRAM.append(found)
    return found


def level_sizes(total: int, levels: int = 4) -> list[int]:
    """How many tasks on each level: ``fan``, ``fan²``… and the rest on the last level, with
    the smallest fan-out whose last level can hold them (10 for 10,000 tasks)."""
    if total <= 0:
        return []
    fan = 1
    while fan**levels < total:
        fan += 1
    sizes: list[int] = []
    left = total
    for level in range(levels):
        n = left if level == levels - 1 else min(left, fan ** (level + 1))
        sizes.append(n)
        left -= n
        if left <= 0:
            break
    return sizes


# -- prepare -----------------------------------------------------------------------------


def _marker_doc(year: int):
    from dangbo.core.models import LegalDocument

    doc, _created = LegalDocument.objects.get_or_create(
        number=DOC_NUMBER,
        issuer=DOC_ISSUER,
        issue_date=date(year - 4, 1, 1),
        defaults={"kind": "CTR", "title": f"Dữ liệu benchmark ({MARK})"},
    )
    return doc


def write_program(root, year: int, tasks: int) -> dict:
    """The program, its tasks (ids reserved: paths known before writing) and reports."""
    from django.db import connection
    from django.db.models import Max

    from dangbo.orgs.models import Organisation
    from dangbo.programs.models import Program, ProgressReport, Task

    start, end = date(year - 4, 1, 1), date(year, 12, 31)
    doc = _marker_doc(year)
    prog = Program.objects.create(
        kind="action",
        title=f"Chương trình hành động benchmark ({MARK})",
        org=root,
        document=doc,
        start=start,
        end=end,
    )
    provinces = list(
        Organisation.objects.filter(parent=root, kind="province_committee")
        .order_by("id")
        .values_list("id", flat=True)
    )
    with connection.cursor() as cur:
        cur.execute(units_sql(), {"lo": root.path, "hi": root.subtree_upper})
        units = [r[0] for r in cur.fetchall()] or provinces
    next_id = (Task.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    rows: list[Task] = []
    parents: list[Task | None] = [None]
    for depth, size in enumerate(level_sizes(tasks)):
        level: list[Task] = []
        counts: dict[int | None, int] = {}
        for i in range(size):
            parent = parents[i % len(parents)]
            tid = next_id
            next_id += 1
            leads = provinces if depth < 2 else units
            siblings = counts.get(parent.pk if parent else None, 0)
            counts[parent.pk if parent else None] = siblings + 1
            number = f"{parent.number}.{siblings + 1}" if parent else str(siblings + 1)
            begin = start + timedelta(days=tid % 365)
            task = Task(
                pk=tid,
                program=prog,
                parent_id=parent.pk if parent else None,
                path=f"{parent.path if parent else ''}{tid}.",
                depth=depth,
                position=siblings,
                number=number,
                kind="objective" if depth < 2 else "task",
                title=f"Nhiệm vụ {number}",
                lead_org_id=leads[tid % len(leads)],
                start=begin,
                deadline=begin + timedelta(days=730),
                weight=Decimal(1 + tid % 3),
                status="in_progress",
            )
            level.append(task)
        rows += level
        parents = level
    Task.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('programs_task', 'id'), "
                "(SELECT MAX(id) FROM programs_task))"
            )
    has_children = {t.parent_id for t in rows if t.parent_id}
    quarters = [
        date(y, m, 1) - timedelta(days=1)
        for y, m in ((year - 2, 4), (year - 2, 7), (year - 2, 10), (year - 1, 1))
        + ((year - 1, 4), (year - 1, 7), (year - 1, 10), (year, 1))
    ]
    reports: list[ProgressReport] = []
    for t in rows:
        if t.pk in has_children:
            if t.depth == 1 and t.pk % 10 == 0:  # an objective reporting its own progress
                reports.append(_report(t, quarters[3], Decimal(40 + t.pk % 30)))
            continue
        if t.pk % 17 == 0:
            continue  # never reported: 0 %
        done_at = 5 + t.pk % 4 if t.pk % 9 == 0 else None
        for q, day in enumerate(quarters, 1):
            if done_at is not None and q >= done_at:
                reports.append(_report(t, day, Decimal(100), "done"))
                break
            reports.append(_report(t, day, Decimal(min(95, q * 11 + t.pk % 7))))
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    return {"program": prog.pk, "tasks": len(rows), "reports": len(reports)}


def _report(task, day: date, percent: Decimal, status: str = "in_progress"):
    from dangbo.programs.models import ProgressReport

    return ProgressReport(
        task=task, period_end=day, percent=percent, status=status, text=MARK, milestone=""
    )


def _indicator(code: str, position: int, **fields):
    from dangbo.indicators.models import Indicator

    ind, _created = Indicator.objects.get_or_create(
        code=code,
        defaults={"name": fields.pop("name", code), "position": position, **fields},
    )
    return ind


def write_indicators(root, year: int, count: int, years: int) -> dict:
    """Definitions, then the values of every unit × indicator × year in one statement."""
    from django.db import connection
    from django.utils import timezone

    ids = []
    for n in range(1, count + 1):
        agg = AGGREGATIONS[(n - 1) % len(AGGREGATIONS)]
        ids.append(
            _indicator(
                f"{PREFIX}{n:02d}",
                900 + n,
                name=f"Chỉ tiêu benchmark {n}",
                unit="%" if agg in ("share", "count") else "tỷ đồng",
                value_type="percent" if agg in ("share", "count") else "number",
                aggregation=agg,
                threshold=Decimal(50) if agg in ("share", "count") else None,
                decimals=1,
                description=MARK,
            ).pk
        )
    parts = [
        _indicator(
            code,
            980 + i,
            name=f"Cải cách hành chính ({code})",
            unit="",
            value_type="boolean",
            aggregation="share",
            threshold=Decimal(1),
        ).pk
        for i, code in enumerate(ADMIN_PARTS)
    ]
    admin = _indicator(
        ADMIN_CODE,
        990,
        name="Xã thực hiện cải cách hành chính (benchmark)",
        unit="%",
        value_type="boolean",
        aggregation="share",
        threshold=Decimal(1),
        computed="admin_reform",
        description=MARK,
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    span = ", ".join(f"({y})" for y in range(year - years + 1, year + 1))
    p = {"lo": root.path, "hi": root.subtree_upper, "mark": MARK, "now": now}
    written = {}
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO indicators_observation (indicator_id, org_id, year, value, source, "
            f"entered_at, entered_by_id) WITH y(yr) AS (VALUES {span}) "
            "SELECT i.id, u.id, y.yr, "
            "CASE WHEN i.aggregation IN ('share', 'count') THEN (u.id * 7 + i.id * 3 + y.yr) %% 101 "
            "ELSE 100 + (u.id * 31 + i.id * 17 + y.yr * 13) %% 900 END, "
            "%(mark)s, %(now)s, NULL "
            f"FROM ({units_sql()}) u CROSS JOIN indicators_indicator i CROSS JOIN y "
            f"WHERE i.id IN ({', '.join(str(i) for i in ids)})",
            p,
        )
        written["observations"] = cur.rowcount
        cur.execute(
            "INSERT INTO indicators_observation (indicator_id, org_id, year, value, source, "
            f"entered_at, entered_by_id) WITH y(yr) AS (VALUES {span}) "
            "SELECT i.id, u.id, y.yr, CASE WHEN (u.id + y.yr) %% 10 = i.id %% 3 THEN 0 ELSE 1 END, "
            "%(mark)s, %(now)s, NULL "
            f"FROM ({units_sql()}) u CROSS JOIN indicators_indicator i CROSS JOIN y "
            f"WHERE i.id IN ({', '.join(str(i) for i in parts)}) AND NOT EXISTS ("
            "SELECT 1 FROM indicators_observation x WHERE x.indicator_id = i.id "
            "AND x.org_id = u.id AND x.year = y.yr)",
            p,
        )
        written["admin_reform_parts"] = cur.rowcount
        cur.execute(
            "INSERT INTO indicators_target (indicator_id, org_id, year, value, set_at, "
            f"document_id, set_by_id) WITH y(yr) AS (VALUES {span}) "
            "SELECT %(ind)s, u.id, y.yr, 500, %(now)s, NULL, NULL "
            f"FROM ({units_sql()}) u CROSS JOIN y",
            {**p, "ind": ids[0]},
        )
        written["targets"] = cur.rowcount
    return {"indicator": ids[0], "admin": admin.pk, **written}


def _ntm_set(day: date):
    from django.db.models import Q

    from dangbo.indicators.models import NtmSet

    return (
        NtmSet.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )


def write_ntm(root, year: int, years: int) -> dict:
    """Assessments of every commune × criterion × year (the set in force on 31/12), three
    communes in five meeting all of them; their recognitions."""
    from django.db import connection
    from django.utils import timezone

    from dangbo.indicators.models import NtmCriterion, NtmRecognition, NtmSet
    from dangbo.orgs.models import Organisation

    doc = _marker_doc(year)
    if _ntm_set(board_day(year)) is None:
        ntm = NtmSet.objects.create(
            code=NTM_SET,
            name=f"Bộ tiêu chí benchmark ({MARK})",
            document=doc,
            valid_from=date(year - years, 1, 1),
            verified=False,
            note=MARK,
        )
        NtmCriterion.objects.bulk_create(
            NtmCriterion(set=ntm, number=n, name=f"Tiêu chí {n}", group_name="Nhóm")
            for n in range(1, 20)
        )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    p = {"lo": root.path, "hi": root.subtree_upper, "mark": MARK, "now": now}
    written = {"assessments": 0}
    with connection.cursor() as cur:
        for y in range(year - years + 1, year + 1):
            chosen = _ntm_set(board_day(y))
            if chosen is None:
                continue
            cur.execute(
                "INSERT INTO indicators_ntmassessment (org_id, year, criterion_id, met, "
                "evidence, assessed_at, assessed_by_id) "
                "SELECT u.id, %(yr)s, c.id, (u.id %% 5 < 3 OR (u.id * 7 + c.number * 3 + "
                "%(yr)s) %% 10 < 8), %(mark)s, %(now)s, NULL "
                f"FROM ({units_sql()}) u CROSS JOIN indicators_ntmcriterion c "
                "WHERE c.set_id = %(set)s AND u.sector = 'commune'",
                {**p, "yr": y, "set": chosen.pk},
            )
            written["assessments"] += cur.rowcount
    recognised = []
    units = Organisation.objects.filter(
        root.subtree_q(), kind=UNIT_KIND, sector="commune", valid_to__isnull=True
    ).values_list("id", flat=True)
    for org_id in units:
        if org_id % 5 >= 3:
            continue
        on = date(year - 1 - org_id % 3, 1 + org_id % 12, 15)
        chosen = _ntm_set(on) or _ntm_set(date(year, 12, 31))
        recognised.append(
            NtmRecognition(
                org_id=org_id,
                set=chosen,
                document=doc,
                recognised_on=on,
                revoked_on=on + timedelta(days=400) if org_id % 40 == 0 else None,
            )
        )
    NtmRecognition.objects.bulk_create(recognised, batch_size=5000)
    written["recognitions"] = len(recognised)
    return written


def prepare(tasks: int, indicators: int, years: int) -> dict:
    from django.db import connection, transaction

    from dangbo.demo import national
    from dangbo.orgs.models import Organisation

    year = world_year()
    root = Organisation.objects.get(code=national.ROOT_CODE)
    out = {"year": year, "mark": MARK}
    found = program()
    if found is not None:
        child.say(f"the marked program is there ({found.tasks.count():,} tasks), data reused")
        out.update(reused=True, program=found.pk)
    else:
        cleanup(quiet=True)  # rows of an older mark
        with transaction.atomic():
            seconds, prog = child.timed(lambda: write_program(root, year, tasks))
            child.say(
                f"program: {prog['tasks']:,} tasks, {prog['reports']:,} reports, {seconds:.1f} s"
            )
            seconds, ind = child.timed(lambda: write_indicators(root, year, indicators, years))
            child.say(
                f"indicators: {ind['observations']:,} values, {ind['admin_reform_parts']:,} "
                f"admin-reform parts, {ind['targets']:,} targets, {seconds:.1f} s"
            )
            seconds, ntm = child.timed(lambda: write_ntm(root, year, years))
            child.say(
                f"NTM: {ntm['assessments']:,} assessments, {ntm['recognitions']:,} "
                f"recognitions, {seconds:.1f} s"
            )
        out.update(reused=False, program=prog["program"], written={**prog, **ind, **ntm})
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for table in (
                    "programs_task",
                    "programs_progressreport",
                    "indicators_observation",
                    "indicators_target",
                    "indicators_ntmassessment",
                    "indicators_ntmrecognition",
                ):
                    cur.execute(f"VACUUM (ANALYZE) {table}")
    out["sizes"] = sizes(root, year)
    out["as_of"] = as_of_tree(year).isoformat()
    return out


def sizes(root, year: int) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        out = {}
        for key, sql in (
            ("tasks", "SELECT COUNT(*) FROM programs_task WHERE program_id = %(p)s"),
            (
                "reports",
                "SELECT COUNT(*) FROM programs_progressreport r JOIN programs_task t "
                "ON t.id = r.task_id WHERE t.program_id = %(p)s",
            ),
            ("units", f"SELECT COUNT(*) FROM ({units_sql()}) u"),
            ("observations", "SELECT COUNT(*) FROM indicators_observation"),
            ("assessments", "SELECT COUNT(*) FROM indicators_ntmassessment"),
            ("recognitions", "SELECT COUNT(*) FROM indicators_ntmrecognition"),
        ):
            cur.execute(sql, {"p": program().pk, "lo": root.path, "hi": root.subtree_upper})
            out[key] = cur.fetchone()[0]
    return out


def as_of_tree(year: int) -> date:
    """The tree is asked in the middle of its reports (later ones must be left out)."""
    return date(year - 1, 6, 30)


def cleanup(quiet: bool = False) -> dict:
    from django.db import transaction

    from dangbo.core.models import LegalDocument
    from dangbo.indicators.models import (
        Indicator,
        NtmAssessment,
        NtmRecognition,
        NtmSet,
        Observation,
        Target,
    )
    from dangbo.programs.models import Program, ProgressReport, Task

    deleted = {}
    with transaction.atomic():
        programs = Program.objects.filter(title__contains="(bench-programs/")
        deleted["reports"] = ProgressReport.objects.filter(task__program__in=programs)._raw_delete(
            "default"
        )
        tasks = Task.objects.filter(program__in=programs)
        # Children first (parent is PROTECT): by depth from the deepest.
        for depth in range(9, -1, -1):
            tasks.filter(depth=depth)._raw_delete("default")
        deleted["programs"] = programs.delete()[0]
        docs = LegalDocument.objects.filter(number=DOC_NUMBER, issuer=DOC_ISSUER)
        deleted["recognitions"] = NtmRecognition.objects.filter(document__in=docs)._raw_delete(
            "default"
        )
        deleted["assessments"] = NtmAssessment.objects.filter(
            evidence__startswith="bench-programs/"
        )._raw_delete("default")
        deleted["observations"] = Observation.objects.filter(
            source__startswith="bench-programs/"
        )._raw_delete("default")
        bench = Indicator.objects.filter(code__startswith=PREFIX)
        deleted["targets"] = Target.objects.filter(indicator__in=bench)._raw_delete("default")
        deleted["indicators"] = bench.delete()[0]
        NtmSet.objects.filter(code=NTM_SET).delete()
        docs.delete()
    if not quiet:
        child.say(", ".join(f"{v:,} {k}" for k, v in deleted.items()) + " deleted")
    return {"deleted": deleted}


# -- dangbo's reads ------------------------------------------------------------------------


def _round(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def dangbo_call(view: str, org, year: int) -> dict:
    """The view, and its core figures (compared with the statement's)."""
    if view == "tree":
        from dangbo.programs import queries as pq

        tree = pq.program_tree(program(cached=True), as_of_tree(year))
        return {
            "tasks": tree.counts["total"],
            "percent": _round(tree.percent),
            "sum_percent": _round(sum(r.progress.percent for r in tree.rows)),
            "own": sum(1 for r in tree.rows if r.progress.own),
        }
    return _other(view, org, year)


def _other(view: str, org, year: int) -> dict:
    if view == "value_table":
        from dangbo.indicators import queries as iq
        from dangbo.indicators.models import Indicator

        indicator = Indicator.objects.get(code=f"{PREFIX}01")
        table = iq.value_table(indicator, org, range(year - 4, year + 1))
        totals, cells, targets = {}, 0, 0
        for y in table.years:
            values = [r.cells[y].value for r in table.rows if r.cells[y].value is not None]
            cells += len(values)
            targets += sum(1 for r in table.rows if r.cells[y].target is not None)
            if values:
                totals[str(y)] = _round(sum(values))
        return {"cells": cells, "totals": totals, "targets": targets}
    if view == "ntm_board":
        from dangbo.indicators import ntm

        board = ntm.board(org, year)
        n = len(board.criteria)
        return {
            "units": len(board.rows),
            "assessed": sum(1 for r in board.rows if any(c is not None for c in r.cells)),
            "criteria_met": sum(r.met for r in board.rows),
            "all_met": sum(1 for r in board.rows if n and r.met == n),
            "recognised": board.recognised,
        }
    from dangbo.indicators import queries as iq

    got = iq.admin_reform(org, year)
    return {"units": got["units"], "met": got["met"], "pct": got["pct"]}


def run_dangbo(view: str, code: str, runs: int, report: str | None) -> dict:
    from dangbo.orgs.models import Organisation

    org = Organisation.objects.get(code=code)
    year = world_year()
    return oversight.time_call(
        lambda: dangbo_call(view, org, year),
        view,
        code,
        runs,
        report,
        label=LABELS[view],
        sql_chars=4000,
    )


# -- the hand-written statements -----------------------------------------------------------


def tree_statement(program_id: int, as_of: date, levels: int = 5) -> tuple[str, dict]:
    """The roll-up in one statement: the latest report with a percent per task up to the
    date (a window), then level by level from the deepest: own percent, else the weighted
    mean of the children (0 when neither), as ``programs.rules.rollup``."""
    ctes = [
        "ranked AS (SELECT r.task_id, r.percent, r.status, ROW_NUMBER() OVER (PARTITION BY "
        "r.task_id ORDER BY r.period_end DESC, r.id DESC) AS n FROM programs_progressreport r "
        "JOIN programs_task t ON t.id = r.task_id WHERE t.program_id = %(p)s "
        "AND r.period_end <= %(as_of)s AND r.percent IS NOT NULL)",
        "own AS (SELECT task_id, percent FROM ranked WHERE n = 1)",
    ]
    for d in range(levels - 1, -1, -1):
        below = (
            f"LEFT JOIN (SELECT parent_id, SUM(weight * pct) AS s, SUM(weight) AS w "
            f"FROM l{d + 1} GROUP BY parent_id) a ON a.parent_id = t.id"
            if d < levels - 1
            else ""
        )
        mean = "a.s * 1.0 / a.w" if d < levels - 1 else "NULL"
        ctes.append(
            f"l{d} AS (SELECT t.id, t.parent_id, t.weight, "
            f"COALESCE(o.percent, {mean}, 0) AS pct, "
            f"CASE WHEN o.percent IS NULL THEN 0 ELSE 1 END AS own "
            f"FROM programs_task t LEFT JOIN own o ON o.task_id = t.id {below} "
            f"WHERE t.program_id = %(p)s AND t.depth = {d})"
        )
    union = " UNION ALL ".join(f"SELECT pct, own FROM l{d}" for d in range(levels))
    sql = (
        "WITH " + ", ".join(ctes) + " SELECT "
        "(SELECT SUM(weight * pct) * 1.0 / SUM(weight) FROM l0) AS percent, "
        f"(SELECT COUNT(*) FROM ({union}) x) AS tasks, "
        f"(SELECT SUM(pct) FROM ({union}) x) AS sum_percent, "
        f"(SELECT SUM(own) FROM ({union}) x) AS own_count"
    )
    return sql, {"p": program_id, "as_of": _d(as_of)}


def board_day(year: int) -> date:
    """The day a year's board counts recognitions on: 31/12, or today in the year under way."""
    from dangbo.core.dates import today

    return min(date(year, 12, 31), today())


def statement(view: str, org, year: int) -> tuple[str, dict]:
    """The hand-written statement for ``view``: one SELECT."""
    p = {"lo": org.path, "hi": org.subtree_upper, "year": year}
    if view == "tree":
        return tree_statement(program().pk, as_of_tree(year))
    if view == "value_table":
        # The values of the first indicator for the units under the province × years with
        # their targets, summed per year (the province's roll-up), in one statement.
        from dangbo.indicators.models import Indicator

        p.update(
            ind=Indicator.objects.get(code=f"{PREFIX}01").pk,
            first=year - 4,
            day_from=_d(date(year - 4, 1, 1)),
            day_to=_d(date(year, 12, 31)),
        )
        return (
            "SELECT v.year, COUNT(*) AS n, SUM(v.value) AS total, COUNT(t.id) AS targets "
            "FROM indicators_observation v LEFT JOIN indicators_target t "
            "ON t.indicator_id = v.indicator_id AND t.org_id = v.org_id AND t.year = v.year "
            f"WHERE v.indicator_id = %(ind)s AND v.org_id IN ({commune_level_sql()}) "
            "AND v.year >= %(first)s AND v.year <= %(year)s GROUP BY v.year ORDER BY v.year",
            p,
        )
    if view == "ntm_board":
        # Communes × criteria of the year: criteria met per commune, communes meeting all,
        # and the communes recognised (not revoked) on the board's day.
        day = board_day(year)
        chosen = _ntm_set(day)
        p.update(day=_d(day), day_from=_d(day), day_to=_d(day), set=chosen.pk if chosen else 0)
        communes = commune_level_sql("('commune')")
        return (
            "WITH a AS (SELECT a.org_id, SUM(CASE WHEN a.met THEN 1 ELSE 0 END) AS met, "
            "COUNT(*) AS n FROM indicators_ntmassessment a JOIN indicators_ntmcriterion c "
            "ON c.id = a.criterion_id WHERE c.set_id = %(set)s AND a.year = %(year)s "
            f"AND a.org_id IN ({communes}) GROUP BY a.org_id) "
            f"SELECT (SELECT COUNT(*) FROM ({communes}) u) AS units, "
            "(SELECT COUNT(*) FROM a) AS assessed, "
            "(SELECT COALESCE(SUM(met), 0) FROM a) AS criteria_met, "
            "(SELECT COUNT(*) FROM a WHERE n = (SELECT COUNT(*) FROM indicators_ntmcriterion "
            "WHERE set_id = %(set)s) AND met = n) AS all_met, "
            "(SELECT COUNT(DISTINCT org_id) FROM indicators_ntmrecognition "
            f"WHERE org_id IN ({communes}) AND recognised_on <= %(day)s "
            "AND (revoked_on IS NULL OR revoked_on > %(day)s)) AS recognised",
            p,
        )
    # admin_reform: the units active on 31/12 and those whose three parts are all 1.
    codes = ", ".join(f"'{c}'" for c in ADMIN_PARTS)
    p["day_from"] = p["day_to"] = _d(date(year, 12, 31))
    return (
        f"SELECT (SELECT COUNT(*) FROM ({commune_level_sql()}) u) AS units, "
        "(SELECT COUNT(*) FROM (SELECT v.org_id FROM indicators_observation v "
        "JOIN indicators_indicator i ON i.id = v.indicator_id "
        f"WHERE i.code IN ({codes}) AND v.year = %(year)s AND v.value = 1 "
        f"AND v.org_id IN ({commune_level_sql()}) GROUP BY v.org_id HAVING COUNT(*) = 3) x) "
        "AS met",
        p,
    )


def sql_answer(view: str, rows: list[dict]) -> dict:
    if view == "tree":
        r = rows[0]
        return {
            "tasks": int(r["tasks"]),
            "percent": _round(r["percent"]),
            "sum_percent": _round(r["sum_percent"]),
            "own": int(r["own_count"]),
        }
    if view == "value_table":
        return {
            "cells": sum(int(r["n"]) for r in rows),
            "totals": {str(r["year"]): _round(r["total"]) for r in rows},
            "targets": sum(int(r["targets"]) for r in rows),
        }
    if view == "ntm_board":
        r = rows[0]
        return {
            k: int(r[k]) for k in ("units", "assessed", "criteria_met", "all_met", "recognised")
        }
    r = rows[0]
    units, met = int(r["units"]), int(r["met"])
    return {"units": units, "met": met, "pct": round(100 * met / units, 1) if units else None}


def run_sql(view: str, code: str, runs: int) -> dict:
    from dangbo.orgs.models import Organisation

    org = Organisation.objects.get(code=code)
    sql, params = statement(view, org, world_year())
    return oversight.time_statement(
        view, code, sql, params, runs, lambda rows: sql_answer(view, rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--tasks", type=int, default=10_000)
    prep.add_argument("--indicators", type=int, default=50)
    prep.add_argument("--years", type=int, default=5)
    for name in ("dangbo", "sql"):
        p = sub.add_parser(name)
        p.add_argument("view", choices=VIEWS)
        p.add_argument("code")
        p.add_argument("--runs", type=int, default=7)
        if name == "dangbo":
            p.add_argument("--report", help="write the view's SQL queries to this file")
    sub.add_parser("cleanup")
    args = parser.parse_args()
    child.setup_django()
    if args.command == "prepare":
        child.emit(prepare(args.tasks, args.indicators, args.years))
    elif args.command == "cleanup":
        child.emit(cleanup())
    else:
        if args.command == "dangbo":
            result = run_dangbo(args.view, args.code, args.runs, args.report)
        else:
            result = run_sql(args.view, args.code, args.runs)
        oversight.say_result(args.code, args.view, LABELS[args.view], result, args.command)
        child.emit(result)


if __name__ == "__main__":
    sys.exit(main())
