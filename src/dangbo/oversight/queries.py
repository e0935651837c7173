"""Read side of oversight: coverage, targets met, "my organisations", opinion dashboards and
the ``oversight`` statistics. Each view is a fixed number of grouped queries whatever the
size of the subtree (a province of the national dataset included)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractQuarter

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.meetings import queries as meeting_queries
from dangbo.meetings.rules import quarter_bounds, quarter_of
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


def assignments_in(org: Organisation, on: date):
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


@dataclass
class Coverage:
    as_of: date
    level: str
    total: int = 0
    uncovered: list = field(default_factory=list)
    uncovered_total: int = 0
    assignments: list = field(default_factory=list)
    assignments_total: int = 0
    needs_handover: list = field(default_factory=list)


def coverage(org: Organisation, as_of: date | None = None, level: str = "grassroots") -> Coverage:
    """Which organisations of the subtree have someone responsible on ``as_of``: grassroots
    organisations (level "grassroots"), or cells (level "cells": a cell is covered by an
    assignment on itself or on the committee directly above it)."""
    as_of = as_of or today()
    result = Coverage(as_of=as_of, level=level)
    orgs = Organisation.objects.filter(subtree_filter(org, as_of), active_q(as_of)).exclude(
        pk=org.pk
    )
    active = OversightAssignment.objects.filter(active_q(as_of))
    if level == "cells":
        orgs = orgs.filter(kind__in=CELL_KINDS)
        covered = Exists(active.filter(target=OuterRef("pk"))) | Exists(
            active.filter(target=OuterRef("parent_id"))
        )
    else:
        orgs = orgs.filter(kind__in=GRASSROOTS_KINDS)
        covered = Exists(active.filter(target=OuterRef("pk")))
    result.total = orgs.count()
    missing = orgs.filter(~covered).order_by("path")
    result.uncovered_total = missing.count()
    result.uncovered = list(missing.values("pk", "code", "name", "kind", "sector")[:LISTED])
    rows = (
        assignments_in(org, as_of)
        .select_related("member", "target", "committee")
        .only(*_LISTED_FIELDS)
        .order_by("target__path", "member__sort_key")
    )
    result.assignments_total = rows.count()
    result.assignments = list(rows[:LISTED])
    # Holders who left the committee (term or position ended) but still hold the assignment.
    seat = Position.objects.filter(
        active_q(as_of),
        member=OuterRef("member_id"),
        org=OuterRef("committee_id"),
        title__in=COMMITTEE_TITLES,
    )
    result.needs_handover = list(
        assignments_in(org, as_of)
        .filter(~Exists(seat))
        .select_related("member", "target", "committee")
        .only(*_LISTED_FIELDS)
        .order_by("target__path")[:LISTED]
    )
    return result


def period_bounds(assignment_period: str, year: int, quarter: int | None) -> tuple[date, date]:
    if assignment_period == TargetPeriod.YEAR or quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    return quarter_bounds(year, quarter)


@dataclass
class TargetRow:
    assignment: OversightAssignment
    cells: list  # per quarter (or one cell for yearly targets): (done, target, state)


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
    done: dict[tuple[int, int], int] = Counter()
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
        periods = [None] if a.target_period == TargetPeriod.YEAR else [1, 2, 3, 4]
        for q in periods:
            start, end = period_bounds(a.target_period, year, q)
            if a.valid_from > end or (a.valid_to is not None and a.valid_to < start):
                cells.append((0, a.target_count, ""))
                continue
            n = sum(done[(a.pk, k)] for k in ([1, 2, 3, 4] if q is None else [q]))
            state = "met" if n >= a.target_count else ("missed" if end <= as_of else "open")
            if start > as_of:
                state = "future"
            cells.append((n, a.target_count, state))
        out.append(TargetRow(a, cells))
    return out


def my_organisations(member, as_of: date | None = None) -> dict:
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
    for a in assignments:
        a.done = (
            counts.get(a.pk, 0)
            if a.target_period == TargetPeriod.QUARTER
            else (year_counts.get(a.pk, 0))
        )
        a.due = max(0, a.target_count - a.done)
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
    visited = set(
        Visit.objects.filter(group__in=groups, date__lte=as_of).values_list("group_id", "org_id")
    )
    targets_by_group = defaultdict(list)
    for t in (
        GroupTarget.objects.filter(group__in=groups)
        .select_related("org")
        .order_by("planned_date", "org__path")
    ):
        t.visited = (t.group_id, t.org_id) in visited
        targets_by_group[t.group_id].append(t)
    for g in groups:
        g.plan = targets_by_group[g.pk]
        g.remaining = sum(not t.visited for t in g.plan)
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
    return {
        "as_of": as_of,
        "quarter": quarter,
        "quarter_start": q_start,
        "quarter_end": q_end,
        "assignments": assignments,
        "groups": groups,
        "visits": visits,
        "opinions": opinions,
    }


def visit_groups(user, cell: Organisation):
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


def opinions_in(org: Organisation, as_of: date | None = None):
    """Opinions about the subtree, or received or handled by it."""
    as_of = as_of or today()
    sub = Organisation.objects.filter(subtree_filter(org, as_of))
    return Opinion.objects.filter(Q(org__in=sub) | Q(received_by__in=sub) | Q(assigned_to__in=sub))


def states_on(opinions, as_of: date) -> Counter:
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


def dashboard(org: Organisation, as_of: date | None = None) -> dict:
    """For the standing committee: open opinions by topic, commune and age; overdue ones."""
    as_of = as_of or today()
    base = opinions_in(org, as_of).filter(received_on__lte=as_of)  # none "received in the future"
    open_qs = base.filter(state__in=OPEN_STATES)
    by_topic = list(
        open_qs.values_list("topic__name").annotate(n=Count("id")).order_by("-n", "topic__name")
    )
    # By the grassroots organisation's id, not its name: communes of one province share names.
    by_commune = [
        (code, name, n)
        for code, name, n in open_qs.values_list("grassroots__code", "grassroots__name")
        .annotate(n=Count("id"))
        .order_by("-n", "grassroots__name", "grassroots__code")
    ]
    # Age buckets counted in the database: one row whatever the number of open opinions.
    buckets, lower = {}, None
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
    return {
        "as_of": as_of,
        "by_state": Counter(dict(base.values_list("state").annotate(n=Count("id")).order_by())),
        "open_total": open_qs.count(),
        "by_topic": by_topic,
        "by_commune": by_commune,
        "by_age": [(lbl, ages[f"b{i}"]) for i, (_limit, lbl) in enumerate(AGE_BUCKETS)],
        "overdue": list(overdue[:LISTED]),
        "overdue_total": overdue.count(),
    }


def heard_in_quarter(org: Organisation, year: int, quarter: int) -> dict:
    """What was heard in a quarter: counts by topic × commune, and the visits made."""
    start, end = quarter_bounds(year, quarter)
    qs = opinions_in(org, end).filter(received_on__gte=start, received_on__lte=end)
    cells = qs.values_list("topic__name", "grassroots__name").annotate(n=Count("id")).order_by()
    topics = sorted({t for t, _c, _n in cells})
    communes = sorted({c or "—" for _t, c, _n in cells})
    table = {(t, c or "—"): n for t, c, n in cells}
    visits = Visit.objects.filter(
        Q(path__gte=org.path, path__lt=org.subtree_upper), date__gte=start, date__lte=end
    )
    return {
        "year": year,
        "quarter": quarter,
        "start": start,
        "end": end,
        "total": sum(table.values()),
        "topics": topics,
        "communes": communes,
        "rows": [
            (c, [table.get((t, c), 0) for t in topics], sum(table.get((t, c), 0) for t in topics))
            for c in communes
        ],
        "topic_totals": [sum(table.get((t, c), 0) for c in communes) for t in topics],
        "visits": visits.count(),
        "cells_visited": visits.values("org_id").distinct().count(),
    }


# ------------------------------------------------------------------ statistics


def oversight_stats(org: Organisation, as_of: date | None = None) -> dict:
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


def _overdue_on(candidates, as_of: date) -> int:
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
