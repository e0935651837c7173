"""Read side of oversight: coverage, targets met, "my organisations", opinion dashboards and
the ``oversight`` statistics. Each view is a fixed number of grouped queries whatever the
size of the subtree (a province of the national dataset included).

What a page needs beyond the models comes back as frozen dataclasses (``Coverage``,
``TargetRow``, ``AssignmentProgress``, ``PlannedCell``, ``GroupPlan``, ``MyOrganisations``),
never as attributes pinned onto model instances."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractQuarter

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.core.types import Actor
from dangbo.meetings import queries as meeting_queries
from dangbo.meetings.rules import quarter_bounds, quarter_of
from dangbo.members.models import Member
from dangbo.orgs.choices import CELL_KINDS, GRASSROOTS_KINDS, OrgKind
from dangbo.orgs.models import Organisation, Position
from dangbo.orgs.queries import active_q, subtree_filter

from .choices import HANDLING_STATES, OPEN_STATES, OpinionState, TargetPeriod
from .models import (
    GroupTarget,
    Opinion,
    OpinionStep,
    OversightAssignment,
    Visit,
    VisitAttendee,
    WorkingGroup,
)
from .services import COMMITTEE_TITLES

LISTED = 200
AGE_BUCKETS = ((15, "≤ 15 ngày"), (30, "16–30 ngày"), (60, "31–60 ngày"), (None, "trên 60 ngày"))


def assignments_in(org: Organisation, on: date) -> QuerySet[OversightAssignment]:
    """Assignments in force on ``on`` whose target is in ``org``'s subtree."""
    return OversightAssignment.objects.filter(
        active_q(on), target__in=Organisation.objects.filter(subtree_filter(org, on))
    )


# What the coverage lists show: a member's ~50 columns and two organisations' per row cost
# more to build than the query itself.
_LISTED_FIELDS = (
    "role",
    "valid_from",
    "valid_to",
    "target_count",
    "target_period",
    "member__full_name",
    "target__code",
    "target__name",
    "target__path",
    "target__kind",
    "committee__code",
    "committee__name",
    "committee__path",
)


@dataclass(frozen=True)
class UncoveredOrg:
    """An organisation of the subtree that nobody is responsible for."""

    id: int
    code: str
    name: str
    kind: str
    sector: str

    @property
    def kind_label(self) -> str:
        return str(OrgKind(self.kind).label)


@dataclass(frozen=True)
class Coverage:
    """Who is responsible for what in ``org``'s subtree on ``as_of``; each list is capped
    at ``LISTED`` rows, its ``_total`` counts them all."""

    org: Organisation
    as_of: date
    level: str
    total: int
    uncovered: list[UncoveredOrg]
    uncovered_total: int
    assignments: list[OversightAssignment]
    assignments_total: int
    needs_handover: list[OversightAssignment]  # holders who left the committee


def coverage(org: Organisation, as_of: date | None = None, level: str = "grassroots") -> Coverage:
    """Which organisations of the subtree have someone responsible on ``as_of``: grassroots
    organisations (level "grassroots"), or cells (level "cells": a cell is covered by an
    assignment on itself or on the committee directly above it)."""
    as_of = as_of or today()
    orgs = Organisation.objects.filter(subtree_filter(org, as_of), active_q(as_of)).exclude(
        pk=org.pk
    )
    active = OversightAssignment.objects.filter(active_q(as_of))
    covered: Q | Exists
    if level == "cells":
        orgs = orgs.filter(kind__in=CELL_KINDS)
        covered = Exists(active.filter(target=OuterRef("pk"))) | Exists(
            active.filter(target=OuterRef("parent_id"))
        )
    else:
        orgs = orgs.filter(kind__in=GRASSROOTS_KINDS)
        covered = Exists(active.filter(target=OuterRef("pk")))
    missing = orgs.filter(~covered).order_by("path")
    rows = (
        assignments_in(org, as_of)
        .select_related("member", "target", "committee")
        .only(*_LISTED_FIELDS)
        .order_by("target__path", "member__sort_key")
    )
    # Holders who left the committee (term or position ended) but still hold the assignment.
    seat = Position.objects.filter(
        active_q(as_of),
        member=OuterRef("member_id"),
        org=OuterRef("committee_id"),
        title__in=COMMITTEE_TITLES,
    )
    return Coverage(
        org=org,
        as_of=as_of,
        level=level,
        total=orgs.count(),
        uncovered=[
            UncoveredOrg(*row)
            for row in missing.values_list("pk", "code", "name", "kind", "sector")[:LISTED]
        ],
        uncovered_total=missing.count(),
        assignments=list(rows[:LISTED]),
        assignments_total=rows.count(),
        needs_handover=list(
            assignments_in(org, as_of)
            .filter(~Exists(seat))
            .select_related("member", "target", "committee")
            .only(*_LISTED_FIELDS)
            .order_by("target__path")[:LISTED]
        ),
    )


