"""The demo's indicators 2015–2016 and the new-rural standard, shaped to the article:
the district's production value grew by more than 10% in 2016 over 2015 (10.6% here),
administrative reform (one-stop shop, published procedures, on-line services) was in place
in 13 of 13 communes and towns in 2016, and 9 of the 12 communes (xã) were recognised at the
new-rural standard by 20/03/2017.

The brief records that An Hòa and Hướng Đạo were recognised only in 2018; they are among the
three not recognised by 20/03/2017 (their 2018 recognitions are written too). Which other
commune is the third, the recognition dates and the decision numbers are illustrative, as are
every commune's figures: only the district's totals follow the article.

Indicator and criteria definitions come from the migrations (the indicator catalogue and the
NTM sets); they are looked up by code and by date. Their loaders run first (idempotent, as
the reviews' demo loads its schemes): a flushed database (a transactional test) has lost
the migrations' rows.
"""

import random
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from dangbo.core.choices import DocumentKind
from dangbo.core.models import LegalDocument
from dangbo.indicators import catalogue, ntm, ntm_sets
from dangbo.indicators.models import (
    Indicator,
    NtmAssessment,
    NtmCriterion,
    NtmRecognition,
    Observation,
    Target,
)
from dangbo.orgs.models import Organisation
from dangbo.programs.documents import key_of

from .names import COMMUNES

DISTRICT = "tam-duong"
YEARS = (2015, 2016)
GROWTH_2016 = Decimal("0.106")  # district production value, 2016 over 2015
PROVINCE = "UBND tỉnh Vĩnh Phúc"
SOURCE = "Báo cáo thống kê của UBND xã, thị trấn (số liệu minh họa)"
DISTRICT_SOURCE = "Chi cục Thống kê huyện (số liệu minh họa)"
ONE = Decimal(1)
TENTH = Decimal("0.1")
ADMIN_REFORM = ("cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen")

# The catalogue's entered indicators this module writes (defined by the migration).
CODES = (*ADMIN_REFORM, "gia_tri_san_xuat", "ty_le_ho_ngheo", "so_ho_dan")

# Recognitions (commune code, date, decision number): 9 xã by 20/03/2017, then An Hòa and
# Hướng Đạo in 2018. Hoàng Lâu as the third not recognised by 2017 is illustrative.
RECOGNITIONS = (
    ("thanh-van", date(2014, 12, 19), "3780/QĐ-UBND"),
    ("duy-phien", date(2014, 12, 19), "3780/QĐ-UBND"),
    ("hop-thinh", date(2015, 12, 22), "4125/QĐ-UBND"),
    ("dao-tu", date(2015, 12, 22), "4125/QĐ-UBND"),
    ("van-hoi", date(2015, 12, 22), "4125/QĐ-UBND"),
    ("kim-long", date(2016, 12, 27), "4410/QĐ-UBND"),
    ("hoang-hoa", date(2016, 12, 27), "4410/QĐ-UBND"),
    ("dong-tinh", date(2016, 12, 27), "4410/QĐ-UBND"),
    ("hoang-dan", date(2017, 2, 24), "612/QĐ-UBND"),
    ("an-hoa", date(2018, 12, 20), "3301/QĐ-UBND"),
    ("huong-dao", date(2018, 12, 20), "3301/QĐ-UBND"),
)
# Criteria met in 2016 by the communes not yet at the standard.
MET_2016 = {"an-hoa": 15, "huong-dao": 16, "hoang-lau": 17}


def _q(value: Decimal, places: Decimal = TENTH) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _indicators() -> dict[str, Indicator]:
    catalogue.load()  # a fresh install's catalogue, whatever was done to the tables
    found = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    missing = sorted(set(CODES) - set(found))
    if missing:
        raise RuntimeError(f"indicator catalogue lacks {missing}: run the migrations first")
    return found


def production_values(rng: random.Random) -> dict[str, tuple[Decimal, Decimal]]:
    """(2015, 2016) production value per commune/town, tỷ đồng; the district total grows
    by exactly ``GROWTH_2016`` (the last commune takes up the rounding)."""
    values: dict[str, tuple[Decimal, Decimal]] = {}
    for code, unit, *_ in COMMUNES:
        base = Decimal(rng.randint(2600, 5200) if unit == "xã" else 9800) / 10
        growth = Decimal(rng.randint(70, 140)) / 1000
        values[code] = (base, _q(base * (ONE + growth)))
    total_2015 = sum(v[0] for v in values.values())
    wanted = _q(total_2015 * (ONE + GROWTH_2016))
    last = COMMUNES[-1][0]
    others = sum(v[1] for c, v in values.items() if c != last)
    values[last] = (values[last][0], wanted - others)
    return values


