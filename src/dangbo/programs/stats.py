"""The "programs" block of an organisation's statistics (``dangbo stats``, the stats API):
the programs issued in the organisation's subtree that run during the as-of year, their tasks,
how many are done and overdue, and their progress, all as of the date.

Progress is the programs' own rule (``programs.queries``): a task's progress rolls up from its
sub-tasks unless it reports its own; a program's is the weighted mean of its top-level tasks,
and this block's ``progress_pct`` is that mean over the top-level tasks of all the programs
together (a program's weight is the weight of its top-level tasks). A fixed number of queries
whatever the number of programs and tasks.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dangbo.core.dates import today
from dangbo.orgs.models import Organisation

from .choices import TaskStatus
from .models import Program, Task
from .queries import program_percent, progress_as_of

TENTH = Decimal("0.1")


def programs_in_force(org: Organisation, as_of: date):
    """Programs issued by ``org`` or an organisation below it, started by ``as_of`` and not
    ended before the as-of year began."""
    return Program.objects.filter(
        org.subtree_q("org__"), start__lte=as_of, end__gte=date(as_of.year, 1, 1)
    )


def programs_stats(org: Organisation, as_of: date | None = None) -> dict[str, Any]:
    """{"year", "programs", "tasks", "tasks_done", "tasks_overdue", "progress_pct"}:
    ``tasks`` counts every row of the trees (objectives and tasks); ``progress_pct`` has one
    decimal, None when there is no program."""
    as_of = as_of or today()
    programs = list(programs_in_force(org, as_of).values_list("pk", flat=True))
    tasks = list(
        Task.objects.filter(program__in=programs).only("id", "parent_id", "weight", "program_id")
    )
    progress = progress_as_of([t.pk for t in tasks], as_of) if tasks else {}
    percent = program_percent(tasks, progress) if tasks else None
    return {
        "year": as_of.year,
        "programs": len(programs),
        "tasks": len(tasks),
        "tasks_done": sum(1 for p in progress.values() if p.status == TaskStatus.DONE),
        "tasks_overdue": sum(1 for p in progress.values() if p.overdue),
        "progress_pct": (
            float(percent.quantize(TENTH, rounding=ROUND_HALF_UP)) if percent is not None else None
        ),
    }
