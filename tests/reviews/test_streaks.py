"""Streaks ("n years running", rule 25), honours and the ``reviews`` block of stats."""

from datetime import date

import pytest

from dangbo.core.dates import today
from dangbo.reviews import queries, services
from dangbo.reviews.queries import Streak, streak_of
from dangbo.reviews.schemes import load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _schemes(db):
    load()


# -- streak_of: pure ----------------------------------------------------------------------


def test_five_years_running():
    years = dict.fromkeys(range(2012, 2017), 1)
    assert streak_of(years, 1, 2016) == Streak(5, 5, 2016)


def test_a_missing_year_breaks():
    years = {2012: 1, 2013: 1, 2015: 1, 2016: 1}
    assert streak_of(years, 1, 2016) == Streak(2, 2, 2013)
    assert streak_of(years, 1, 2014) == Streak(0, 2, 2013)


def test_a_lower_year_breaks_and_a_better_one_counts():
    years = {2012: 1, 2013: 1, 2014: 2, 2015: 1, 2016: 1, 2017: 1}
    assert streak_of(years, 1, 2017) == Streak(3, 3, 2017)
    assert streak_of(years, 2, 2017) == Streak(6, 6, 2017)  # rank 1 is "at rank 2 or better"
    assert streak_of(years, 1, 2016).current == 2


def test_current_and_longest_runs_differ():
    years = {**dict.fromkeys(range(2008, 2014), 1), 2014: 3, 2015: 1, 2016: 1}
    assert streak_of(years, 1, 2016) == Streak(2, 6, 2013)
    assert streak_of(years, 1, 2014) == Streak(0, 6, 2013)
    assert streak_of(years, 1, 2013) == Streak(6, 6, 2013)
    assert streak_of({}, 1, 2016) == Streak(0, 0, None)
    assert streak_of({2017: 1}, 1, 2016) == Streak(0, 0, None)  # later years are ignored


# -- streaks from stored results ------------------------------------------------------------


def cycle(world, year, code="tam-duong"):
    return services.open_cycle(
        actor=world.users["admin"], org=world.org(code), year=year, closes_on=today()
    )


def decide(world, c, level, *, member=None, org=None):
    admin = world.users["admin"]
    ev = services.self_assess(actor=admin, cycle=c, level=level, member=member, subject_org=org)
    ev = services.propose(actor=admin, evaluation=ev, level=level)
    return services.decide(
        actor=admin,
        evaluation=ev,
        level=level,
        by_org=services.competent_body(ev),
        on=date(c.year, 12, 20),
    )


def test_streak_across_the_scheme_change_2017_2018(world):
    cells = {}
    for year, cell_level, member_level in [
        (2015, "tsvm", "dtc_htt"),
        (2016, "tsvm_tieu_bieu", "dtc_htxs"),
        (2017, "tsvm_tieu_bieu", "dtc_htxs"),
        (2018, "htxs", "htxs"),
    ]:
        c = cycle(world, year, "kim-long")
        cells[year] = decide(world, c, cell_level, org=world.org("kl-thon-1"))
        decide(world, c, member_level, member=world.members["huong"])
    assert cells[2017].scheme.code == "tsvm-2014-org" and cells[2018].scheme.code == "qd132-org"
    kl1, huong = world.org("kl-thon-1").pk, world.members["huong"].pk
    orgs = queries.streaks(world.org("kim-long"), 2018, 1, members=False)
    assert orgs[kl1] == Streak(3, 3, 2018)
    assert queries.streaks(world.org("kim-long"), 2018, 2, members=False)[kl1].current == 4
    assert queries.streaks(world.org("kim-long"), 2017, 1, members=False)[kl1].current == 2
    people = queries.streaks(world.org("tam-duong"), 2018, 1, members=True)
    assert people[huong] == Streak(3, 3, 2018)
    # Subtrees: hop-hoa saw none of these.
    assert queries.streaks(world.org("hop-hoa"), 2018, 1, members=True) == {}


def test_only_decided_annual_results_count(world):
    for year in (2014, 2015):
        decide(world, cycle(world, year), "dtc_htxs", member=world.members["huong"])
    c = cycle(world, 2016)
    ev = services.self_assess(
        actor=world.users["admin"], cycle=c, level="dtc_htxs", member=world.members["huong"]
    )
    services.propose(actor=world.users["admin"], evaluation=ev, level="dtc_htxs")
    s = queries.streaks(world.org("tam-duong"), 2016, 1, members=True)[world.members["huong"].pk]
    assert s == Streak(0, 2, 2015)  # 2016 proposed, not decided: not a result yet


