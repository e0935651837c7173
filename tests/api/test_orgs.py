"""Organisation endpoints: detail, lists, as-of statistics, children, warnings, changes."""

import pytest

from dangbo.core.models import AuditEntry
from dangbo.orgs.models import Organisation, OrgEvent

from .conftest import fields

pytestmark = pytest.mark.django_db


def test_detail(api):
    body = api.get("staff", "/orgs/kim-long").json()
    assert body["code"] == "kim-long" and body["parent"] == "tam-duong"
    assert body["kind"] == "grassroots_committee" and body["kind_label"] == "Đảng bộ cơ sở"
    assert body["valid_from"] == "1997-01-01" and body["valid_to"] is None
    assert body["depth"] == 3
    assert [a["code"] for a in body["ancestors"]] == ["central", "vinh-phuc", "tam-duong"]


def test_list_filters_and_pagination(api):
    items = api.get("staff", "/orgs/", kind="sub_cell").json()["items"]
    assert {o["code"] for o in items} == {"kl-thon-1", "kl-thon-2", "hh-tdp-1"}
    items = api.get("staff", "/orgs/", parent="kim-long").json()["items"]
    assert {o["code"] for o in items} == {"kl-thon-1", "kl-thon-2"}
    items = api.get("staff", "/orgs/", q="Hợp Hòa").json()["items"]
    assert [o["code"] for o in items] == ["hop-hoa"]
    everything = [o["code"] for o in api.get("staff", "/orgs/").json()["items"]]
    assert everything[0] == "tam-duong" and len(everything) == 7  # tree order, root first
    page = api.get("staff", "/orgs/", limit=2, offset=1).json()
    assert page["count"] == 7 and [o["code"] for o in page["items"]] == everything[1:3]


def test_stats_of_tam_duong_today(api):
    response = api.get("committee", "/orgs/tam-duong/stats")
    assert response.status_code == 200
    stats = response.json()
    assert stats["org"] == {
        "code": "tam-duong",
        "name": "Đảng bộ huyện Tam Dương",
        "kind": "district_committee",
    }
    # huong, an, binh, dung, hoa, khanh; binh is still probationary.
    assert stats["members"] == {"total": 6, "official": 5, "probationary": 1, "female": 3}
    assert stats["grassroots"]["total"] == 3
    assert stats["grassroots"]["by_kind"] == {"grassroots_committee": 2, "grassroots_cell": 1}
    assert stats["grassroots"]["by_sector"] == {"commune": 1, "town": 1, "agency": 1}
    assert stats["sub_cells"] == {"total": 3, "by_parent_sector": {"commune": 2, "town": 1}}


def test_stats_as_of_a_past_date(api):
    stats = api.get("staff", "/orgs/tam-duong/stats", as_of="2010-01-01").json()
    assert stats["as_of"] == "2010-01-01"
    # binh was admitted in 2016: five members then.
    assert stats["members"]["total"] == 5
    stats = api.get("staff", "/orgs/kl-thon-1/stats", as_of="1990-01-01").json()
    assert stats["members"]["total"] == 0


def test_stats_out_of_scope_is_404(api):
    assert api.get("staff", "/orgs/vinh-tuong/stats").status_code == 404
    assert api.get("secretary", "/orgs/tam-duong/stats").status_code == 404


def test_children(api):
    children = api.get("staff", "/orgs/tam-duong/children").json()
    counts = {c["code"]: c["member_count"] for c in children}
    assert counts == {"kim-long": 4, "hop-hoa": 1, "cb-toa-an": 1}
    assert {c["code"]: c["is_leaf"] for c in children}["cb-toa-an"] is True
    assert api.get("staff", "/orgs/kim-long/children", as_of="1990-01-01").json() == []


def test_warnings(api):
    warnings = api.get("staff", "/orgs/tam-duong/warnings", as_of="2020-01-01").json()
    by_org = {(w["org"], w["rule"]) for w in warnings}
    assert ("kl-thon-1", 1) in by_org  # two official members
    assert ("kim-long", 2) in by_org  # a grassroots committee under 30
    assert all(w["message"] and w["org_name"] for w in warnings)
    later = api.get("staff", "/orgs/tam-duong/warnings", as_of="2025-07-01").json()
    assert ("tam-duong", 5) in {(w["org"], w["rule"]) for w in later}