def period_bounds(assignment_period: str, year: int, quarter: int | None) -> tuple[date, date]:
    if assignment_period == TargetPeriod.YEAR or quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    return quarter_bounds(year, quarter)


class TargetCell(NamedTuple):
    """One period of an assignment's target: attendances counted, the target, and the
    state ("met", "missed", "open", "future"; "" when not assigned that period)."""

    done: int
    target: int
    state: str


@dataclass(frozen=True)
class TargetPeriodResult:
    """A ``TargetCell`` with its quarter (None for a yearly target), as the API lists it."""

    quarter: int | None
    done: int
    target: int
    state: str


@dataclass(frozen=True)
class TargetRow:
    assignment: OversightAssignment
    cells: list[TargetCell]  # per quarter, or one cell for a yearly target

    @property
    def quarters(self) -> list[int | None]:
        return [None] if self.assignment.target_period == TargetPeriod.YEAR else [1, 2, 3, 4]

    @property
    def periods(self) -> list[TargetPeriodResult]:
        return [
            TargetPeriodResult(q, *cell) for q, cell in zip(self.quarters, self.cells, strict=True)
        ]


def targets(org: Organisation, year: int, as_of: date | None = None) -> list[TargetRow]:
    """Rule 19 per person and quarter: attendances counted toward each assignment against
    its target. State: "met", "missed" (period over), "open" (running), "" (not assigned)."""
    as_of = as_of or today()
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    rows = list(
        OversightAssignment.objects.filter(
            target__in=Organisation.objects.filter(subtree_filter(org, min(as_of, year_end))),
            valid_from__lte=year_end,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year_start))
        .select_related("member", "target")
        .order_by("member__sort_key", "target__path")
    )
    done: Counter[tuple[int, int]] = Counter()
    for assignment_id, quarter, n in (
        VisitAttendee.objects.filter(
            assignment__in=[a.pk for a in rows],
            visit__date__gte=year_start,
            visit__date__lte=min(year_end, as_of),  # what had been done by then
        )
        .annotate(q=ExtractQuarter("visit__date"))
        .values_list("assignment_id", "q")
        .annotate(n=Count("id"))
        .order_by()
    ):
        done[(assignment_id, quarter)] += n
    out = []
    for a in rows:
        cells = []
        periods: list[int | None] = [None] if a.target_period == TargetPeriod.YEAR else [1, 2, 3, 4]
        for q in periods:
            start, end = period_bounds(a.target_period, year, q)
            if a.valid_from > end or (a.valid_to is not None and a.valid_to < start):
                cells.append(TargetCell(0, a.target_count, ""))
                continue
            n = sum(done[(a.pk, k)] for k in ([1, 2, 3, 4] if q is None else [q]))
            state = "met" if n >= a.target_count else ("missed" if end <= as_of else "open")
            if start > as_of:
                state = "future"
            cells.append(TargetCell(n, a.target_count, state))
        out.append(TargetRow(a, cells))
    return out


@dataclass(frozen=True)
class AssignmentProgress:
    """An assignment in force and the attendances counted toward it in its current period
    (the quarter, or the year for a yearly target)."""

    assignment: OversightAssignment
    done: int

    @property
    def due(self) -> int:
        """Attendances still needed this period."""
        return max(0, self.assignment.target_count - self.done)

    @property
    def is_cell(self) -> bool:
        """A cell is attended directly (a visit can be recorded from the row)."""
        return self.assignment.target.kind in CELL_KINDS


@dataclass(frozen=True)
class PlannedCell:
    """A cell in a working group's plan, with the group's first visit to it (if any)."""

    target: GroupTarget
    visit_id: int | None

    @property
    def org(self) -> Organisation:
        return self.target.org

    @property
    def planned_date(self) -> date | None:
        return self.target.planned_date

    @property
    def visited(self) -> bool:
        return self.visit_id is not None


@dataclass(frozen=True)
class GroupPlan:
    """A working group and the cells of its plan."""

    group: WorkingGroup
    cells: list[PlannedCell]

    @property
    def remaining(self) -> int:
        """Cells of the plan not yet attended."""
        return sum(not c.visited for c in self.cells)