# -- a small district, 2012–2016 ------------------------------------------------------------

TB, TSVM, HTT = "tsvm_tieu_bieu", "tsvm", "htt"
XS, TOT = "dtc_htxs", "dtc_htt"
ORG_RESULTS = {  # organisation: levels 2012..2016 (None: not evaluated)
    "kim-long": [TB, TB, TB, TB, TB],  # 5 years, but not a cell
    "cb-toa-an": [TB, TB, TB, TB, TB],  # a grassroots cell: 5 years
    "kl-thon-1": [TB, TB, TB, TB, TB],  # a sub-cell: 5 years (decided by kim-long)
    "kl-thon-2": [TB, TB, TSVM, TB, TB],  # a lower year
    "hh-tdp-1": [None, TB, TB, TB, TB],  # a missing year
    "hop-hoa": [TSVM, TSVM, TSVM, TSVM, HTT],
}
MEMBER_RESULTS = {
    "huong": [XS, XS, XS, XS, XS],
    "dung": [XS, XS, XS, XS, XS],
    "khanh": [XS, XS, XS, XS, XS],
    "an": [XS, XS, TOT, XS, XS],
    "hoa": [None, XS, XS, XS, XS],
    "binh": [None, None, None, None, XS],
}


@pytest.fixture
def district(world):
    for i, year in enumerate(range(2012, 2017)):
        c = cycle(world, year)
        for code, levels in ORG_RESULTS.items():
            if levels[i]:
                decide(world, c, levels[i], org=world.org(code))
        for key, levels in MEMBER_RESULTS.items():
            if levels[i]:
                decide(world, c, levels[i], member=world.members[key])
    return world


def test_reviews_stats_2016(district):
    stats = queries.reviews_stats(district.org("tam-duong"), date(2016, 12, 31))
    assert stats["year"] == 2016
    # Decided by tam-duong's standing committee: kim-long, cb-toa-an, hop-hoa (not the
    # sub-cells, which kim-long decides).
    assert stats["organisations_decided"] == 3
    assert stats["tsvm_or_exemplary"] == 2
    assert stats["exemplary"] == 2
    assert stats["organisations_by_level"] == {
        "Trong sạch, vững mạnh tiêu biểu": 2,
        "Hoàn thành tốt nhiệm vụ": 1,
    }
    assert stats["exemplary_5_years_running_cells"] == 2  # cb-toa-an, kl-thon-1
    assert stats["excellent_5_years_running_members"] == 3  # huong, dung, khanh
    assert stats["members_decided"] == 6


def test_reviews_stats_of_a_lower_committee_and_before_the_decisions(district):
    kl = queries.reviews_stats(district.org("kim-long"), date(2016, 12, 31))
    assert (kl["organisations_decided"], kl["tsvm_or_exemplary"], kl["exemplary"]) == (2, 2, 2)
    assert kl["exemplary_5_years_running_cells"] == 1  # kl-thon-1
    assert kl["excellent_5_years_running_members"] == 2  # huong, dung
    early = queries.reviews_stats(district.org("tam-duong"), date(2016, 12, 10))
    assert early["organisations_decided"] == 0 and early["tsvm_or_exemplary"] == 0
    y2015 = queries.reviews_stats(district.org("tam-duong"), date(2015, 12, 31))
    assert y2015["tsvm_or_exemplary"] == 3 and y2015["exemplary_5_years_running_cells"] == 0


def test_honours_five_years_running(district):
    cells = queries.honours(district.org("tam-duong"), 2016, 5, 1, members=False)
    assert {o.code for o, _ in cells} == {"kim-long", "cb-toa-an", "kl-thon-1"}
    assert all(s.current >= 5 for _, s in cells)
    people = queries.honours(district.org("tam-duong"), 2016, 5, 1, members=True)
    assert sorted(m.full_name for m, _ in people) == sorted(
        district.members[k].full_name for k in ("huong", "dung", "khanh")
    )
    four = queries.honours(district.org("tam-duong"), 2016, 4, 1, members=True)
    assert len(four) == 4  # + hoa 2013–2016
    assert queries.honours(district.org("hop-hoa"), 2016, 5, 1, members=True) == []
