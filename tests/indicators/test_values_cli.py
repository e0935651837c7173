"""``dangbo indicators``: list, show a table, set a value, set a target; errors in Vietnamese."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangbo.indicators.models import Observation, Target

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_set_show_target(world):
    assert "gia_tri_san_xuat" in run("list")
    assert "Đã ghi" in run("set", "gia_tri_san_xuat", "kim-long", "2015", "100")
    run("set", "gia_tri_san_xuat", "kim-long", "2016", "1.120,5", "--source", "BC")
    run("set", "gia_tri_san_xuat", "tam-duong", "2016", "1000")
    assert "Đã giao" in run("target", "gia_tri_san_xuat", "tam-duong", "2016", "1100")
    out = run("show", "gia_tri_san_xuat", "tam-duong", "--years", "2015-2016")
    assert "Đảng bộ xã Kim Long" in out and "1.120,5" in out
    assert "khác số cộng dồn" in out and "chưa đạt" in out
    data = json.loads(run("show", "gia_tri_san_xuat", "tam-duong", "--years", "2016", "--json"))
    assert data["org"]["values"]["2016"]["rolled"] == "1120.5"
    assert Observation.objects.count() == 3 and Target.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "khong_co", "kim-long", "2016", "1"), "Không có chỉ tiêu"),
        (("set", "so_ho_dan", "khong-co", "2016", "1"), "Không có tổ chức"),
        (("set", "ty_le_ho_ngheo", "kim-long", "2016", "120"), "phải từ 0 đến 100"),
        (("set", "ket_nap_dang_vien", "kim-long", "2016", "1"), "tính tự động"),
        (("show", "so_ho_dan", "kim-long", "--years", "2016-2010"), "--years"),
    ],
)
def test_refusals(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Observation.objects.exists()
