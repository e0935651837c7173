"""The indicators' values API: same answers as the pages, scoped, all-or-nothing writes."""

from decimal import Decimal as D

import pytest

from dangbo.core.services import issue_token
from dangbo.indicators.models import Indicator, Observation, Target
from tests.api.conftest import Api, fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world) -> Api:
    return Api(
        {n: issue_token(actor=None, user=u, name=f"test {n}") for n, u in world.users.items()}
    )


def put(api, who, path, body):
    return api.call(who, "put", path, body)


def test_list_and_table(api, world):
    r = api.get("committee", "/indicators")
    assert r.status_code == 200
    assert "gia_tri_san_xuat" in {i["code"] for i in r.json()}
    assert api.get("nobody", "/indicators").status_code == 404
    r = put(
        api,
        "staff",
        "/indicators/values",
        {
            "org": "kim-long",
            "year": 2016,
            "source": "BC",
            "values": [
                {"indicator": "gia_tri_san_xuat", "value": "1.234,5"},
                {"indicator": "cchc_mot_cua", "value": True},
                {"indicator": "so_ho_dan", "value": 2100},
            ],
        },
    )
    assert r.status_code == 200, r.content
    assert r.json() == {"new": 3, "updated": 0, "unchanged": 0}
    r = api.get(
        "committee",
        "/indicators/gia_tri_san_xuat/table",
        org="tam-duong",
        from_year=2015,
        to_year=2016,
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["years"] == [2015, 2016]
    assert D(body["own"]["cells"][1]["rolled"]) == D("1234.5")
    kl = next(row for row in body["rows"] if row["org"] == "kim-long")
    assert kl["cells"][1]["kind"] == "entered" and kl["cells"][1]["source"] == "BC"
    for who in ("outsider", "member"):
        r = api.get(who, "/indicators/gia_tri_san_xuat/table", org="tam-duong", from_year=2016)
        assert r.status_code == 404
    assert (
        api.get("staff", "/indicators/khong/table", org="tam-duong", from_year=2016).status_code
        == 404
    )


def test_put_values_bad_input_writes_nothing(api, world):
    body = {
        "org": "kim-long",
        "year": 2016,
        "values": [
            {"indicator": "gia_tri_san_xuat", "value": "12"},
            {"indicator": "ty_le_ho_ngheo", "value": "120%"},
        ],
    }
    errors = fields(put(api, "staff", "/indicators/values", body))
    assert "phải từ 0 đến 100" in errors["values"]
    errors = fields(
        put(api, "staff", "/indicators/values", body | {"values": [{"indicator": "x", "value": 1}]})
    )
    assert "không có chỉ tiêu" in errors["values"]
    assert not Observation.objects.exists()


def test_put_values_scope(api, world):
    body = {"org": "kim-long", "year": 2016, "values": [{"indicator": "so_ho_dan", "value": 1}]}
    assert put(api, "committee", "/indicators/values", body).status_code == 403
    assert "org" in fields(put(api, "outsider", "/indicators/values", body))
    assert put(api, "sensitive_staff", "/indicators/values", body).status_code == 200
    assert (
        put(api, "sensitive_staff", "/indicators/values", body | {"org": "hop-hoa"}).status_code
        == 422
    )
    assert Observation.objects.count() == 1


def test_targets_and_define(api, world):
    r = put(
        api,
        "staff",
        "/indicators/targets",
        {
            "org": "tam-duong",
            "year": 2016,
            "targets": [{"indicator": "gia_tri_san_xuat", "value": 1500}],
        },
    )
    assert r.status_code == 200 and r.json() == {"changed": 1}
    assert Target.objects.get().value == 1500
    new = {
        "code": "ty_le_bhyt",
        "name": "Tỷ lệ BHYT",
        "unit": "%",
        "value_type": "percent",
        "aggregation": "mean",
    }
    assert api.post("sensitive_staff", "/indicators", new).status_code == 403
    r = api.post("staff", "/indicators", new)
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "ty_le_bhyt"
    assert "code" in fields(api.post("staff", "/indicators", new))
    assert Indicator.objects.filter(code="ty_le_bhyt").count() == 1


def test_overview_answers_as_the_page(api, world):
    put(
        api,
        "staff",
        "/indicators/values",
        {"org": "kim-long", "year": 2016, "values": [{"indicator": "so_ho_dan", "value": 2100}]},
    )
    r = api.get("committee", "/indicators/overview", org="tam-duong", year=2016)
    assert r.status_code == 200, r.content
    rows = {x["indicator"]: x for x in r.json()}
    assert D(rows["so_ho_dan"]["value"]) == 2100 and rows["so_ho_dan"]["kind"] == "rolled"
    assert (
        api.get("outsider", "/indicators/overview", org="tam-duong", year=2016).status_code == 404
    )
