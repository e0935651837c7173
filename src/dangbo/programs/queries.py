"""Read side of programs: progress as of a date, a program's tree with its progress, the
programs a person may see. Every read here costs a fixed number of queries whatever the size
of the tree: the latest report per task up to the date is one subquery, never a loop."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.orgs.models import PartnerLead

from . import rules
from .choices import TaskStatus
from .models import Program, ProgressReport, Task, TaskCoordinator


@dataclass(frozen=True)
class Progress:
    """A task's standing as of a date. ``own``: the percent is its own report's (not rolled
    up from its sub-tasks). ``report_id``/``report_end``: its latest report up to the date
    (None: none); ``report`` reads that report."""

    task_id: int
    percent: Decimal
    status: str
    own: bool
    overdue: bool = False
    at_risk: bool = False
    reasons: tuple[str, ...] = ()
    expected: Decimal | None = None
    report_id: int | None = None
    report_end: date | None = None  # the period end of the latest report

    @property
    def report(self) -> ProgressReport | None:
        """The latest report up to the date: one query each time (a single task's page)."""
        if self.report_id is None:
            return None
        return ProgressReport.objects.filter(pk=self.report_id).first()

    @property
    def percent_text(self) -> str:
        return rules.percent_text(self.percent)

    @property
    def whole(self) -> int:
        """The percent rounded to a whole number (a progress bar's width)."""
        return int(self.percent.quantize(Decimal(1)))

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)


def _annotated(tasks: QuerySet, as_of: date) -> QuerySet:
    """Tasks with their latest report (id, state, period end) and the percent of their
    latest report with one, both up to ``as_of`` (reports with a later ``period_end`` are
    ignored): correlated subqueries on the (task, period_end, id) index, so that no report
    row is turned into an object."""
    upto = ProgressReport.objects.filter(task=OuterRef("pk"), period_end__lte=as_of).order_by(
        "-period_end", "-id"
    )
    with_percent = upto.filter(percent__isnull=False)
    return tasks.annotate(
        _last_id=Subquery(upto.values("id")[:1]),
        _last_status=Subquery(upto.values("status")[:1]),
        _last_end=Subquery(upto.values("period_end")[:1]),
        _pct_id=Subquery(with_percent.values("id")[:1]),
        _pct=Subquery(with_percent.values("percent")[:1]),
    )


def _last(task: Task) -> int | None:
    return getattr(task, "_last_id", None)


def _pct(task: Task) -> int | None:
    return getattr(task, "_pct_id", None)


def _tree_order(tasks: Iterable[Task]) -> list[Task]:
    """Tasks in tree order: depth first, siblings by position then id."""
    children: dict[int | None, list[Task]] = {}
    ids = {t.pk for t in tasks}
    for task in tasks:
        parent = task.parent_id if task.parent_id in ids else None
        children.setdefault(parent, []).append(task)
    for kids in children.values():
        kids.sort(key=lambda t: (t.program_id, t.position, t.pk))
    out: list[Task] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        task = stack.pop()
        out.append(task)
        stack.extend(reversed(children.get(task.pk, [])))
    return out


