"""Reads of indicators in a bounded number of queries, whatever the size of the tree: an
indicator's table (the units below an organisation × years, with targets, and the
organisation's own entered value beside the roll-up of its units), one value, the
administrative-reform share, the entry form's current values.

Roll-up rule: a parent's rolled value aggregates, by the indicator's aggregation, the values
of the nearest organisations below it that hold one (a commune's entered value; a district's
entered value stands for the communes under it when the province rolls up). A value entered
for the parent itself is shown beside its roll-up, with the difference flagged. Computed
indicators whose source counts a whole subtree (members admitted, TSVM share, communes at
the new-rural standard) have no roll-up: their value already covers the subtree; the
administrative-reform one is given per commune and rolls up like an entered one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from dangbo.orgs.models import Organisation

from . import computed, rules
from .models import Indicator, Observation, Target

ENTERED, ROLLED, COMPUTED = "entered", "rolled", "computed"
SOURCE_LABELS = {ENTERED: "nhập", ROLLED: "cộng dồn", COMPUTED: "tự động"}
MAX_YEARS = 30

Holding = tuple[str, Decimal]  # (organisation path, value)


@dataclass
class Cell:
    """One organisation's value for one year, where it came from, and its target."""

    value: Decimal | None = None
    kind: str = ""  # ENTERED, ROLLED, COMPUTED or "" (no value)
    source: str = ""  # the observation's source (who reported it)
    target: Decimal | None = None
    met: bool | None = None
    # The organisation's own row only: the entered value and the roll-up of the units below.
    direct: Decimal | None = None
    rolled: Decimal | None = None
    differs: bool = False
    growth: Decimal | None = None


@dataclass
class Row:
    org: Organisation
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass
class Table:
    indicator: Indicator
    org: Organisation
    years: list[int]
    own: Row
    rows: list[Row]
    # Organisations directly under ``org`` with neither a value nor a target in these years
    # (an agency's cell for a commune-level indicator): counted, not listed.
    hidden: int = 0


# ------------------------------------------------------------------ helpers


def _active_q(years: list[int]) -> Q:
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    return Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))


def _below(org: Organisation, holdings: Iterable[Holding]) -> list[Decimal]:
    """The values of the nearest holders strictly below ``org`` (``holdings`` by path)."""
    return Held(holdings).below(org)


class Held:
    """One year's holdings sorted once by path: the holders below an organisation are a
    contiguous slice (bisection on its path range), so a table's cells cost the size of
    each unit's subtree, not of the whole root's holdings per cell."""

    def __init__(self, holdings: Iterable[Holding]) -> None:
        self.items: list[Holding] = sorted(holdings)
        self.paths = [p for p, _v in self.items]
        self.direct: dict[str, Decimal] = {}
        for path, value in holdings if isinstance(holdings, list) else self.items:
            self.direct.setdefault(path, value)

    def below(self, org: Organisation) -> list[Decimal]:
        lo = bisect_right(self.paths, org.path)
        hi = bisect_left(self.paths, org.subtree_upper, lo)
        out: list[Decimal] = []
        upper = ""  # the subtree bound of the last holder counted
        last = ""
        for path, value in self.items[lo:hi]:
            if last and last <= path < upper:
                continue  # inside a holder already counted
            last, upper = path, path[:-1] + "/"
            out.append(value)
        return out

    def any_at(self, org: Organisation) -> bool:
        """Whether ``org`` or an organisation below it holds a value."""
        lo = bisect_left(self.paths, org.path)
        return lo < len(self.paths) and self.paths[lo] < org.subtree_upper


def _holdings(
    indicator: Indicator, root: Organisation, years: list[int]
) -> tuple[dict[int, list[Holding]], dict[tuple[str, int], str]]:
    """The values held in ``root``'s subtree per year, and each entered value's source.
    One query (two for a per-unit computed indicator)."""
    per_year: dict[int, list[Holding]] = {y: [] for y in years}
    sources: dict[tuple[str, int], str] = {}
    if indicator.computed:
        units = list(
            Organisation.objects.filter(root.subtree_q(""))
            .filter(computed.units_q())
            .filter(_active_q(years))
        )
        paths = {u.pk: u.path for u in units}
        for (org_id, year), value in computed.compute(indicator.computed, units, years).items():
            per_year[year].append((paths[org_id], value))
        return per_year, sources
    for path, year, value, source in (
        Observation.objects.filter(indicator=indicator, year__in=years)
        .filter(root.subtree_q("org__"))
        .values_list("org__path", "year", "value", "source")
    ):
        per_year[year].append((path, value))
        sources[(path, year)] = source
    return per_year, sources