def planned_cells(
    groups: Iterable[WorkingGroup], as_of: date | None = None
) -> dict[int, list[PlannedCell]]:
    """Each group's plan (by the group's id), in planned-date then path order, with the
    group's first visit to each cell made by ``as_of`` (any date when None). Two queries."""
    ids = [g.pk for g in groups]
    visits = Visit.objects.filter(group__in=ids)
    if as_of is not None:
        visits = visits.filter(date__lte=as_of)
    first: dict[tuple[int, int], int] = {}
    for group_id, org_id, visit_id in visits.order_by("date", "id").values_list(
        "group_id", "org_id", "id"
    ):
        first.setdefault((group_id, org_id), visit_id)
    out: dict[int, list[PlannedCell]] = {pk: [] for pk in ids}
    for t in (
        GroupTarget.objects.filter(group__in=ids)
        .select_related("org")
        .order_by("planned_date", "org__path")
    ):
        out[t.group_id].append(PlannedCell(t, first.get((t.group_id, t.org_id))))
    return out


def group_plan(group: WorkingGroup, as_of: date | None = None) -> list[PlannedCell]:
    """One group's plan (see ``planned_cells``)."""
    return planned_cells([group], as_of)[group.pk]


@dataclass(frozen=True)
class MyOrganisations:
    """A committee member's own page on ``as_of``."""

    as_of: date
    quarter: int
    quarter_start: date
    quarter_end: date
    assignments: list[AssignmentProgress]
    groups: list[GroupPlan]  # active on as_of or starting within a quarter
    visits: list[Visit]  # the latest 20 they attended
    opinions: list[Opinion]  # the latest 50 heard at visits they attended


