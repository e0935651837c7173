"""Every role × in/out of scope × read/change: the status code, and DB effects only when
allowed. Roles and their grants come from ``ROLE_SCOPES`` in tests/conftest.py."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db

TAM_DUONG = {"huong", "an", "binh", "dung", "hoa", "khanh"}
KL_THON_1 = {"huong", "an", "binh"}

# Who sees which members in a list.
VISIBLE = {
    "root": TAM_DUONG | {"tien"},
    "admin": TAM_DUONG,
    "staff": TAM_DUONG,
    "committee": TAM_DUONG,
    "secretary": KL_THON_1,
    "auditor": TAM_DUONG,
    "sensitive_staff": {"huong", "an", "binh", "dung"},
    "outsider": {"tien"},
    "member": {"huong"},
    "nobody": set(),
}
CAN_CHANGE_KL = {"root", "admin", "staff", "sensitive_staff"}
SEES_KL = CAN_CHANGE_KL | {"committee", "secretary", "auditor"}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_member_list_is_scoped(api, world, who):
    response = api.get(who, "/members/")
    assert response.status_code == 200
    names = {m["full_name"] for m in response.json()["items"]}
    expected = {world.members[k].full_name for k in VISIBLE[who]}
    assert names == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("who", sorted(VISIBLE))
@pytest.mark.parametrize("key", ["binh", "tien", "huong"])
def test_member_detail_in_scope_200_else_404(api, world, who, key):
    response = api.get(who, f"/members/{world.members[key].pk}")
    if key in VISIBLE[who]:
        assert response.status_code == 200
        assert response.json()["full_name"] == world.members[key].full_name
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_org_list_and_detail_are_scoped(api, world, who):
    codes = {o["code"] for o in api.get(who, "/orgs/", limit=500).json()["items"]}
    kl = api.get(who, "/orgs/kl-thon-1")
    vt = api.get(who, "/orgs/vt-thon")
    assert ("kl-thon-1" in codes) == (who in SEES_KL) == (kl.status_code == 200)
    assert ("vt-thon" in codes) == (who in {"root", "outsider"}) == (vt.status_code == 200)
    if who in SEES_KL | {"root", "outsider"}:
        assert kl.status_code in (200, 404)
    else:
        assert codes == set()


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_recognise_binh(api, world, who):
    binh = world.members["binh"]
    before = AuditEntry.objects.count()
    response = api.post(who, f"/members/{binh.pk}/recognise", {"recognition_date": "2017-06-01"})
    binh.refresh_from_db()
    if who in CAN_CHANGE_KL:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "official"
        assert binh.status == "official" and binh.official_recognition_date == date(2017, 6, 1)
        entry = AuditEntry.objects.filter(action="member.recognised").last()
        assert entry.actor == world.users[who]
    else:
        expected = 403 if "binh" in VISIBLE[who] else 404
        assert response.status_code == expected, response.content
        assert binh.status == "probationary"
        assert AuditEntry.objects.count() == before


ADMISSION = {
    "org": "kl-thon-1",
    "full_name": "Ngô Văn Mới",
    "gender": "M",
    "date_of_birth": "1995-04-30",
    "admission_decision_date": "2020-03-02",
    "admission_ceremony_date": "2020-03-10",
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_admit_into_kl_thon_1(api, world, who):
    count = Member.objects.count()
    response = api.post(who, "/members/", ADMISSION)
    if who in CAN_CHANGE_KL:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["org"] == "kl-thon-1" and body["status"] == "probationary"
        assert Member.objects.filter(pk=body["id"], full_name="Ngô Văn Mới").exists()
    else:
        # Visible but not changeable: 403; out of sight: the same 422 as an unknown code.
        expected = 403 if who in SEES_KL else 422
        assert response.status_code == expected, response.content
        if expected == 422:
            assert response.json()["detail"][0]["field"] == "org"
        assert Member.objects.count() == count


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_rename_org(api, world, who):
    response = api.post(
        who,
        "/orgs/kl-thon-2/rename",
        {"name": "Chi bộ thôn Gia Du 2", "effective_date": "2020-01-01"},
    )
    name = type(world.orgs["kl-thon-2"]).objects.get(code="kl-thon-2").name
    if who in CAN_CHANGE_KL:
        assert response.status_code == 200 and name == "Chi bộ thôn Gia Du 2"
    else:
        sees_kl_thon_2 = who in SEES_KL - {"secretary"}  # the secretary's cell is kl-thon-1
        assert response.status_code == (403 if sees_kl_thon_2 else 404)
        assert name == "Chi bộ thôn Gia Du"


def test_out_of_scope_change_is_404_even_for_a_staff_member(api, world):
    tien = world.members["tien"]
    response = api.post(
        "staff", f"/members/{tien.pk}/exit", {"kind": "deceased", "effective_date": "2020-01-01"}
    )
    assert response.status_code == 404
    tien.refresh_from_db()
    assert tien.status == "official"


def test_transfer_target_must_be_changeable(api, world):
    huong = world.members["huong"]
    response = api.post(
        "sensitive_staff",
        f"/members/{huong.pk}/transfer",
        {"to_org": "hh-tdp-1", "effective_date": "2020-01-01"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "to_org"
    huong.refresh_from_db()
    assert huong.org.code == "kl-thon-1"


def test_create_org_needs_parent_in_change_scope(api, world):
    body = {
        "code": "kl-thon-3",
        "name": "Chi bộ thôn Mới",
        "kind": "sub_cell",
        "sector": "village",
        "parent": "kim-long",
        "valid_from": "2020-01-01",
    }
    assert api.post("committee", "/orgs/", body).status_code == 403
    assert api.post("outsider", "/orgs/", body).status_code == 422
    top = {**body, "code": "top", "kind": "central", "sector": "territorial", "parent": None}
    assert api.post("staff", "/orgs/", top).status_code == 422
    response = api.post("staff", "/orgs/", body)
    assert response.status_code == 201, response.content
    assert response.json()["parent"] == "kim-long"
    assert [a["code"] for a in response.json()["ancestors"]][-2:] == ["tam-duong", "kim-long"]
