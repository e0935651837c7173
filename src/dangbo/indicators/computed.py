"""Indicators dangbo computes from its own data instead of asking people to enter them.

``SOURCES`` maps an ``Indicator.computed`` key to a function ``(orgs, years) -> {(org id,
year): value}`` answering for many organisations and years in a bounded number of queries
(one or two, whatever the number of organisations): each organisation's value covers its
whole subtree. A key missing from the answer means "no value" (nothing to count from).

- ``members_admitted``: members whose admission decision fell in the year, admitted in an
  organisation of the subtree.
- ``tsvm_share``: % of the grassroots organisations of the subtree whose decided review of
  the year rated them at the top two levels (TSVM tiêu biểu / TSVM, or their equivalents
  "hoàn thành xuất sắc / tốt nhiệm vụ": common rank 1 or 2), of those decided.
- ``admin_reform``: for a commune-level unit (xã, thị trấn, phường), 1 when the three
  administrative-reform indicators entered for it that year (one-stop shop, procedures
  published, on-line services) are all 1, 0 when one of them is 0 or missing while another
  is entered; above the units the indicator rolls up (share of units meeting).
- ``ntm_recognised``: communes (not towns or wards) of the subtree recognised at the new-rural standard by 31/12
  of the year and not revoked by then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from dangbo.orgs.choices import GRASSROOTS_KINDS, OrgKind, Sector
from dangbo.orgs.models import Organisation

from . import rules

Key = tuple[int, int]
Source = Callable[[list[Organisation], list[int]], dict[Key, Decimal]]

# Commune-level units: the committees of communes, towns and wards (grassroots committees
# under a district before 2025, commune committees under the province after).
UNIT_KINDS = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL, OrgKind.COMMUNE_COMMITTEE)
UNIT_SECTORS = (Sector.COMMUNE, Sector.TOWN, Sector.WARD)
ADMIN_REFORM_PARTS = ("cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen")


def is_unit(org: Organisation) -> bool:
    """Whether ``org`` is a commune-level unit (the level the values are entered at): a
    commune committee (after 2025), or a grassroots committee or cell of a commune, town or
    ward that is not itself under a commune committee (a residential party committee inside
    a post-2025 commune is not a commune). Reads ``org.parent``."""
    if org.sector not in UNIT_SECTORS or org.kind not in UNIT_KINDS:
        return False
    if org.kind == OrgKind.COMMUNE_COMMITTEE:
        return True
    return org.parent is None or org.parent.kind != OrgKind.COMMUNE_COMMITTEE


def units_q(prefix: str = "") -> Q:
    """``is_unit`` as a filter (on ``prefix`` + the organisation's fields)."""
    commune_level = Q(**{f"{prefix}sector__in": UNIT_SECTORS})
    return commune_level & (
        Q(**{f"{prefix}kind": OrgKind.COMMUNE_COMMITTEE})
        | (
            Q(**{f"{prefix}kind__in": UNIT_KINDS})
            & ~Q(**{f"{prefix}parent__kind": OrgKind.COMMUNE_COMMITTEE})
        )
    )


def _union(orgs: Iterable[Organisation], prefix: str) -> Q:
    combined = Q(pk__in=[])
    for org in _tops(orgs):
        combined |= org.subtree_q(prefix)
    return combined


def _tops(orgs: Iterable[Organisation]) -> list[Organisation]:
    """The organisations not inside another one of ``orgs`` (fewer subtree conditions)."""
    ordered = sorted(orgs, key=lambda o: o.path)
    tops: list[Organisation] = []
    for org in ordered:
        if not tops or not (tops[-1].path <= org.path < tops[-1].subtree_upper):
            tops.append(org)
    return tops


def _containers(by_path: dict[str, Organisation], path: str) -> Iterator[Organisation]:
    """The organisations of ``by_path`` whose subtree holds ``path`` ("1.2.3." lies in
    "1.", "1.2." and "1.2.3."): a lookup per level instead of a scan of every organisation."""
    end = path.find(".")
    while end != -1:
        org = by_path.get(path[: end + 1])
        if org is not None:
            yield org
        end = path.find(".", end + 1)


def _spread(orgs: list[Organisation], counts: Iterable[tuple[str, int, int]]) -> dict[Key, Decimal]:
    """Counts per (path, year) summed into every organisation whose subtree holds the path."""
    by_path = {o.path: o for o in orgs}
    out: dict[Key, Decimal] = {}
    for path, year, n in counts:
        for org in _containers(by_path, path):
            key = (org.pk, year)
            out[key] = out.get(key, Decimal(0)) + Decimal(n)
    return out


def members_admitted(orgs: list[Organisation], years: list[int]) -> dict[Key, Decimal]:
    from dangbo.members.models import Member

    if not orgs or not years:
        return {}
    rows = (
        Member.objects.filter(_union(orgs, "admission_org__"))
        .filter(
            admission_decision_date__gte=date(min(years), 1, 1),
            admission_decision_date__lte=date(max(years), 12, 31),
        )
        .annotate(y=ExtractYear("admission_decision_date"))
        .filter(y__in=years)
        .values_list("admission_org__path", "y")
        .annotate(n=Count("pk"))
    )
    out = _spread(orgs, rows)
    for org in orgs:  # an organisation with no admissions admitted 0, not "unknown"
        for year in years:
            out.setdefault((org.pk, year), Decimal(0))
    return out


def tsvm_share(orgs: list[Organisation], years: list[int]) -> dict[Key, Decimal]:
    from dangbo.reviews.models import Evaluation

    if not orgs or not years:
        return {}
    rows = (
        Evaluation.objects.filter(_union(orgs, "subject_org__"))
        .filter(
            subject_org__kind__in=GRASSROOTS_KINDS,
            cycle__year__in=years,
            final_common_rank__isnull=False,
        )
        .values_list("subject_org__path", "cycle__year")
        .annotate(
            total=Count("pk", distinct=True), good=Count("pk", filter=Q(final_common_rank__lte=2))
        )
    )
    totals: dict[Key, int] = {}
    good: dict[Key, int] = {}
    by_path = {o.path: o for o in orgs}
    for path, year, total, n_good in rows:
        for org in _containers(by_path, path):
            key = (org.pk, year)
            totals[key] = totals.get(key, 0) + total
            good[key] = good.get(key, 0) + n_good
    out: dict[Key, Decimal] = {}
    for key, total in totals.items():
        pct = rules.share_pct(good.get(key, 0), total)
        if pct is not None:
            out[key] = pct
    return out


def admin_reform(orgs: list[Organisation], years: list[int]) -> dict[Key, Decimal]:
    """Per unit: all three conditions met (1) or not (0); ``orgs`` are units."""
    from .models import Observation

    units = orgs  # the callers pass units (``units_q``)
    if not units or not years:
        return {}
    parts: dict[Key, dict[str, Decimal]] = {}
    for org_id, year, code, value in Observation.objects.filter(
        org__in=units, year__in=years, indicator__code__in=ADMIN_REFORM_PARTS
    ).values_list("org_id", "year", "indicator__code", "value"):
        parts.setdefault((org_id, year), {})[code] = value
    return {
        key: Decimal(1)
        if all(got.get(code) == Decimal(1) for code in ADMIN_REFORM_PARTS)
        else Decimal(0)
        for key, got in parts.items()
    }


def ntm_recognised(orgs: list[Organisation], years: list[int]) -> dict[Key, Decimal]:
    from .models import NtmRecognition

    if not orgs or not years:
        return {}
    last = date(max(years), 12, 31)
    rows = list(
        NtmRecognition.objects.filter(_union(orgs, "org__"), recognised_on__lte=last)
        .filter(org__sector=Sector.COMMUNE, org__kind__in=UNIT_KINDS)
        .values_list("org_id", "org__path", "recognised_on", "revoked_on")
    )
    out: dict[Key, Decimal] = {}
    for year in years:
        day = date(year, 12, 31)
        held = {
            (org_id, path)
            for org_id, path, on, off in rows
            if on <= day and (off is None or off > day)
        }
        for org in orgs:
            out[(org.pk, year)] = Decimal(0)
        by_path = {o.path: o for o in orgs}
        for _id, path in held:
            for org in _containers(by_path, path):
                out[(org.pk, year)] += 1
    return out


SOURCES: dict[str, Source] = {
    "members_admitted": members_admitted,
    "tsvm_share": tsvm_share,
    "admin_reform": admin_reform,
    "ntm_recognised": ntm_recognised,
}

# Computed values covering a whole subtree (no roll-up needed above them) versus those
# given per unit and rolled up by the indicator's aggregation.
PER_UNIT = frozenset({"admin_reform"})


def compute(key: str, orgs: list[Organisation], years: list[int]) -> dict[Key, Decimal]:
    """The values of computed source ``key`` for ``orgs`` × ``years`` (bounded queries)."""
    source = SOURCES.get(key)
    return source(orgs, years) if source else {}