def _subtree_source(indicator: Indicator) -> bool:
    """A computed indicator whose value already covers a whole subtree (no roll-up)."""
    return bool(indicator.computed) and indicator.computed not in computed.PER_UNIT


def _years(years: Iterable[int]) -> list[int]:
    out = sorted({int(y) for y in years})
    if not out:
        raise ValueError("no years")
    return out[-MAX_YEARS:]


# ------------------------------------------------------------------ reads


def indicators() -> QuerySet[Indicator]:
    """The catalogue, in its order, with the defining documents."""
    return Indicator.objects.select_related("document").order_by("position", "code")


def value_of(indicator: Indicator, org: Organisation, year: int) -> tuple[Decimal | None, ...]:
    """``(direct, rolled)``: the value entered (or computed) for ``org`` itself, and the
    roll-up of the units below it. One or two queries."""
    if _subtree_source(indicator):
        got = computed.compute(indicator.computed, [org], [year]).get((org.pk, year))
        return got, None
    per_year, _sources = _holdings(indicator, org, [year])
    held = per_year[year]
    direct = next((v for p, v in held if p == org.path), None)
    rolled = rules.aggregate(indicator, _below(org, held))
    return direct, rolled


def best_value(indicator: Indicator, org: Organisation, year: int) -> Decimal | None:
    """The value to report for ``org``: the one entered for it, else its roll-up."""
    direct, rolled = value_of(indicator, org, year)
    return direct if direct is not None else rolled


def growth_of(indicator: Indicator, org: Organisation, year: int) -> Decimal | None:
    """Growth of ``org``'s value in ``year`` over the year before, in percent."""
    return rules.growth_pct(best_value(indicator, org, year), best_value(indicator, org, year - 1))


def value_table(indicator: Indicator, org: Organisation, years: Iterable[int]) -> Table:
    """The organisations directly under ``org`` × ``years``: value (entered, rolled up from
    their own units, or computed), source, target, target met; and ``org``'s own row with
    its entered value beside the roll-up of its units, the difference flagged, and growth
    over the year before. Bounded: children, values (one or two), targets — four queries
    at most, at any scale."""
    years = _years(years)
    children = list(
        Organisation.objects.filter(parent=org).filter(_active_q(years)).order_by("name", "pk")
    )
    everyone = [org, *children]
    targets = {
        (org_id, year): value
        for org_id, year, value in Target.objects.filter(
            indicator=indicator, year__in=years, org__in=everyone
        ).values_list("org_id", "year", "value")
    }
    subtree = _subtree_source(indicator)
    if subtree:
        values = computed.compute(indicator.computed, everyone, years)
    else:
        per_year, sources = _holdings(indicator, org, years)
        by_year = {y: Held(per_year[y]) for y in years}

    def cell(unit: Organisation, year: int) -> Cell:
        target = targets.get((unit.pk, year))
        if subtree:
            value = values.get((unit.pk, year))
            found = Cell(value=value, kind=COMPUTED if value is not None else "", target=target)
            found.direct = value
        else:
            held = by_year[year]
            direct = held.direct.get(unit.path)
            below = held.below(unit)
            if direct is None and target is None and not below:
                return Cell()  # nothing held, nothing aimed at (most of an agency's cells)
            rolled = rules.aggregate(indicator, below)
            if direct is not None:
                kind = COMPUTED if indicator.computed else ENTERED
                found = Cell(value=direct, kind=kind, source=sources.get((unit.path, year), ""))
            elif rolled is not None:
                found = Cell(value=rolled, kind=ROLLED)
            else:
                found = Cell()
            found.target, found.direct, found.rolled = target, direct, rolled
            found.differs = rules.differs(direct, rolled, indicator.decimals)
        found.met = rules.target_met(indicator.direction, found.value, target)
        return found

    own = Row(org, {y: cell(org, y) for y in years})
    for i, year in enumerate(years):
        if i and years[i - 1] == year - 1:
            own.cells[year].growth = rules.growth_pct(
                own.cells[year].value, own.cells[year - 1].value
            )
    if not subtree:
        # A unit with no value at or below it and no target in these years is hidden: its
        # cells are not built (most of a province's agencies for a commune indicator).
        aimed = {org_id for org_id, _year in targets}
        children = [
            c for c in children if c.pk in aimed or any(by_year[y].any_at(c) for y in years)
        ]
    rows = [Row(c, {y: cell(c, y) for y in years}) for c in children]
    shown = [
        r
        for r in rows
        if any(c.value is not None or c.target is not None for c in r.cells.values())
    ]
    return Table(
        indicator=indicator,
        org=org,
        years=years,
        own=own,
        rows=shown,
        hidden=len(everyone) - 1 - len(shown),
    )


