"""programs.queries: progress as of a date, rolled up a tree, in a bounded number of queries."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.programs import queries
from dangbo.programs.models import Program, ProgressReport, Task

D = Decimal


def _program(world, **kw):
    return Program.objects.create(
        kind="action",
        title="Chương trình hành động thực hiện Nghị quyết",
        org=world.org("tam-duong"),
        start=kw.get("start", date(2026, 1, 1)),
        end=kw.get("end", date(2026, 12, 31)),
    )


def _task(program, parent=None, weight=1, lead="tam-duong", world=None, position=0, **kw):
    task = Task.objects.create(
        program=program,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        position=position,
        title=kw.pop("title", "Nhiệm vụ"),
        lead_org=world.org(lead),
        weight=D(weight),
        **kw,
    )
    task.path = (parent.path if parent else "") + f"{task.pk}."
    task.save(update_fields=["path"])
    return task


def _report(task, day, percent, status="in_progress"):
    return ProgressReport.objects.create(task=task, period_end=day, percent=percent, status=status)


def test_parent_rolls_up_its_children_as_of_a_date(world):
    program = _program(world)
    root = _task(program, world=world, title="Mục tiêu 1")
    a = _task(program, root, weight=1, world=world, position=1)
    b = _task(program, root, weight=3, world=world, position=2, lead="kim-long")
    _report(a, date(2026, 3, 31), D(40))
    _report(a, date(2026, 6, 30), D(80))
    _report(b, date(2026, 3, 31), D(20))
    march = queries.progress_as_of([root.pk, a.pk, b.pk], date(2026, 4, 15))
    assert march[a.pk].percent == 40 and march[a.pk].own
    assert march[root.pk].percent == (40 + 3 * 20) / D(4) and not march[root.pk].own
    assert march[root.pk].status == "in_progress"
    july = queries.progress_as_of(Task.objects.filter(program=program), date(2026, 7, 1))
    assert july[a.pk].percent == 80  # the June report counts from its period end
    assert july[root.pk].percent == (80 + 60) / D(4)
    before = queries.progress_as_of([root.pk], date(2026, 1, 15))
    assert before[root.pk].percent == 0 and before[root.pk].report is None


def test_a_parents_own_report_wins(world):
    program = _program(world)
    root = _task(program, world=world)
    child = _task(program, root, world=world)
    _report(child, date(2026, 2, 1), D(10))
    _report(root, date(2026, 2, 1), D(70))
    got = queries.progress_as_of([root.pk], date(2026, 3, 1))
    assert got[root.pk].percent == 70 and got[root.pk].own


def test_a_milestone_report_keeps_the_last_percent(world):
    program = _program(world)
    task = _task(program, world=world)
    _report(task, date(2026, 2, 1), D(30))
    ProgressReport.objects.create(
        task=task,
        period_end=date(2026, 3, 1),
        milestone="Đã ban hành kế hoạch",
        status="in_progress",
    )
    got = queries.progress_as_of([task.pk], date(2026, 3, 2))[task.pk]
    assert got.percent == 30 and got.report.milestone


def test_tree_of_200_tasks_costs_a_fixed_number_of_queries(world):
    program = _program(world)
    tops = [_task(program, world=world, position=i, title=f"Mục {i}") for i in range(10)]
    leaves = []
    for top in tops:
        for j in range(19):
            leaves.append(
                _task(
                    program,
                    top,
                    world=world,
                    position=j,
                    deadline=date(2026, 5, 1),
                    start=date(2026, 1, 1),
                )
            )
    for i, leaf in enumerate(leaves):
        _report(leaf, date(2026, 3, 1), D(i % 100))
        _report(leaf, date(2026, 4, 1), D(i % 100))
    with CaptureQueriesContext(connection) as ctx:
        tree = queries.program_tree(program, date(2026, 6, 1))
    assert len(ctx.captured_queries) <= 2
    assert len(tree.rows) == 200
    assert tree.counts["overdue"] == 190  # every dated task is past its deadline, none done
    assert tree.rows[0].task == tops[0] and tree.rows[1].task.parent_id == tops[0].pk
    with CaptureQueriesContext(connection) as ctx:
        queries.progress_as_of(Task.objects.filter(program=program), date(2026, 6, 1))
    assert len(ctx.captured_queries) <= 2
    with CaptureQueriesContext(connection) as ctx:
        rows = queries.programs_for(world.users["staff"], world.org("tam-duong"), 2026)
    assert len(ctx.captured_queries) <= 3
    assert [r.program for r in rows] == [program]


def test_programs_for_scope(world):
    program = _program(world)
    _task(program, world=world, lead="kim-long")
    assert queries.programs_for(world.users["outsider"]) == []
    # kim-long's staff sees the district's program through its own task
    assert [r.program for r in queries.programs_for(world.users["sensitive_staff"])] == [program]
    assert queries.programs_for(world.users["staff"], year=2027) == []
