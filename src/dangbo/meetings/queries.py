"""Read side of cell meetings: lists, and compliance with the meeting rules as of a date.

Compliance over a whole province is a handful of grouped queries — cells per month and
quarter are counted in the database, never by a Python loop over meetings.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter

from dangbo.core.dates import today
from dangbo.members.models import Membership
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import active_q, subtree_filter

from . import rules
from .choices import AttendanceStatus, MeetingKind
from .models import Attendance, Meeting

LISTED = 200  # cells and members listed by name; the counts cover all of them


def cells_in(org: Organisation, as_of: date):
    """Cells of ``org``'s subtree (``org`` itself when it is a cell) active on ``as_of``."""
    return Organisation.objects.filter(
        subtree_filter(org, as_of), active_q(as_of), kind__in=CELL_KINDS
    )


@dataclass
class Compliance:
    year: int
    as_of: date
    cells: int = 0
    months_due: list[int] = field(default_factory=list)
    quarters_due: list[int] = field(default_factory=list)
    regular_meetings: int = 0
    thematic_meetings: int = 0
    missing_regular: list[dict] = field(default_factory=list)  # first LISTED cells
    missing_regular_total: int = 0
    missing_thematic: list[dict] = field(default_factory=list)
    missing_thematic_total: int = 0
    attendance: dict = field(default_factory=dict)
    flagged_members: list[dict] = field(default_factory=list)
    flagged_total: int = 0


def compliance(org: Organisation, as_of: date | None = None) -> Compliance:
    """Rule 17 (a regular meeting each month, a thematic one each quarter) and rule 13
    (three months absent without reason) for the calendar year of ``as_of``, up to it."""
    as_of = as_of or today()
    year = as_of.year
    start = date(year, 1, 1)
    result = Compliance(year=year, as_of=as_of)
    cells = cells_in(org, as_of)
    cell_rows = {
        pk: (code, name, since)
        for pk, code, name, since in cells.values_list("pk", "code", "name", "valid_from")
    }
    result.cells = len(cell_rows)
    result.months_due = rules.months_due(year, as_of)
    result.quarters_due = rules.quarters_due(year, as_of)
    in_period = Meeting.objects.filter(org__in=cells, date__gte=start, date__lte=as_of)
    # Only meetings of months (quarters) already due count toward them: a meeting in the
    # running month must not make up for a month missed earlier.
    nothing_due = start - timedelta(days=1)
    months_end = rules.month_end(year, result.months_due[-1]) if result.months_due else nothing_due
    quarters_end = (
        rules.quarter_bounds(year, result.quarters_due[-1])[1]
        if result.quarters_due
        else nothing_due
    )
    grouped = (
        in_period.filter(kind__in=(MeetingKind.REGULAR, MeetingKind.THEMATIC))
        .values_list("org_id", "kind")
        .annotate(
            n=Count("id"),
            months=Count(
                ExtractMonth("date"),
                distinct=True,
                filter=Q(date__lte=months_end),
            ),
            quarters=Count(
                ExtractQuarter("date"),
                distinct=True,
                filter=Q(date__lte=quarters_end),
            ),
        )
        .order_by()
    )
    held: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for org_id, kind, n, months, quarters in grouped:
        held[org_id][kind] = (months, quarters)
        if kind == MeetingKind.REGULAR:
            result.regular_meetings += n
        else:
            result.thematic_meetings += n
    short_regular, short_thematic = [], []
    # What is due depends only on the cell's start: a country's 300,000 cells share a few
    # hundred starts (the rule ran per cell, 10 s at the national root; issue 17).
    due_by_start: dict[date | None, tuple[list[int], list[int]]] = {}
    for pk, (code, name, since) in cell_rows.items():
        if since not in due_by_start:
            due_by_start[since] = (
                rules.months_due(year, as_of, since),
                rules.quarters_due(year, as_of, since),
            )
        due_m, due_q = due_by_start[since]
        months = held[pk].get(MeetingKind.REGULAR, (0, 0))[0]
        quarters = held[pk].get(MeetingKind.THEMATIC, (0, 0))[1]
        if months < len(due_m):
            short_regular.append((pk, code, name, due_m))
        if quarters < len(due_q):
            short_thematic.append((pk, code, name, due_q))
    result.missing_regular_total = len(short_regular)
    result.missing_thematic_total = len(short_thematic)
    result.missing_regular = _which(short_regular[:LISTED], start, as_of, MeetingKind.REGULAR)
    result.missing_thematic = _which(short_thematic[:LISTED], start, as_of, MeetingKind.THEMATIC)
    result.attendance = attendance_summary(in_period)
    flagged = unexcused_flags(cells, year, as_of)
    result.flagged_total = len(flagged)
    result.flagged_members = flagged[:LISTED]
    return result


