"""Read side of reviews: streaks ("n years running", rule 25), honour lists, the progress
of a cycle, and the ``reviews`` block of ``dangbo stats``."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.core.types import Actor
from dangbo.members.models import Member
from dangbo.orgs.choices import CELL_KINDS, OrgEventKind, OrgKind, Sector
from dangbo.orgs.models import Organisation, OrgEvent
from dangbo.orgs.queries import active_q

from . import rules
from .choices import EvaluationState, PeriodKind, StreakSuccession, SubjectKind
from .models import Evaluation, ReviewCycle, Scheme


@dataclass(frozen=True)
class Streak:
    current: int  # years running up to and including ``until``
    longest: int
    longest_end: int | None


def streak_of(years: dict[int, int], rank: int, until: int) -> Streak:
    """From {year: common rank of the final level}: a year below ``rank`` or a missing year
    breaks the run (rule 25)."""
    current = 0
    year = until
    while years.get(year, 99) <= rank:
        current += 1
        year -= 1
    longest = run = 0
    end = None
    for year in sorted(y for y in years if y <= until):
        if years[year] <= rank and (run == 0 or years.get(year - 1, 99) <= rank):
            run += 1
        else:
            run = 1 if years[year] <= rank else 0
        if run > longest:
            longest, end = run, year
    return Streak(current, longest, end)


def annual_ranks(pairs: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    """{year: common rank} from (year, common rank) pairs; two cycles in one year: the better."""
    years: dict[int, int] = {}
    for year, rank in pairs:
        if rank is not None:
            years[year] = min(years.get(year, 99), rank)
    return years


def years_of(**subject: object) -> dict[int, int]:
    """One member's or organisation's decided annual results, as ``annual_ranks``."""
    return annual_ranks(
        Evaluation.objects.filter(
            state=EvaluationState.DECIDED, cycle__kind=PeriodKind.YEAR, **subject
        ).values_list("cycle__year", "final_common_rank")
    )


def subject_q(subject: SubjectKind) -> Q:
    """Evaluations of members, or of organisations."""
    if subject == SubjectKind.MEMBER:
        return Q(member__isnull=False)
    return Q(subject_org__isnull=False)


def _annual(
    subjects_q: Q, until: int
) -> QuerySet[Evaluation, tuple[int | None, int | None, int, int | None]]:
    """(subject id, year, common rank) of decided annual results, across schemes."""
    return Evaluation.objects.filter(
        subjects_q,
        state=EvaluationState.DECIDED,
        cycle__kind=PeriodKind.YEAR,
        cycle__year__lte=until,
    ).values_list("member_id", "subject_org_id", "cycle__year", "final_common_rank")


def streaks(org: Organisation, until: int, rank: int, *, members: bool) -> dict[int, Streak]:
    """Streaks of every member (or organisation) evaluated in ``org``'s subtree, by id."""
    inside = Q(org__path__gte=org.path, org__path__lt=org.subtree_upper)
    inside &= subject_q(SubjectKind.MEMBER if members else SubjectKind.ORG)
    years: dict[int, dict[int, int]] = defaultdict(dict)
    for member_id, org_id, year, common in _annual(inside, until):
        key = member_id if members else org_id
        if key is None or common is None:  # a decided result has both
            continue
        best = years[key].get(year, 99)
        years[key][year] = min(best, common)  # two cycles in one year: the better one
    if not members:
        _inherit(years, until)
    return {key: streak_of(by_year, rank, until) for key, by_year in years.items()}


def _inherit(years: dict[int, dict[int, int]], until: int) -> None:
    """Across a merger, by the successor links (rule 25; the policy is a setting): under
    "all" the merged organisation's earlier years count only if every predecessor (and the
    receiving organisation itself, if it existed) met the level; under "none" predecessors
    are ignored: the receiving organisation keeps only its own history."""
    if settings.DANGBO.get("STREAK_SUCCESSION", StreakSuccession.ALL) == StreakSuccession.NONE:
        return
    merges: dict[Organisation, list[tuple[int, int]]] = defaultdict(
        list
    )  # target → [(source, year of the merger)]
    events = OrgEvent.objects.filter(kind=OrgEventKind.MERGE, effective_date__year__lte=until)
    for event in events.prefetch_related("inputs", "outputs"):
        for target in event.outputs.all():
            merges[target] += [
                (s.pk, event.effective_date.year) for s in event.inputs.all() if s.pk != target.pk
            ]
    for target, sources in merges.items():
        own = years.get(target.pk, {})
        inherited: dict[int, int] = {}
        for year in {y for pk, _merged in sources for y in years.get(pk, {})}:
            if any(year >= merged for _pk, merged in sources):
                continue  # after the merger the successor has results of its own
            ranks = [years.get(pk, {}).get(year, 99) for pk, _merged in sources]
            if target.valid_from.year <= year:
                ranks.append(own.get(year, 99))
            inherited[year] = max(ranks)
        if inherited:
            years[target.pk] = {**own, **inherited}  # before the merger: all of them


