"""The import API: upload, rows, commit, and the same permissions as the web."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangbo.core.services import issue_token
from dangbo.imports.models import ImportJob
from dangbo.members.models import Member

from .files import MEMBER_HEADER, csv_bytes

pytestmark = pytest.mark.django_db

GOOD = [
    "",
    "Ngô Văn Mới",
    "Nam",
    "01/01/1990",
    "kl-thon-2",
    "87654321",
    "01/02/2015",
    "01/02/2016",
    "",
]
BAD = ["", "Bùi Văn Nhỏ", "Nam", "01/01/2000", "kl-thon-1", "", "01/06/2017", "", ""]


def auth(world, who):
    key = issue_token(actor=None, user=world.users[who], name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_file(client, headers, rows, kind="members"):
    upload = SimpleUploadedFile("dv.csv", csv_bytes([MEMBER_HEADER, *rows]), "text/csv")
    return client.post("/api/v1/imports/", {"kind": kind, "file": upload}, **headers)


def test_upload_rows_commit(client, world):
    headers = auth(world, "staff")
    response = post_file(client, headers, [GOOD, BAD])
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["state"] == "previewed" and job["counts"]["error"] == 1 and not job["can_commit"]
    rows = client.get(f"/api/v1/imports/{job['id']}/rows", {"state": "error"}, **headers).json()
    assert rows["count"] == 1 and rows["items"][0]["row_no"] == 3
    assert rows["items"][0]["messages"][0].startswith("Ngày sinh: Người được kết nạp chưa đủ 18")
    response = client.post(f"/api/v1/imports/{job['id']}/commit", **headers)
    assert response.status_code == 422
    assert "không có lỗi" in response.json()["detail"][0]["message"]
    assert not Member.objects.filter(card_number="87654321").exists()
    job = post_file(client, headers, [GOOD]).json()
    response = client.post(f"/api/v1/imports/{job['id']}/commit", **headers)
    assert response.status_code == 200 and response.json()["state"] == "committed"
    assert Member.objects.filter(card_number="87654321").exists()


def test_bad_file_and_bad_kind(client, world):
    headers = auth(world, "staff")
    upload = SimpleUploadedFile("x.xlsx", b"\x00" * 100, "application/octet-stream")
    job = client.post("/api/v1/imports/", {"kind": "members", "file": upload}, **headers).json()
    assert job["state"] == "failed" and "không phải là bảng tính" in job["problem"]
    upload = SimpleUploadedFile("x.csv", b"a\n1\n", "text/csv")
    response = client.post("/api/v1/imports/", {"kind": "people", "file": upload}, **headers)
    assert response.status_code == 422
    response = client.post("/api/v1/imports/", {"kind": "members"}, **headers)
    assert response.status_code == 422


def test_too_big(client, world, settings):
    settings.DANGBO = {**settings.DANGBO, "IMPORT_MAX_BYTES": 1000}
    response = post_file(client, auth(world, "staff"), [GOOD] * 100)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["committee", "secretary", "auditor", "member", "nobody"])
def test_roles_without_change_get_404(client, world, who):
    response = post_file(client, auth(world, who), [GOOD])
    assert response.status_code == 404 and not ImportJob.objects.exists()


def test_another_users_job_is_404(client, world):
    job = post_file(client, auth(world, "staff"), [GOOD]).json()
    other = auth(world, "admin")
    assert client.get(f"/api/v1/imports/{job['id']}", **other).status_code == 404
    assert client.post(f"/api/v1/imports/{job['id']}/commit", **other).status_code == 404


def test_template(client, world):
    response = client.get("/api/v1/imports/templates/orgs", **auth(world, "staff"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
