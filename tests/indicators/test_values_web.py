"""The indicator pages: the catalogue, a table, entering values and targets, defining; a
commune's staff work on their own commune only (others: 404)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from dangbo.indicators import services
from dangbo.indicators.models import Indicator, Observation, Target

pytestmark = pytest.mark.django_db


def code(c):
    return Indicator.objects.get(code=c)


def test_list_and_detail(client, world):
    gtsx = code("gia_tri_san_xuat")
    services.record_values(
        actor=None,
        rows=[
            (gtsx, world.org("kim-long"), 2015, "100"),
            (gtsx, world.org("kim-long"), 2016, "112,5"),
            (gtsx, world.org("tam-duong"), 2016, "200"),
        ],
    )
    client.force_login(world.users["committee"])
    page = client.get(reverse("indicators:list"), {"to-chuc": "tam-duong", "nam": "2016"})
    assert page.status_code == 200
    assert "Giá trị sản xuất" in page.text
    assert "Nhập số liệu năm" not in page.text  # a committee member views only
    page = client.get(
        reverse("indicators:detail", args=["gia_tri_san_xuat"]),
        {"to-chuc": "tam-duong", "tu": "2015", "den": "2016"},
    )
    assert page.status_code == 200
    assert "112,5" in page.text and "Đảng bộ xã Kim Long" in page.text
    assert "khác số nhập trực tiếp" in page.text  # 200 entered vs 112,5 rolled up
    assert client.get(reverse("indicators:detail", args=["khong_co"])).status_code == 404
    page = client.get(
        reverse("indicators:detail", args=["gia_tri_san_xuat"]), {"tu": "abc", "den": "2016"}
    )
    assert page.status_code == 200 and "Từ năm" in page.text


def test_out_of_scope_is_404(client, world):
    client.force_login(world.users["outsider"])
    url = reverse("indicators:detail", args=["gia_tri_san_xuat"])
    assert client.get(url, {"to-chuc": "tam-duong"}).status_code == 404
    assert client.get(reverse("indicators:enter"), {"to-chuc": "kim-long"}).status_code == 404
    client.force_login(world.users["nobody"])
    assert client.get(reverse("indicators:list")).status_code == 404


def test_commune_enters_its_own_values(client, world):
    client.force_login(world.users["sensitive_staff"])  # staff of kim-long
    url = reverse("indicators:enter") + "?to-chuc=kim-long&nam=2016"
    page = client.get(url)
    assert page.status_code == 200 and "Giá trị sản xuất" in page.text
    assert "Kết nạp đảng viên mới" not in page.text  # computed
    page = client.post(
        url,
        {"gia_tri_san_xuat": "1.234,5", "cchc_mot_cua": "1", "so_ho_dan": "", "source": "BC"},
    )
    assert page.status_code == 302
    got = {o.indicator.code: o.value for o in Observation.objects.select_related("indicator")}
    assert got == {"gia_tri_san_xuat": D("1234.5"), "cchc_mot_cua": D(1)}
    page = client.post(url, {"gia_tri_san_xuat": "abc", "ty_le_ho_ngheo": "120"})
    assert page.status_code == 400
    assert "Giá trị sản xuất" in page.text and "phải là một số" in page.text
    assert "phải từ 0 đến 100" in page.text
    assert Observation.objects.get(indicator__code="gia_tri_san_xuat").value == D("1234.5")
    # the district and the neighbouring town are not theirs
    assert client.get(reverse("indicators:enter"), {"to-chuc": "hop-hoa"}).status_code == 404
    assert client.get(reverse("indicators:enter"), {"to-chuc": "tam-duong"}).status_code == 404
    assert client.get(reverse("indicators:create")).status_code == 404


def test_targets_form(client, world):
    client.force_login(world.users["staff"])
    url = reverse("indicators:targets") + "?to-chuc=tam-duong&nam=2016"
    assert client.get(url).status_code == 200
    assert client.post(url, {"gia_tri_san_xuat": "1.500", "ty_le_ho_ngheo": "4"}).status_code == 302
    assert Target.objects.count() == 2
    page = client.post(url, {"ty_le_ho_ngheo": "101"})
    assert page.status_code == 400 and "phải từ 0 đến 100" in page.text


def test_define_indicator(client, world):
    client.force_login(world.users["staff"])
    url = reverse("indicators:create")
    data = {
        "code": "ty_le_bhyt",
        "name": "Tỷ lệ bao phủ bảo hiểm y tế",
        "unit": "%",
        "value_type": "percent",
        "direction": "up",
        "aggregation": "mean",
        "decimals": "1",
    }
    page = client.post(url, data)
    assert page.status_code == 302
    assert Indicator.objects.filter(code="ty_le_bhyt").exists()
    page = client.post(url, data | {"code": "ty_le_bhyt2", "max_value": "150"})
    assert page.status_code == 400 and "không quá 100" in page.text


def test_catalogue_page_shows_the_year_with_bounded_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.indicators import queries

    gtsx, one_stop = code("gia_tri_san_xuat"), code("cchc_mot_cua")
    kl, hh, td = world.org("kim-long"), world.org("hop-hoa"), world.org("tam-duong")
    services.record_values(
        actor=None,
        rows=[
            (gtsx, kl, 2016, "100"),
            (gtsx, hh, 2016, "50"),
            (one_stop, kl, 2016, "x"),
            (one_stop, hh, 2016, "không"),
        ],
    )
    services.set_target(actor=None, indicator=gtsx, org=td, year=2016, value="140")
    with CaptureQueriesContext(connection) as ctx:
        found = {o.indicator.code: o for o in queries.overview(td, 2016)}
    assert len(ctx) <= 12
    assert (found["gia_tri_san_xuat"].value, found["gia_tri_san_xuat"].met) == (150, True)
    assert found["cchc_mot_cua"].value == 50  # 1 of the 2 units that answered
    assert found["ket_nap_dang_vien"].value == 1
    client.force_login(world.users["staff"])
    page = client.get(reverse("indicators:list"), {"to-chuc": "tam-duong", "nam": "2016"})
    assert "150 tỷ đồng" in page.text or "150,0 tỷ đồng" in page.text
    assert "50,0% đơn vị đạt" in page.text
    page = client.get(reverse("indicators:list"), {"to-chuc": "kim-long", "nam": "2016"})
    assert ">đạt <" in page.text or "đạt <span" in page.text
