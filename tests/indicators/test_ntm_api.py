"""The new-rural API: the same reads and services as the pages; scope (404 out of sight, 403
seen but not changeable), 422 naming the field, nothing written on a refusal."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.indicators import ntm, ntm_sets
from dangbo.indicators.models import NtmAssessment, NtmRecognition
from tests.api.conftest import api, fields  # noqa: F401 - the API client fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def sets(world):
    ntm_sets.load()


def test_sets(api, sets):  # noqa: F811
    answer = api.get("committee", "/ntm/sets")
    assert answer.status_code == 200
    body = answer.json()
    assert [s["code"] for s in body] == ["qd491-2009", "qd1980-2016", "qd318-2022", "qd51-2025"]
    assert len(body[3]["criteria"]) == 10 and body[3]["commune_groups"] == 3
    assert body[2]["verified"] is False
    assert api.get("nobody", "/ntm/sets").status_code == 404


def test_assess_then_board_and_summary(api, world, sets):  # noqa: F811
    answer = api.post(
        "staff",
        "/ntm/assess",
        {
            "org": "kim-long",
            "year": 2019,
            "results": [
                {"number": 1, "met": True, "evidence": "QĐ phê duyệt quy hoạch"},
                {"number": 2, "met": False},
            ],
        },
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "org": {"code": "kim-long", "name": "Đảng bộ xã Kim Long"},
        "year": 2019,
        "set": "qd1980-2016",
        "criteria": 19,
        "met": 1,
        "changed": 2,
    }
    rec = api.post(
        "staff",
        "/ntm/recognitions",
        {"org": "kim-long", "document_number": "3125/QĐ-UBND", "document_date": "2019-12-20"},
    )
    assert rec.status_code == 201, rec.content
    assert rec.json()["document"]["issuer"] == "UBND tỉnh Vĩnh Phúc"
    board = api.get("committee", "/ntm/board", org="tam-duong", year=2019).json()
    assert board["totals"] == "1/1 xã đạt chuẩn"
    assert board["rows"][0]["results"][:3] == [True, False, None]
    assert board["rows"][0]["recognised_on"] == "2019-12-20"
    summary = api.get("root", "/ntm/summary", org="vinh-phuc", day="2019-12-19").json()
    assert (summary["communes"], summary["met"], summary["set"]) == (2, 0, "qd1980-2016")
    summary = api.get("root", "/ntm/summary", org="vinh-phuc", day="2019-12-20").json()
    assert summary["met"] == 1
    # The web and the API give the same answer.
    assert summary["met"] == ntm.ntm_summary(world.org("vinh-phuc"), date(2019, 12, 20))["met"]
    revoked = api.post(
        "staff",
        f"/ntm/recognitions/{rec.json()['id']}/revoke",
        {"revoked_on": "2021-01-01", "reason": "Không duy trì"},
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_on"] == "2021-01-01"
    listed = api.get("committee", "/ntm/recognitions", org="kim-long").json()
    assert listed[0]["revoked_on"] == "2021-01-01"


def test_scope(api, world, sets):  # noqa: F811
    body = {"org": "vt-xa", "year": 2019, "results": [{"number": 1, "met": True}]}
    assert api.post("sensitive_staff", "/ntm/assess", body).status_code == 422  # not seen
    assert api.get("outsider", "/ntm/board", org="tam-duong").status_code == 404
    assert api.get("outsider", "/ntm/summary", org="kim-long").status_code == 404
    body["org"] = "kim-long"
    assert api.post("committee", "/ntm/assess", body).status_code == 403
    assert api.post("sensitive_staff", "/ntm/assess", body).status_code == 200
    rec = ntm.recognise(
        actor=None,
        org=world.org("kim-long"),
        document={"number": "1/QĐ-UBND", "date": date(2019, 1, 1)},
    )
    path = f"/ntm/recognitions/{rec.pk}/revoke"
    assert api.post("outsider", path, {"revoked_on": "2020-01-01"}).status_code == 404
    assert api.post("committee", path, {"revoked_on": "2020-01-01"}).status_code == 403


def test_bad_input_names_the_field_and_writes_nothing(api, world, sets):  # noqa: F811
    before = (NtmAssessment.objects.count(), AuditEntry.objects.count())
    cases = [
        (
            {"org": "kim-long", "year": 2026, "results": [{"number": 15, "met": True}]},
            "criterion_15",
        ),
        (
            {
                "org": "kim-long",
                "year": 2019,
                "set": "qd51-2025",
                "results": [{"number": 1, "met": True}],
            },
            "set",
        ),
        ({"org": "hop-hoa", "year": 2019, "results": [{"number": 1, "met": True}]}, "org"),
        ({"org": "kim-long", "year": 2008, "results": [{"number": 1, "met": True}]}, "year"),
        ({"org": "kim-long", "year": 2019, "results": []}, "results"),
        (
            {
                "org": "kim-long",
                "year": 2019,
                "results": [{"number": 1, "met": True}, {"number": 1, "met": False}],
            },
            "results",
        ),
    ]
    for body, field in cases:
        answer = api.post("staff", "/ntm/assess", body)
        assert field in fields(answer), (body, answer.content)
    assert (NtmAssessment.objects.count(), AuditEntry.objects.count()) == before
    answer = api.post(
        "staff",
        "/ntm/recognitions",
        {"org": "kim-long", "document_number": "", "document_date": "2019-12-20"},
    )
    assert "document_number" in fields(answer)
    answer = api.post(
        "staff",
        "/ntm/recognitions",
        {"org": "kim-long", "document_number": "1/QĐ", "document_date": "2019-12-20", "set": "x"},
    )
    assert "set" in fields(answer)
    assert not NtmRecognition.objects.exists()