def admin_reform(org: Organisation, year: int) -> dict[str, object]:
    """Administrative reform in the communes and towns under ``org`` (itself, if it is one)
    in ``year``: ``{"units", "met", "pct"}`` — units active on 31/12, those meeting all
    three conditions, and the share in percent (one decimal; None without units). A year
    no unit has reported on yet is not a year none met: ``met`` and ``pct`` are then None.
    Two queries."""
    day = date(year, 12, 31)
    units = list(
        Organisation.objects.filter(org.subtree_q(""))
        .filter(computed.units_q())
        .filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )
    got = computed.admin_reform(units, [year])
    if not got:
        return {"units": len(units), "met": None, "pct": None}
    met = sum(1 for u in units if got.get((u.pk, year)) == 1)
    pct = rules.share_pct(met, len(units))
    return {"units": len(units), "met": met, "pct": None if pct is None else float(pct)}


def entry_values(org: Organisation, year: int) -> list[tuple[Indicator, Observation | None]]:
    """The indicators people enter (not computed), each with ``org``'s value for ``year``
    if there is one: the entry form. Two queries."""
    entered = list(indicators().filter(computed=""))
    found = {
        o.indicator_id: o
        for o in Observation.objects.filter(org=org, year=year, indicator__in=entered)
    }
    return [(i, found.get(i.pk)) for i in entered]


def target_values(org: Organisation, year: int) -> list[tuple[Indicator, Target | None]]:
    """Every indicator with ``org``'s target for ``year`` if set: the targets form."""
    every = list(indicators())
    found = {t.indicator_id: t for t in Target.objects.filter(org=org, year=year)}
    return [(i, found.get(i.pk)) for i in every]


@dataclass
class Overview:
    """One indicator's value for an organisation and year on the catalogue page."""

    indicator: Indicator
    value: Decimal | None
    kind: str
    target: Decimal | None
    met: bool | None
    differs: bool


def overview(org: Organisation, year: int) -> list[Overview]:
    """Every indicator's value for ``org`` in ``year`` (entered, else rolled up, else
    computed), with its target: the catalogue page. Bounded: the catalogue, the values of
    the subtree for the year, the targets, the units (once), and one or two per computed
    source — never per indicator or per unit."""
    catalogue = list(indicators())
    held: dict[int, list[Holding]] = {i.pk: [] for i in catalogue}
    for ind_id, path, amount in (
        Observation.objects.filter(
            year=year, indicator__in=[i for i in catalogue if not i.computed]
        )
        .filter(org.subtree_q("org__"))
        .values_list("indicator_id", "org__path", "value")
    ):
        held[ind_id].append((path, amount))
    targets = dict(Target.objects.filter(org=org, year=year).values_list("indicator_id", "value"))
    units: list[Organisation] | None = None
    out = []
    for ind in catalogue:
        direct: Decimal | None = None
        rolled: Decimal | None = None
        if _subtree_source(ind):
            direct = computed.compute(ind.computed, [org], [year]).get((org.pk, year))
        else:
            if ind.computed:  # per unit: computed for the units, then rolled up
                if units is None:
                    units = list(
                        Organisation.objects.filter(org.subtree_q(""))
                        .filter(computed.units_q())
                        .filter(_active_q([year]))
                    )
                paths = {u.pk: u.path for u in units}
                held[ind.pk] = [
                    (paths[k[0]], v)
                    for k, v in computed.compute(ind.computed, units, [year]).items()
                ]
            direct = next((v for p, v in held[ind.pk] if p == org.path), None)
            rolled = rules.aggregate(ind, _below(org, held[ind.pk]))
        value = direct if direct is not None else rolled
        kind = (
            ""
            if value is None
            else ((COMPUTED if ind.computed else ENTERED) if direct is not None else ROLLED)
        )
        target = targets.get(ind.pk)
        out.append(
            Overview(
                indicator=ind,
                value=value,
                kind=kind,
                target=target,
                met=rules.target_met(ind.direction, value, target),
                differs=rules.differs(direct, rolled, ind.decimals),
            )
        )
    return out