def _compute(tasks: list[Task], as_of: date) -> dict[int, Progress]:
    """Progress of ``tasks`` (whole programs, annotated by ``_annotated``): no query."""
    now = today()
    status_now: dict[int, str | None] = {}
    nodes = []
    for task in tasks:
        last_status = getattr(task, "_last_status", None)
        own_status = last_status or (task.status if as_of >= now else None)
        status_now[task.pk] = own_status
        pct = getattr(task, "_pct", None)
        nodes.append(
            rules.Node(
                id=task.pk,
                parent_id=task.parent_id,
                weight=task.weight,
                own=Decimal(pct) if pct is not None else None,
                # A leaf without reports whose state was never reported is not started.
                status=own_status or TaskStatus.NOT_STARTED.value,
            )
        )
    rolled = rules.rollup(nodes)
    ordered = _tree_order(tasks)
    kids: dict[int, list[int]] = {}
    for task in tasks:
        if task.parent_id is not None:
            kids.setdefault(task.parent_id, []).append(task.pk)
    states: dict[int, str] = {}
    for task in reversed(ordered):
        child_states = [states[k] for k in kids.get(task.pk, ()) if k in states]
        own = getattr(task, "_last_status", None)
        if own is None and not child_states:
            own = status_now[task.pk] or TaskStatus.NOT_STARTED.value
        states[task.pk] = rules.rolled_status(own, child_states, rolled[task.pk])
    out: dict[int, Progress] = {}
    for task in tasks:
        percent = rolled[task.pk]
        flag = rules.flags(
            status=states[task.pk],
            percent=percent,
            start=task.start,
            deadline=task.deadline,
            as_of=as_of,
        )
        out[task.pk] = Progress(
            task_id=task.pk,
            percent=percent,
            status=states[task.pk],
            own=_pct(task) is not None
            or (states[task.pk] == TaskStatus.DONE and not kids.get(task.pk)),
            overdue=flag.overdue,
            at_risk=flag.at_risk,
            reasons=flag.reasons,
            expected=flag.expected,
            report_id=_last(task),
            report_end=getattr(task, "_last_end", None),
        )
    return out


def progress_as_of(
    tasks: QuerySet | Iterable[int], as_of: date | None = None
) -> dict[int, Progress]:
    """{task id: Progress} for the given tasks as of ``as_of`` (default today). Rolled-up
    progress needs the sub-tasks, so whole programs are read: two queries in all."""
    as_of = as_of or today()
    wanted = set(tasks.values_list("pk", flat=True)) if isinstance(tasks, QuerySet) else set(tasks)
    if not wanted:
        return {}
    programs = Task.objects.filter(pk__in=wanted).values("program_id")
    rows = list(_annotated(Task.objects.filter(program__in=programs), as_of))
    computed = _compute(rows, as_of)
    return {k: v for k, v in computed.items() if k in wanted}


# ---------------------------------------------------------------- a program's tree


@dataclass
class TaskRow:
    task: Task
    number: str
    depth: int
    lead: str
    lead_person: str
    coordinators: list[str]
    start: date | None
    deadline: date | None
    weight: Decimal
    progress: Progress
    visible: bool = True  # False: shown only as the context of a task the viewer may see

    @property
    def has_children(self) -> bool:
        return bool(getattr(self, "_children", False))


@dataclass
class ProgramTree:
    program: Program
    as_of: date
    rows: list[TaskRow]
    percent: Decimal
    counts: dict[str, int] = field(default_factory=dict)  # overdue, at_risk, done, total

    @property
    def percent_text(self) -> str:
        return rules.percent_text(self.percent)

    @property
    def whole(self) -> int:
        return int(self.percent.quantize(Decimal(1)))


def lead_name(task: Task) -> str:
    if task.lead_org is not None:
        return task.lead_org.name
    if task.lead_partner is not None:
        return task.lead_partner.name
    return ""


def program_percent(tasks: Iterable[Task], progress: dict[int, Progress]) -> Decimal:
    """The program's progress: the weighted mean of its top-level tasks (cancelled ones left
    out), the same rule as a parent task without a report of its own."""
    top = [
        t for t in tasks if t.parent_id is None and progress[t.pk].status != TaskStatus.CANCELLED
    ]
    total = sum((t.weight for t in top), rules.ZERO)
    if total <= 0:
        return rules.ZERO
    return sum((t.weight * progress[t.pk].percent for t in top), rules.ZERO) / total


# What a tree row shows: not the related rows' other columns (10,000 tasks build 30,000
# objects).
TREE_FIELDS = (
    "id",
    "program_id",
    "parent_id",
    "path",
    "depth",
    "position",
    "number",
    "kind",
    "title",
    "start",
    "deadline",
    "weight",
    "status",
    "note",
    "lead_org__code",
    "lead_org__name",
    "lead_partner__code",
    "lead_partner__name",
    "lead_person__full_name",
)


