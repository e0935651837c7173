"""The demo world "Tam Dương, 2016", built in memory from a seeded ``random.Random``.

The figures are those of the article of 20/03/2017 (Báo Vĩnh Phúc; ``tests/demo/article.py``) as
they stood on 31/12/2016: 13 commune/town committees and 4 agency committees, 33 grassroots
cells (50 grassroots organisations), 246 sub-cells (223 + 23) and ~5,475 members, with a
history going back to the 1950s — admissions, recognitions, transfers, exemptions, badges,
deaths and other exits — and the 2015–2020 committees. Nothing happens after 31/12/2016.

This module is pure Python (no database) so that the plan can be checked quickly; the
loader (``dangbo.demo.loader``) writes it. Every member is checked here against the pure
rules of ``dangbo.members.rules`` and every cell against structural rules 1–3, and a
violation raises ``DemoDataError``: the bulk path skips the services, so it must not skip
their rules.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangbo.core.text import fold
from dangbo.members import rules
from dangbo.orgs.rules import (
    MIN_CELL_OFFICIAL,
    grassroots_form_mismatch,
    needs_cell_committee,
)

from . import names as N

SEED = 20161231
AS_OF = date(2016, 12, 31)
TARGET_MEMBERS = 5475
DISTRICT_FOUNDED = date(1997, 1, 1)  # Vĩnh Phúc and Tam Dương re-established on 1/1/1997
LAST_OFFICIAL_VOTE = date(2015, 11, 1)  # later admissions are still probationary on AS_OF

# Congress dates of the 2015–2020 term (sub-cells: 2015–2017, two congresses per term).
DISTRICT_CONGRESS = date(2015, 7, 17)


class DemoDataError(ValueError):
    """The generated world breaks a rule the services would have enforced."""


@dataclass
class OrgPlan:
    code: str
    name: str
    kind: str
    sector: str
    parent: str | None
    founded: date | None = None  # None: derived from the oldest membership (local cells)
    link_from: date | None = None
    local: bool = False  # members mostly admitted here (villages), founding derived
    profile: str = "working"  # age profile of its members: village / working / armed
    occupation: str = "agency"
    female_share: float = 0.35
    size: int = 0  # active members on AS_OF
    commune: str | None = None  # code of the commune committee for commune sub-cells


@dataclass
class MemberPlan:
    index: int
    full_name: str
    gender: str
    date_of_birth: date
    vote: date
    decision: date
    ceremony: date
    recognition: date | None
    status: str
    org: str
    admission_org: str | None
    exit_date: date | None = None
    profile: dict = field(default_factory=dict)  # free fields of the Member record
    memberships: list = field(default_factory=list)  # (org code, start, end|None)
    events: list = field(default_factory=list)  # dicts: kind, date, from, to, status, ...
    exemptions: list = field(default_factory=list)  # (category, start, end|None, ref)
    badges: list = field(default_factory=list)  # (milestone, award date)

    @property
    def active(self) -> bool:
        return self.exit_date is None


@dataclass
class BodyPlan:
    org: str
    body_type: str
    term: tuple[int, int]
    valid_from: date
    positions: list = field(default_factory=list)  # (member index, title, valid_from, method)


@dataclass
class World:
    orgs: dict[str, OrgPlan]
    members: list[MemberPlan]
    bodies: list[BodyPlan]
    loose_positions: list  # (org code, member index, title, valid_from, method): no body
    users: dict[str, int]  # demo username -> member index linked to it
    seed: int = SEED


def slug(text: str) -> str:
    return "-".join(fold(text).replace("-", " ").split())


def _years(d: date, n: int) -> date:
    return rules.add_years(d, n)


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.orgs: dict[str, OrgPlan] = {}
        self.members: list[MemberPlan] = []
        self.bodies: list[BodyPlan] = []
        self.loose: list = []
        self.cards: set[str] = set()
        self.ids: set[str] = set()
        self.secretary: dict[str, int] = {}

    # ---------------------------------------------------------------- randomness helpers
    def day(self, start: date, end: date) -> date:
        if end < start:
            end = start
        return date.fromordinal(self.rng.randint(start.toordinal(), end.toordinal()))

    def weighted(self, pairs):
        items, weights = zip(*pairs, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    # ---------------------------------------------------------------- organisations
    def add_org(self, plan: OrgPlan) -> OrgPlan:
        if plan.code in self.orgs:
            raise DemoDataError(f"duplicate organisation code {plan.code}")
        self.orgs[plan.code] = plan
        return plan

    def build_orgs(self) -> None:
        rng = self.rng
        self.add_org(
            OrgPlan("central", "Trung ương", "central", "territorial", None, date(1930, 2, 3))
        )
        self.add_org(
            OrgPlan(
                "vinh-phuc",
                "Đảng bộ tỉnh Vĩnh Phúc",
                "province_committee",
                "territorial",
                "central",
                DISTRICT_FOUNDED,
                DISTRICT_FOUNDED,
            )
        )
        self.add_org(
            OrgPlan(
                "tam-duong",
                "Đảng bộ huyện Tam Dương",
                "district_committee",
                "territorial",
                "vinh-phuc",
                DISTRICT_FOUNDED,
                DISTRICT_FOUNDED,
            )
        )
        villages = list(N.VILLAGE_NAMES)
        for code, unit, name, n_cells, year in N.COMMUNES:
            sector = "town" if unit == "thị trấn" else "commune"
            self.add_org(
                OrgPlan(
                    code,
                    f"Đảng bộ {unit} {name}",
                    "grassroots_committee",
                    sector,
                    "tam-duong",
                    self.day(date(year, 2, 3), date(year, 12, 19)),
                    DISTRICT_FOUNDED,
                )
            )
            n_local = n_cells - len(N.COMMUNE_INSTITUTIONS)
            if sector == "town":
                local_names = list(N.RESIDENTIAL_GROUP_NAMES[:n_local])
                word, local_sector, occupation = (
                    "tổ dân phố",
                    "residential_group",
                    "residential_group",
                )
            else:
                pool = [v for v in villages if v not in N.KIM_LONG_FIRST_VILLAGES]
                local_names = rng.sample(pool, n_local)
                if code == "kim-long":
                    local_names[:2] = N.KIM_LONG_FIRST_VILLAGES
                word, local_sector, occupation = "thôn", "village", "village"
            for local in local_names:
                self.add_org(
                    OrgPlan(
                        f"{code}-{slug(local)}",
                        f"Chi bộ {word} {local}",
                        "sub_cell",
                        local_sector,
                        code,
                        local=True,
                        profile="village",
                        occupation=occupation,
                        female_share=0.38 if sector == "town" else 0.315,
                        commune=code,
                    )
                )
            for suffix, pattern, inst_sector, profile, size in N.COMMUNE_INSTITUTIONS:
                founded_year = {"co-quan": 1960, "quan-su": 1975, "mam-non": 1998}.get(suffix, 1985)
                self.add_org(
                    OrgPlan(
                        f"{code}-{suffix}",
                        pattern.format(unit=unit, name=name),
                        "sub_cell",
                        inst_sector,
                        code,
                        self.day(date(founded_year, 1, 2), date(founded_year + 6, 12, 1)),
                        profile=profile,
                        occupation={"school": "school", "armed_forces": "armed_forces"}.get(
                            inst_sector, "agency"
                        ),
                        female_share={"school": 0.8, "armed_forces": 0.05}.get(inst_sector, 0.3),
                        size=rng.randint(*size),
                        commune=code,
                    )
                )
        for code, name, founded, subcells in N.AGENCY_COMMITTEES:
            founded = date(*founded)
            self.add_org(
                OrgPlan(code, name, "grassroots_committee", "agency", "tam-duong", founded, founded)
            )
            for sub_code, sub_name, profile, size in subcells:
                police = code == "cong-an-huyen"
                self.add_org(
                    OrgPlan(
                        sub_code,
                        sub_name,
                        "sub_cell",
                        "agency",
                        code,
                        founded,
                        profile=profile,
                        occupation="police"
                        if police
                        else ("armed_forces" if profile == "armed" else "agency"),
                        female_share=0.08 if profile == "armed" else 0.42,
                        size=rng.randint(*size),
                    )
                )
        for code, name, sector, founded, size in N.GRASSROOTS_CELLS:
            founded = date(*founded)
            self.add_org(
                OrgPlan(
                    code,
                    name,
                    "grassroots_cell",
                    sector,
                    "tam-duong",
                    founded,
                    max(founded, DISTRICT_FOUNDED),
                    occupation=sector,
                    female_share={"school": 0.7, "public_unit": 0.55, "enterprise": 0.25}.get(
                        sector, 0.4
                    ),
                    size=rng.randint(*size),
                )
            )
        self._size_local_cells()

    def _size_local_cells(self) -> None:
        """Villages and residential groups take what the other cells leave of the target."""
        fixed = sum(o.size for o in self.orgs.values() if not o.local)
        local = [o for o in self.orgs.values() if o.local]
        weights = [self.rng.uniform(0.55, 1.5) for _ in local]
        remaining = TARGET_MEMBERS - fixed
        raw = [remaining * w / sum(weights) for w in weights]
        sizes = [max(8, int(r)) for r in raw]
        order = sorted(range(len(local)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
        i = 0
        while sum(sizes) < remaining:
            sizes[order[i % len(order)]] += 1
            i += 1
        while sum(sizes) > remaining:
            j = max(range(len(sizes)), key=lambda k: sizes[k])
            sizes[j] -= 1
        for org, size in zip(local, sizes, strict=True):
            org.size = size

    # ---------------------------------------------------------------- people
    def person(self, gender: str, commune: str | None) -> tuple[str, str]:
        san_diu = commune in N.SAN_DIU_COMMUNES and self.rng.random() < 0.16
        family = self.weighted(N.SAN_DIU_FAMILY_NAMES if san_diu else N.FAMILY_NAMES)
        if gender == "M":
            middle = self.weighted(N.MALE_MIDDLE)
            given = self.rng.choice(N.MALE_GIVEN)
        else:
            middle = self.weighted(N.FEMALE_MIDDLE)
            given = self.rng.choice(N.FEMALE_GIVEN)
        if middle == given:
            middle = "Văn" if gender == "M" else "Thị"
        return f"{family} {middle} {given}", "Sán Dìu" if san_diu else "Kinh"

    def birth(self, profile: str, gender: str) -> date:
        rng = self.rng
        if profile == "village":
            lo, hi = self.weighted(
                (
                    ((1924, 1934), 4),
                    ((1935, 1944), 11),
                    ((1945, 1954), 20),
                    ((1955, 1964), 22),
                    ((1965, 1974), 18),
                    ((1975, 1984), 14),
                    ((1985, 1995), 11),
                )
            )
        elif profile == "armed":
            lo, hi = self.weighted((((1962, 1974), 3), ((1975, 1984), 4), ((1985, 1994), 4)))
        else:  # working age in 2016: men retire at 60, women at 55
            first = 1957 if gender == "M" else 1962
            lo, hi = self.weighted(
                (((first, 1969), 4), ((1970, 1979), 5), ((1980, 1987), 5), ((1988, 1993), 2))
            )
        return date(rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))

    def admission_age(self, profile: str) -> int:
        if profile == "village":
            lo, hi = self.weighted((((18, 24), 40), ((25, 34), 35), ((35, 44), 17), ((45, 58), 8)))
        elif profile == "armed":
            lo, hi = self.weighted((((19, 23), 6), ((24, 32), 4)))
        else:
            lo, hi = self.weighted((((20, 27), 45), ((28, 35), 40), ((36, 50), 15)))
        return self.rng.randint(lo, hi)

    def admission(self, profile: str, gender: str, *, probationary: bool, old: bool = False):
        """(birth, vote, decision, ceremony) respecting the age rule and the 2016 horizon."""
        rng = self.rng
        for _ in range(200):
            if probationary:
                vote = self.day(date(2015, 12, 1), date(2016, 11, 20))
                age = rng.randint(18, 24) if rng.random() < 0.5 else rng.randint(25, 42)
                dob = self.day(
                    rules.add_years(vote, -age - 1) + timedelta(days=1), rules.add_years(vote, -age)
                )
            else:
                dob = (
                    date(rng.randint(1922, 1948), rng.randint(1, 12), rng.randint(1, 28))
                    if old
                    else self.birth(profile, gender)
                )
                age = self.admission_age(profile)
                vote = _years(dob, age) + timedelta(days=rng.randint(0, 364))
                if vote < date(1950, 1, 10) or vote > LAST_OFFICIAL_VOTE:
                    continue
            decision = vote + timedelta(days=rng.randint(7, 45))
            ceremony = decision + timedelta(days=rng.randint(0, 25))
            if probationary and not (date(2016, 1, 1) <= ceremony <= AS_OF):
                continue
            if not probationary and ceremony > date(2015, 12, 31):
                continue
            if rules.admission_age_error(dob, vote, has_provincial_approval=False):
                continue
            return dob, vote, decision, ceremony
        raise DemoDataError("could not draw an admission satisfying the age rule")

    def recognition(self, ceremony: date, limit: date = AS_OF) -> date | None:
        end = rules.probation_end(ceremony)
        if end > limit:
            return None
        return min(end + timedelta(days=self.rng.randint(0, 40)), limit)

    def card(self) -> str:
        while True:
            value = f"{self.rng.randint(10_000_000, 99_999_999)}"
            if value not in self.cards:
                self.cards.add(value)
                return value

    def id_number(self, gender: str, dob: date) -> str:
        century = (0 if dob.year < 2000 else 2) + (1 if gender == "F" else 0)
        while True:
            value = f"026{century}{dob.year % 100:02d}{self.rng.randint(0, 999_999):06d}"
            if value not in self.ids:
                self.ids.add(value)
                return value

    def profile_fields(self, org: OrgPlan, gender: str, dob: date, ethnicity: str) -> dict:
        rng = self.rng
        commune = self.orgs.get(org.commune) if org.commune else None
        commune_words = commune.name.removeprefix("Đảng bộ ") if commune else "thị trấn Hợp Hòa"
        place = f"{commune_words}, huyện Tam Dương, tỉnh Vĩnh Phúc"
        if org.local:
            home = f"{org.name.removeprefix('Chi bộ ')}, {place}"
        else:
            other = rng.choice(N.COMMUNES)
            home = f"{other[1]} {other[2]}, huyện Tam Dương, tỉnh Vĩnh Phúc"
            if rng.random() < 0.25:
                home = rng.choice(
                    (
                        "phường Liên Bảo, thành phố Vĩnh Yên, tỉnh Vĩnh Phúc",
                        "xã Đạo Đức, huyện Bình Xuyên, tỉnh Vĩnh Phúc",
                        "xã Yên Dương, huyện Tam Đảo, tỉnh Vĩnh Phúc",
                        "thị trấn Vĩnh Tường, huyện Vĩnh Tường, tỉnh Vĩnh Phúc",
                        "xã Tử Du, huyện Lập Thạch, tỉnh Vĩnh Phúc",
                    )
                )
        age = rules.months_between(dob, AS_OF) // 12
        if org.profile == "village":
            education = (
                rng.choice(("7/10", "10/10", "10/10"))
                if dob.year < 1962
                else rng.choice(("9/12", "12/12", "12/12", "12/12"))
            )
            qualification = rng.choice(N.QUALIFICATIONS["village"])
            theory = self.weighted((("", 55), ("elementary", 40), ("intermediate", 5)))
            key = "village_retired" if age >= 58 else org.occupation
            occupation = rng.choice(N.OCCUPATIONS[key])
            workplace = ""
        else:
            education = "12/12" if dob.year >= 1962 else "10/10"
            qualification = rng.choice(N.QUALIFICATIONS[org.profile])
            theory = self.weighted(
                (("elementary", 35), ("intermediate", 45), ("advanced", 12), ("bachelor", 3))
            )
            occupation = rng.choice(N.OCCUPATIONS[org.occupation])
            workplace = org.name.removeprefix("Chi bộ ")
        religion = self.weighted((("Không", 96), ("Phật giáo", 3), ("Công giáo", 1)))
        return {
            "birthplace": home,
            "home_town": home,
            "permanent_address": home if org.local else place,
            "phone": f"09{rng.randint(0, 99_999_999):08d}"
            if age < 75 and rng.random() < 0.8
            else "",
            "ethnicity": ethnicity,
            "religion": religion,
            "education": education,
            "qualification": qualification,
            "political_theory": theory,
            "languages": "Tiếng Anh" if org.profile == "working" and rng.random() < 0.5 else "",
            "occupation": occupation,
            "workplace": workplace,
        }

    def pick_cell(self, kind: str) -> OrgPlan:
        cells = self._cells_by[kind]
        return self.rng.choices(cells, weights=[c.size or 1 for c in cells])[0]

    def new_member(
        self,
        org: OrgPlan,
        *,
        probationary: bool = False,
        old: bool = False,
        gender: str | None = None,
        register: bool = True,
    ) -> MemberPlan:
        rng = self.rng
        gender = gender or ("F" if rng.random() < org.female_share else "M")
        dob, vote, decision, ceremony = self.admission(
            org.profile, gender, probationary=probationary, old=old
        )
        full_name, ethnicity = self.person(gender, org.commune)
        recognition = self.recognition(ceremony)
        member = MemberPlan(
            index=len(self.members),
            full_name=full_name,
            gender=gender,
            date_of_birth=dob,
            vote=vote,
            decision=decision,
            ceremony=ceremony,
            recognition=recognition,
            status="official" if recognition else "probationary",
            org=org.code,
            admission_org=None,
            profile=self.profile_fields(org, gender, dob, ethnicity),
        )
        if register:
            self.members.append(member)
        return member

    def place(
        self, member: MemberPlan, org: OrgPlan, *, history: bool, admitted_here: bool = False
    ) -> None:
        """Memberships (and the matching events) that bring ``member`` into ``org``."""
        rng = self.rng
        d = member.decision
        if history and not org.local:
            history = False
        chain: list[tuple[OrgPlan, date, str]] = []  # (cell, start, how)
        if history:
            previous = self._previous_cell(member, org)
            if previous is not None:
                chain.extend(previous)
        if not chain:
            if org.local:
                if d < date(2014, 1, 1) and not admitted_here and rng.random() < 0.18:
                    # Admitted in the army or elsewhere, then came home.
                    start = self.day(d + timedelta(days=400), min(_years(d, 8), date(2016, 6, 30)))
                    chain.append((org, start, "in"))
                else:
                    chain.append((org, d, "admitted"))
            else:
                founded = org.founded
                if d >= founded and (d.year == 2016 or rng.random() < 0.55):
                    chain.append((org, d, "admitted"))
                else:
                    lo = max(founded, d + timedelta(days=30), _years(member.date_of_birth, 21))
                    hi = date(2016, 9, 30)
                    start = self.day(lo, hi) if lo <= hi else lo
                    if start > AS_OF:
                        start = max(founded, d)
                    chain.append((org, start, "in" if start > d else "admitted"))
        self._record_chain(member, chain)

    def _previous_cell(self, member: MemberPlan, org: OrgPlan):
        """A past cell: an agency or school before retirement, or another village."""
        rng = self.rng
        d, dob = member.decision, member.date_of_birth
        if member.recognition is None:
            return None
        if dob.year <= 1958 and rng.random() < 0.7:
            prev = rng.choice(self._cells_by["institution"])
            retire = _years(dob, 60 if member.gender == "M" else 55)
            first = max(prev.founded, d)
            lo, hi = first + timedelta(days=400), date(2016, 11, 30)
            if lo > hi:
                return None
            move = retire + timedelta(days=rng.randint(0, 90))
            if not lo <= move <= hi:
                move = self.day(lo, hi)
            if d >= prev.founded and rng.random() < 0.4:
                start, how = d, "admitted"
            else:
                start = self.day(
                    max(prev.founded, d + timedelta(days=30)), move - timedelta(days=365)
                )
                how = "in" if start > d else "admitted"
        else:
            siblings = [
                o for o in self._cells_by["local"] if o.commune == org.commune and o is not org
            ]
            if not siblings:
                return None
            prev = rng.choice(siblings)
            start, how = d, "admitted"
            lo, hi = d + timedelta(days=400), date(2016, 10, 31)
            if lo > hi:
                return None
            move = self.day(lo, hi)
        if move <= max(start, member.recognition):
            return None
        return [(prev, start, how), (org, move, "transferred")]

    def _record_chain(self, member: MemberPlan, chain) -> None:
        for i, (org, start, how) in enumerate(chain):
            member.memberships.append([org.code, start, None])
            if i:
                member.memberships[i - 1][2] = start - timedelta(days=1)
            status = (
                "official" if member.recognition and member.recognition <= start else "probationary"
            )
            if how == "admitted":
                member.admission_org = org.code
                member.events.append(
                    {
                        "kind": "admitted",
                        "date": member.decision,
                        "to": org.code,
                        "status": "probationary",
                        "data": {"ceremony_date": member.ceremony.isoformat()},
                    }
                )
            elif how == "in":
                member.events.append(
                    {
                        "kind": "transferred_in",
                        "date": start,
                        "to": org.code,
                        "status": status,
                        "data": {"ceremony_date": member.ceremony.isoformat()},
                    }
                )
            else:
                member.events.append(
                    {
                        "kind": "transferred",
                        "date": start,
                        "from": chain[i - 1][0].code,
                        "to": org.code,
                        "status": status,
                    }
                )
        member.org = chain[-1][0].code
        first_start = chain[0][1]
        if member.recognition and member.recognition >= first_start:
            member.events.append(
                {"kind": "recognised", "date": member.recognition, "status": "official"}
            )

    def build_members(self) -> None:
        rng = self.rng
        cells = [o for o in self.orgs.values() if o.kind in ("sub_cell", "grassroots_cell")]
        self._cells_by = {
            "local": [o for o in cells if o.local],
            "institution": [o for o in cells if not o.local and o.founded >= DISTRICT_FOUNDED],
            "village": [o for o in cells if o.local and o.sector == "village"],
            "any": cells,
        }
        for org in cells:
            for i in range(org.size):
                probationary = i >= 3 and rng.random() < 0.031
                member = self.new_member(org, probationary=probationary)
                self.place(member, org, history=rng.random() < 0.12)
        self._build_exits()
        for member in self.members:
            self._cards_and_ids(member)
            self._exemptions(member)
            self._badges(member)
        self._derive_founding()
        self._decision_numbers()

    def _build_exits(self) -> None:
        """Members who left the roll before 2017: they exist with their whole history."""
        plan = (
            ("deceased", 240),
            ("transferred_out", 70),
            ("struck_off", 30),
            ("resigned", 8),
            ("expelled", 3),
        )
        for kind, count in plan:
            for n in range(count):
                for _ in range(100):
                    member, when = self._exit_candidate(kind, probationary=n < 12)
                    if when is not None:
                        break
                else:
                    raise DemoDataError(f"could not draw a member who {kind}")
                self.members.append(member)
                self._exit(member, kind, when)

    def _exit_candidate(self, kind: str, *, probationary: bool):
        """A member (not yet registered) and the day they left, or None if none fits."""
        rng = self.rng
        last = date(2016, 12, 20)
        if kind == "deceased":
            org = self.pick_cell("village")
            member = self.new_member(org, old=True, register=False)
        elif kind == "struck_off" and probationary:  # did not make it through probation
            org = self.pick_cell("village")
            member = self.new_member(org, register=False)
            member.vote = self.day(date(2008, 1, 1), date(2014, 12, 1))
            member.date_of_birth = _years(member.vote, -rng.randint(19, 35)) - timedelta(
                days=rng.randint(1, 300)
            )
            member.decision = member.vote + timedelta(days=rng.randint(7, 40))
            member.ceremony = member.decision + timedelta(days=rng.randint(0, 20))
            member.recognition = None
            member.status = "probationary"
            ethnicity = member.profile["ethnicity"]
            member.profile = self.profile_fields(
                org, member.gender, member.date_of_birth, ethnicity
            )
            self.place(member, org, history=False, admitted_here=True)
            lo = member.ceremony + timedelta(days=120)
            hi = min(rules.probation_end(member.ceremony) + timedelta(days=60), last)
            return member, self.day(lo, hi) if lo <= hi else None
        else:
            org = self.pick_cell("any")
            member = self.new_member(org, register=False)
        if member.recognition is None:
            return member, None
        self.place(member, org, history=False)
        base = max(member.memberships[-1][1], member.recognition)
        if kind == "deceased":
            lo = max(base + timedelta(days=365), date(2000, 1, 1), _years(member.date_of_birth, 62))
        else:
            lo = max(base + timedelta(days=200), date(2005, 1, 1))
        return member, self.day(lo, last) if lo <= last else None

    def _exit(self, member: MemberPlan, kind: str, when: date) -> None:
        status = {
            "transferred_out": "left",
            "struck_off": "struck_off",
            "resigned": "resigned",
            "expelled": "expelled",
            "deceased": "deceased",
        }[kind]
        if member.recognition and member.recognition > when:
            # Not recognised yet on that day: drop the recognition (and its event).
            member.recognition = None
            member.events = [e for e in member.events if e["kind"] != "recognised"]
        member.memberships[-1][2] = when
        member.exit_date = when
        member.status = status
        member.events.append({"kind": kind, "date": when, "from": member.org, "status": status})

    def _cards_and_ids(self, member: MemberPlan) -> None:
        # Cards are issued after recognition; the 12-digit CCCD only exists since 2016.
        member.profile["card_number"] = self.card() if member.recognition else ""
        member.profile["id_number"] = (
            self.id_number(member.gender, member.date_of_birth) if member.active else ""
        )
        if not member.active:
            member.profile["phone"] = ""

    def _exemptions(self, member: MemberPlan) -> None:
        rng = self.rng
        if member.recognition is None:
            return
        end_limit = member.exit_date or AS_OF
        start_here = member.memberships[-1][1]
        age = rules.months_between(member.date_of_birth, end_limit) // 12
        if age >= 76 and rng.random() < 0.4:
            lo = max(_years(member.date_of_birth, 72), start_here, member.recognition)
            if lo <= end_limit - timedelta(days=30):
                start = self.day(lo, end_limit - timedelta(days=30))
                self._exempt(member, "elderly", start, member.exit_date)
                return
        if 55 <= age < 76 and rng.random() < 0.02:
            lo = max(start_here, member.recognition, date(2010, 1, 1))
            if lo <= end_limit - timedelta(days=30):
                self._exempt(
                    member, "health", self.day(lo, end_limit - timedelta(days=30)), member.exit_date
                )
                return
        if member.gender == "F" and member.active and 24 <= age <= 40 and rng.random() < 0.03:
            lo = max(start_here, member.recognition, date(2010, 1, 1))
            hi = date(2016, 6, 1)
            if lo <= hi:
                start = self.day(lo, hi)
                self._exempt(member, "maternity", start, rules.add_months(start, 6))

    def _exempt(self, member, category, start, end) -> None:
        ref = f"{self.rng.randint(1, 40)}-NQ/CB"
        member.exemptions.append((category, start, end, ref))
        status = "official"
        member.events.append(
            {
                "kind": "exempted",
                "date": start,
                "status": status,
                "ref": ref,
                "data": {"category": category},
            }
        )
        if end is not None and member.exit_date is None:
            member.events.append({"kind": "exemption_ended", "date": end, "status": status})

    def _badges(self, member: MemberPlan) -> None:
        """Every milestone reached by 2016, awarded at its round while the member was on the roll."""
        if member.recognition is None or member.status in ("struck_off", "expelled", "resigned"):
            return
        limit = (member.exit_date - timedelta(days=1)) if member.exit_date else AS_OF
        for milestone in rules.BADGE_MILESTONES:
            reached = _years(member.decision, milestone)
            award = rules.next_award_round(reached)
            if award > limit:
                break
            if award < member.recognition:
                continue
            member.badges.append((milestone, award))
            member.events.append(
                {
                    "kind": "badge",
                    "date": award,
                    "status": "official",
                    "data": {"milestone": milestone, "early": False, "posthumous": False},
                }
            )

    def _derive_founding(self) -> None:
        """Local cells are founded before their oldest membership; communes before their cells."""
        earliest: dict[str, date] = {}
        for member in self.members:
            for code, start, _end in member.memberships:
                if code not in earliest or start < earliest[code]:
                    earliest[code] = start
        for org in self.orgs.values():
            if org.local:
                nominal = self.day(date(1950, 3, 1), date(1972, 12, 1))
                oldest = earliest.get(org.code, nominal)
                org.founded = min(nominal, oldest - timedelta(days=self.rng.randint(30, 700)))
        for org in self.orgs.values():
            if org.kind == "grassroots_committee":
                children = [o.founded for o in self.orgs.values() if o.parent == org.code]
                org.founded = min([org.founded, *children])
        for org in self.orgs.values():
            if org.link_from is None:
                org.link_from = org.founded

    def _decision_numbers(self) -> None:
        """Admission and recognition decisions numbered per year, as the district issues them."""
        decisions = []
        for member in self.members:
            for event in member.events:
                if event["kind"] in ("admitted", "recognised"):
                    decisions.append((event["date"], member.index, event))
        decisions.sort(key=lambda x: (x[0], x[1]))
        counter: dict[int, int] = {}
        for when, _i, event in decisions:
            counter[when.year] = counter.get(when.year, 0) + self.rng.randint(1, 3)
            event["ref"] = f"{counter[when.year]}-QĐ/HU"

    # ---------------------------------------------------------------- committees
    def eligible(self, codes, on: date, *, ages=(25, 65), exclude=(), gender=None):
        codes = set(codes) if not isinstance(codes, str) else {codes}
        found = []
        for member in self._active_by_cell_list(codes):
            if member.index in exclude:
                continue
            start = member.memberships[-1][1]
            if start > on or member.recognition is None or member.recognition > on:
                continue
            age = rules.months_between(member.date_of_birth, on) // 12
            if not ages[0] <= age <= ages[1]:
                continue
            if gender and member.gender != gender:
                continue
            found.append(member)
        return found

    def _active_by_cell_list(self, codes):
        result = []
        for code in sorted(codes):
            result.extend(self._active_by_cell.get(code, ()))
        return result

    def pick(self, codes, on: date, n: int = 1, **kw) -> list[tuple[MemberPlan, date, str]]:
        """``n`` holders eligible on ``on``; if too few, later arrivals appointed when able."""
        pool = self.eligible(codes, on, **kw)
        chosen = [(m, on, "elected") for m in self.rng.sample(pool, min(n, len(pool)))]
        if len(chosen) < n:
            used = {m.index for m, _, _ in chosen} | set(kw.get("exclude", ()))
            late = [
                m
                for m in self._active_by_cell_list(
                    set(codes) if not isinstance(codes, str) else {codes}
                )
                if m.index not in used and m.recognition is not None
            ]
            for m in late[: n - len(chosen)]:
                chosen.append((m, max(on, m.memberships[-1][1], m.recognition), "appointed"))
        if len(chosen) < n:
            raise DemoDataError(f"not enough members in {codes} for {n} positions")
        return chosen

    def body(self, org: str, body_type: str, term, valid_from: date) -> BodyPlan:
        plan = BodyPlan(org, body_type, term, valid_from)
        self.bodies.append(plan)
        return plan

    def officials(self, code: str) -> int:
        return sum(1 for m in self._active_by_cell.get(code, ()) if m.recognition)

    def build_committees(self) -> None:
        rng = self.rng
        self._active_by_cell: dict[str, list[MemberPlan]] = {}
        for member in self.members:
            if member.active:
                self._active_by_cell.setdefault(member.org, []).append(member)
        cells = [o for o in self.orgs.values() if o.kind in ("sub_cell", "grassroots_cell")]
        for org in cells:
            sub = org.kind == "sub_cell"
            congress = (
                self.day(date(2015, 1, 5), date(2015, 3, 20))
                if sub
                else self.day(date(2015, 3, 10), date(2015, 5, 20))
            )
            term = (2015, 2017) if sub else (2015, 2020)
            officials = self.officials(org.code)
            ages = (28, 70) if org.local else (28, 59)
            if needs_cell_committee(officials):
                body = self.body(org.code, "cell_committee", term, congress)
                n_members = 3 if officials >= 15 else 1
                chosen = self.pick(org.code, congress, 2 + n_members, ages=ages)
                titles = ["secretary", "deputy_secretary"] + ["cell_committee_member"] * n_members
                for (m, since, method), title in zip(chosen, titles, strict=True):
                    body.positions.append((m.index, title, since, method))
                self.secretary[org.code] = chosen[0][0].index
            else:
                chosen = self.pick(org.code, congress, 2 if officials >= 5 else 1, ages=ages)
                titles = ["secretary", "deputy_secretary"]
                for (m, since, method), title in zip(chosen, titles, strict=False):
                    self.loose.append((org.code, m.index, title, since, method))
                self.secretary[org.code] = chosen[0][0].index
        holders = [p[0] for b in self.bodies for p in b.positions] + [p[1] for p in self.loose]
        by_index = {m.index: m for m in self.members}
        for idx in holders:  # a cell secretary or cell committee member has basic training
            if not by_index[idx].profile["political_theory"]:
                by_index[idx].profile["political_theory"] = "elementary"
        for org in self.orgs.values():
            if org.kind == "grassroots_committee":
                self._grassroots_committee(org, rng)
        self._district()

    def _subtree_cells(self, code: str) -> list[str]:
        return [o.code for o in self.orgs.values() if o.parent == code]

    def _grassroots_committee(self, org: OrgPlan, rng) -> None:
        congress = self.day(date(2015, 4, 15), date(2015, 6, 10))
        term = (2015, 2020)
        cells = self._subtree_cells(org.code)
        commune = org.sector in ("commune", "town")
        leaders_from = f"{org.code}-co-quan" if commune else cells[0]
        size = rng.randint(13, 15) if commune else rng.randint(7, 9 if len(cells) < 6 else 11)
        leaders = self.pick(leaders_from, congress, 3 if commune else 2, ages=(32, 58))
        used = {m.index for m, _, _ in leaders}
        others_pool = [
            self.secretary[c] for c in cells if c != leaders_from and self.secretary[c] not in used
        ]
        rng.shuffle(others_pool)
        by_index = {m.index: m for m in self.members}
        others = []
        for idx in others_pool:
            if len(others) >= size - len(leaders):
                break
            m = by_index[idx]
            since = max(congress, m.memberships[-1][1], m.recognition)
            others.append((m, since, "elected" if since == congress else "appointed"))
            used.add(idx)
        if len(others) < size - len(leaders):
            others += self.pick(cells, congress, size - len(leaders) - len(others), exclude=used)
        executive = self.body(org.code, "executive_committee", term, congress)
        titles = ["secretary", "deputy_secretary", "deputy_secretary"][: len(leaders)]
        n_standing = 2 if commune else (1 if size >= 9 else 0)
        titles += ["standing_member"] * n_standing
        titles += ["committee_member"] * (size - len(titles))
        everyone = leaders + others
        for (m, since, method), title in zip(everyone, titles, strict=True):
            executive.positions.append((m.index, title, since, method))
        if size >= 9:
            standing = self.body(org.code, "standing_committee", term, congress)
            for (m, since, method), title in zip(everyone, titles, strict=True):
                if title != "committee_member":
                    standing.positions.append((m.index, title, since, method))
        inspection = self.body(org.code, "inspection_committee", term, congress)
        chair = everyone[len(leaders)] if commune else everyone[-1]
        inspection.positions.append((chair[0].index, "inspection_chair", chair[1], chair[2]))
        rest = self.pick(cells, congress, 2 if size < 13 else 4, exclude=used | {chair[0].index})
        for i, (m, since, method) in enumerate(rest):
            title = "inspection_deputy" if i == 0 and size >= 13 else "inspection_member"
            inspection.positions.append((m.index, title, since, method))
        for m, _, _ in everyone:  # committee members are trained to the intermediate level
            if m.profile["political_theory"] in ("", "elementary"):
                m.profile["political_theory"] = "intermediate"

    def _district(self) -> None:
        on = DISTRICT_CONGRESS
        used: set[int] = set()
        seats: list[tuple[MemberPlan, date, str, str]] = []

        def take(code, title, n=1, gender=None):
            for m, since, method in self.pick(
                code, on, n, ages=(35, 58), exclude=used, gender=gender
            ):
                used.add(m.index)
                seats.append((m, since, method, title))

        take("cqdt-van-phong-huyen-uy", "secretary")
        take("cqdt-van-phong-huyen-uy", "permanent_deputy_secretary")
        take("cqcq-van-phong", "deputy_secretary")
        for code in (
            "cqdt-ubkt",
            "cqdt-ban-to-chuc",
            "cqdt-tuyen-giao-dan-van",
            "cqdt-tuyen-giao-dan-van",
            "cqdt-mttq",
            "qs-chi-huy",
            "ca-tham-muu-chinh-tri",
            "cqcq-van-phong",
            "cqdt-van-phong-huyen-uy",
            "cqdt-doan-the",
        ):
            take(code, "standing_member")
        for code in (
            "cqcq-tai-chinh-ke-hoach",
            "cqcq-noi-vu",
            "cqcq-tai-nguyen-moi-truong",
            "cqcq-kinh-te-ha-tang",
            "cqcq-nong-nghiep",
            "cqcq-giao-duc",
            "cqcq-lao-dong-tbxh",
            "cqdt-doan-the",
            "cqdt-ubkt",
            "cqdt-ban-to-chuc",
            "toa-an",
            "vien-kiem-sat",
            "chi-cuc-thue",
            "trung-tam-y-te",
            "ca-an-ninh",
            "qs-tham-muu",
            "thpt-tam-duong",
        ):
            take(code, "committee_member")
        take("cqdt-doan-the", "committee_member", gender="F")  # Hội Liên hiệp Phụ nữ
        by_index = {m.index: m for m in self.members}
        for code in ("hop-hoa", "huong-dao", "kim-long", "dong-tinh", "thanh-van", "duy-phien"):
            executive = next(
                b for b in self.bodies if b.org == code and b.body_type == "executive_committee"
            )
            idx, _title, since, method = executive.positions[0]
            used.add(idx)
            seats.append((by_index[idx], max(on, since), method, "committee_member"))
        executive = self.body("tam-duong", "executive_committee", (2015, 2020), on)
        standing = self.body("tam-duong", "standing_committee", (2015, 2020), on)
        for m, since, method, title in seats:
            executive.positions.append((m.index, title, since, method))
            if title != "committee_member":
                standing.positions.append((m.index, title, since, method))
                m.profile["political_theory"] = "advanced"
            else:
                m.profile["political_theory"] = m.profile["political_theory"] or "intermediate"
        inspection = self.body("tam-duong", "inspection_committee", (2015, 2020), on)
        chair = seats[3][0]  # the standing member from the inspection committee's office
        inspection.positions.append((chair.index, "inspection_chair", on, "elected"))
        deputies = [s for s in seats if s[3] == "committee_member" and s[0].org == "cqdt-ubkt"]
        for m, since, method, _title in deputies:
            inspection.positions.append((m.index, "inspection_deputy", since, method))
        for m, since, method in self.pick("cqdt-ubkt", on, 4, ages=(28, 58), exclude=used):
            used.add(m.index)
            inspection.positions.append((m.index, "inspection_member", since, method))
        for m, since, method in self.pick("cqdt-ban-to-chuc", on, 1, ages=(28, 58), exclude=used):
            inspection.positions.append((m.index, "inspection_member", since, method))

    # ---------------------------------------------------------------- demo users
    def demo_links(self) -> dict[str, int]:
        cell = first_village_code(self.orgs)
        secretary = self.secretary[cell]
        holders = {p[0] for b in self.bodies for p in b.positions} | {p[1] for p in self.loose}
        candidates = [
            m for m in self._active_by_cell[cell] if m.index not in holders and m.recognition
        ]
        # A working-age member makes a more telling "own record" page than a veteran.
        ordinary = next(
            (m for m in candidates if 1966 <= m.date_of_birth.year <= 1985),
            candidates[0],
        )
        return {"bithu": secretary, "dangvien": ordinary.index}


def first_village_code(world: World | dict[str, OrgPlan]) -> str:
    """The first village cell of Kim Long: home of the ``bithu`` and ``dangvien`` demo users."""
    orgs = world.orgs if isinstance(world, World) else world
    return next(o.code for o in orgs.values() if o.parent == "kim-long" and o.sector == "village")


def build(seed: int = SEED) -> World:
    """The whole world as plain objects, checked against the rules."""
    builder = _Builder(seed)
    builder.build_orgs()
    builder.build_members()
    builder.build_committees()
    world = World(
        orgs=builder.orgs,
        members=builder.members,
        bodies=builder.bodies,
        loose_positions=builder.loose,
        users=builder.demo_links(),
        seed=seed,
    )
    check(world)
    return world


# -------------------------------------------------------------------- checks
def check(world: World) -> None:
    """Raise ``DemoDataError`` on the first broken rule: the bulk path's substitute for the
    validation the services would have done."""
    orgs = world.orgs
    for org in orgs.values():
        if org.parent is not None:
            parent = orgs[org.parent]
            if parent.founded > org.founded and parent.kind not in (
                "central",
                "province_committee",
                "district_committee",
            ):
                raise DemoDataError(f"{org.code} founded before its parent {parent.code}")
            if org.link_from < max(parent.founded, org.founded):
                raise DemoDataError(f"{org.code}: link starts before its ends exist")
    active_by_cell: dict[str, list[MemberPlan]] = {}
    for m in world.members:
        _check_member(m, orgs)
        if m.active:
            active_by_cell.setdefault(m.org, []).append(m)
    total = sum(len(v) for v in active_by_cell.values())
    if not 5471 <= total <= 5479:
        raise DemoDataError(f"{total} active members, the article says just over 5,470")
    with_cell_committee = {b.org for b in world.bodies if b.body_type == "cell_committee"}
    per_grassroots: dict[str, int] = {}
    for org in orgs.values():
        if org.kind not in ("sub_cell", "grassroots_cell"):
            continue
        members = active_by_cell.get(org.code, [])
        official = sum(1 for m in members if m.recognition)
        if official < MIN_CELL_OFFICIAL:
            raise DemoDataError(f"rule 1: {org.code} has {official} official members")
        if needs_cell_committee(official) and org.code not in with_cell_committee:
            raise DemoDataError(f"rule 3: {org.code} has no cell committee")
        top = org.code if org.kind == "grassroots_cell" else org.parent
        per_grassroots[top] = per_grassroots.get(top, 0) + len(members)
    for code, n in per_grassroots.items():
        kind = orgs[code].kind
        if kind in ("grassroots_cell", "grassroots_committee") and grassroots_form_mismatch(
            kind == "grassroots_cell", n
        ):
            raise DemoDataError(f"rule 2: {code} has {n} members")
    by_index = {m.index: m for m in world.members}
    positions = [(b.org, *p) for b in world.bodies for p in b.positions]
    positions += list(world.loose_positions)
    for org_code, idx, _title, since, _method in positions:
        m = by_index[idx]
        if not m.active or m.recognition is None or m.recognition > since:
            raise DemoDataError(f"position in {org_code} held by a non-official member")
        cell = orgs[m.org]
        chain = {cell.code}
        while cell.parent:
            cell = orgs[cell.parent]
            chain.add(cell.code)
        if org_code not in chain:
            raise DemoDataError(f"position in {org_code} held by a member of {m.org}")
        if m.memberships[-1][1] > since:
            raise DemoDataError(f"position in {org_code} before the holder arrived")


def _check_member(m: MemberPlan, orgs: dict[str, OrgPlan]) -> None:
    problem = rules.admission_age_error(m.date_of_birth, m.vote, has_provincial_approval=False)
    if problem:
        raise DemoDataError(f"{m.full_name}: {problem}")
    if not m.vote <= m.decision <= m.ceremony:
        raise DemoDataError(f"{m.full_name}: vote, decision and ceremony out of order")
    if m.recognition is not None:
        problem = rules.recognition_error(m.ceremony, m.recognition)
        if problem:
            raise DemoDataError(f"{m.full_name}: {problem}")
    elif m.active and rules.probation_end(m.ceremony) <= AS_OF:
        raise DemoDataError(f"{m.full_name}: probation over but not recognised")
    if m.status == "expelled" and m.recognition is None:
        raise DemoDataError(f"{m.full_name}: only official members are expelled")
    previous_end = None
    for code, start, end in m.memberships:
        org = orgs[code]
        if start < org.founded:
            raise DemoDataError(f"{m.full_name}: membership in {code} before it was founded")
        if start < m.decision:
            raise DemoDataError(f"{m.full_name}: membership before admission")
        if end is not None and end < start:
            raise DemoDataError(f"{m.full_name}: membership interval reversed")
        if previous_end is not None and start != previous_end + timedelta(days=1):
            raise DemoDataError(f"{m.full_name}: gap or overlap between memberships")
        previous_end = end
    if m.active != (m.memberships[-1][2] is None):
        raise DemoDataError(f"{m.full_name}: open membership does not match status")
    awarded: list[int] = []
    for milestone, award in m.badges:
        problem = rules.badge_award_error(
            m.decision,
            (),
            milestone=milestone,
            award_date=award,
            severe_illness=False,
            awarded=awarded,
            excluded_status=False,
        )
        if problem:
            raise DemoDataError(f"{m.full_name}: {problem}")
        awarded.append(milestone)
    for event in m.events:
        if event["date"] > AS_OF:
            raise DemoDataError(f"{m.full_name}: event after 31/12/2016")
    for _category, start, end, _ref in m.exemptions:
        if start < m.decision or (end is not None and end > (m.exit_date or AS_OF)):
            raise DemoDataError(f"{m.full_name}: exemption outside the membership")
