"""The SQL of the statistical tables ("thong-ke"): grouped counts in the database, one
statement per table, never a loop over members.

Members are those active on the day (an official membership in force, not left by then), as
``registry.queries.membership_counts`` counts them, so that each table's total is the member
count of ``org_stats``. Each statement groups by the row of the table (the organisation's
direct child), cut from the cell's materialised path in SQL; when the tree changed after the
day, by the cell instead, folded into the rows through the links of that day (``Fold``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex, Substr

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.members.choices import (
    EXIT_STATUSES,
    EventKind,
    MembershipKind,
    PoliticalTheory,
    Status,
)
from dangbo.members.models import Member, MemberEvent, Membership, PartyAgeInterruption
from dangbo.members.queries import official_on_q
from dangbo.members.rules import add_years, months_between, party_age_years
from dangbo.orgs.choices import GRASSROOTS_KINDS, OrgKind
from dangbo.orgs.models import Organisation, OrgLink
from dangbo.orgs.queries import _TOP_SQL, _tree_unchanged_since, active_q

# Bands (completed years on the day). Age: the brief's ≤30 … >60, the last split at 70 (a
# village cell's members are mostly past 60). Party age: the badge milestones start a band
# (30, 40, 50, 60 years: Huy hiệu Đảng), under 10 and 10–29 below them.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("age_le30", "Đến 30 tuổi", 0, 31),
    ("age_31_40", "Từ 31 đến 40", 31, 41),
    ("age_41_50", "Từ 41 đến 50", 41, 51),
    ("age_51_60", "Từ 51 đến 60", 51, 61),
    ("age_61_70", "Từ 61 đến 70", 61, 71),
    ("age_gt70", "Trên 70 tuổi", 71, None),
)
PARTY_AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("pa_lt10", "Dưới 10 năm", 0, 10),
    ("pa_10_29", "Từ 10 đến 29 năm", 10, 30),
    ("pa_30_39", "Từ 30 đến 39 năm", 30, 40),
    ("pa_40_49", "Từ 40 đến 49 năm", 40, 50),
    ("pa_50_59", "Từ 50 đến 59 năm", 50, 60),
    ("pa_ge60", "Từ 60 năm trở lên", 60, None),
)


def years_cutoff(as_of: date, years: int) -> date:
    """The last date ``d`` with ``months_between(d, as_of) >= 12 * years`` (completed years as
    ``members.rules`` counts them, leap days included): "at least n years old on as_of"
    is ``born <= years_cutoff(as_of, n)`` in SQL."""
    if years <= 0:
        return as_of
    cut = add_years(as_of, -years)
    while months_between(cut, as_of) < 12 * years:
        cut -= timedelta(days=1)
    while months_between(cut + timedelta(days=1), as_of) >= 12 * years:
        cut += timedelta(days=1)
    return cut


def band_q(field: str, as_of: date, lo: int, hi: int | None) -> Q:
    """``lo <= completed years since field < hi`` on ``as_of``."""
    q = Q(**{f"{field}__lte": years_cutoff(as_of, lo)})
    if hi is not None:
        q &= Q(**{f"{field}__gt": years_cutoff(as_of, hi)})
    return q


def band_of(years: int, bands) -> str:
    for key, _label, lo, hi in bands:
        if years >= lo and (hi is None or years < hi):
            return key
    return bands[-1][0]


# ------------------------------------------------------------------ where counts go


@dataclass
class Fold:
    """Folds a cell (id, path) into the row it belongs to: the direct child of ``org`` whose
    subtree held it on the day (the organisation itself for its own members)."""

    org: Organisation
    top: dict[int, int] | None = None  # cell id → child id, when the tree changed since

    @classmethod
    def of(cls, org: Organisation, as_of: date) -> Fold:
        if as_of >= today() or _tree_unchanged_since(org, as_of):
            return cls(org)
        with connection.cursor() as cur:
            cur.execute(_TOP_SQL, [org.pk, as_of, as_of, as_of, as_of])
            return cls(org, {int(i): int(t) for i, t in cur.fetchall()})

    def subtree(self, prefix: str = "") -> Q:
        """``org`` and its descendants as the tree stood on the day (``subtree_filter``,
        without asking again whether the tree changed since)."""
        if self.top is None:
            return self.org.subtree_q(prefix)
        return Q(**{f"{prefix}id__in": [self.org.pk, *self.top]})

    def inside(self, org_id: int | None, path: str | None) -> bool:
        """Whether an organisation stood in the subtree on the day."""
        if org_id is None or path is None:
            return False
        if self.top is not None:
            return org_id == self.org.pk or org_id in self.top
        return path.startswith(self.org.path)

    def grouping(self, qs: QuerySet, prefix: str) -> tuple[QuerySet, tuple[str, ...]]:
        """``qs`` with what to group by, and the names to pass to ``values``: on today's tree
        the child's id cut from the cell's path in SQL (one row per child); after a change
        of the tree since the day, the cell's id and path (folded here through ``top``)."""
        path = f"{prefix}path"
        if self.top is not None:
            return qs, (f"{prefix}id", path)
        cut = len(self.org.path) + 1
        child = Substr(path, cut, StrIndex(Substr(path, cut), Value(".")) - 1)
        top = Case(
            When(**{path: self.org.path}, then=Value("")),
            default=child,
            output_field=CharField(),
        )
        return qs.annotate(stat_top=top), ("stat_top",)

    def key(self, *group: Any) -> int:
        """The row of a group: ``(child id as text,)`` ("" for the organisation's own
        members) or ``(cell id, cell path)``."""
        if len(group) == 1:
            return int(group[0]) if group[0] else self.org.pk
        org_id, path = group
        if self.top is not None and org_id in self.top:
            return self.top[org_id]
        prefix = self.org.path
        if path.startswith(prefix) and path != prefix:
            return int(path[len(prefix) :].split(".", 1)[0])
        return self.org.pk