def latest_year(org: Organisation) -> int | None:
    """The latest year with a decided annual result in ``org``'s subtree: the year honour
    lists are drawn up for when none is asked."""
    return (
        Evaluation.objects.filter(
            org.subtree_q("org__"), state=EvaluationState.DECIDED, cycle__kind=PeriodKind.YEAR
        )
        .order_by("-cycle__year")
        .values_list("cycle__year", flat=True)
        .first()
    )


def honours(
    org: Organisation, year: int, n: int, rank: int, *, members: bool
) -> list[tuple[Member, Streak]] | list[tuple[Organisation, Streak]]:
    """Those with ``n`` or more years running at ``rank`` or better, up to ``year``: people
    in Vietnamese order (given name first), organisations by their place in the tree."""
    found = {k: s for k, s in streaks(org, year, rank, members=members).items() if s.current >= n}
    if members:
        people = Member.objects.select_related("org").in_bulk(list(found))
        return sorted(((people[k], s) for k, s in found.items()), key=lambda r: r[0].sort_key)
    orgs = Organisation.objects.in_bulk(list(found))
    return sorted(((orgs[k], s) for k, s in found.items()), key=lambda r: r[0].path)


# Organisations that hold a review of their subtree: a sub-cell or a party group is reviewed
# inside its grassroots organisation's cycle, never in a cycle of its own.
REVIEWING_EXCLUDED_KINDS = (OrgKind.SUB_CELL, OrgKind.PARTY_GROUP)


def cycle_organisations(user: Actor) -> QuerySet[Organisation]:
    """The organisations ``user`` may open a review cycle for (CHANGE over them, the same
    right the service's callers check), active today, in tree order."""
    return (
        scope.restrict(Organisation.objects.all(), user, scope.CHANGE)
        .filter(active_q(today()))
        .exclude(kind__in=REVIEWING_EXCLUDED_KINDS)
        .select_related("parent")
        .order_by("path")
    )


def schemes_in_force() -> QuerySet[Scheme]:
    """Every scheme with its years (rule 21 picks by year): what the open page shows."""
    return Scheme.objects.select_related("document").order_by("subject", "first_year", "code")


def cycles_of(org: Organisation, *, below: bool = False) -> Q:
    """The review cycles ``org`` takes part in: its own and those of the organisations
    above it; ``below``: also those of the organisations under it."""
    q = Q(org_id__in=[int(p) for p in org.path.split(".") if p])
    return q | org.subtree_q("org__") if below else q


@dataclass(frozen=True)
class QuotaUsage:
    """Rule 23 in one peer group of a cycle: decisions at the base and at the capped level,
    and how many the capped level allows."""

    scheme: Scheme
    peer_group: str
    label: str  # the group as people name it: "đảng viên do … quyết định"
    base: int
    capped: int
    allowed: int

    @property
    def over(self) -> bool:
        return self.capped > self.allowed


def peer_group_label(key: str, names: dict[str, str]) -> str:
    """A peer group as people name it, from its key and {code: name} of deciding bodies."""
    code, sector = rules.PeerGroup.parse(key)
    body = names.get(code, code)
    if sector is None:
        return f"đảng viên do {body} quyết định"
    return f"{str(dict(Sector.choices).get(sector, sector)).lower()} thuộc {body}"


