"""The partners API: list, get, create, patch of partner bodies, and who answers for what;
bad input is a 422 naming the field, nothing written; out of scope is a 404, a change seen
but not allowed a 403."""

import json
from datetime import date

import pytest
from django.test import Client

from dangbo.core.services import issue_token
from dangbo.orgs import services as org_services
from dangbo.orgs.models import PartnerBody, PartnerLead

pytestmark = pytest.mark.django_db

API = "/api/v1/partners"


class Caller:
    def __init__(self, user):
        self.key = issue_token(actor=None, user=user, name="test")
        self.client = Client()

    def get(self, path, **params):
        return self.client.get(API + path, params, HTTP_AUTHORIZATION=f"Bearer {self.key}")

    def send(self, method, path, body):
        return getattr(self.client, method)(
            API + path,
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.key}",
        )


@pytest.fixture
def partner(world):
    return org_services.create_partner(
        actor=None,
        code="ubnd-kim-long",
        name="UBND xã Kim Long",
        kind="chinh_quyen",
        lead_org=world.org("kim-long"),
        valid_from=date(2020, 1, 1),
    )


def errors(response):
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_list_and_get(world, partner):
    staff = Caller(world.users["staff"])
    listed = staff.get("")
    assert listed.status_code == 200
    assert [p["code"] for p in listed.json()["items"]] == ["ubnd-kim-long"]
    assert listed.json()["items"][0]["lead_org"] == "kim-long"
    assert staff.get("", kind="mttq").json()["items"] == []
    assert staff.get("", org="hop-hoa").json()["items"] == []
    one = staff.get("/ubnd-kim-long")
    assert one.status_code == 200 and one.json()["leads"][0]["org"] == "kim-long"
    outsider = Caller(world.users["outsider"])
    assert outsider.get("").json()["items"] == []
    assert outsider.get("/ubnd-kim-long").status_code == 404


def test_create_and_its_bad_input(world):
    staff = Caller(world.users["staff"])
    body = {
        "code": "mttq-kim-long",
        "name": "Ủy ban MTTQ xã Kim Long",
        "kind": "mttq",
        "lead_org": "kim-long",
        "valid_from": "2020-01-01",
    }
    bad = staff.send("post", "", {**body, "lead_org": "vt-xa"})
    assert "Tổ chức đảng lãnh đạo" in errors(bad)["lead_org"]
    bad = staff.send("post", "", {**body, "valid_from": "1990-01-01"})
    assert "không hoạt động" in errors(bad)["lead_org"]
    assert not PartnerBody.objects.exists()
    made = staff.send("post", "", body)
    assert made.status_code == 201 and made.json()["lead_org_name"] == "Đảng bộ xã Kim Long"
    committee = Caller(world.users["committee"])
    assert committee.send("post", "", {**body, "code": "x-1"}).status_code == 403


def test_patch_changes_the_lead_from_a_date(world, partner):
    staff = Caller(world.users["staff"])
    bad = staff.send("patch", "/ubnd-kim-long", {"lead_org": "tam-duong"})
    assert "lead_from" in errors(bad)
    done = staff.send(
        "patch", "/ubnd-kim-long", {"lead_org": "tam-duong", "lead_from": "2023-01-01"}
    )
    assert done.status_code == 200, done.content
    assert [(x["org"], x["valid_to"]) for x in done.json()["leads"]] == [
        ("kim-long", "2022-12-31"),
        ("tam-duong", None),
    ]
    bad = staff.send("patch", "/ubnd-kim-long", {"valid_to": "2019-01-01"})
    assert "valid_to" in errors(bad)
    assert PartnerLead.objects.filter(partner=partner).count() == 2
    assert (
        Caller(world.users["committee"]).send("patch", "/ubnd-kim-long", {"name": "X"}).status_code
        == 403
    )
    assert (
        Caller(world.users["outsider"]).send("patch", "/ubnd-kim-long", {"name": "X"}).status_code
        == 404
    )


def test_responsibility_reads(world, partner):
    staff = Caller(world.users["staff"])
    answer = staff.get("/responsibility/org", org="kim-long")
    assert answer.status_code == 200 and answer.json()["leads_total"] == 0
    assert (
        Caller(world.users["outsider"]).get("/responsibility/org", org="kim-long").status_code
        == 404
    )
    member = world.members["huong"]
    assert staff.get(f"/responsibility/member/{member.pk}").status_code == 200
    outsider = Caller(world.users["outsider"])
    assert outsider.get(f"/responsibility/member/{member.pk}").status_code == 404
    assert staff.get("/matrix/999999").status_code == 404
