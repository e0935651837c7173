"""Statistics and warnings of organisations that count their members: they need both the
registry of organisations and the members, so they stand above both apps.

Today's subtree is one range on the path index (or the per-organisation pre-aggregates);
an earlier date walks the effective-dated links. Counting is always one aggregate query,
never a Python loop.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet

from dangbo.core import labels
from dangbo.core.dates import today
from dangbo.core.text import collation_key
from dangbo.members import aggregates
from dangbo.members.choices import ACTIVE_STATUSES, MembershipKind, Status
from dangbo.members.models import BadgeAward, Member, Membership, PartyAgeInterruption
from dangbo.members.queries import official_on_q
from dangbo.members.rules import (
    BADGE_MILESTONES,
    BadgeDue,
    add_years,
    badge_due,
    overdue_ceremony_cutoff,
)
from dangbo.orgs.choices import CELL_KINDS, GRASSROOTS_KINDS, BodyType, OrgKind, Sector
from dangbo.orgs.models import CommitteeBody, Organisation, OrgLink
from dangbo.orgs.queries import (
    _TOP_SQL,
    KIND_RANK,
    _ended_districts,
    active_q,
    name_on,
    names_on,
    subtree_filter,
)
from dangbo.orgs.rules import (
    CELL_COMMITTEE_MIN_OFFICIAL,
    DISTRICT_STILL_ACTIVE,
    GRASSROOTS_COMMITTEE_MIN_MEMBERS,
    MIN_CELL_OFFICIAL,
    PARTY_GROUP_OUTSIDE_CELL,
    district_active_after_end,
    grassroots_form_mismatch,
    needs_cell_committee,
    no_cell_committee,
    too_few_official,
)


def member_counts(org: Organisation, as_of: date) -> dict:
    """Members active in the subtree on ``as_of`` (official memberships; temporary ones are
    counted where the member officially belongs). Today's figures come from the
    per-organisation pre-aggregates; earlier dates from the membership intervals."""
    if as_of >= today():
        return aggregates.member_counts(org.path)
    return membership_counts(org, as_of)


def membership_counts(org: Organisation, as_of: date) -> dict:
    """The same figures from the membership intervals: any date, no pre-aggregate."""
    scope = subtree_filter(org, as_of, "org__")
    qs = Membership.objects.filter(scope, active_q(as_of), kind=MembershipKind.OFFICIAL).filter(
        Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=as_of)
    )
    official = official_on_q(as_of, "member__")  # a recognition date not known: official
    row = qs.aggregate(
        total=Count("member_id", distinct=True),
        official=Count("member_id", filter=official, distinct=True),
        female=Count("member_id", filter=Q(member__gender="F"), distinct=True),
    )
    row["probationary"] = row["total"] - row["official"]
    return {k: row[k] for k in ("total", "official", "probationary", "female")}


def org_stats(org: Organisation, as_of: date | None = None) -> dict:
    as_of = as_of or today()
    scope = subtree_filter(org, as_of)
    orgs = Organisation.objects.filter(scope, active_q(as_of)).exclude(pk=org.pk)
    # Grouped in the database: one row per (kind, sector), never one per organisation.
    grassroots = list(
        orgs.filter(kind__in=GRASSROOTS_KINDS)
        .values_list("kind", "sector")
        .annotate(n=Count("id"))
        .order_by()
    )
    if as_of >= today():
        # Today's tree is the ``parent`` column: no interval join over every sub-cell.
        sub_cells = list(
            orgs.filter(kind=OrgKind.SUB_CELL)
            .values_list("parent__sector")
            .annotate(n=Count("id"))
            .order_by()
        )
    else:
        sub_cells = list(
            OrgLink.objects.filter(active_q(as_of), child__in=orgs.filter(kind=OrgKind.SUB_CELL))
            .values_list("parent__sector")
            .annotate(n=Count("id"))
            .order_by()
        )
    by_kind: Counter = Counter()
    by_sector: Counter = Counter()
    by_kind_sector: dict[str, dict[str, int]] = {}
    for kind, sector, n in grassroots:
        by_kind[kind] += n
        by_sector[sector] += n
        by_kind_sector.setdefault(kind, {})[sector] = n
    return {
        "org": {"code": org.code, "name": name_on(org, as_of), "kind": org.kind},
        "as_of": as_of.isoformat(),
        "members": member_counts(org, as_of),
        "grassroots": {
            "total": sum(by_kind.values()),
            "by_kind": dict(by_kind),
            "by_sector": dict(by_sector),
            "by_kind_sector": by_kind_sector,
        },
        "sub_cells": {
            "total": sum(n for _, n in sub_cells),
            "by_parent_sector": dict(sub_cells),
        },
    }


def overdue_probationers(org: Organisation, as_of: date | None = None):
    """Rule 8: probationary members in the subtree whose probation ended more than the grace
    period ago with neither recognition nor strike-off: a list for people to act on."""

    as_of = as_of or today()
    ceremony_before = overdue_ceremony_cutoff(as_of, settings.DANGBO["RECOGNITION_GRACE_DAYS"])
    if as_of >= today():
        # Today: probationers by their current cell (an index on org and status serves it).
        return (
            Member.objects.filter(
                org.subtree_q("org__"),
                status=Status.PROBATIONARY,
                admission_ceremony_date__lt=ceremony_before,
            )
            .select_related("org")
            .order_by("admission_ceremony_date", "id")
        )
    in_subtree = Membership.objects.filter(
        subtree_filter(org, as_of, "org__"), active_q(as_of), kind=MembershipKind.OFFICIAL
    ).values("member_id")
    return (
        Member.objects.filter(pk__in=in_subtree, admission_ceremony_date__lt=ceremony_before)
        .exclude(official_on_q(as_of))
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gt=as_of))
        .select_related("org")
        .order_by("admission_ceremony_date", "id")
    )


def _member_counts_by_top(
    org: Organisation, children: list[Organisation], as_of: date
) -> dict[int, int]:
    """Active members under each child, in one query: memberships grouped by the child whose
    path range contains the member's cell."""
    base = Membership.objects.filter(active_q(as_of), kind=MembershipKind.OFFICIAL).filter(
        Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=as_of)
    )
    if as_of < today():
        # Historical: one recursive query maps every descendant to its top child.
        with connection.cursor() as cur:
            cur.execute(_TOP_SQL, [org.pk, as_of, as_of, as_of, as_of])
            top_of = dict(cur.fetchall())
        top_of.update({c.pk: c.pk for c in children})
        rows = (
            base.filter(org_id__in=list(top_of))
            .values_list("org_id")
            .annotate(n=Count("member_id", distinct=True))
        )
        result: Counter = Counter()
        for org_id, n in rows:
            result[top_of[org_id]] += n
        return dict(result)
    # Today: one range sum per child over the pre-aggregates, in a single query.
    return aggregates.active_by_range([(c.pk, c.path) for c in children])