def program_tree(
    program: Program, as_of: date | None = None, *, visible: set[int] | None = None
) -> ProgramTree:
    """The program's tasks in tree order with number, depth, lead, coordinators, dates,
    weight, progress and flags as of ``as_of``: two queries for any size. ``visible``
    (task ids): keep only those and the tasks above them (a commune's own tasks)."""
    as_of = as_of or today()
    tasks = list(
        _annotated(
            Task.objects.filter(program=program)
            .select_related("lead_org", "lead_partner", "lead_person")
            .only(*TREE_FIELDS),
            as_of,
        )
    )
    progress = _compute(tasks, as_of)
    coords: dict[int, list[str]] = {}
    for c in (
        TaskCoordinator.objects.filter(task__program=program)
        .select_related("org", "partner")
        .order_by("id")
    ):
        body = c.org if c.org is not None else c.partner
        coords.setdefault(c.task_id, []).append(body.name if body is not None else "")
    by_id = {t.pk: t for t in tasks}
    keep: set[int] | None = None
    if visible is not None:
        keep = set()
        for tid in visible:
            node = by_id.get(tid)
            while node is not None and node.pk not in keep:
                keep.add(node.pk)
                node = by_id.get(node.parent_id) if node.parent_id else None
    parents = {t.parent_id for t in tasks if t.parent_id}
    rows = []
    for task in _tree_order(tasks):
        if keep is not None and task.pk not in keep:
            continue
        row = TaskRow(
            task=task,
            number=task.number,
            depth=task.depth,
            lead=lead_name(task),
            lead_person=task.lead_person.full_name if task.lead_person is not None else "",
            coordinators=coords.get(task.pk, []),
            start=task.start,
            deadline=task.deadline,
            weight=task.weight,
            progress=progress[task.pk],
            visible=visible is None or task.pk in visible,
        )
        row._children = task.pk in parents  # type: ignore[attr-defined]
        rows.append(row)
    counts = {
        "total": len(tasks),
        "overdue": sum(1 for p in progress.values() if p.overdue),
        "at_risk": sum(1 for p in progress.values() if p.at_risk),
        "done": sum(1 for p in progress.values() if p.status == TaskStatus.DONE),
    }
    return ProgramTree(program, as_of, rows, program_percent(tasks, progress), counts)


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class ProgramRow:
    program: Program
    percent: Decimal
    tasks: int
    overdue: int
    at_risk: int

    @property
    def percent_text(self) -> str:
        return rules.percent_text(self.percent)

    @property
    def whole(self) -> int:
        return int(self.percent.quantize(Decimal(1)))


def visible_programs(user: Any) -> QuerySet:
    """Programs of a committee the user sees, and programs with a task the user's
    organisation leads (a commune sees the district's program through its own tasks)."""
    own_tasks = scope.restrict(Task.objects.all(), user).values("program_id")
    return Program.objects.filter(
        Q(pk__in=scope.restrict(Program.objects.all(), user).values("pk")) | Q(pk__in=own_tasks)
    )


def sees_whole(user: Any, program: Program) -> bool:
    """Whether ``user`` sees every task of ``program`` (a viewer of its committee)."""
    return scope.covers(user, scope.VIEW, program.org)


def programs_for(
    user: Any, org: Any = None, year: int | None = None, as_of: date | None = None
) -> list[ProgramRow]:
    """Programs the user may see, issued by ``org`` or an organisation below it, running
    during ``year``, with their progress as of ``as_of``: two queries in all."""
    programs = visible_programs(user)
    if org is not None:
        programs = programs.filter(org.subtree_q("org__"))
    if year is not None:
        programs = programs.filter(start__year__lte=year, end__year__gte=year)
    return program_rows(programs, as_of)


