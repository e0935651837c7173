"""The reports API: the same figures and text as the web page; issuing; the issued reports
and their changes; 422 by field, 403 when seen but not changeable, 404 out of scope."""

import json

import pytest
from django.test import Client

from dangbo.core.services import issue_token
from dangbo.members.models import Member
from dangbo.reports.models import IssuedReport
from tests.reports.issue_support import toy_kind  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("toy_kind")
API = "/api/v1/reports"


class Caller:
    def __init__(self, user):
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(actor=None, user=user, name='t')}"}

    def get(self, path, **params):
        return self.client.get(API + path, params, **self.auth)

    def post(self, path, body):
        return self.client.post(
            API + path, json.dumps(body), content_type="application/json", **self.auth
        )


def fields(response) -> dict[str, str]:
    assert response.status_code == 422, (response.status_code, response.content)
    return {item["field"]: item["message"] for item in response.json()["detail"]}


def test_kinds_are_listed(world):
    kinds = Caller(world.users["committee"]).get("/kinds").json()
    mine = next(k for k in kinds if k["key"] == "thu")
    assert mine["label"] == "Báo cáo thử" and mine["quarterly"] is False
    assert "pdf" in mine["formats"]


def test_a_report_is_the_same_as_on_the_web(world):
    answer = Caller(world.users["committee"]).get("/thu", org="tam-duong", year=2016)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["figures"]["members"] == 6 and data["period"] == "năm 2016"
    web = Client()
    web.force_login(world.users["committee"])
    plain = web.get("/bao-cao/tai/text/?loai=thu&to_chuc=tam-duong&nam=2016").content.decode()
    assert data["text"] == plain


def test_bad_requests_name_the_field(world):
    caller = Caller(world.users["staff"])
    assert "quarter" in fields(caller.get("/thu", org="tam-duong", year=2016, quarter=2))
    assert "quarter" in fields(caller.get("/thu-quy", org="tam-duong", year=2016))
    assert "kind" in fields(caller.get("/khong-co", org="tam-duong", year=2016))
    assert "org" in fields(caller.get("/thu", org="vinh-tuong", year=2016))  # out of scope
    assert "org" in fields(caller.post("/thu/issue", {"org": "vinh-tuong", "year": 2016}))
    assert Caller(world.users["nobody"]).get("/kinds").status_code == 404


def test_issue_read_and_compare(world):
    staff = Caller(world.users["staff"])
    made = staff.post(
        "/thu/issue", {"org": "tam-duong", "year": 2016, "number": "15", "issued_on": "2016-12-31"}
    )
    assert made.status_code == 201, made.content
    issued = made.json()
    assert issued["number"] == "15" and issued["issued_by"] == "staff"
    detail = staff.get(f"/issued/{issued['id']}").json()
    assert detail["intact"] is True and "Số 15-BC/HU" in detail["text"]
    assert [f["name"].rsplit(".", 1)[1] for f in detail["files"]] == ["docx", "pdf", "xlsx"]
    first = detail["files"][0]
    download = staff.get(f"/issued/{issued['id']}/files/{first['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert [r["id"] for r in staff.get("/issued", org="tam-duong").json()["items"]] == [
        issued["id"]
    ]
    assert staff.get(f"/issued/{issued['id']}/changes").json()["unchanged"] is True
    Member.objects.filter(pk=world.members["khanh"].pk).update(org=world.org("hh-tdp-1"))
    changes = staff.get(f"/issued/{issued['id']}/changes").json()
    assert changes["unchanged"] is False
    changed = {c["key"]: (c["old"], c["new"]) for c in changes["figures"]}
    assert changed["by_org.Đảng bộ thị trấn Hợp Hòa"] == (1, 2)
    again = staff.post("/thu/issue", {"org": "tam-duong", "year": 2016, "number": "15"})
    assert "đã ban hành báo cáo số 15" in fields(again)["number"]

    outsider = Caller(world.users["outsider"])
    assert outsider.get(f"/issued/{issued['id']}").status_code == 404
    assert outsider.get("/issued").json()["items"] == []


def test_issuing_needs_change(world):
    answer = Caller(world.users["committee"]).post("/thu/issue", {"org": "tam-duong", "year": 2016})
    assert answer.status_code == 403
    assert not IssuedReport.objects.exists()