def _visible(qs: QuerySet, viewer: Any, prefix: str) -> QuerySet:
    """Only what ``viewer`` may see (None: the operator at the command line sees all)."""
    if viewer is None:
        return qs
    where = scope.q(viewer, scope.VIEW, prefix)
    return qs if where is None else qs.filter(where)


def active_memberships(fold: Fold, as_of: date, viewer: Any) -> QuerySet:
    """One row per member active in the subtree on ``as_of``: the official membership in
    force (temporary ones are counted where the member officially belongs)."""
    qs = (
        Membership.objects.filter(
            fold.subtree("org__"), active_q(as_of), kind=MembershipKind.OFFICIAL
        )
        .filter(Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=as_of))
        .order_by()
    )
    return _visible(qs, viewer, "org__")


Counts = dict[int, Counter]  # row key (child id) → column key → n


def _fold_rows(
    fold: Fold, rows: Iterable[dict], names: tuple[str, ...], columns: Iterable[str]
) -> Counts:
    out: Counts = {}
    cols = list(columns)
    for row in rows:
        bucket = out.setdefault(fold.key(*(row[n] for n in names)), Counter())
        for col in cols:
            bucket[col] += row[col] or 0
    return out


def conditional(base: QuerySet, fold: Fold, columns: dict[str, Q]) -> Counts:
    """One statement: per cell, the members matching each column's condition."""
    annotations = {key: Count("id", filter=cond) for key, cond in columns.items()}
    annotations["total"] = Count("id")
    grouped, names = fold.grouping(base, "org__")
    rows = grouped.values(*names).annotate(**annotations)
    return _fold_rows(fold, rows, names, annotations)


def by_value(base: QuerySet, fold: Fold, field: str, classify) -> Counts:
    """One statement: per cell and value of a member's field; ``classify`` maps each value
    to its column (the distinct values are few: a few dozen spellings at most)."""
    out: Counts = {}
    columns: dict[Any, str] = {}  # each distinct value classified once
    grouped, names = fold.grouping(base, "org__")
    rows = grouped.values_list(*names, f"member__{field}").annotate(n=Count("id"))
    for *group, value, n in rows:
        bucket = out.setdefault(fold.key(*group), Counter())
        column = columns.get(value)
        if column is None:
            column = columns[value] = classify(value)
        bucket[column] += n
        bucket["total"] += n
    return out


def status_sex(base: QuerySet, fold: Fold, as_of: date) -> Counts:
    official = official_on_q(as_of, "member__")
    return conditional(
        base,
        fold,
        {
            "official": official,
            "probationary": ~official,
            "male": Q(member__gender="M"),
            "female": Q(member__gender="F"),
        },
    )


def ages(base: QuerySet, fold: Fold, as_of: date) -> Counts:
    return conditional(
        base,
        fold,
        {key: band_q("member__date_of_birth", as_of, lo, hi) for key, _l, lo, hi in AGE_BANDS},
    )