def write_values(orgs: dict[str, Organisation], seed: int) -> dict[str, int]:
    rng = random.Random(seed * 11 + 2015)
    indicators = _indicators()
    district = orgs[DISTRICT]
    entered_by = get_user_model().objects.filter(username="tochuc").first()
    obs: list[Observation] = []
    targets: list[Target] = []

    def add(code: str, org: Organisation, year: int, value: Decimal, source: str = SOURCE):
        obs.append(
            Observation(
                indicator=indicators[code],
                org=org,
                year=year,
                value=value,
                source=source,
                entered_by=entered_by,
                entered_at=_noon(date(year + 1, 1, 20)),
            )
        )

    def target(code: str, org: Organisation, value: Decimal):
        targets.append(
            Target(
                indicator=indicators[code],
                org=org,
                year=2016,
                value=value,
                set_by=entered_by,
                set_at=_noon(date(2016, 1, 8)),
            )
        )

    production = production_values(rng)
    for code, (v2015, v2016) in production.items():
        add("gia_tri_san_xuat", orgs[code], 2015, v2015)
        add("gia_tri_san_xuat", orgs[code], 2016, v2016)
        target("gia_tri_san_xuat", orgs[code], _q(v2015 * Decimal("1.10")))
    total_2015 = sum(v[0] for v in production.values())
    total_2016 = sum(v[1] for v in production.values())
    add("gia_tri_san_xuat", district, 2015, total_2015, DISTRICT_SOURCE)
    add("gia_tri_san_xuat", district, 2016, total_2016, DISTRICT_SOURCE)
    target("gia_tri_san_xuat", district, _q(total_2015 * Decimal("1.10")))
    # Administrative reform: all three parts in every commune and town in 2016; in 2015 the
    # on-line services were still missing in four of them.
    late_online = {c[0] for c in rng.sample(COMMUNES, 4)}
    for code, *_ in COMMUNES:
        for part in ADMIN_REFORM:
            for year in YEARS:
                met = not (year == 2015 and part == "cchc_truc_tuyen" and code in late_online)
                add(part, orgs[code], year, ONE if met else Decimal(0))
            target(part, orgs[code], ONE)
    # Households and the poverty rate (falling 0.8–2.0 points in 2016).
    for code, unit, *_ in COMMUNES:
        households = Decimal(rng.randint(1900, 4200) if unit == "xã" else 5100)
        add("so_ho_dan", orgs[code], 2015, households)
        add("so_ho_dan", orgs[code], 2016, households + rng.randint(20, 90))
        poor = Decimal(rng.randint(350, 900)) / 100
        add("ty_le_ho_ngheo", orgs[code], 2015, poor)
        add("ty_le_ho_ngheo", orgs[code], 2016, poor - Decimal(rng.randint(80, 200)) / 100)
        target("ty_le_ho_ngheo", orgs[code], poor - ONE)
    Observation.objects.bulk_create(obs)
    Target.objects.bulk_create(targets)
    return {"observations": len(obs), "targets": len(targets)}


def write_ntm(orgs: dict[str, Organisation]) -> dict[str, int]:
    """2016's assessments under the set in force at the year's end, and the recognitions."""
    ntm_sets.load()  # the national sets as the migration loads them (idempotent)
    communes = [code for code, unit, *_ in COMMUNES if unit == "xã"]
    assessed_by = get_user_model().objects.filter(username="tochuc").first()
    current = ntm.set_for_year(2016)  # the set 2016 is assessed under (QĐ 1980)
    rows: list[NtmAssessment] = []
    if current is not None:
        criteria = list(NtmCriterion.objects.filter(set=current).order_by("number"))
        for code in communes:
            met_count = MET_2016.get(code, len(criteria))
            for i, criterion in enumerate(criteria):
                # The ones not met are the last criteria (the costly ones: environment,
                # income, production organisation in the 2016 set's order).
                met = i < met_count
                rows.append(
                    NtmAssessment(
                        org=orgs[code],
                        year=2016,
                        criterion=criterion,
                        met=met,
                        evidence=(
                            "Biên bản thẩm định của huyện (minh họa)"
                            if met
                            else "Chưa đạt theo kết quả rà soát cuối năm (minh họa)"
                        ),
                        assessed_by=assessed_by,
                        assessed_at=_noon(date(2016, 12, 20)),
                    )
                )
    NtmAssessment.objects.bulk_create(rows)
    decisions = _decisions(orgs)
    recognitions = []
    for code, day, number in RECOGNITIONS:
        ntm_set = ntm.set_on(day)
        if ntm_set is None:
            continue
        recognitions.append(
            NtmRecognition(
                org=orgs[code],
                set=ntm_set,
                document=decisions[(number, day)],
                recognised_on=day,
                recorded_by=assessed_by,
                recorded_at=_noon(day),
            )
        )
    NtmRecognition.objects.bulk_create(recognitions)
    return {"ntm_assessments": len(rows), "ntm_recognitions": len(recognitions)}


def _decisions(orgs: dict[str, Organisation]) -> dict[tuple[str, date], LegalDocument]:
    """One decision of the province per recognition date (several communes each)."""
    names = {code: f"{unit} {name}" for code, unit, name, *_ in COMMUNES}
    by_key: dict[tuple[str, date], list[str]] = {}
    for code, day, number in RECOGNITIONS:
        by_key.setdefault((number, day), []).append(names[code])
    out = {}
    for (number, day), communes in by_key.items():
        title = (
            f"Công nhận {', '.join(communes)}, huyện Tam Dương đạt chuẩn nông thôn mới năm "
            f"{day.year} (số hiệu minh họa)"
        )
        doc, _created = LegalDocument.objects.get_or_create(
            number=number,
            issuer=PROVINCE,
            issue_date=day,
            defaults={
                "kind": DocumentKind.DECISION,
                "title": title,
                "effective_from": day,
                "search_key": key_of(number, title, DocumentKind.DECISION),
                "recorded_at": _noon(day),
            },
        )
        out[(number, day)] = doc
    return out


def write(seed: int) -> dict[str, int]:
    codes = [DISTRICT, *(c[0] for c in COMMUNES)]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    counts = write_values(orgs, seed)
    counts.update(write_ntm(orgs))
    return counts
