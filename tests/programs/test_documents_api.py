"""/api/v1/documents: the same search, reads and changes as the register's pages."""

import io
from datetime import date

import pytest

from dangbo.core.models import LegalDocument, StoredFile
from dangbo.core.services import issue_token
from dangbo.programs import documents
from tests.api.conftest import API, Api, fields

PDF = b"%PDF-1.4\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def api(world) -> Api:
    keys = {
        name: issue_token(actor=None, user=user, name=f"test {name}")
        for name, user in world.users.items()
    }
    return Api(keys)


@pytest.fixture
def top(world):
    return documents.register(
        actor=None,
        number="64-KL/TW",
        kind="KL",
        issuer="Bộ Chính trị",
        issue_date=date(2023, 2, 28),
        title="Kết luận về hệ thống chính trị",
    )


def _create(api, who="staff", **kw):
    body = {
        "number": "12-CTr/HU",
        "kind": "CTR",
        "issue_date": "2023-05-10",
        "title": "Chương trình hành động",
        "body": "tam-duong",
        **kw,
    }
    return api.post(who, "/documents/", body)


def test_create_get_and_search_like_the_web(api, world, top):
    resp = _create(api, implements_id=top.pk, applies_to=["kim-long"])
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["issuer"] == "Đảng bộ huyện Tam Dương" and data["body"] == "tam-duong"
    assert data["chain"][0]["number"] == "64-KL/TW"
    assert data["applies_to"] == [{"code": "kim-long", "name": "Đảng bộ xã Kim Long"}]
    got = api.get("committee", f"/documents/{top.pk}").json()
    assert [d["number"] for d in got["implemented_by"]] == ["12-CTr/HU"]
    found = api.get("committee", "/documents/", q="ket luan 64").json()
    web = documents.search(world.users["committee"], documents.Search(text="ket luan 64"))
    assert [d["id"] for d in found["items"]] == [d.pk for d in web]
    assert api.get("committee", "/documents/", body="tam-duong", year=2023).json()["count"] == 1


def test_bad_input_is_422_naming_the_field(api, world, top):
    before = LegalDocument.objects.count()
    errors = fields(_create(api, effective_from="2023-06-01", effective_to="2023-01-01"))
    assert "Hết hiệu lực" in errors["effective_to"]
    errors = fields(_create(api, issue_date="2999-01-01"))
    assert "issue_date" in errors
    errors = fields(_create(api, implements_id=99999999))
    assert "Thực hiện văn bản" in errors["implements_id"]
    resp = api.patch("staff", f"/documents/{top.pk}", {"implements_id": top.pk})
    assert "chính nó" in fields(resp)["implements_id"]
    assert LegalDocument.objects.count() == before


def test_permissions(api, world, top):
    doc = LegalDocument.objects.get(pk=_create(api).json()["id"])
    assert api.get("member", f"/documents/{doc.pk}").status_code == 404
    assert api.get("member", "/documents/").status_code == 404
    assert _create(api, who="committee", number="1").status_code == 403
    assert api.patch("committee", f"/documents/{doc.pk}", {"title": "x"}).status_code == 403
    assert api.patch("outsider", f"/documents/{doc.pk}", {"title": "x"}).status_code == 403
    resp = api.patch("staff", f"/documents/{doc.pk}", {"title": "Mới", "implements_id": top.pk})
    assert resp.status_code == 200 and resp.json()["implements_id"] == top.pk
    assert api.get("outsider", f"/documents/{doc.pk}").status_code == 200


def test_upload_and_download(api, world, top):
    doc_id = _create(api).json()["id"]
    key = api.keys["staff"]
    upload = io.BytesIO(PDF)
    upload.name = "Chương trình.pdf"
    resp = api.client.post(
        f"{API}/documents/{doc_id}/files", {"files": [upload]}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert resp.status_code == 201, resp.content
    file_id = resp.json()[0]["id"]
    got = api.get("committee", f"/documents/{doc_id}/files/{file_id}")
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert api.get("committee", f"/documents/{top.pk}/files/{file_id}").status_code == 404
    before = StoredFile.objects.count()
    bad = io.BytesIO(EXE)
    bad.name = "a.pdf"
    resp = api.client.post(
        f"{API}/documents/{doc_id}/files", {"files": [bad]}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert resp.status_code == 422
    assert "Tệp đính kèm" in resp.json()["detail"][0]["message"]
    assert StoredFile.objects.count() == before