def test_create_rename_reparent_dissolve(api, world):
    created = api.post(
        "staff",
        "/orgs/",
        {
            "code": "kl-thon-3",
            "name": "Chi bộ thôn Mới",
            "kind": "sub_cell",
            "sector": "village",
            "parent": "kim-long",
            "valid_from": "2020-01-01",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["has_seal"] is False
    renamed = api.post(
        "staff",
        "/orgs/kl-thon-3/rename",
        {"name": "Chi bộ thôn Đồng Mới", "effective_date": "2021-01-01"},
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Chi bộ thôn Đồng Mới"
    moved = api.post(
        "staff",
        "/orgs/kl-thon-3/reparent",
        {"new_parent": "hop-hoa", "effective_date": "2022-01-01"},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["parent"] == "hop-hoa"
    assert [a["code"] for a in moved.json()["ancestors"]][-1] == "hop-hoa"
    ended = api.post("staff", "/orgs/kl-thon-3/dissolve", {"effective_date": "2023-01-01"})
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2023-01-01"
    kinds = list(OrgEvent.objects.filter(inputs__code="kl-thon-3").values_list("kind", flat=True))
    assert kinds == ["rename", "reparent", "dissolve"]
    actions = set(
        AuditEntry.objects.filter(actor=world.users["staff"]).values_list("action", flat=True)
    )
    assert {"org.established", "org.renamed", "org.reparented", "org.dissolved"} <= actions


def test_reparent_into_own_subtree_is_422(api):
    before = AuditEntry.objects.count()
    response = api.post(
        "staff",
        "/orgs/kim-long/reparent",
        {"new_parent": "kl-thon-1", "effective_date": "2020-01-01"},
    )
    assert "vòng lặp" in fields(response)["new_parent"]
    assert Organisation.objects.get(code="kim-long").parent.code == "tam-duong"
    assert AuditEntry.objects.count() == before


def test_dissolve_org_with_members_is_422(api):
    response = api.post("staff", "/orgs/kl-thon-1/dissolve", {"effective_date": "2020-01-01"})
    assert "còn 3 đảng viên" in fields(response)["org"]
    assert Organisation.objects.get(code="kl-thon-1").valid_to is None


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"name": "x" * 201, "effective_date": "2020-01-01"}, "name", "dài quá 200"),
        ({"name": "Chi bộ\x00thôn", "effective_date": "2020-01-01"}, "name", "ký tự điều khiển"),
        ({"name": "Chi bộ\x07thôn", "effective_date": "2020-01-01"}, "name", "ký tự điều khiển"),
        ({"name": "   ", "effective_date": "2020-01-01"}, "name", "không được để trống"),
        ({"name": "Tên mới", "effective_date": "2016-02-31"}, "effective_date", "Ngày hiệu lực"),
        ({"name": "Tên mới", "effective_date": "31/01/2016"}, "effective_date", "YYYY-MM-DD"),
        ({"name": "Tên mới", "effective_date": 1451606400}, "effective_date", "YYYY-MM-DD"),
        ({"name": "Tên mới", "effective_date": "2999-01-01"}, "effective_date", "sau ngày hôm nay"),
        ({"name": "Tên mới"}, "effective_date", "bắt buộc"),
        (
            {"name": "Tên mới", "effective_date": "2020-01-01", "extra": 1},
            "extra",
            "không được hỗ trợ",
        ),
        ({"name": 42, "effective_date": "2020-01-01"}, "name", "chuỗi ký tự"),
    ],
)
def test_rename_bad_input_is_422_in_vietnamese(api, body, field, fragment):
    before = AuditEntry.objects.count()
    response = api.post("staff", "/orgs/kim-long/rename", body)
    assert fragment in fields(response)[field]
    assert Organisation.objects.get(code="kim-long").name == "Đảng bộ xã Kim Long"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "Kim Long!"}, "code"),
        ({"code": "kim-long"}, "code"),  # already taken
        ({"kind": "galaxy"}, "kind"),
        ({"sector": None}, "sector"),
        ({"parent": "khong-co"}, "parent"),
        ({"parent": "vt-xa"}, "parent"),  # exists, but out of the staff member's scope
        ({"kind": "district_committee"}, "parent"),  # a district cannot sit under a commune
        ({"valid_from": "2016-02-30"}, "valid_from"),
    ],
)
def test_create_org_bad_input(api, change, field):
    body = {
        "code": "kl-thon-3",
        "name": "Chi bộ thôn Mới",
        "kind": "sub_cell",
        "sector": "village",
        "parent": "kim-long",
        "valid_from": "2020-01-01",
        **change,
    }
    count = Organisation.objects.count()
    response = api.post("staff", "/orgs/", body)
    errors = fields(response)
    assert field in errors and errors[field].strip()
    assert Organisation.objects.count() == count


def test_unknown_org_is_404_in_vietnamese(api):
    for path in ("/orgs/khong-co", "/orgs/KHONG CO", "/orgs/%00", "/orgs/" + "a" * 300):
        response = api.get("staff", path)
        assert response.status_code in (404, 422), (path, response.status_code)
    assert api.get("staff", "/orgs/khong-co/stats").json() == {"detail": "Không tìm thấy."}


def test_reorganisation_cites_its_document_all_or_nothing(api, world):
    from dangbo.core.models import LegalDocument
    from dangbo.orgs.models import OrgEvent

    doc = {"number": "37-QĐ/HU", "issuer": "Ban Thường vụ Huyện ủy", "issue_date": "2016-03-01"}
    response = api.post(
        "staff",
        "/orgs/kl-thon-2/reparent",
        {"new_parent": "hop-hoa", "effective_date": "2016-04-01", "document": doc},
    )
    assert response.status_code == 200, response.content
    event = OrgEvent.objects.filter(kind="reparent").latest("id")
    assert event.document.number == "37-QĐ/HU" and event.document.issuer == doc["issuer"]
    # A failing operation registers no document either.
    bad = {**doc, "number": "38-QĐ/HU"}
    response = api.post(
        "staff",
        "/orgs/kl-thon-2/rename",
        {"name": "Chi bộ thôn Gia Du", "effective_date": "2016-05-01", "document": bad},
    )
    assert response.status_code == 422
    assert not LegalDocument.objects.filter(number="38-QĐ/HU").exists()
    response = api.post(
        "staff",
        "/orgs/kl-thon-2/rename",
        {
            "name": "X",
            "effective_date": "2016-05-01",
            "document": {**doc, "issue_date": "2016-02-31"},
        },
    )
    assert response.status_code == 422
