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
        _pct=Subquery(with_percent.values("percent")[:1]),
    )


class Ref:
    """A related row as a tree shows it (a lead organisation, partner body or person): its
    id and the names read, not a model instance."""

    __slots__ = ("id", "code", "name")

    def __init__(self, id: int, code: str = "", name: str = "") -> None:
        self.id, self.code, self.name = id, code, name

    @property
    def pk(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Ref {self.id} {self.name!r}>"


# The columns a progress computation reads, then what a tree row shows: no model instance is
# built (10,000 tasks with their leads were 30,000 objects).
BASE_COLUMNS = (
    "id",
    "program_id",
    "parent_id",
    "position",
    "weight",
    "start",
    "deadline",
    "status",
    "_last_id",
    "_last_status",
    "_last_end",
    "_pct",
)
TREE_COLUMNS = (
    "path",
    "depth",
    "number",
    "kind",
    "title",
    "note",
    "lead_org_id",
    "lead_org__code",
    "lead_org__name",
    "lead_partner_id",
    "lead_partner__code",
    "lead_partner__name",
    "lead_person_id",
    "lead_person__full_name",
)


class TreeTask:
    """A task read for progress or a tree: the columns above, the latest report's state and
    percent up to the date, and its leads as ``Ref`` (``.code``, ``.name``,
    ``.full_name``). Equal to the ``Task`` with the same id."""

    __slots__ = (
        "id",
        "program_id",
        "parent_id",
        "position",
        "weight",
        "start",
        "deadline",
        "status",
        "last_id",
        "last_status",
        "last_end",
        "pct",
        "path",
        "depth",
        "number",
        "kind",
        "title",
        "note",
        "lead_org_id",
        "lead_org",
        "lead_partner_id",
        "lead_partner",
        "lead_person_id",
        "lead_person",
    )

    def __init__(self, row: tuple[Any, ...]) -> None:
        (
            self.id,
            self.program_id,
            self.parent_id,
            self.position,
            self.weight,
            self.start,
            self.deadline,
            self.status,
            self.last_id,
            self.last_status,
            self.last_end,
            self.pct,
        ) = row[:12]
        self.lead_org: Ref | None = None
        self.lead_partner: Ref | None = None
        self.lead_person: Ref | None = None
        if len(row) == 12:
            self.path = self.number = self.kind = self.title = self.note = ""
            self.depth = 0
            self.lead_org_id = self.lead_partner_id = self.lead_person_id = None
            return
        (
            self.path,
            self.depth,
            self.number,
            self.kind,
            self.title,
            self.note,
            self.lead_org_id,
            org_code,
            org_name,
            self.lead_partner_id,
            partner_code,
            partner_name,
            self.lead_person_id,
            person_name,
        ) = row[12:]
        if self.lead_org_id is not None:
            self.lead_org = Ref(self.lead_org_id, org_code, org_name)
        if self.lead_partner_id is not None:
            self.lead_partner = Ref(self.lead_partner_id, partner_code, partner_name)
        if self.lead_person_id is not None:
            self.lead_person = Ref(self.lead_person_id, "", person_name)

    @property
    def pk(self) -> int:
        return int(self.id)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TreeTask | Task):
            return bool(self.id == other.pk)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __str__(self) -> str:
        return str(self.title)

    def __repr__(self) -> str:
        return f"<TreeTask {self.id} {self.number} {self.title!r}>"


def _read(tasks: QuerySet, as_of: date, *, tree: bool = False) -> list[TreeTask]:
    """``tasks`` with their latest report up to ``as_of`` (and what a tree row shows when
    ``tree``) as ``TreeTask``: one query, no model instance."""
    columns = BASE_COLUMNS + TREE_COLUMNS if tree else BASE_COLUMNS
    # By program id, then path: each program's tasks in the model's order, without joining
    # the programs to sort by their own ordering.
    ordered = _annotated(tasks.order_by("program_id", "path"), as_of)
    return [TreeTask(row) for row in ordered.values_list(*columns)]


def tree_order(tasks: Iterable[Any]) -> list[Any]:
    """Tasks in tree order: depth first, siblings by position then id."""
    children: dict[int | None, list[Any]] = {}
    ids = {t.pk for t in tasks}
    for task in tasks:
        parent = task.parent_id if task.parent_id in ids else None
        children.setdefault(parent, []).append(task)
    for kids in children.values():
        kids.sort(key=lambda t: (t.program_id, t.position, t.pk))
    out: list[Any] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        task = stack.pop()
        out.append(task)
        stack.extend(reversed(children.get(task.pk, [])))
    return out


_DONE = TaskStatus.DONE.value
_CANCELLED = TaskStatus.CANCELLED.value
_NOT_STARTED = TaskStatus.NOT_STARTED.value


