"""The one-pass roll-up of ``queries._compute`` (value rows, no model instances) gives the
percents of ``rules.rollup`` and the states of ``rules.rolled_status`` on random trees."""

import random
from datetime import date
from decimal import Decimal as D

from dangbo.programs import queries, rules
from dangbo.programs.choices import TaskStatus

STATES = [s.value for s in TaskStatus]
AS_OF = date(2020, 6, 30)  # in the past: a task's current state is not used


def _tree(rng, n):
    rows = []
    for i in range(1, n + 1):
        parent = rng.randint(1, i - 1) if i > 1 and rng.random() < 0.8 else None
        reported = rng.random() < 0.5
        pct = D(rng.randint(0, 100)) if reported and rng.random() < 0.7 else None
        status = rng.choice(STATES) if reported else None
        rows.append(
            queries.TreeTask(
                (
                    i,
                    1,
                    parent,
                    rng.randint(1, 5),
                    D(rng.choice([1, 2, 3, "0.5"])),
                    date(2020, 1, 1),
                    date(2020, rng.randint(1, 12), 1),
                    TaskStatus.NOT_STARTED.value,
                    i if reported else None,
                    status,
                    date(2020, 3, 1) if reported else None,
                    pct,
                )
            )
        )
    return rows


def _reference(tasks):
    nodes = [
        rules.Node(
            id=t.id,
            parent_id=t.parent_id,
            weight=t.weight,
            own=t.pct,
            status=t.last_status or TaskStatus.NOT_STARTED.value,
        )
        for t in tasks
    ]
    rolled = rules.rollup(nodes)
    kids = {}
    for t in tasks:
        if t.parent_id is not None:
            kids.setdefault(t.parent_id, []).append(t.id)
    states = {}
    for t in reversed(queries.tree_order(tasks)):
        child_states = [states[k] for k in kids.get(t.id, ())]
        own = t.last_status
        if own is None and not child_states:
            own = TaskStatus.NOT_STARTED.value
        states[t.id] = rules.rolled_status(own, child_states, rolled[t.id])
    return rolled, states


def test_compute_matches_the_rules_on_random_trees():
    rng = random.Random(11)
    for _ in range(30):
        tasks = _tree(rng, rng.randint(1, 60))
        got = queries._compute(tasks, AS_OF)
        rolled, states = _reference(tasks)
        assert {k: p.percent for k, p in got.items()} == rolled
        assert {k: p.status for k, p in got.items()} == states
        for t in tasks:
            assert got[t.id].report_id == t.last_id


def test_tree_task_reads_like_a_task():
    row = (
        (5, 1, None, 1, D(1), None, None, "not_started", None, None, None, None)
        + ("0001.", 0, "1", "task", "Làm đường", "", 7, "xa-a", "Đảng bộ xã A")
        + (None, None, None, 9, "Nguyễn Văn A")
    )
    task = queries.TreeTask(row)
    assert task.pk == 5 and str(task) == "Làm đường"
    assert task.lead_org.code == "xa-a" and task.lead_org.pk == 7
    assert task.lead_partner is None
    assert task.lead_person.full_name == "Nguyễn Văn A"
    assert queries.lead_name(task) == "Đảng bộ xã A"
    assert task == queries.TreeTask(row) and hash(task) == hash(5)
