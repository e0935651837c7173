"""Roll-up of commune values to the district, direct vs rolled, targets, growth, and the
administrative-reform share — in a bounded number of queries."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.indicators import queries, services
from dangbo.indicators.models import Indicator
from dangbo.orgs import services as org_services

pytestmark = pytest.mark.django_db


def code(c):
    return Indicator.objects.get(code=c)


def test_catalogue_is_loaded():
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {
        "gia_tri_san_xuat",
        "cchc_mot_cua",
        "cchc_cong_khai",
        "cchc_truc_tuyen",
        "cchc",
        "ket_nap_dang_vien",
        "ty_le_tsvm",
        "ty_le_ho_ngheo",
        "so_ho_dan",
        "xa_dat_ntm",
    } <= codes
    assert code("cchc").computed == "admin_reform"
    assert code("xa_dat_ntm").document.number == "1980/QĐ-TTg"


def test_sum_rolls_up_and_direct_is_compared(world):
    gtsx = code("gia_tri_san_xuat")
    kl, hh, td = world.org("kim-long"), world.org("hop-hoa"), world.org("tam-duong")
    services.record_values(
        actor=None,
        rows=[
            (gtsx, kl, 2015, "100"),
            (gtsx, hh, 2015, "200,5"),
            (gtsx, kl, 2016, "112"),
            (gtsx, hh, 2016, "221"),
            (gtsx, td, 2016, "340"),
        ],
        source="Báo cáo thống kê",
    )
    services.set_target(actor=None, indicator=gtsx, org=kl, year=2016, value="110")
    services.set_target(actor=None, indicator=gtsx, org=hh, year=2016, value="230")
    assert queries.value_of(gtsx, td, 2015) == (None, D("300.5"))
    assert queries.value_of(gtsx, td, 2016) == (D(340), D(333))
    with CaptureQueriesContext(connection) as ctx:
        table = queries.value_table(gtsx, td, [2015, 2016])
    assert len(ctx) <= 4
    own16 = table.own.cells[2016]
    assert (own16.value, own16.kind, own16.rolled, own16.differs) == (D(340), "entered", 333, True)
    assert table.own.cells[2015].kind == "rolled"
    assert round(own16.growth, 2) == D("13.14")  # 340 over 300.5
    by_code = {r.org.code: r for r in table.rows}
    assert by_code["kim-long"].cells[2016].met is True
    assert by_code["hop-hoa"].cells[2016].met is False
    assert by_code["kim-long"].cells[2016].source == "Báo cáo thống kê"
    assert "cb-toa-an" not in by_code and table.hidden == 1  # no value, no target: counted
    # The province rolls up the district's entered value (nearest holder), not its communes.
    assert queries.value_of(gtsx, world.org("vinh-phuc"), 2016) == (None, D(340))
    assert queries.growth_of(gtsx, td, 2016).quantize(D("0.01")) == D("13.14")


def test_mean_and_down_direction(world):
    poor = code("ty_le_ho_ngheo")
    kl, hh, td = world.org("kim-long"), world.org("hop-hoa"), world.org("tam-duong")
    services.record_values(actor=None, rows=[(poor, kl, 2016, "4,5%"), (poor, hh, 2016, "2,5")])
    services.set_target(actor=None, indicator=poor, org=td, year=2016, value="4")
    table = queries.value_table(poor, td, [2016])
    assert table.own.cells[2016].value == D("3.5")
    assert table.own.cells[2016].met is True  # lower is better


def _cchc(world, commune, year, *marks):
    parts = ["cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen"]
    services.record_values(
        actor=None,
        rows=[(code(p), world.org(commune), year, m) for p, m in zip(parts, marks, strict=False)],
    )


def test_admin_reform_share(world):
    td = world.org("tam-duong")
    # Nobody has reported on 2016 yet: not "none met".
    assert queries.admin_reform(td, 2016) == {"units": 2, "met": None, "pct": None}
    _cchc(world, "kim-long", 2016, "không", "đạt", "có")
    assert queries.admin_reform(td, 2016) == {"units": 2, "met": 0, "pct": 0.0}
    _cchc(world, "kim-long", 2016, "x", "đạt", "có")
    _cchc(world, "hop-hoa", 2016, "x", "x", "không")
    assert queries.admin_reform(td, 2016) == {"units": 2, "met": 1, "pct": 50.0}
    _cchc(world, "hop-hoa", 2016, "x", "x", "x")
    assert queries.admin_reform(td, 2016) == {"units": 2, "met": 2, "pct": 100.0}
    assert queries.admin_reform(world.org("kim-long"), 2016) == {"units": 1, "met": 1, "pct": 100.0}
    table = queries.value_table(code("cchc"), td, [2016])
    assert table.own.cells[2016].value == 100  # share of units meeting
    assert {r.org.code: r.cells[2016].value for r in table.rows}["kim-long"] == 1
    # The province: share over the communes of all its districts (vt-xa has nothing).
    assert queries.value_of(code("cchc"), world.org("vinh-phuc"), 2016)[1] is not None
    assert queries.admin_reform(world.org("vinh-phuc"), 2016)["units"] == 3


def test_members_admitted_computed(world):
    admitted = code("ket_nap_dang_vien")
    # binh was admitted on 1/6/2016 in kl-thon-1 (kim-long, tam-duong)
    assert queries.value_of(admitted, world.org("tam-duong"), 2016) == (D(1), None)
    assert queries.value_of(admitted, world.org("hop-hoa"), 2016) == (D(0), None)
    table = queries.value_table(admitted, world.org("tam-duong"), [2015, 2016])
    assert table.own.cells[2016].value == 1
    assert table.own.cells[2016].kind == "computed"
    assert {r.org.code: r.cells[2016].value for r in table.rows}["kim-long"] == 1


def test_ntm_recognised_counts_communes_as_of_year_end(world):
    from dangbo.core.models import LegalDocument
    from dangbo.indicators.models import NtmRecognition, NtmSet

    ntm = code("xa_dat_ntm")
    doc = LegalDocument.objects.create(
        number="1/QĐ-UBND", kind="QD", issuer="UBND tỉnh Vĩnh Phúc", issue_date=date(2016, 5, 1)
    )
    the_set = NtmSet.objects.order_by("valid_from").first()
    NtmRecognition.objects.create(
        org=world.org("kim-long"), set=the_set, document=doc, recognised_on=date(2016, 5, 1)
    )
    NtmRecognition.objects.create(  # a town is not a commune
        org=world.org("hop-hoa"), set=the_set, document=doc, recognised_on=date(2016, 5, 1)
    )
    NtmRecognition.objects.create(
        org=world.org("vt-xa"),
        set=the_set,
        document=doc,
        recognised_on=date(2015, 5, 1),
        revoked_on=date(2016, 6, 1),
    )
    td, vp = world.org("tam-duong"), world.org("vinh-phuc")
    assert queries.value_of(ntm, td, 2015) == (D(0), None)
    assert queries.value_of(ntm, td, 2016) == (D(1), None)
    assert queries.value_of(ntm, vp, 2015) == (D(1), None)
    assert queries.value_of(ntm, vp, 2016) == (D(1), None)


def test_table_query_count_does_not_grow_with_communes(world):
    gtsx = code("gia_tri_san_xuat")
    td = world.org("tam-duong")
    rows = []
    for i in range(12):
        org = org_services.create_org(
            actor=None,
            code=f"xa-{i}",
            name=f"Đảng bộ xã {i}",
            kind="grassroots_committee",
            sector="commune",
            parent=td,
            valid_from=date(2000, 1, 1),
        )
        rows += [(gtsx, org, 2015, i), (gtsx, org, 2016, i + 1)]
    services.record_values(actor=None, rows=rows)
    for ind in (gtsx, code("cchc"), code("ket_nap_dang_vien"), code("ty_le_tsvm")):
        with CaptureQueriesContext(connection) as ctx:
            table = queries.value_table(ind, td, [2015, 2016])
        assert len(ctx) <= 4, ind.code
        assert len(table.rows) + table.hidden == 15
    assert queries.value_of(gtsx, td, 2016)[1] == sum(range(1, 13))


def test_after_2025_a_commune_committee_is_the_unit_not_its_residential_committees(world):
    vp = world.org("vinh-phuc")
    commune = org_services.create_org(
        actor=None,
        code="xa-moi",
        name="Đảng bộ xã Tam Dương",
        kind="commune_committee",
        sector="commune",
        parent=vp,
        valid_from=date(2025, 7, 1),
    )
    org_services.create_org(
        actor=None,
        code="xa-moi-kdc",
        name="Đảng bộ khu dân cư số 1",
        kind="grassroots_committee",
        sector="commune",
        parent=commune,
        valid_from=date(2025, 7, 1),
    )
    assert queries.admin_reform(commune, 2025)["units"] == 1
    assert queries.admin_reform(vp, 2025)["units"] == 4  # kim-long, hop-hoa, vt-xa, xa-moi