def my_organisations(member: Member, as_of: date | None = None) -> MyOrganisations:
    """A committee member's page: what they oversee, what each needs this quarter, the
    cells their working groups must attend, and the opinions they brought in still open."""
    as_of = as_of or today()
    quarter = quarter_of(as_of)
    q_start, q_end = quarter_bounds(as_of.year, quarter)
    assignments = list(
        OversightAssignment.objects.filter(active_q(as_of), member=member)
        .select_related("target", "committee")
        .order_by("target__path")
    )
    counts = dict(
        VisitAttendee.objects.filter(
            assignment__in=[a.pk for a in assignments],
            visit__date__gte=q_start,
            visit__date__lte=min(q_end, as_of),
        )
        .values_list("assignment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    year_counts = dict(
        VisitAttendee.objects.filter(
            assignment__in=[a.pk for a in assignments],
            visit__date__gte=date(as_of.year, 1, 1),
            visit__date__lte=as_of,
        )
        .values_list("assignment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups = list(
        WorkingGroup.objects.filter(
            Q(leader=member) | Q(members=member),
            period_start__lte=as_of + timedelta(days=92),
            period_end__gte=as_of,
        )
        .distinct()
        .select_related("committee", "leader")
        .order_by("period_start")
    )
    plans = planned_cells(groups, as_of)
    visits = list(
        Visit.objects.filter(attendees__member=member, date__lte=as_of)
        .select_related("org", "group")
        .order_by("-date", "-id")[:20]
    )
    opinions = list(
        Opinion.objects.filter(visit__attendees__member=member, received_on__lte=as_of)
        .select_related("topic", "assigned_to", "org")
        .order_by("-received_on", "-id")
        .distinct()[:50]
    )
    return MyOrganisations(
        as_of=as_of,
        quarter=quarter,
        quarter_start=q_start,
        quarter_end=q_end,
        assignments=[
            AssignmentProgress(
                a,
                counts.get(a.pk, 0)
                if a.target_period == TargetPeriod.QUARTER
                else year_counts.get(a.pk, 0),
            )
            for a in assignments
        ],
        groups=[GroupPlan(g, plans[g.pk]) for g in groups],
        visits=visits,
        opinions=opinions,
    )


def visit_groups(user: Actor, cell: Organisation) -> QuerySet[WorkingGroup]:
    """The working groups a visit to ``cell`` may be recorded under: those of the
    committees above the cell that ``user`` may see, or that ``user``'s own member record
    belongs to (the service then checks the visit's day against the group's period)."""
    above = [int(p) for p in cell.path.split(".") if p and int(p) != cell.pk]
    visible = Q(pk__in=scope.restrict(WorkingGroup.objects.all(), user).values("pk"))
    me = getattr(user, "member", None)
    if me is not None:
        visible |= Q(leader=me) | Q(members=me)
    return (
        WorkingGroup.objects.filter(visible, committee_id__in=above)
        .select_related("committee")
        .distinct()
        .order_by("-period_start", "name", "id")
    )


# ------------------------------------------------------------------ opinions


def opinions_in(org: Organisation, as_of: date | None = None) -> QuerySet[Opinion]:
    """Opinions about the subtree, or received or handled by it."""
    as_of = as_of or today()
    sub = Organisation.objects.filter(subtree_filter(org, as_of))
    return Opinion.objects.filter(Q(org__in=sub) | Q(received_by__in=sub) | Q(assigned_to__in=sub))


def opinions_sent_by(member: Member) -> QuerySet[Opinion]:
    """The opinions a member sent themself, newest first: what "Ý kiến của tôi" lists (a
    member sees these and no others)."""
    return (
        Opinion.objects.filter(submitter_member=member)
        .select_related("topic", "org", "received_by", "assigned_to")
        .order_by("-received_on", "-id")
    )


def states_on(opinions: QuerySet[Opinion], as_of: date) -> Counter[str]:
    """Each opinion's state on ``as_of``: the last step taken by then (history, not today's
    column), counted by state. One grouped query."""
    latest = (
        OpinionStep.objects.filter(opinion=OuterRef("opinion_id"), on__lte=as_of)
        .order_by("-on", "-id")
        .values("id")[:1]
    )
    rows = (
        OpinionStep.objects.filter(
            opinion__in=opinions.filter(received_on__lte=as_of), on__lte=as_of
        )
        .filter(id=latest)
        .values_list("to_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter(dict(rows))


@dataclass(frozen=True)
class Counted:
    name: str
    count: int


@dataclass(frozen=True)
class CommuneCounted:
    """Open opinions of one grassroots organisation (by its code: names repeat across
    communes); code and name are None for opinions outside any."""

    code: str | None
    name: str | None
    count: int


@dataclass(frozen=True)
class Dashboard:
    """For the standing committee: opinions received by ``as_of`` in ``org``'s subtree."""

    org: Organisation
    as_of: date
    by_state: Counter[str]  # today's state of each
    open_total: int
    by_topic: list[Counted]  # open ones, most first
    by_commune: list[CommuneCounted]  # open ones, most first
    by_age: list[Counted]  # open ones, by days since received (AGE_BUCKETS)
    overdue: list[Opinion]  # being handled past the deadline, at most LISTED
    overdue_total: int


def dashboard(org: Organisation, as_of: date | None = None) -> Dashboard:
    """For the standing committee: open opinions by topic, commune and age; overdue ones."""
    as_of = as_of or today()
    base = opinions_in(org, as_of).filter(received_on__lte=as_of)  # none "received in the future"
    open_qs = base.filter(state__in=OPEN_STATES)
    by_topic = [
        Counted(name, n)
        for name, n in open_qs.values_list("topic__name")
        .annotate(n=Count("id"))
        .order_by("-n", "topic__name")
    ]
    # By the grassroots organisation's id, not its name: communes of one province share names.
    by_commune = [
        CommuneCounted(code, name, n)
        for code, name, n in open_qs.values_list("grassroots__code", "grassroots__name")
        .annotate(n=Count("id"))
        .order_by("-n", "grassroots__name", "grassroots__code")
    ]
    # Age buckets counted in the database: one row whatever the number of open opinions.
    buckets: dict[str, Count] = {}
    lower: int | None = None
    for i, (limit, _label) in enumerate(AGE_BUCKETS):
        q = Q()
        if limit is not None:
            q &= Q(received_on__gte=as_of - timedelta(days=limit))
        if lower is not None:
            q &= Q(received_on__lt=as_of - timedelta(days=lower))
        buckets[f"b{i}"] = Count("id", filter=q)
        lower = limit
    ages = open_qs.aggregate(**buckets)
    overdue = (
        base.filter(state__in=HANDLING_STATES, deadline__lt=as_of)
        .select_related("topic", "assigned_to", "grassroots")
        .order_by("deadline", "id")
    )
    return Dashboard(
        org=org,
        as_of=as_of,
        by_state=Counter(dict(base.values_list("state").annotate(n=Count("id")).order_by())),
        open_total=open_qs.count(),
        by_topic=by_topic,
        by_commune=by_commune,
        by_age=[Counted(lbl, ages[f"b{i}"]) for i, (_limit, lbl) in enumerate(AGE_BUCKETS)],
        overdue=list(overdue[:LISTED]),
        overdue_total=overdue.count(),
    )


@dataclass(frozen=True)
class QuarterHeard:
    """What was heard in a quarter: opinions by commune (rows) and topic (columns)."""

    year: int
    quarter: int
    start: date
    end: date
    total: int
    topics: list[str]
    communes: list[str]
    rows: list[tuple[str, list[int], int]]  # commune, a count per topic, the commune's total
    topic_totals: list[int]
    visits: int
    cells_visited: int


def heard_in_quarter(org: Organisation, year: int, quarter: int) -> QuarterHeard:
    """What was heard in a quarter: counts by topic × commune, and the visits made."""
    start, end = quarter_bounds(year, quarter)
    qs = opinions_in(org, end).filter(received_on__gte=start, received_on__lte=end)
    cells = list(
        qs.values_list("topic__name", "grassroots__name").annotate(n=Count("id")).order_by()
    )
    topics = sorted({t for t, _c, _n in cells})
    communes = sorted({c or "—" for _t, c, _n in cells})
    table = {(t, c or "—"): n for t, c, n in cells}
    visits = Visit.objects.filter(
        Q(path__gte=org.path, path__lt=org.subtree_upper), date__gte=start, date__lte=end
    )
    return QuarterHeard(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        total=sum(table.values()),
        topics=topics,
        communes=communes,
        rows=[
            (c, [table.get((t, c), 0) for t in topics], sum(table.get((t, c), 0) for t in topics))
            for c in communes
        ],
        topic_totals=[sum(table.get((t, c), 0) for c in communes) for t in topics],
        visits=visits.count(),
        cells_visited=visits.values("org_id").distinct().count(),
    )


# ------------------------------------------------------------------ statistics


def oversight_stats(org: Organisation, as_of: date | None = None) -> dict[str, Any]:
    """The ``oversight`` block of ``dangbo stats``: the calendar year of ``as_of`` up to it."""
    as_of = as_of or today()
    start = date(as_of.year, 1, 1)
    sub = Organisation.objects.filter(subtree_filter(org, as_of))
    sub_cells = sub.filter(active_q(as_of), kind=OrgKind.SUB_CELL)
    visits = Visit.objects.filter(org__in=sub, date__gte=start, date__lte=as_of)
    cov = Organisation.objects.filter(
        subtree_filter(org, as_of), active_q(as_of), kind__in=GRASSROOTS_KINDS
    ).exclude(pk=org.pk)
    uncovered = cov.filter(
        ~Exists(OversightAssignment.objects.filter(active_q(as_of), target=OuterRef("pk")))
    ).count()
    compliance = meeting_queries.compliance(org, as_of)
    by_state = states_on(opinions_in(org, as_of), as_of)
    overdue = (
        opinions_in(org, as_of)
        .filter(received_on__lte=as_of)
        .filter(
            Exists(
                OpinionStep.objects.filter(
                    opinion=OuterRef("pk"), on__lte=as_of, deadline__lt=as_of
                )
            )
        )
    )
    return {
        "year": as_of.year,
        "sub_cells": sub_cells.count(),
        "sub_cells_visited": visits.filter(org__in=sub_cells).values("org_id").distinct().count(),
        "cells_visited": visits.values("org_id").distinct().count(),
        "visits": visits.count(),
        "visits_without_mandate": visits.filter(without_mandate=True).count(),
        "regular_meetings": compliance.regular_meetings,  # counted once, by compliance
        "thematic_meetings": compliance.thematic_meetings,
        "cells_missing_regular_meeting": compliance.missing_regular_total,
        "cells_missing_thematic_meeting": compliance.missing_thematic_total,
        "attendance_rate": compliance.attendance.get("rate"),
        "members_flagged_unexcused": compliance.flagged_total,
        "opinions_by_state": {s: by_state.get(s, 0) for s in OpinionState.values},
        "opinions_total": sum(by_state.values()),
        "opinions_overdue": _overdue_on(overdue, as_of),
        "assignments": assignments_in(org, as_of).count(),
        "organisations_without_oversight": uncovered,
    }


def _overdue_on(candidates: QuerySet[Opinion], as_of: date) -> int:
    """Opinions being handled on ``as_of`` past the deadline then in force."""
    n = 0
    rows = OpinionStep.objects.filter(opinion__in=candidates, on__lte=as_of).order_by(
        "opinion_id", "on", "id"
    )
    state: dict[int, tuple[str, date | None]] = {}
    for opinion_id, to_state, deadline in rows.values_list("opinion_id", "to_state", "deadline"):
        # The deadline in force is the last one set (as the opinion's own column keeps it):
        # an opinion reopened after its answer is late again once that deadline passed.
        prev = state.get(opinion_id, ("", None))
        state[opinion_id] = (to_state, deadline or prev[1])
    for to_state, deadline in state.values():
        n += to_state in HANDLING_STATES and deadline is not None and deadline < as_of
    return n
