"""Merge, split, committee bodies and positions, transfer-in and party-age interruptions
through the API: success, 422 naming the field with nothing changed, 404 out of scope,
403 for a user who may see but not change."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry, LegalDocument
from dangbo.members.models import Member, MemberEvent, Membership, PartyAgeInterruption
from dangbo.orgs import services
from dangbo.orgs.models import CommitteeBody, Organisation, OrgEvent, Position
from dangbo.registry import services as registry_services
from tests.support import counts

from .conftest import fields

pytestmark = pytest.mark.django_db

MODELS = (
    Organisation,
    OrgEvent,
    Member,
    MemberEvent,
    Membership,
    PartyAgeInterruption,
    CommitteeBody,
    Position,
    LegalDocument,
    AuditEntry,
)
DOC = {"number": "125-QĐ/HU", "issuer": "Huyện ủy Tam Dương", "issue_date": "2024-06-20"}


def _unchanged(call):
    before = counts(*MODELS)
    response = call()
    assert counts(*MODELS) == before
    return response


# ---------------------------------------------------------------- merge


def test_merge(api, world):
    response = api.post(
        "staff",
        "/orgs/kl-thon-1/merge",
        {"sources": ["kl-thon-2"], "effective_date": "2024-07-01", "document": DOC},
    )
    assert response.status_code == 200, response.content
    assert response.json()["code"] == "kl-thon-1"
    assert Organisation.objects.get(code="kl-thon-2").valid_to == date(2024, 6, 30)
    assert Member.objects.get(pk=world.members["dung"].pk).org.code == "kl-thon-1"
    assert OrgEvent.objects.filter(kind="merge", document__number="125-QĐ/HU").exists()
    assert api.get("staff", "/orgs/kl-thon-2").json()["valid_to"] == "2024-06-30"


def test_merge_422(api, world):
    def post(body):
        return _unchanged(lambda: api.post("staff", "/orgs/kl-thon-1/merge", body))

    good = {"sources": ["kl-thon-2"], "effective_date": "2024-07-01"}
    assert fields(post({**good, "sources": ["vt-thon"]})) == {
        "sources": "Tổ chức được hợp nhất: không có tổ chức mã “vt-thon” trong phạm vi được giao."
    }
    assert "sources" in fields(post({**good, "sources": []}))
    assert "target" in fields(post({**good, "sources": ["kl-thon-1"]}))
    assert "effective_date" in fields(post({**good, "effective_date": "01/07/2024"}))
    assert "effective_date" in fields(post({**good, "effective_date": "2999-01-01"}))
    assert "document.issuer" in fields(post({**good, "document": {**DOC, "issuer": None}}))
    assert "sources" in fields(post({**good, "sources": "kl-thon-2"}))


def test_merge_scope(api, world):
    body = {"sources": ["kl-thon-2"], "effective_date": "2024-07-01"}
    assert (
        _unchanged(lambda: api.post("outsider", "/orgs/kl-thon-1/merge", body)).status_code == 404
    )
    assert _unchanged(lambda: api.post("nobody", "/orgs/kl-thon-1/merge", body)).status_code == 404
    assert (
        _unchanged(lambda: api.post("committee", "/orgs/kl-thon-1/merge", body)).status_code == 403
    )
    # A source the caller can only see is a 403 too.
    other = {"sources": ["kl-thon-2"], "effective_date": "2024-07-01"}
    response = _unchanged(lambda: api.post("outsider", "/orgs/vt-thon/merge", other))
    assert fields(response) == {
        "sources": "Tổ chức được hợp nhất: không có tổ chức mã “kl-thon-2” trong phạm vi được giao."
    }


# ---------------------------------------------------------------- split


def _split(world, **extra):
    """A split of kl-thon-1, made an agency cell first: a village cell is not split (one cell
    per village, ``orgs.rules.operation_allowed``) — on the API as on the page."""
    Organisation.objects.filter(code="kl-thon-1").update(sector="agency")
    m = world.members
    return {
        "new_orgs": [
            {"code": "kl-thon-1a", "name": "Chi bộ thôn Đồng Bông 1"},
            {"code": "kl-thon-1b", "name": "Chi bộ thôn Đồng Bông 2"},
        ],
        "allocation": {
            str(m["huong"].pk): "kl-thon-1a",
            str(m["an"].pk): "kl-thon-1b",
            str(m["binh"].pk): "kl-thon-1b",
        },
        "effective_date": "2024-07-01",
        **extra,
    }


def test_split(api, world):
    response = api.post("staff", "/orgs/kl-thon-1/split", _split(world, document=DOC))
    assert response.status_code == 201, response.content
    created = response.json()
    assert [o["code"] for o in created] == ["kl-thon-1a", "kl-thon-1b"]
    assert all(o["kind"] == "sub_cell" and o["parent"] == "kim-long" for o in created)
    assert Organisation.objects.get(code="kl-thon-1").valid_to == date(2024, 6, 30)
    assert Member.objects.get(pk=world.members["binh"].pk).org.code == "kl-thon-1b"


def test_split_keeping_the_source(api, world):
    body = _split(
        world,
        new_orgs=[{"code": "kl-thon-1a", "name": "A"}],
        allocation={str(world.members["an"].pk): "kl-thon-1a"},
        end_source=False,
    )
    assert api.post("staff", "/orgs/kl-thon-1/split", body).status_code == 201
    assert Organisation.objects.get(code="kl-thon-1").valid_to is None
    assert Member.objects.get(pk=world.members["huong"].pk).org.code == "kl-thon-1"


def test_split_422(api, world):
    def post(body):
        return _unchanged(lambda: api.post("staff", "/orgs/kl-thon-1/split", body))

    m = world.members
    assert fields(post(_split(world, allocation={str(m["dung"].pk): "kl-thon-1a"}))) == {
        "allocation": f"Phân bổ đảng viên: đảng viên mã {m['dung'].pk} không sinh hoạt tại "
        "Chi bộ thôn Đồng Bông."
    }
    missing = _split(world, allocation={str(m["huong"].pk): "kl-thon-1a"})
    assert "chưa chọn tổ chức mới" in fields(post(missing))["allocation"]
    wrong = _split(world, allocation={str(m["huong"].pk): "kl-thon-9"})
    assert "kl-thon-9" in fields(post(wrong))["allocation"]
    taken = _split(
        world,
        new_orgs=[{"code": "kl-thon-1a", "name": "A"}, {"code": "kl-thon-2", "name": "X"}],
        allocation={str(m[k].pk): "kl-thon-1a" for k in ("huong", "an", "binh")},
    )
    assert fields(post(taken)) == {"code": "Mã: đã có tổ chức mang mã “kl-thon-2”."}
    assert "new_orgs" in fields(post(_split(world, new_orgs=[])))
    for key in ("abc", "0"):
        errors = fields(post(_split(world, allocation={key: "kl-thon-1a"})))
        assert [f.split(".")[0] for f in errors] == ["allocation"]


def test_a_village_cell_is_not_split_through_the_api(api, world):
    body = _split(world, document=DOC)
    Organisation.objects.filter(code="kl-thon-1").update(sector="village")
    response = _unchanged(lambda: api.post("staff", "/orgs/kl-thon-1/split", body))
    assert fields(response) == {
        "source": "Chia tách: Chi bộ thôn Đồng Bông — mỗi thôn, tổ dân phố có một chi bộ "
        "(một chi bộ thôn không chia tách)."
    }
    assert Organisation.objects.get(code="kl-thon-1").valid_to is None


def test_split_scope(api, world):
    body = _split(world)
    for who, status in (("outsider", 404), ("nobody", 404), ("committee", 403)):
        response = _unchanged(lambda w=who: api.post(w, "/orgs/kl-thon-1/split", body))
        assert response.status_code == status, who
    # The new organisations would sit under tam-duong, which kim-long's staff cannot change.
    kim_long = {"new_orgs": [{"code": "kl-a", "name": "A"}], "effective_date": "2024-07-01"}
    response = _unchanged(lambda: api.post("sensitive_staff", "/orgs/kim-long/split", kim_long))
    assert response.status_code == 403


# ---------------------------------------------------------------- bodies and positions


BODY = {
    "body_type": "executive_committee",
    "term_start_year": 2020,
    "term_end_year": 2025,
    "valid_from": "2020-10-01",
}


def test_bodies_and_positions(api, world):
    response = api.post("staff", "/orgs/kim-long/bodies", {**BODY, "document": DOC})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["body_type_label"] == "Ban Chấp hành" and body["holders"] == []
    assert body["formed_by"] == "elected"
    huong = world.members["huong"]
    response = api.post(
        "staff",
        "/orgs/kim-long/positions",
        {
            "member_id": huong.pk,
            "title": "secretary",
            "body_id": body["id"],
            "valid_from": "2020-10-05",
        },
    )
    assert response.status_code == 201, response.content
    position = response.json()
    assert position["member_name"] == "Nguyễn Thị Hương" and position["title_label"] == "Bí thư"
    assert position["org"] == "kim-long" and position["valid_to"] is None
    listed = api.get("committee", "/orgs/kim-long/bodies").json()
    assert [b["id"] for b in listed] == [body["id"]]
    assert [h["member_id"] for h in listed[0]["holders"]] == [huong.pk]
    assert api.get("staff", "/orgs/kim-long/bodies", as_of="2019-01-01").json() == []
    response = api.post(
        "staff", f"/orgs/kim-long/positions/{position['id']}/end", {"valid_to": "2024-06-30"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["valid_to"] == "2024-06-30"
    assert api.get("staff", "/orgs/kim-long/bodies").json()[0]["holders"] == []
    past = api.get("staff", "/orgs/kim-long/bodies", as_of="2022-01-01").json()
    assert past[0]["holders"][0]["member_name"] == "Nguyễn Thị Hương"


def test_bodies_and_positions_422(api, world):
    def post(path, body):
        return _unchanged(lambda: api.post("staff", path, body))

    assert "term_end_year" in fields(post("/orgs/kim-long/bodies", {**BODY, "term_end_year": 2019}))
    assert "term_start_year" in fields(
        post("/orgs/kim-long/bodies", {**BODY, "term_start_year": "năm"})
    )
    assert fields(post("/orgs/kim-long/bodies", {**BODY, "body_type": "cell_committee"})) == {
        "body_type": "Chi ủy chỉ lập ở chi bộ."
    }
    assert "body_type" in fields(post("/orgs/kim-long/bodies", {**BODY, "body_type": "x"}))
    body = services.create_body(
        actor=None,
        org=world.org("kim-long"),
        body_type="executive_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 10, 1),
    )
    elsewhere = services.create_body(
        actor=None,
        org=world.org("hop-hoa"),
        body_type="executive_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 10, 1),
    )
    assert "term_start_year" in fields(post("/orgs/kim-long/bodies", BODY))
    good = {
        "member_id": world.members["huong"].pk,
        "title": "secretary",
        "body_id": body.pk,
        "valid_from": "2020-10-05",
    }
    assert fields(post("/orgs/kim-long/positions", {**good, "member_id": world.members["tien"].pk}))
    assert "member_id" in fields(
        post("/orgs/kim-long/positions", {**good, "member_id": world.members["tien"].pk})
    )
    assert "body_id" in fields(post("/orgs/kim-long/positions", {**good, "body_id": elsewhere.pk}))
    assert "title" in fields(post("/orgs/kim-long/positions", {**good, "title": "king"}))
    assert "valid_from" in fields(
        post("/orgs/kim-long/positions", {**good, "valid_from": "2999-01-01"})
    )
    position = registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kim-long"),
        title="secretary",
        body=body,
        valid_from=date(2020, 10, 5),
    )
    end = f"/orgs/kim-long/positions/{position.pk}/end"
    assert fields(post(end, {"valid_to": "2019-01-01"})) == {
        "valid_to": "Ngày thôi giữ chức vụ: trước ngày nhận chức vụ."
    }
    assert "valid_to" in fields(post(end, {"valid_to": "30/06/2024"}))
    assert "valid_to" in fields(post(end, {}))


def test_bodies_and_positions_scope(api, world):
    position = registry_services.assign_position(
        actor=None,
        member=world.members["hoa"],
        org=world.org("hop-hoa"),
        title="secretary",
        valid_from=date(2020, 10, 5),
    )
    good = {
        "member_id": world.members["huong"].pk,
        "title": "secretary",
        "valid_from": "2020-10-05",
    }
    for who, status in (("outsider", 404), ("nobody", 404), ("committee", 403)):
        for path, body in (
            ("/orgs/kim-long/bodies", BODY),
            ("/orgs/kim-long/positions", good),
            (f"/orgs/hop-hoa/positions/{position.pk}/end", {"valid_to": "2024-06-30"}),
        ):
            response = _unchanged(lambda w=who, p=path, b=body: api.post(w, p, b))
            assert response.status_code == status, (who, path)
    assert api.get("outsider", "/orgs/kim-long/bodies").status_code == 404
    assert api.get("committee", "/orgs/kim-long/bodies").status_code == 200
    # A position of another organisation is not found through this one.
    wrong = f"/orgs/kim-long/positions/{position.pk}/end"
    assert (
        _unchanged(lambda: api.post("staff", wrong, {"valid_to": "2024-06-30"})).status_code == 404
    )
    # A member the caller cannot change cannot be given a position.
    response = _unchanged(
        lambda: api.post(
            "sensitive_staff",
            "/orgs/kim-long/positions",
            {**good, "member_id": world.members["hoa"].pk},
        )
    )
    assert "member_id" in fields(response)


# ---------------------------------------------------------------- transfer in


ARRIVAL = {
    "org": "kl-thon-2",
    "full_name": "Lý Văn Đến",
    "gender": "M",
    "date_of_birth": "1980-10-10",
    "admission_decision_date": "2010-03-01",
    "admission_ceremony_date": "2010-03-01",
    "official_recognition_date": "2011-03-01",
    "effective_date": "2024-06-01",
    "note": "Đảng bộ tỉnh Phú Thọ",
}


def test_transfer_in(api, world):
    response = api.post("staff", "/members/transfer-in", ARRIVAL)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "official" and body["org"] == "kl-thon-2"
    assert body["official_recognition_date"] == "2011-03-01"
    member = Member.objects.get(pk=body["id"])
    assert Membership.objects.get(member=member).valid_from == date(2024, 6, 1)
    assert MemberEvent.objects.get(member=member).kind == "transferred_in"
    timeline = api.get("staff", f"/members/{member.pk}/timeline").json()
    assert timeline[0]["kind"] == "transferred_in" and timeline[0]["note"] == ARRIVAL["note"]
    probationary = {
        **ARRIVAL,
        "full_name": "Lý Thị Mới",
        "admission_decision_date": "2024-03-01",
        "admission_ceremony_date": "2024-03-05",
        "official_recognition_date": None,
    }
    response = api.post("staff", "/members/transfer-in", probationary)
    assert response.status_code == 201 and response.json()["status"] == "probationary"


def test_transfer_in_422(api, world):
    def post(body):
        return _unchanged(lambda: api.post("staff", "/members/transfer-in", body))

    assert fields(post({**ARRIVAL, "effective_date": "2009-01-01"})) == {
        "effective_date": "Ngày tiếp nhận: không được trước ngày quyết định kết nạp."
    }
    assert "effective_date" in fields(post({**ARRIVAL, "effective_date": "2999-01-01"}))
    assert "effective_date" in fields(
        post({k: v for k, v in ARRIVAL.items() if k != "effective_date"})
    )
    assert "official_recognition_date" in fields(
        post({**ARRIVAL, "official_recognition_date": "2010-04-01"})
    )
    assert "org" in fields(post({**ARRIVAL, "org": "kim-long"}))  # not a cell
    assert "card_number" in fields(post({**ARRIVAL, "card_number": "12345678"}))
    assert "note" in fields(post({**ARRIVAL, "note": "x" * 600}))


def test_transfer_in_scope(api, world):
    for who in ("outsider", "nobody"):
        response = _unchanged(lambda w=who: api.post(w, "/members/transfer-in", ARRIVAL))
        assert fields(response) == {
            "org": "Chi bộ: không có tổ chức mã “kl-thon-2” trong phạm vi được giao."
        }
    response = _unchanged(lambda: api.post("committee", "/members/transfer-in", ARRIVAL))
    assert response.status_code == 403
    # Sensitive fields need the sensitive grant, as on admission.
    response = _unchanged(
        lambda: api.post("staff", "/members/transfer-in", {**ARRIVAL, "religion": "Không"})
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- interruption


GAP = {"start": "2005-01-01", "end": "2007-12-31", "reason": "Đi lao động nước ngoài"}


def test_interruption(api, world):
    an = world.members["an"]
    age = api.get("staff", f"/members/{an.pk}").json()["summary"]["party_age"]
    response = api.post("staff", f"/members/{an.pk}/interruptions", {**GAP, "fee_backpaid": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["start"] == "2005-01-01" and body["end"] == "2007-12-31"
    assert body["fee_backpaid"] is True and body["party_age"] == age - 3
    assert api.get("staff", f"/members/{an.pk}").json()["summary"]["party_age"] == age - 3


def test_interruption_422(api, world):
    url = f"/members/{world.members['an'].pk}/interruptions"

    def post(body):
        return _unchanged(lambda: api.post("staff", url, body))

    assert fields(post({**GAP, "end": "2004-01-01"})) == {
        "end": "Đến ngày: phải từ ngày bắt đầu trở đi."
    }
    assert fields(post({**GAP, "start": "1990-01-01"})) == {"start": "Từ ngày: trước ngày kết nạp."}
    assert "reason" in fields(post({**GAP, "reason": "  "}))
    assert "start" in fields(post({**GAP, "start": "01/01/2005"}))
    assert "fee_backpaid" in fields(post({**GAP, "fee_backpaid": "có"}))
    assert api.post("staff", url, GAP).status_code == 201
    assert "start" in fields(post({**GAP, "start": "2007-06-01", "end": "2008-06-01"}))


def test_interruption_scope(api, world):
    url = f"/members/{world.members['an'].pk}/interruptions"
    for who, status in (("outsider", 404), ("nobody", 404), ("member", 404), ("committee", 403)):
        assert _unchanged(lambda w=who: api.post(w, url, GAP)).status_code == status, who
    tien = f"/members/{world.members['tien'].pk}/interruptions"
    assert _unchanged(lambda: api.post("staff", tien, GAP)).status_code == 404