def structural_warnings(org: Organisation, as_of: date | None = None) -> list[dict]:
    """Rules 1–5 of brief §11.3 over ``org``'s subtree; warnings for people to judge.
    Today's are found in SQL over the pre-aggregates (a province has tens of thousands of
    organisations); an earlier date is rebuilt from the intervals."""
    as_of = as_of or today()
    if as_of >= today():
        return _warnings_today(org, as_of)
    return warnings_from_intervals(org, as_of)


# Only the cells that break rule 1 or 3 come back: a province has tens of thousands of cells
# with nine or more official members, nearly all with their committee (issue 17).
_CELL_RULES_SQL = """
SELECT o.id, COALESCE(t.official, 0) AS official
FROM orgs_organisation o
LEFT JOIN (SELECT org_id, SUM(n) AS official FROM members_membertally
           WHERE path >= %s AND path < %s AND status = 'official' GROUP BY org_id) t
       ON t.org_id = o.id
WHERE o.path >= %s AND o.path < %s AND o.valid_to IS NULL AND o.valid_from <= %s
  AND o.kind IN (%s, %s)
  AND (COALESCE(t.official, 0) < %s
       OR (COALESCE(t.official, 0) >= %s
           AND NOT EXISTS (SELECT 1 FROM orgs_committeebody b
                           WHERE b.org_id = o.id AND b.body_type = %s AND b.valid_from <= %s
                             AND (b.valid_to IS NULL OR b.valid_to >= %s))))
"""


_GRASSROOTS_RULE_SQL = """
SELECT g.id, g.kind, COALESCE(SUM(t.n), 0) AS total
FROM orgs_organisation g
LEFT JOIN members_membertally t
       ON t.path >= g.path AND t.path < SUBSTR(g.path, 1, LENGTH(g.path) - 1) || '/'
      AND t.status IN ('official', 'probationary')
WHERE g.path >= %s AND g.path < %s AND g.valid_to IS NULL AND g.valid_from <= %s
  AND g.kind IN (%s, %s) AND g.exception_doc_id IS NULL
GROUP BY g.id, g.kind
HAVING (g.kind = %s AND COALESCE(SUM(t.n), 0) >= %s)
    OR (g.kind = %s AND COALESCE(SUM(t.n), 0) < %s)
"""


