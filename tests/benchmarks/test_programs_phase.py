"""The benchmark's programs phase on the test world: its generator, its hand-written
statements agreeing with dangbo's reads, and dangbo's reads costing the same number of
queries whatever the size (times are never asserted here)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import programs as bench

YEAR = 2026


def _queries(fn) -> tuple[int, object]:
    fn()  # warm: content types, caches
    with CaptureQueriesContext(connection) as captured:
        value = fn()
    return len(captured.captured_queries), value


def _sql(view, org) -> dict:
    sql, params = bench.statement(view, org, YEAR)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return bench.sql_answer(view, rows)


def _communes(world, n: int, start: int = 0):
    from dangbo.orgs import services

    return [
        services.create_org(
            actor=None,
            code=f"bench-xa-{i}",
            name=f"Đảng bộ xã Thử {i}",
            kind="commune_committee",
            sector="commune" if i % 4 else "ward",
            parent=world.org("vinh-phuc"),
            valid_from=date(2025, 7, 1),
        )
        for i in range(start, start + n)
    ]


def test_level_sizes_make_four_levels_of_the_requested_total():
    assert bench.level_sizes(10_000) == [10, 100, 1000, 8890]
    assert bench.level_sizes(40) == [3, 9, 27, 1]
    assert bench.level_sizes(30) == [3, 9, 18]
    assert sum(bench.level_sizes(12_345)) == 12_345


@pytest.mark.django_db
def test_program_tree_queries_do_not_depend_on_the_number_of_tasks(world):
    from dangbo.programs import queries
    from dangbo.programs.models import Program, Task

    root = world.org("central")
    counts = {}
    for tasks in (40, 700):
        made = bench.write_program(root, YEAR, tasks)
        program = Program.objects.get(pk=made["program"])
        assert Task.objects.filter(program=program).count() == tasks
        assert Task.objects.filter(program=program).order_by("-depth").first().depth == 3
        as_of = bench.as_of_tree(YEAR)
        n, tree = _queries(lambda p=program, d=as_of: queries.program_tree(p, d))
        counts[tasks] = n
        # The statement's roll-up is dangbo's (rules.rollup) on the same data.
        sql, params = bench.tree_statement(program.pk, as_of)
        with connection.cursor() as cur:
            cur.execute(sql, params)
            names = [c[0] for c in cur.description]
            row = dict(zip(names, cur.fetchone(), strict=True))
        answer = bench.sql_answer("tree", [row])
        assert answer["tasks"] == tree.counts["total"] == tasks
        assert answer["percent"] == bench._round(tree.percent)
        assert answer["sum_percent"] == bench._round(sum(r.progress.percent for r in tree.rows))
        assert answer["own"] == sum(1 for r in tree.rows if r.progress.own)
    assert counts[40] == counts[700] <= 6, counts


@pytest.mark.django_db
def test_boards_agree_with_the_statements_and_cost_the_same_queries_at_any_size(world):
    root, province = world.org("central"), world.org("vinh-phuc")
    counts: dict[str, list[int]] = {"value_table": [], "ntm_board": [], "admin_reform": []}
    for start, n in ((0, 2), (2, 9)):
        _communes(world, n, start)
        bench.cleanup(quiet=True)
        written = bench.write_indicators(root, YEAR, 4, 5)
        assert written["observations"] == (start + n) * 4 * 5
        ntm = bench.write_ntm(root, YEAR, 5)
        assert ntm["assessments"] > 0
        for view, org in (
            ("value_table", province),
            ("ntm_board", province),
            ("admin_reform", root),
        ):
            q, got = _queries(lambda v=view, o=org: bench.dangbo_call(v, o, YEAR))
            counts[view].append(q)
            assert got == _sql(view, org), view
    for view, seen in counts.items():
        assert seen[0] == seen[1], (view, seen)


@pytest.mark.django_db
def test_cleanup_removes_what_prepare_wrote(world):
    from dangbo.indicators.models import Indicator, NtmAssessment, Observation
    from dangbo.programs.models import Program, ProgressReport

    _communes(world, 3)
    root = world.org("central")
    bench.write_program(root, YEAR, 50)
    bench.write_indicators(root, YEAR, 2, 2)
    bench.write_ntm(root, YEAR, 2)
    bench.cleanup(quiet=True)
    assert not Program.objects.filter(title__contains="bench-programs/").exists()
    assert not ProgressReport.objects.filter(text__startswith="bench-programs/").exists()
    assert not Indicator.objects.filter(code__startswith=bench.PREFIX).exists()
    assert not Observation.objects.filter(source__startswith="bench-programs/").exists()
    assert not NtmAssessment.objects.filter(evidence__startswith="bench-programs/").exists()
