"""Who may see and change what, through the web: out of scope is always 404, never 403."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.members import services
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staff", "committee", "secretary", "auditor", "member", "outsider", "nobody"]
# Who sees Bình (kl-thon-1, Tam Dương) and Tiến (vt-thon, Vĩnh Tường).
SEES_BINH = {"admin", "staff", "committee", "secretary", "auditor"}
SEES_TIEN = {"outsider"}
CHANGES_BINH = {"admin", "staff"}
CHANGES_TIEN = {"outsider"}
EXPORTS = {"admin", "staff", "committee", "secretary", "auditor", "outsider"}


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ["binh", "tien"])
def test_view_member_page(client, world, role, key):
    client.force_login(world.users[role])
    allowed = SEES_BINH if key == "binh" else SEES_TIEN
    response = client.get(reverse("members:detail", args=[world.members[key].pk]))
    assert response.status_code == (200 if role in allowed else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("code", "key"), [("kl-thon-1", "binh"), ("vt-thon", "tien")])
def test_view_org_page(client, world, role, code, key):
    client.force_login(world.users[role])
    allowed = SEES_BINH if key == "binh" else SEES_TIEN
    response = client.get(reverse("orgs:detail", args=[code]))
    assert response.status_code == (200 if role in allowed else 404)


@pytest.mark.parametrize("role", ROLES)
def test_member_list_is_scoped(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("members:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Lê Văn Bình" in page) == (role in SEES_BINH)
    assert ("Hoàng Minh Tiến" in page) == (role in SEES_TIEN)
    assert ("Nguyễn Thị Hương" in page) == (role in SEES_BINH | {"member"})


def test_member_role_sees_own_record(client, world):
    client.force_login(world.users["member"])
    response = client.get(reverse("members:detail", args=[world.members["huong"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cong-nhan-chinh-thuc" not in page  # no action links
    # her own ethnicity, religion and ID number: one's own data needs no grant (issue 12)
    assert "cần quyền xem thông tin nhạy cảm" not in page and "026180001234" in page


@pytest.mark.parametrize("role", ROLES)
def test_recognise_in_scope(client, world, role):
    binh = world.members["binh"]
    client.force_login(world.users[role])
    url = reverse("members:action", args=[binh.pk, "cong-nhan-chinh-thuc"])
    response = client.post(url, {"recognition_date": "05/06/2017"})
    binh.refresh_from_db()
    if role in CHANGES_BINH:
        assert response.status_code == 302
        assert binh.status == "official"
        assert binh.official_recognition_date == date(2017, 6, 5)
    else:
        assert response.status_code == 404
        assert binh.status == "probationary"
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_edit_out_of_scope(client, world, role):
    tien = world.members["tien"]
    client.force_login(world.users[role])
    url = reverse("members:action", args=[tien.pk, "sua-ho-so"])
    response = client.post(
        url,
        {
            "full_name": tien.full_name,
            "gender": "M",
            "date_of_birth": "15/06/1975",
            "occupation": "Nông dân",
        },
    )
    tien.refresh_from_db()
    if role in CHANGES_TIEN:
        assert response.status_code == 302
        assert tien.occupation == "Nông dân"
    else:
        assert response.status_code == 404
        assert tien.occupation == ""


@pytest.mark.parametrize("role", ROLES)
def test_transfer_in_scope(client, world, role):
    binh = world.members["binh"]
    client.force_login(world.users[role])
    url = reverse("members:action", args=[binh.pk, "chuyen-sinh-hoat"])
    response = client.post(url, {"to_org": "kl-thon-2", "effective_date": "01/01/2020"})
    binh.refresh_from_db()
    expected = "kl-thon-2" if role in CHANGES_BINH else "kl-thon-1"
    assert binh.org.code == expected
    assert response.status_code == (302 if role in CHANGES_BINH else 404)


def test_transfer_to_cell_outside_change_scope(client, world):
    binh = world.members["binh"]
    client.force_login(world.users["staff"])
    url = reverse("members:action", args=[binh.pk, "chuyen-sinh-hoat"])
    response = client.post(url, {"to_org": "vt-thon", "effective_date": "01/01/2020"})
    assert response.status_code == 400
    assert "Chi bộ chuyển đến: không tìm thấy" in response.content.decode()
    binh.refresh_from_db()
    assert binh.org.code == "kl-thon-1"


@pytest.mark.parametrize("role", ROLES)
def test_org_change_forms(client, world, role):
    client.force_login(world.users[role])
    url = reverse("orgs:action", args=["kl-thon-2", "doi-ten"])
    response = client.post(url, {"name": "Chi bộ thôn Gia Du mới", "effective_date": "01/01/2020"})
    name = world.orgs["kl-thon-2"].__class__.objects.get(code="kl-thon-2").name
    if role in CHANGES_BINH:
        assert response.status_code == 302 and name == "Chi bộ thôn Gia Du mới"
    else:
        assert response.status_code == 404 and name == "Chi bộ thôn Gia Du"


@pytest.mark.parametrize("role", ROLES)
def test_export(client, world, role):
    client.force_login(world.users[role])
    before = AuditEntry.objects.filter(action="member.exported").count()
    response = client.get(reverse("members:export"))
    after = AuditEntry.objects.filter(action="member.exported").count()
    if role not in EXPORTS:
        assert response.status_code == 404
        assert after == before
        return
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = _csv(response)
    assert ("Lê Văn Bình" in body) == (role in SEES_BINH)
    assert ("Hoàng Minh Tiến" in body) == (role in SEES_TIEN)
    assert after == before + 1


def test_export_admission_requires_change(client, world):
    client.force_login(world.users["committee"])
    assert client.get(reverse("members:admit", args=["kl-thon-1"])).status_code == 404
    client.force_login(world.users["staff"])
    assert client.get(reverse("members:admit", args=["kl-thon-1"])).status_code == 200
    assert client.get(reverse("members:admit", args=["kim-long"])).status_code == 404
    assert client.get(reverse("members:admit", args=["vt-thon"])).status_code == 404


# ---- sensitive fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"), [("admin", True), ("sensitive_staff", True), ("staff", False)]
)
def test_sensitive_fields_need_grant_and_are_logged(client, world, role, sees):
    huong = world.members["huong"]
    client.force_login(world.users[role])
    reads = AuditEntry.objects.filter(action="member.sensitive_read", object_id=str(huong.pk))
    before = reads.count()
    page = client.get(reverse("members:detail", args=[huong.pk])).content.decode()
    assert ("026180001234" in page) == sees
    assert ("Kinh" in page) == sees
    assert ("cần quyền xem thông tin nhạy cảm" in page) == (not sees)
    assert reads.count() == before + (1 if sees else 0)
    if sees:
        assert reads.order_by("-id").first().actor == world.users[role]


def test_edit_form_hides_sensitive_fields_without_grant(client, world):
    huong = world.members["huong"]
    client.force_login(world.users["staff"])
    page = client.get(reverse("members:action", args=[huong.pk, "sua-ho-so"])).content.decode()
    assert "026180001234" not in page and 'name="id_number"' not in page
    # Posting an id_number anyway changes nothing.
    client.post(
        reverse("members:action", args=[huong.pk, "sua-ho-so"]),
        {
            "full_name": huong.full_name,
            "gender": "F",
            "date_of_birth": "15/06/1975",
            "id_number": "026180005555",
            "card_number": "12345678",
        },
    )
    huong.refresh_from_db()
    assert huong.id_number == "026180001234"


@pytest.mark.parametrize(
    ("role", "sensitive"), [("admin", True), ("staff", False), ("sensitive_staff", True)]
)
def test_export_sensitive_columns_only_with_grant(client, world, role, sensitive):
    client.force_login(world.users[role])
    body = _csv(client.get(reverse("members:export")))
    header = body.splitlines()[0]
    assert ("Số CCCD" in header) == sensitive
    assert ("026180001234" in body) == sensitive
    entry = AuditEntry.objects.filter(action="member.exported").order_by("-id").first()
    assert entry.actor == world.users[role]
    assert entry.after["sensitive"] is sensitive


def test_export_is_utf8_bom_and_filtered(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:export"), {"q": "nguyen thi huong"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    body = raw.decode("utf-8-sig")
    assert "Họ và tên" in body.splitlines()[0]
    assert len(body.strip().splitlines()) == 2 and "Nguyễn Thị Hương" in body
    entry = AuditEntry.objects.filter(action="member.exported").order_by("-id").first()
    assert entry.after["filters"]["q"] == "nguyen thi huong"
    assert "Xuất 1 đảng viên" in entry.summary


def test_export_prevents_formula_injection(client, world):
    services.update_member(actor=None, member=world.members["an"], data={"occupation": "=cmd()"})
    client.force_login(world.users["staff"])
    body = _csv(client.get(reverse("members:export")))
    assert "'=cmd()" in body
    assert ",=cmd()" not in body
    assert Member.objects.get(pk=world.members["an"].pk).occupation == "=cmd()"
