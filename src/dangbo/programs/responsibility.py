"""Who answers for what: the tasks an organisation or a person leads (chủ trì) and
coordinates (phối hợp), which of them are overdue, and a program's matrix of bodies × tasks.

An organisation leads a task directly (``lead_org``) or through a partner body it leads on
the day (``PartnerLead``); a person leads the tasks naming them (``lead_person``) and those of
the organisations where they hold the head position on the day (secretary, group leader).
Every list is restricted to the tasks the viewer may see (``scope``) and costs a fixed
number of queries; progress and the overdue flag come from ``programs.queries``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dangbo.core import scope
from dangbo.core.choices import Role
from dangbo.core.dates import today
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import Title
from dangbo.orgs.models import Organisation, PartnerBody, PartnerLead, Position

from . import queries
from .models import Program, Task, TaskCoordinator
from .rules import CLOSED

LIMIT = 500  # rows per list on a page; the counts are exact
MY_TASKS = 10  # rows of the home page's block
PANEL_ROWS = 5  # overdue rows shown in a panel
HEAD_TITLES = (Title.SECRETARY, Title.GROUP_LEADER)

LEAD = "lead"
COORDINATE = "coordinate"


@dataclass
class Line:
    """One task as a body or person answers for it, with its progress as of the day."""

    task: Task
    role: str  # LEAD or COORDINATE
    progress: queries.Progress | None = None

    @property
    def overdue(self) -> bool:
        return bool(self.progress and self.progress.overdue)

    @property
    def role_label(self) -> str:
        return _("Chủ trì") if self.role == LEAD else _("Phối hợp")

    @property
    def lead_name(self) -> str:
        return queries.lead_name(self.task)

    @property
    def url(self) -> str:
        return task_url(self.task)


def task_url(task: Task) -> str:
    """The task's page (``programs:task``), or "" while that page does not exist."""
    try:
        return reverse("programs:task", args=[task.pk])
    except NoReverseMatch:
        return ""


@dataclass
class Responsibility:
    day: date
    leads: list[Line] = field(default_factory=list)
    coordinates: list[Line] = field(default_factory=list)
    leads_total: int = 0
    coordinates_total: int = 0

    @property
    def overdue(self) -> list[Line]:
        return [line for line in [*self.leads, *self.coordinates] if line.overdue]

    @property
    def truncated(self) -> bool:
        return self.leads_total > len(self.leads) or self.coordinates_total > len(self.coordinates)

    @property
    def empty(self) -> bool:
        return not (self.leads_total or self.coordinates_total)


def _tasks(user: Any) -> QuerySet:
    return scope.restrict(
        Task.objects.select_related("program", "lead_org", "lead_partner", "lead_person"), user
    )


def _sort_key(line: Line) -> tuple:
    deadline = line.task.deadline or date.max
    return (not line.overdue, deadline, line.task.program_id, line.task.path)


def task_lines(tasks: QuerySet, role: str, day: date, limit: int) -> tuple[list[Line], int]:
    """The tasks (of programs started by the day), open ones by the nearest deadline, then
    overdue first among those shown; three queries for progress whatever the count."""
    tasks = tasks.filter(program__start__lte=day)
    total = tasks.count()
    # Open tasks first (the current state), then the nearest deadline; undated ones last.
    closed_last = Case(When(status__in=CLOSED, then=Value(1)), default=Value(0))
    order = (closed_last, F("deadline").asc(nulls_last=True), "program_id", "path")
    rows = list(tasks.order_by(*order)[: LIMIT if limit <= 0 else limit])
    progress = queries.progress_as_of([t.pk for t in rows], day) if rows else {}
    lines = sorted((Line(t, role, progress.get(t.pk)) for t in rows), key=_sort_key)
    return lines, total


def _collect(user: Any, lead_q: Q, coord: QuerySet, day: date, limit: int) -> Responsibility:
    if (
        not _tasks(user)
        .filter(program__start__lte=day)
        .filter(lead_q | Q(pk__in=coord.values("task_id")))
        .exists()
    ):
        return Responsibility(day)  # one query for the many pages with nothing to show
    led = _tasks(user).filter(lead_q).distinct()
    coordinated = (
        _tasks(user).filter(pk__in=coord.values("task_id")).exclude(pk__in=led.values("pk"))
    )
    leads, leads_total = task_lines(led, LEAD, day, limit)
    coordinates, coordinates_total = task_lines(coordinated, COORDINATE, day, limit)
    return Responsibility(day, leads, coordinates, leads_total, coordinates_total)


def for_org(
    user: Any, org: Organisation, day: date | None = None, *, subtree: bool = False, limit: int = 0
) -> Responsibility:
    """What ``org`` (with ``subtree``: any organisation of its subtree as of ``day``) leads
    and coordinates, itself or through the partner bodies it leads on ``day``."""
    day = day or today()
    partners = org_queries.partners_led_by(org, day, subtree=subtree).values("pk")
    orgs_q = org_queries.subtree_filter(org, day, "lead_org__") if subtree else Q(lead_org=org)
    coord_orgs = org_queries.subtree_filter(org, day, "org__") if subtree else Q(org=org)
    coord = TaskCoordinator.objects.filter(coord_orgs | Q(partner__in=partners))
    return _collect(user, orgs_q | Q(lead_partner__in=partners), coord, day, limit)


