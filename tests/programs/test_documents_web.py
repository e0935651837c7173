"""The register's pages: list and search, detail both ways, register, edit, attach, download."""

import io
from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.models import LegalDocument, StoredFile
from dangbo.programs import documents

PDF = b"%PDF-1.4\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def docs(world):
    top = documents.register(
        actor=None,
        number="64-KL/TW",
        kind="KL",
        issuer="Bộ Chính trị",
        issue_date=date(2023, 2, 28),
        title="Kết luận về hệ thống chính trị",
    )
    district = documents.register(
        actor=world.users["staff"],
        number="12-CTr/HU",
        kind="CTR",
        issue_date=date(2023, 5, 10),
        title="Chương trình hành động",
        body=world.org("tam-duong"),
        implements=top,
        uploads=[(io.BytesIO(PDF), "Chương trình 12.pdf")],
    )
    return top, district


def _login(client, world, name):
    client.force_login(world.users[name])
    return client


def test_list_and_search(client, world, docs):
    top, district = docs
    _login(client, world, "committee")
    resp = client.get(reverse("documents:list"), {"q": "ket luan 64"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert reverse("documents:detail", args=[top.pk]) in body
    assert reverse("documents:detail", args=[district.pk]) not in body
    assert reverse("documents:create") not in body  # committee members cannot register
    resp = client.get(reverse("documents:list"), {"nam": "abc", "loai": "ZZ"})
    assert resp.status_code == 200
    assert "Năm:" in resp.content.decode() and "Loại văn bản:" in resp.content.decode()


def test_detail_shows_both_ways_and_files(client, world, docs):
    top, district = docs
    _login(client, world, "committee")
    page = client.get(reverse("documents:detail", args=[top.pk])).content.decode()
    assert "Văn bản thực hiện" in page and "12-CTr/HU" in page
    page = client.get(reverse("documents:detail", args=[district.pk])).content.decode()
    assert "64-KL/TW" in page and "Chương trình 12.pdf" in page
    assert reverse("documents:edit", args=[district.pk]) not in page
    stored = district.files.get()
    resp = client.get(reverse("documents:file", args=[district.pk, stored.pk]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"].startswith("attachment")
    assert resp["X-Content-Type-Options"] == "nosniff"
    # a file of another document, through this one: absent
    assert client.get(reverse("documents:file", args=[top.pk, stored.pk])).status_code == 404
    assert client.get(reverse("documents:detail", args=[999999])).status_code == 404


def test_anonymous_and_member_without_grant(client, world, docs):
    top, _ = docs
    resp = client.get(reverse("documents:detail", args=[top.pk]))
    assert resp.status_code == 302
    _login(client, world, "member")
    assert client.get(reverse("documents:list")).status_code == 404
    assert client.get(reverse("documents:detail", args=[top.pk])).status_code == 404


def test_register_by_form_with_file(client, world, docs):
    top, _ = docs
    _login(client, world, "staff")
    assert client.get(reverse("documents:create")).status_code == 200
    upload = io.BytesIO(PDF)
    upload.name = "Kế hoạch.pdf"
    resp = client.post(
        reverse("documents:create"),
        {
            "number": "20-KH/HU",
            "kind": "KH",
            "issue_date": "01/06/2023",
            "body": "tam duong",
            "title": "Kế hoạch thực hiện",
            "implements": "12-CTr/HU",
            "applies_to": "kim-long\nhop-hoa",
            "files": [upload],
        },
    )
    assert resp.status_code == 302, resp.context["form"].errors
    doc = LegalDocument.objects.get(number="20-KH/HU")
    assert doc.implements.number == "12-CTr/HU"
    assert doc.files.count() == 1
    assert set(doc.applies_to.values_list("code", flat=True)) == {"kim-long", "hop-hoa"}


def test_register_refused_shows_message_and_writes_nothing(client, world, docs):
    _login(client, world, "staff")
    before = (LegalDocument.objects.count(), StoredFile.objects.count())
    upload = io.BytesIO(EXE)
    upload.name = "nghi-quyet.pdf"
    resp = client.post(
        reverse("documents:create"),
        {
            "number": "21-NQ/HU",
            "kind": "NQ",
            "issue_date": "01/06/2023",
            "issuer": "Huyện ủy",
            "effective_from": "01/07/2023",
            "effective_to": "01/01/2023",
            "files": [upload],
        },
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "Hết hiệu lực" in page
    assert (LegalDocument.objects.count(), StoredFile.objects.count()) == before


def test_edit_and_attach_scope(client, world, docs):
    top, district = docs
    _login(client, world, "outsider")
    assert client.get(reverse("documents:edit", args=[district.pk])).status_code == 404
    assert client.get(reverse("documents:attach", args=[district.pk])).status_code == 404
    _login(client, world, "staff")
    resp = client.post(
        reverse("documents:edit", args=[district.pk]), {"title": "Chương trình hành động số 12"}
    )
    assert resp.status_code == 302
    district.refresh_from_db()
    assert district.title == "Chương trình hành động số 12"
    assert district.implements == top  # not posted: unchanged
    resp = client.post(reverse("documents:edit", args=[district.pk]), {"implements": "12-CTr/HU"})
    assert resp.status_code == 400
    assert "chính nó" in resp.content.decode()
    upload = io.BytesIO(PDF)
    upload.name = "phu-luc.pdf"
    resp = client.post(reverse("documents:attach", args=[district.pk]), {"files": [upload]})
    assert resp.status_code == 302
    assert district.files.count() == 2


def test_pick(client, world, docs):
    _login(client, world, "staff")
    data = client.get(reverse("documents:pick"), {"q": "kl 64"}).json()
    assert data["count"] == 1 and data["results"][0]["value"] == "64-KL/TW (28/02/2023)"


def test_detail_lists_programs_both_ways(client, world, docs):
    from dangbo.programs.choices import ProgramKind
    from dangbo.programs.models import Program

    top, district = docs
    prog = Program.objects.create(
        kind=ProgramKind.ACTION,
        title="Chương trình hành động số 12",
        org=world.org("tam-duong"),
        document=district,
        start=date(2023, 5, 10),
        end=date(2025, 12, 31),
    )
    _login(client, world, "committee")
    link = reverse("programs:detail", args=[prog.pk])
    assert link in client.get(reverse("documents:detail", args=[top.pk])).content.decode()
    assert link in client.get(reverse("documents:detail", args=[district.pk])).content.decode()
    _login(client, world, "outsider")  # the program is out of their scope
    assert link not in client.get(reverse("documents:detail", args=[top.pk])).content.decode()


def test_history_for_those_who_change_or_audit(client, world, docs):
    _, district = docs
    url = reverse("documents:detail", args=[district.pk])
    for name, shown in (("staff", True), ("auditor", True), ("committee", False)):
        _login(client, world, name)
        assert ("Nhật ký thay đổi" in client.get(url).content.decode()) is shown, name


def test_list_filter_by_body_name(client, world, docs):
    top, district = docs
    _login(client, world, "committee")
    page = client.get(reverse("documents:list"), {"cap-uy": "tam duong"}).content.decode()
    assert reverse("documents:detail", args=[district.pk]) in page
    assert reverse("documents:detail", args=[top.pk]) not in page