def _warnings_today(org: Organisation, day: date) -> list[dict]:
    lo, hi = org.path, org.subtree_upper
    found: list[tuple[int, int, str]] = []
    with connection.cursor() as cur:
        cur.execute(
            _CELL_RULES_SQL,
            [
                lo,
                hi,
                lo,
                hi,
                day,
                OrgKind.GRASSROOTS_CELL,
                OrgKind.SUB_CELL,
                MIN_CELL_OFFICIAL,
                CELL_COMMITTEE_MIN_OFFICIAL,
                BodyType.CELL,
                day,
                day,
            ],
        )
        for org_id, official in cur.fetchall():
            if message := too_few_official(official):
                found.append((org_id, 1, message))
            else:
                found.append((org_id, 3, no_cell_committee(official)))
        if org.kind not in (OrgKind.SUB_CELL, OrgKind.PARTY_GROUP):  # no grassroots below
            cur.execute(
                _GRASSROOTS_RULE_SQL,
                [
                    lo,
                    hi,
                    day,
                    *GRASSROOTS_KINDS,
                    OrgKind.GRASSROOTS_CELL,
                    GRASSROOTS_COMMITTEE_MIN_MEMBERS,
                    OrgKind.GRASSROOTS_COMMITTEE,
                    GRASSROOTS_COMMITTEE_MIN_MEMBERS,
                ],
            )
            for org_id, kind, total in cur.fetchall():
                if message := grassroots_form_mismatch(kind == OrgKind.GRASSROOTS_CELL, int(total)):
                    found.append((org_id, 2, message))
    groups = Organisation.objects.filter(org.subtree_q(), active_q(day), kind=OrgKind.PARTY_GROUP)
    under_cell = OrgLink.objects.filter(
        active_q(day), child__in=groups, parent__kind__in=CELL_KINDS
    ).values("child_id")
    found += [
        (pk, 4, PARTY_GROUP_OUTSIDE_CELL)
        for pk in groups.exclude(pk__in=under_cell).values_list("pk", flat=True)
    ]
    districts = Organisation.objects.filter(
        org.subtree_q(), active_q(day), kind=OrgKind.DISTRICT_COMMITTEE
    )
    if district_active_after_end(day):
        found += [(pk, 5, DISTRICT_STILL_ACTIVE) for pk in districts.values_list("pk", flat=True)]
    by_id = Organisation.objects.only("id", "code", "name", "kind", "path").in_bulk(
        {pk for pk, _, _ in found}
    )
    found.sort(key=lambda w: (by_id[w[0]].path, w[1]))
    warnings = [{"org": by_id[pk], "rule": rule, "message": msg} for pk, rule, msg in found]
    return warnings + _ended_districts(org, day)


def warnings_from_intervals(org: Organisation, as_of: date) -> list[dict]:
    """The rules from the membership and link intervals: any date."""
    orgs = list(
        Organisation.objects.filter(subtree_filter(org, as_of), active_q(as_of)).only(
            "id", "code", "name", "kind", "exception_doc_id", "parent_id", "valid_to"
        )
    )
    by_id = {o.pk: o for o in orgs}
    active_ms = Membership.objects.filter(
        active_q(as_of), kind=MembershipKind.OFFICIAL, org_id__in=by_id
    ).filter(Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=as_of))
    counts = {
        row["org_id"]: row
        for row in active_ms.values("org_id").annotate(
            total=Count("member_id", distinct=True),
            official=Count(
                "member_id",
                filter=official_on_q(as_of, "member__"),
                distinct=True,
            ),
        )
    }
    links = list(
        OrgLink.objects.filter(active_q(as_of), child_id__in=by_id).values_list(
            "child_id", "parent_id", "parent__kind"
        )
    )
    parents = {child: kind for child, _, kind in links}
    parent_of = {child: parent for child, parent, _ in links}
    with_cell_committee = set(
        CommitteeBody.objects.filter(
            active_q(as_of), org_id__in=by_id, body_type=BodyType.CELL
        ).values_list("org_id", flat=True)
    )
    # Members per grassroots organisation = its own + its descendants' (path prefix), with
    # paths rebuilt from the links of ``as_of``: today's ``path`` may describe another tree.
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        if pk not in paths:
            parent = parent_of.get(pk)
            paths[pk] = (path_of(parent) if parent in by_id else "") + f"{pk}."
        return paths[pk]

    # Members under each organisation: every cell's count added to each of its ancestors
    # (one pass, depth steps per cell), not a scan of all paths per organisation.
    totals: Counter = Counter()
    for org_id, row in counts.items():
        for ancestor in path_of(org_id).split(".")[:-1]:
            totals[int(ancestor)] += row["total"]
    warnings: list[dict] = []

    def warn(o: Organisation, rule: int, message: str) -> None:
        warnings.append({"org": o, "rule": rule, "message": message})

    for o in orgs:
        row = counts.get(o.pk) or {"org_id": o.pk, "total": 0, "official": 0}
        if o.kind in CELL_KINDS:
            if message := too_few_official(row["official"]):
                warn(o, 1, message)
            if needs_cell_committee(row["official"]) and o.pk not in with_cell_committee:
                warn(o, 3, no_cell_committee(row["official"]))
        if o.kind in GRASSROOTS_KINDS and o.exception_doc_id is None:
            if message := grassroots_form_mismatch(o.kind == OrgKind.GRASSROOTS_CELL, totals[o.pk]):
                warn(o, 2, message)
        if o.kind == OrgKind.PARTY_GROUP and parents.get(o.pk) not in CELL_KINDS:
            warn(o, 4, PARTY_GROUP_OUTSIDE_CELL)
        if o.kind == OrgKind.DISTRICT_COMMITTEE and district_active_after_end(as_of):
            warn(o, 5, DISTRICT_STILL_ACTIVE)
    warnings += _ended_districts(org, as_of)
    return warnings