def _which(short: list, start: date, end: date, kind: str) -> list[dict]:
    """For the listed cells only, which months (or quarters) lack the meeting: one query."""
    if not short:
        return []
    part = ExtractMonth("date") if kind == MeetingKind.REGULAR else ExtractQuarter("date")
    have: dict[int, set[int]] = defaultdict(set)
    for org_id, p in (
        Meeting.objects.filter(
            org_id__in=[s[0] for s in short], kind=kind, date__gte=start, date__lte=end
        )
        .annotate(p=part)
        .order_by()  # the model's ordering would enter the DISTINCT
        .values_list("org_id", "p")
        .distinct()
    ):
        have[org_id].add(p)
    rows = [
        {"id": pk, "code": code, "name": name, "missing": [p for p in due if p not in have[pk]]}
        for pk, code, name, due in short
    ]
    rows.sort(key=lambda r: (-len(r["missing"]), r["name"]))
    return rows


def attendance_summary(meetings) -> dict:
    """Rates over recorded attendance: present / (summoned − exempted − away), from the
    per-meeting counts (one row per meeting, not per member)."""
    row = meetings.aggregate(
        rows=Coalesce(Sum("summoned"), 0),
        present=Coalesce(Sum("present"), 0),
        excused=Coalesce(Sum("excused"), 0),
        unexcused=Coalesce(Sum("unexcused"), 0),
        not_expected=Coalesce(Sum("not_expected"), 0),
        meetings=Count("id", filter=Q(summoned__gt=0)),
    )
    expected = row["rows"] - row["not_expected"]
    row["expected"] = expected
    row["rate"] = rules.attendance_rate(row["present"], expected)
    return row


def unexcused_flags(cells, year: int, as_of: date) -> list[dict]:
    """Rule 13: members absent without reason from regular meetings in three or more months
    of the year — a list for the cell to consider, never an action."""
    rows = (
        Attendance.objects.filter(
            meeting__org__in=cells,
            meeting__kind=MeetingKind.REGULAR,
            meeting__date__gte=date(year, 1, 1),
            meeting__date__lte=as_of,
            status=AttendanceStatus.UNEXCUSED,
        )
        # One row per member, months counted across cells (a member who changed cells
        # mid-year keeps the months missed in the first); shown under their current cell.
        .values_list("member_id", "member__full_name", "member__org__code", "member__org__name")
        .annotate(months=Count(ExtractMonth("meeting__date"), distinct=True))
        .filter(months__gte=rules.UNEXCUSED_MONTHS_FLAG)
        .order_by("-months", "member__sort_key")
    )
    return [
        {"member_id": pk, "name": name, "org_code": code, "org_name": org_name, "months": months}
        for pk, name, code, org_name, months in rows
    ]


def meetings_of(org: Organisation, year: int | None = None):
    qs = Meeting.objects.filter(org=org).select_related("chair", "secretary")
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(n_rows=F("summoned"), n_present=F("present")).order_by("-date", "-id")


def members_to_mark(meeting: Meeting) -> int:
    """Members summoned to ``meeting`` (its cell's members that day, as the roster lists
    them) who have no attendance row yet: what is left for the secretary to mark."""
    day = meeting.date
    summoned = (
        Membership.objects.filter(active_q(day), org=meeting.org)
        .filter(Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=day))
        .filter(member__admission_ceremony_date__lte=day)
        .exclude(member_id__in=Attendance.objects.filter(meeting=meeting).values("member_id"))
    )
    return summoned.values("member_id").distinct().count()