def _compute(tasks: list[TreeTask], as_of: date) -> dict[int, Progress]:
    """Progress of ``tasks`` (whole programs, read by ``_read``): no query. The roll-up of
    ``rules.rollup`` and the states of ``rules.rolled_status`` in one pass, children before
    parents (iterative: any depth)."""
    current = as_of >= today()
    by_id = {t.id: t for t in tasks}
    kids: dict[int, list[TreeTask]] = {}
    roots: list[TreeTask] = []
    for task in tasks:
        if task.parent_id is not None and task.parent_id in by_id:
            kids.setdefault(task.parent_id, []).append(task)
        else:
            roots.append(task)
    # The node state the roll-up sees: the latest report's, else (as of today or later) the
    # task's current state; a leaf whose state was never reported is not started.
    node_status: dict[int, str] = {}
    status_now: dict[int, str | None] = {}
    for task in tasks:
        own_status = task.last_status or (task.status if current else None)
        status_now[task.id] = own_status
        node_status[task.id] = own_status or _NOT_STARTED
    order: list[TreeTask] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(kids.get(node.id, ()))
    percent: dict[int, Decimal] = {}
    states: dict[int, str] = {}
    zero, hundred = rules.ZERO, rules.HUNDRED
    for task in reversed(order):
        children = kids.get(task.id, ())
        if task.pct is not None:
            value = Decimal(task.pct)
        elif node_status[task.id] == _DONE:
            value = hundred
        else:
            counted = [c for c in children if node_status[c.id] != _CANCELLED]
            total = sum((c.weight for c in counted), zero)
            if not counted or total <= 0:
                value = zero
            else:
                value = sum((c.weight * percent[c.id] for c in counted), zero) / total
        percent[task.id] = value
        child_states = [states[c.id] for c in children]
        own = task.last_status
        if own is None and not child_states:
            own = status_now[task.id] or _NOT_STARTED
        states[task.id] = rules.rolled_status(own, child_states, value)
    out: dict[int, Progress] = {}
    overdue_text = rules.overdue_reason()
    for task in tasks:
        value = percent[task.id]
        state = states[task.id]
        flag = rules.flags(
            status=state,
            percent=value,
            start=task.start,
            deadline=task.deadline,
            as_of=as_of,
            overdue_text=overdue_text,
        )
        out[task.id] = Progress(
            task_id=task.id,
            percent=value,
            status=state,
            # A latest report with a percent (its percent is never null).
            own=task.pct is not None or (state == _DONE and task.id not in kids),
            overdue=flag.overdue,
            at_risk=flag.at_risk,
            reasons=flag.reasons,
            expected=flag.expected,
            report_id=task.last_id,
            report_end=task.last_end,
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
    computed = _compute(_read(Task.objects.filter(program__in=programs), as_of), as_of)
    return {k: v for k, v in computed.items() if k in wanted}


# ---------------------------------------------------------------- a program's tree


@dataclass
class TaskRow:
    task: TreeTask
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


def lead_name(task: Task | TreeTask) -> str:
    if task.lead_org is not None:
        return task.lead_org.name
    if task.lead_partner is not None:
        return task.lead_partner.name
    return ""


def program_percent(tasks: Iterable[Task | TreeTask], progress: dict[int, Progress]) -> Decimal:
    """The program's progress: the weighted mean of its top-level tasks (cancelled ones left
    out), the same rule as a parent task without a report of its own."""
    top = [
        t for t in tasks if t.parent_id is None and progress[t.pk].status != TaskStatus.CANCELLED
    ]
    total = sum((t.weight for t in top), rules.ZERO)
    if total <= 0:
        return rules.ZERO
    return sum((t.weight * progress[t.pk].percent for t in top), rules.ZERO) / total


def program_tree(
    program: Program, as_of: date | None = None, *, visible: set[int] | None = None
) -> ProgramTree:
    """The program's tasks in tree order with number, depth, lead, coordinators, dates,
    weight, progress and flags as of ``as_of``: two queries for any size, no model instance
    per task (``TaskRow.task`` is a ``TreeTask``). ``visible`` (task ids): keep only those
    and the tasks above them (a commune's own tasks)."""
    as_of = as_of or today()
    tasks = _read(Task.objects.filter(program=program), as_of, tree=True)
    progress = _compute(tasks, as_of)
    coords: dict[int, list[str]] = {}
    for task_id, org_id, org_name, partner_id, partner_name in (
        TaskCoordinator.objects.filter(task__program=program)
        .order_by("id")
        .values_list("task_id", "org_id", "org__name", "partner_id", "partner__name")
    ):
        name = org_name if org_id is not None else partner_name if partner_id is not None else ""
        coords.setdefault(task_id, []).append(name)
    by_id = {t.id: t for t in tasks}
    keep: set[int] | None = None
    if visible is not None:
        keep = set()
        for tid in visible:
            node = by_id.get(tid)
            while node is not None and node.id not in keep:
                keep.add(node.id)
                node = by_id.get(node.parent_id) if node.parent_id else None
    parents = {t.parent_id for t in tasks if t.parent_id}
    rows = []
    for task in tree_order(tasks):
        if keep is not None and task.id not in keep:
            continue
        row = TaskRow(
            task=task,
            number=task.number,
            depth=task.depth,
            lead=lead_name(task),
            lead_person=task.lead_person.full_name if task.lead_person is not None else "",
            coordinators=coords.get(task.id, []),
            start=task.start,
            deadline=task.deadline,
            weight=task.weight,
            progress=progress[task.id],
            visible=visible is None or task.id in visible,
        )
        row._children = task.id in parents  # type: ignore[attr-defined]
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
    tasks = _read(Task.objects.filter(program__in=[p.pk for p in programs_list]), as_of)
    progress = _compute(tasks, as_of)
    per: dict[int, list[TreeTask]] = {}
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