@dataclass(frozen=True)
class ChildRow:
    """A direct child on a date, as the tree, the organisation page and the API show it."""

    code: str
    name: str  # as it was called on that date
    kind: str
    sector: str
    member_count: int
    is_leaf: bool

    @property
    def kind_label(self) -> str:
        return labels.label(OrgKind, self.kind)

    @property
    def sector_label(self) -> str:
        return labels.label(Sector, self.sector)


def _child_row(org, name: str, member_count: int) -> "ChildRow":
    return ChildRow(
        code=org.code,
        name=name,
        kind=org.kind,
        sector=org.sector,
        member_count=member_count,
        is_leaf=org.kind in CELL_KINDS or org.kind == OrgKind.PARTY_GROUP,
    )


def children_as_of(org: Organisation, as_of: date) -> list[ChildRow]:
    """Direct children on a date with their active-member counts: committees first, then
    Vietnamese alphabetical order."""
    child_ids = OrgLink.objects.filter(active_q(as_of), parent=org).values("child_id")
    children = list(Organisation.objects.filter(active_q(as_of), pk__in=child_ids))
    if not children:
        return []
    names = names_on(children, as_of)
    counts = _member_counts_by_top(org, children, as_of)
    rows = [_child_row(child, names[child.pk], counts.get(child.pk, 0)) for child in children]
    rows.sort(key=lambda r: (KIND_RANK[r.kind], collation_key(r.name)))
    return rows


@dataclass(frozen=True)
class BadgeDueRow:
    member_id: int
    full_name: str
    org_name: str
    due: BadgeDue


def _badge_candidates(org: Organisation, as_of: date) -> QuerySet:
    """Active, official members of the subtree admitted long enough ago to have reached the
    first milestone (party age can only be shorter than the years since admission)."""
    first = min(BADGE_MILESTONES)
    return Member.objects.filter(
        org.subtree_q("org__"),
        official_on_q(as_of),
        status__in=ACTIVE_STATUSES,
        admission_decision_date__lte=date(as_of.year - first, 12, 31),
    )


def _badges_due_among(chosen: QuerySet, as_of: date) -> list[BadgeDueRow]:
    """Rule 10 for ``chosen``, member by member: three queries of plain values (the
    candidates, their interruptions, their badges)."""
    candidates = list(
        chosen.order_by("sort_key", "id").values_list(
            "id", "full_name", "org__name", "admission_decision_date"
        )
    )
    ids = chosen.values("id")  # a subquery, not thousands of parameters
    gaps: dict[int, list[tuple[date, date]]] = {}
    awarded: dict[int, list[int]] = {}
    for start, end, member_id in PartyAgeInterruption.objects.filter(member_id__in=ids).values_list(
        "interrupted_from", "interrupted_to", "member_id"
    ):
        gaps.setdefault(member_id, []).append((start, end))
    for milestone, member_id in BadgeAward.objects.filter(member_id__in=ids).values_list(
        "milestone", "member_id"
    ):
        awarded.setdefault(member_id, []).append(milestone)
    rows = []
    for member_id, full_name, org_name, decided in candidates:
        due = badge_due(
            decided, gaps.get(member_id, ()), as_of=as_of, awarded=awarded.get(member_id, ())
        )
        if due is not None:
            rows.append(BadgeDueRow(member_id, full_name, org_name, due))
    rows.sort(key=lambda r: r.due.award_round)  # stable: the names' order within a round
    return rows