def quota_usage(
    cycle: ReviewCycle,
    *,
    scheme: Scheme | None = None,
    peer_group: str | None = None,
    exclude: Evaluation | None = None,
) -> list[QuotaUsage]:
    """Rule 23 per peer group with decisions in ``cycle``, for each of its schemes with a
    quota (``scheme``: that one only), counting every decision of the cycle whoever looks.
    ``peer_group``: that group only, listed even before its first decision; ``exclude``:
    an evaluation left out of the counts (the one being decided)."""
    schemes = [scheme] if scheme is not None else [cycle.member_scheme, cycle.org_scheme]
    out = []
    for one in dict.fromkeys(schemes):
        rate = one.quota_rate if rules.quota_applies(one) else None
        if rate is None:
            continue
        decided = Evaluation.objects.filter(cycle=cycle, scheme=one, state=EvaluationState.DECIDED)
        if peer_group is not None:
            decided = decided.filter(peer_group=peer_group)
        if exclude is not None:
            decided = decided.exclude(pk=exclude.pk)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        if peer_group is not None:
            counts[peer_group] = Counter()
        for group, code, n in (
            decided.values_list("peer_group", "final_level__code")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[group][code] += n
        names = dict(
            Organisation.objects.filter(
                code__in={rules.PeerGroup.parse(g).deciding_code for g in counts}
            ).values_list("code", "name")
        )
        for group in sorted(counts):
            base = counts[group][one.quota_base]
            out.append(
                QuotaUsage(
                    scheme=one,
                    peer_group=group,
                    label=peer_group_label(group, names),
                    base=base,
                    capped=counts[group][one.quota_level],
                    allowed=rules.quota_allowed(rate, base),
                )
            )
    return out


@dataclass(frozen=True)
class StateCounts:
    """How many evaluations are at each step of the chain."""

    self_assessed: int = 0
    proposed: int = 0
    returned: int = 0
    decided: int = 0

    @property
    def total(self) -> int:
        return self.self_assessed + self.proposed + self.returned + self.decided


@dataclass(frozen=True)
class LevelCount:
    """Decided results at one level of a scheme."""

    code: str
    name: str
    common_rank: int
    count: int


@dataclass(frozen=True)
class CycleProgress:
    """How far a cycle's chain is, for members and for organisations."""

    members: StateCounts
    organisations: StateCounts
    member_levels: list[LevelCount]
    org_levels: list[LevelCount]


def state_counts(evaluations: QuerySet[Evaluation]) -> StateCounts:
    rows = evaluations.values_list("state").annotate(n=Count("id")).order_by()
    counts = {str(state): n for state, n in rows}
    return StateCounts(**{state: counts.get(state, 0) for state in EvaluationState.values})


def level_counts(evaluations: QuerySet[Evaluation]) -> list[LevelCount]:
    """Decided results by final level, best level first."""
    rows = (
        evaluations.filter(state=EvaluationState.DECIDED)
        .values_list(
            "final_level__code",
            "final_level__name",
            "final_level__common_rank",
            "final_level__rank",
        )
        .annotate(n=Count("id"))
        .order_by("final_level__rank")
    )
    return [LevelCount(code, name, common, n) for code, name, common, _rank, n in rows]


def progress(evaluations: QuerySet[Evaluation]) -> CycleProgress:
    """``evaluations`` (a cycle's, or those of it a caller sees) by state and by level."""
    members = evaluations.filter(subject_q(SubjectKind.MEMBER))
    orgs = evaluations.filter(subject_q(SubjectKind.ORG))
    return CycleProgress(
        members=state_counts(members),
        organisations=state_counts(orgs),
        member_levels=level_counts(members),
        org_levels=level_counts(orgs),
    )


@dataclass(frozen=True)
class CycleRow:
    """A cycle in a list, with how many of its evaluations are decided."""

    cycle: ReviewCycle
    total: int
    decided: int


def cycle_rows(cycles: QuerySet[ReviewCycle]) -> list[CycleRow]:
    decided = Q(evaluations__state=EvaluationState.DECIDED)
    counted = cycles.annotate(
        n_total=Count("evaluations"), n_decided=Count("evaluations", filter=decided)
    )
    return [CycleRow(cycle, cycle.n_total, cycle.n_decided) for cycle in counted]


def reviews_stats(org: Organisation, as_of: date | None = None) -> dict:
    """The ``reviews`` block of ``dangbo stats``: the year of ``as_of``."""
    as_of = as_of or today()
    year = as_of.year
    decided = Evaluation.objects.filter(
        cycle__year=year,
        cycle__kind=PeriodKind.YEAR,
        state=EvaluationState.DECIDED,
        decided_on__lte=as_of,
    )
    # Organisations the standing committee of ``org`` itself recognised (rule 24).
    by_org = decided.filter(decided_by=org, subject_org__isnull=False)
    levels = dict(by_org.values_list("final_level__name").annotate(n=Count("id")).order_by())
    cells = streaks(org, year, 1, members=False)
    cell_ids = set(
        Organisation.objects.filter(pk__in=list(cells), kind__in=CELL_KINDS).values_list(
            "pk", flat=True
        )
    )
    members = streaks(org, year, 1, members=True)
    return {
        "year": year,
        "organisations_decided": by_org.count(),
        "organisations_by_level": levels,
        "tsvm_or_exemplary": by_org.filter(final_common_rank__lte=2).count(),
        "exemplary": by_org.filter(final_common_rank=1).count(),
        "exemplary_5_years_running_cells": sum(
            1 for k, s in cells.items() if k in cell_ids and s.current >= 5
        ),
        "excellent_5_years_running_members": sum(1 for s in members.values() if s.current >= 5),
        "members_decided": decided.filter(
            member__isnull=False, org__path__gte=org.path, org__path__lt=org.subtree_upper
        ).count(),
    }