def headed_orgs(member: Any, day: date) -> QuerySet:
    """The organisations ``member`` heads on ``day`` (as ids, a subquery)."""
    return (
        Position.objects.filter(org_queries.active_q(day), member=member, title__in=HEAD_TITLES)
        .values("org_id")
        .distinct()
    )


def for_person(
    user: Any, member: Any, day: date | None = None, *, limit: int = 0
) -> Responsibility:
    """What ``member`` answers for: tasks naming them, and the tasks of the organisations
    they head on ``day`` (led directly or through a partner body)."""
    day = day or today()
    heads = headed_orgs(member, day)
    partners = PartnerLead.objects.filter(org_queries.active_q(day), org__in=heads).values(
        "partner_id"
    )
    lead_q = Q(lead_person=member) | Q(lead_org__in=heads) | Q(lead_partner__in=partners)
    coord = TaskCoordinator.objects.filter(Q(org__in=heads) | Q(partner__in=partners))
    return _collect(user, lead_q, coord, day, limit)


def my_tasks(user: Any, day: date | None = None, limit: int = MY_TASKS) -> Responsibility:
    """The home page's block: open tasks naming the user's member record, and those the
    organisations of their staff grants lead (directly or through a partner body). Their
    own tasks need no further scope (a member-only login sees the ones naming them). One
    query when there are none."""
    day = day or today()
    member = getattr(user, "member", None)
    lead_q = Q(pk__in=[])
    if member is not None:
        lead_q |= Q(lead_person=member)
    staff_orgs = [
        g.org_id
        for g in scope.active_grants(user)
        if g.role in (Role.ADMIN, Role.ORG_STAFF) and g.org_id is not None
    ]
    if staff_orgs:
        partners = PartnerLead.objects.filter(
            org_queries.active_q(day), org_id__in=staff_orgs
        ).values("partner_id")
        lead_q |= Q(lead_org_id__in=staff_orgs) | Q(lead_partner__in=partners)
    result = Responsibility(day)
    if member is None and not staff_orgs:
        return result
    led = (
        Task.objects.select_related("program", "lead_org", "lead_partner", "lead_person")
        .filter(lead_q, program__start__lte=day)
        .exclude(status__in=CLOSED)
    )
    order = (F("deadline").asc(nulls_last=True), "program_id", "path")
    window = limit * 3  # a state rolled up from the sub-tasks may close some of them
    rows = list(led.order_by(*order)[:window])
    if not rows:
        return result
    progress = queries.progress_as_of([t.pk for t in rows], day)
    open_lines = [
        Line(t, LEAD, progress.get(t.pk))
        for t in rows
        if t.pk not in progress or progress[t.pk].status not in CLOSED
    ]
    result.leads = sorted(open_lines[:limit], key=_sort_key)
    result.leads_total = len(open_lines) if len(rows) < window else led.count()
    return result


# ---------------------------------------------------------------- a program's matrix


@dataclass(frozen=True)
class Body:
    """A column of the matrix: a Party organisation or a partner body."""

    key: str  # "o<id>" or "p<id>"
    name: str


@dataclass
class MatrixRow:
    task: Task
    cells: list[str]  # one per column: "Chủ trì", "Phối hợp" or ""


@dataclass
class Matrix:
    program: Program
    bodies: list[Body]
    rows: list[MatrixRow]


def program_for(user: Any, pk: int) -> Program | None:
    """A program the user may see (its committee's, or one with a task they see)."""
    return queries.visible_programs(user).select_related("org").filter(pk=pk).first()


def matrix(user: Any, program: Program) -> Matrix:
    """Rows: the program's tasks the user sees, in tree order; columns: every body that
    leads or coordinates one of them (Party organisations in tree order, then partners by
    name). Three queries."""
    tasks = Task.objects.filter(program=program).select_related("lead_org", "lead_partner")
    visible = queries.visible_task_ids(user, program)
    if visible is not None:
        tasks = tasks.filter(pk__in=visible)
    ordered = queries.tree_order(list(tasks))
    coordinators = list(
        TaskCoordinator.objects.filter(task__in=[t.pk for t in ordered]).select_related(
            "org", "partner"
        )
    )
    orgs: dict[int, Organisation] = {}
    partners: dict[int, PartnerBody] = {}
    roles: dict[tuple[int, str], str] = {}
    lead_label, coord_label = _("Chủ trì"), _("Phối hợp")
    for task in ordered:
        if task.lead_org is not None:
            orgs[task.lead_org.pk] = task.lead_org
            roles[(task.pk, f"o{task.lead_org.pk}")] = lead_label
        if task.lead_partner is not None:
            partners[task.lead_partner.pk] = task.lead_partner
            roles[(task.pk, f"p{task.lead_partner.pk}")] = lead_label
    for c in coordinators:
        key = f"o{c.org_id}" if c.org_id else f"p{c.partner_id}"
        if c.org is not None:
            orgs[c.org.pk] = c.org
        elif c.partner is not None:
            partners[c.partner.pk] = c.partner
        roles.setdefault((c.task_id, key), coord_label)
    bodies = [Body(f"o{o.pk}", o.name) for o in sorted(orgs.values(), key=lambda o: o.path)] + [
        Body(f"p{p.pk}", p.name) for p in sorted(partners.values(), key=lambda p: (p.name, p.pk))
    ]
    rows = [MatrixRow(t, [roles.get((t.pk, b.key), "") for b in bodies]) for t in ordered]
    return Matrix(program, bodies, rows)