def badges_due(org: Organisation, as_of: date | None = None) -> list[BadgeDueRow]:
    """Rule 10 over the subtree: active, recognised members whose next Party badge is due
    (a milestone of party age reached by ``as_of``), by award round then name. Early awards
    for severe illness are left out: they depend on a sensitive field."""
    as_of = as_of or today()
    return _badges_due_among(_badge_candidates(org, as_of), as_of)


def _latest_decision_reaching(years: int, as_of: date) -> date:
    """The last admission date from which ``years`` of party age are reached by ``as_of``
    (``add_years`` decides, 29 February included)."""
    day = add_years(as_of, -years)
    while add_years(day, years) > as_of:
        day -= timedelta(days=1)
    while add_years(day + timedelta(days=1), years) <= as_of:
        day += timedelta(days=1)
    return day


def badges_due_count(org: Organisation, as_of: date | None = None) -> int:
    """``len(badges_due(org, as_of))`` without listing a whole country's members in Python
    (a minute at national scale, issue 17). A member with no interruption and no badge is due
    exactly when the first milestone is reached (``badge_due``: the highest one reached is
    due, and nothing is held): counted in SQL. The few with either go through the rule."""
    as_of = as_of or today()
    chosen = _badge_candidates(org, as_of)
    with_history = Q(pk__in=PartyAgeInterruption.objects.values("member_id")) | Q(
        pk__in=BadgeAward.objects.values("member_id")
    )
    first = min(BADGE_MILESTONES)
    plain = (
        chosen.exclude(with_history)
        .filter(admission_decision_date__lte=_latest_decision_reaching(first, as_of))
        .count()
    )
    return plain + len(_badges_due_among(chosen.filter(with_history), as_of))


_UNDER_SQL = """
WITH RECURSIVE sub(id, top) AS (
    SELECT l.child_id, l.child_id FROM orgs_orglink l
    WHERE l.parent_id IN ({parents}) AND l.valid_from <= %s
      AND (l.valid_to IS NULL OR l.valid_to >= %s)
    UNION
    SELECT l.child_id, sub.top FROM orgs_orglink l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to >= %s)
)
SELECT id, top FROM sub
"""


def grandchildren_as_of(org: Organisation, children: list[ChildRow], as_of: date) -> dict:
    """The second level of the tree under ``org``: each child's code → its own children
    (``ChildRow``, same order as ``children_as_of``), in a fixed number of queries however
    many children there are (the tree page shows two levels, then re-roots)."""
    parents = {
        o.pk: o.code
        for o in Organisation.objects.filter(
            code__in=[c.code for c in children if not c.is_leaf]
        ).only("id", "code")
    }
    if not parents:
        return {}
    links = dict(
        OrgLink.objects.filter(active_q(as_of), parent_id__in=parents).values_list(
            "child_id", "parent_id"
        )
    )
    kids = list(Organisation.objects.filter(active_q(as_of), pk__in=list(links)))
    if not kids:
        return {}
    names = names_on(kids, as_of)
    if as_of >= today():
        counts = aggregates.active_by_range([(k.pk, k.path) for k in kids])
    else:
        counts = _counts_under(list(parents), as_of)
    found: dict[str, list[ChildRow]] = {}
    for kid in kids:
        found.setdefault(parents[links[kid.pk]], []).append(
            _child_row(kid, names[kid.pk], counts.get(kid.pk, 0))
        )
    for rows in found.values():
        rows.sort(key=lambda r: (KIND_RANK[r.kind], collation_key(r.name)))
    return found


def _counts_under(parents: list[int], as_of: date) -> dict[int, int]:
    """Active members under each grandchild on a past date: one recursive query maps every
    descendant to its grandchild, one aggregate counts the memberships."""
    sql = _UNDER_SQL.format(parents=", ".join(["%s"] * len(parents)))
    with connection.cursor() as cur:
        cur.execute(sql, [*parents, as_of, as_of, as_of, as_of])
        top_of = dict(cur.fetchall())
    rows = (
        Membership.objects.filter(active_q(as_of), kind=MembershipKind.OFFICIAL)
        .filter(Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=as_of))
        .filter(org_id__in=list(top_of))
        .values_list("org_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    result: Counter = Counter()
    for org_id, n in rows:
        result[top_of[org_id]] += n
    return dict(result)