def program_rows(programs: QuerySet, as_of: date | None = None) -> list[ProgramRow]:
    """``programs`` (already scoped by the caller) with their progress as of ``as_of``,
    newest first: two queries."""
    as_of = as_of or today()
    programs = programs.select_related("org")
    programs_list = list(programs.order_by("-start", "title"))
    if not programs_list:
        return []
    tasks = list(_annotated(Task.objects.filter(program__in=[p.pk for p in programs_list]), as_of))
    progress = _compute(tasks, as_of)
    per: dict[int, list[Task]] = {}
    for task in tasks:
        per.setdefault(task.program_id, []).append(task)
    rows = []
    for program in programs_list:
        mine = per.get(program.pk, [])
        rows.append(
            ProgramRow(
                program=program,
                percent=program_percent(mine, progress),
                tasks=len(mine),
                overdue=sum(1 for t in mine if progress[t.pk].overdue),
                at_risk=sum(1 for t in mine if progress[t.pk].at_risk),
            )
        )
    return rows


def reports_of(task: Task, as_of: date | None = None) -> list[ProgressReport]:
    """A task's reports, newest first (up to ``as_of`` when given), with who reported and the
    evidence: two queries."""
    reports = ProgressReport.objects.filter(task=task)
    if as_of is not None:
        reports = reports.filter(period_end__lte=as_of)
    return list(
        reports.select_related("reported_by")
        .prefetch_related("evidence")
        .order_by("-period_end", "-id")
    )


def visible_task_ids(user: Any, program: Program) -> set[int] | None:
    """None when the user sees the whole program; else the ids of its tasks they may see."""
    if sees_whole(user, program):
        return None
    return set(
        scope.restrict(Task.objects.filter(program=program), user).values_list("pk", flat=True)
    )


# ---------------------------------------------------------------- who may change what


def may_edit(user: Any, program: Program) -> bool:
    """The program's committee (CHANGE on its organisation) edits the program and its tasks."""
    return scope.covers(user, scope.CHANGE, program.org)


def may_report(user: Any, task: Task, on: date | None = None) -> bool:
    """Progress on a task is reported by the program's committee, by the staff of the lead
    organisation, or for a partner lead by the staff of the Party organisation leading that
    partner (a lead open today)."""
    if may_edit(user, task.program):
        return True
    if task.lead_org is not None:
        return scope.covers(user, scope.CHANGE, task.lead_org)
    if task.lead_partner_id is None:
        return False
    on = on or today()
    leads = PartnerLead.objects.filter(partner_id=task.lead_partner_id, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return any(scope.covers(user, scope.CHANGE, lead.org) for lead in leads.select_related("org"))


def task_or_404(user: Any, pk: int) -> Task:
    """A task the user may see (its program's viewers, the lead organisation's), else 404."""
    task = scope.get_or_404(
        Task.objects.select_related(
            "program", "program__org", "lead_org", "lead_partner", "lead_person", "parent"
        ),
        user,
        pk=pk,
    )
    assert isinstance(task, Task)
    return task


def program_or_404(user: Any, pk: int) -> Program:
    """A program the user may see (whole, or through a task they may see), else 404."""
    from django.http import Http404

    program = visible_programs(user).select_related("org", "document").filter(pk=pk).first()
    if program is None:
        raise Http404
    return program


def coordinator_names(task: Task) -> list[str]:
    """The names of the bodies coordinating on ``task``, in the order they were added."""
    names = []
    for c in (
        TaskCoordinator.objects.filter(task=task).select_related("org", "partner").order_by("id")
    ):
        body = c.org if c.org is not None else c.partner
        names.append(body.name if body is not None else "")
    return names


def evidence_of(task: Task, file_id: int) -> Any:
    """The stored file ``file_id`` if it is evidence of one of ``task``'s reports."""
    from dangbo.core.models import StoredFile

    return StoredFile.objects.filter(
        pk=file_id,
        pk__in=ProgressReport.evidence.through.objects.filter(progressreport__task=task).values(
            "storedfile_id"
        ),
    ).first()