def party_ages(base: QuerySet, fold: Fold, as_of: date) -> Counts:
    """Party age of official members (probationers have none: rule 9), from the admission
    decision; the few members with interruptions are then moved to their exact band."""
    official = official_on_q(as_of, "member__")
    columns = {
        key: official & band_q("member__admission_decision_date", as_of, lo, hi)
        for key, _l, lo, hi in PARTY_AGE_BANDS
    }
    columns["probationary"] = ~official
    counts = conditional(base, fold, columns)
    interrupted = base.filter(official, member__interruptions__isnull=False).values("member_id")
    gaps: dict[int, list[tuple[date, date]]] = {}
    for member_id, start, end in PartyAgeInterruption.objects.filter(
        member_id__in=interrupted
    ).values_list("member_id", "interrupted_from", "interrupted_to"):
        gaps.setdefault(member_id, []).append((start, end))
    if gaps:
        grouped, names = fold.grouping(base.filter(member_id__in=list(gaps)), "org__")
        for *group, member_id, decided in grouped.values_list(
            *names, "member_id", "member__admission_decision_date"
        ):
            naive = band_of(months_between(decided, as_of) // 12, PARTY_AGE_BANDS)
            exact = band_of(party_age_years(decided, as_of, gaps[member_id]) or 0, PARTY_AGE_BANDS)
            if naive != exact:
                bucket = counts.setdefault(fold.key(*group), Counter())
                bucket[naive] -= 1
                bucket[exact] += 1
    return counts


def theory(base: QuerySet, fold: Fold) -> Counts:
    def column(value: str | None) -> str:
        if value in (PoliticalTheory.ADVANCED, PoliticalTheory.BACHELOR):
            return "advanced"
        if value in (PoliticalTheory.ELEMENTARY, PoliticalTheory.INTERMEDIATE):
            return str(value)
        return "none"

    return by_value(base, fold, "political_theory", column)


# ------------------------------------------------------------------ organisations


def organisations(fold: Fold, as_of: date, viewer: Any) -> dict[str, Counter]:
    """Grassroots organisations by kind and sector; branch committees and sub-cells by the
    sector of the organisation they stand under (``org_stats``'s shapes). Two statements.
    Sector → column → n."""
    orgs = _visible(
        Organisation.objects.filter(fold.subtree(), active_q(as_of)).exclude(pk=fold.org.pk),
        viewer,
        "",
    )
    out: dict[str, Counter] = {}
    for kind, sector, n in (
        orgs.filter(kind__in=GRASSROOTS_KINDS)
        .values_list("kind", "sector")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(sector, Counter())[kind] += n
    below = orgs.filter(kind__in=(OrgKind.BRANCH_COMMITTEE, OrgKind.SUB_CELL))
    for kind, sector, n in (
        OrgLink.objects.filter(active_q(as_of), child__in=below)
        .values_list("child__kind", "parent__sector")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(sector, Counter())[kind] += n
    return out


# ------------------------------------------------------------------ movements in the year


EXIT_COLUMNS = {
    Status.DECEASED: "deceased",
    Status.STRUCK_OFF: "struck_off",
    Status.EXPELLED: "expelled",
    Status.RESIGNED: "resigned",
    Status.LEFT: "moved_out",  # out of the Party's system: counted with the transfers out
}


def movements(org: Organisation, start: date, end: date, fold: Fold, viewer: Any) -> Counts:
    """Admissions (where the member was admitted, by the decision's date, as the indicators
    count them), exits by their kind (the cell the member left from) and transfers between
    the rows or across the subtree's edge, in the period. Three statements."""
    out: Counts = {}
    transfers = MemberEvent.objects.filter(
        Q(from_org__isnull=False) | Q(kind=EventKind.TRANSFERRED_IN),
        kind__in=(EventKind.TRANSFERRED, EventKind.TRANSFERRED_IN),
        effective_date__gte=start,
        effective_date__lte=end,
    ).filter(fold.subtree("to_org__") | fold.subtree("from_org__"))
    if viewer is not None:
        to_q, from_q = (
            scope.q(viewer, scope.VIEW, "to_org__"),
            scope.q(viewer, scope.VIEW, "from_org__"),
        )
        if to_q is not None and from_q is not None:
            transfers = transfers.filter(to_q | from_q)
    for from_id, from_path, to_id, to_path, n in (
        transfers.values_list("from_org_id", "from_org__path", "to_org_id", "to_org__path")
        .annotate(n=Count("id"))
        .order_by()
    ):
        source = fold.key(from_id, from_path) if fold.inside(from_id, from_path) else None
        target = fold.key(to_id, to_path) if fold.inside(to_id, to_path) else None
        if source == target:
            continue  # within one row: neither in nor out
        if source is not None and _sees(viewer, from_path):
            out.setdefault(source, Counter())["moved_out"] += n
            out[source]["exits"] += n
        if target is not None and _sees(viewer, to_path):
            out.setdefault(target, Counter())["moved_in"] += n
            out[target]["arrivals"] += n
    admitted = _visible(
        Member.objects.filter(
            org.subtree_q("admission_org__"),
            admission_decision_date__gte=start,
            admission_decision_date__lte=end,
        ),
        viewer,
        "admission_org__",
    )
    grouped, names = fold.grouping(admitted, "admission_org__")
    for *group, n in grouped.values_list(*names).annotate(n=Count("id")).order_by():
        bucket = out.setdefault(fold.key(*group), Counter())
        bucket["admitted"] += n
        bucket["arrivals"] += n
    left = _visible(
        Member.objects.filter(
            org.subtree_q("org__"),
            exit_date__gte=start,
            exit_date__lte=end,
            status__in=EXIT_STATUSES,
        ),
        viewer,
        "org__",
    )
    grouped, names = fold.grouping(left, "org__")
    for *group, status, n in (
        grouped.values_list(*names, "status").annotate(n=Count("id")).order_by()
    ):
        bucket = out.setdefault(fold.key(*group), Counter())
        bucket[EXIT_COLUMNS[Status(status)]] += n
        bucket["exits"] += n
    return out


def _sees(viewer: Any, path: str) -> bool:
    """Whether ``viewer`` may see the organisation at ``path`` (a transfer counts only on
    the side the viewer sees)."""
    return viewer is None or scope.covers(viewer, scope.VIEW, SimpleNamespace(path=path))
