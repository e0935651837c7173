"""Computed indicators from dangbo's own data: TSVM share from the year's decided reviews of
grassroots organisations; members admitted in the year."""

from datetime import date
from decimal import Decimal as D

import pytest

from dangbo.core.dates import today
from dangbo.indicators import computed, queries
from dangbo.indicators.models import Indicator
from dangbo.reviews import services as reviews
from dangbo.reviews.schemes import load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _schemes(db):
    load()


def decide(world, cycle, level, org):
    admin = world.users["admin"]
    ev = reviews.self_assess(actor=admin, cycle=cycle, level=level, subject_org=org)
    ev = reviews.propose(actor=admin, evaluation=ev, level=level)
    return reviews.decide(
        actor=admin,
        evaluation=ev,
        level=level,
        by_org=reviews.competent_body(ev),
        on=date(cycle.year, 12, 20),
    )


def test_tsvm_share_of_grassroots_organisations(world):
    cycle = reviews.open_cycle(
        actor=world.users["admin"], org=world.org("tam-duong"), year=2016, closes_on=today()
    )
    decide(world, cycle, "tsvm_tieu_bieu", world.org("kim-long"))
    decide(world, cycle, "tsvm", world.org("hop-hoa"))
    decide(world, cycle, "htt", world.org("cb-toa-an"))  # rank 3 under HD 27
    td = world.org("tam-duong")
    got = computed.tsvm_share([td, world.org("kim-long")], [2015, 2016])
    assert got[(td.pk, 2016)] == D("66.7")
    assert got[(world.org("kim-long").pk, 2016)] == D("100.0")
    assert (td.pk, 2015) not in got  # no review that year: no value, not 0
    indicator = Indicator.objects.get(code="ty_le_tsvm")
    table = queries.value_table(indicator, td, [2016])
    assert table.own.cells[2016].value == D("66.7")
    assert {r.org.code: r.cells[2016].value for r in table.rows}["cb-toa-an"] == 0


def test_members_admitted_by_year(world):
    td, vp = world.org("tam-duong"), world.org("vinh-phuc")
    got = computed.members_admitted([td, vp], [2000, 2016])
    # the world: 5 members admitted 2000 in Tam Dương (+1 in Vĩnh Tường), binh in 2016
    assert got[(td.pk, 2016)] == 1
    assert got[(vp.pk, 2000)] == got[(td.pk, 2000)] + 1
    assert computed.compute("unknown", [td], [2016]) == {}
