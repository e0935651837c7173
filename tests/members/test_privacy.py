"""Privacy details (issue 11, point 4): a taken number's refusal says nothing about its
holder, and an edit never erases what it was not given."""

import io

import pytest
from django.urls import reverse

from dangbo.core import audit
from dangbo.core.models import AuditEntry
from dangbo.core.services import issue_token
from dangbo.imports.models import ImportRow
from dangbo.members.models import Member
from tests.api.conftest import Api, fields
from tests.web.test_hostile_text import API_BODY, FORM, _import, _import_row

pytestmark = pytest.mark.django_db

TAKEN = {
    "card_number": "Số thẻ đảng viên: đã được sử dụng.",
    "id_number": "Số CCCD: đã được sử dụng.",
}
# Whose number is typed: Hương is in the admin's scope (kl-thon-1), Tiến is not (vt-thon).
NUMBERS = {
    ("card_number", "in"): "12345678",
    ("card_number", "out"): "99990000",
    ("id_number", "in"): "026180001234",
    ("id_number", "out"): "026180009999",
}
ARRIVAL = {
    **FORM,
    "official_recognition_date": "01/03/2017",
    "effective_date": "01/06/2024",
    "note": "Đảng bộ tỉnh Phú Thọ",
}


@pytest.fixture
def tien_card(world):
    Member.objects.filter(pk=world.members["tien"].pk).update(card_number="99990000")


def _api(world, who="admin") -> Api:
    return Api({who: issue_token(actor=None, user=world.users[who], name="test")})


def _record_post(member: Member, **values) -> dict:
    return {
        "full_name": member.full_name,
        "gender": member.gender,
        "date_of_birth": member.date_of_birth.strftime("%d/%m/%Y"),
        **values,
    }


def _refusal(path, client, world, field, number) -> str:
    """The refusal of ``number`` in ``field`` by ``path``, as the admin (who may write the
    CCCD), for a new member or an edit of Trần Văn An."""
    an = world.members["an"]
    client.force_login(world.users["admin"])
    if path in ("admit-form", "transfer-in-form", "edit-form"):
        url, body = {
            "admit-form": (reverse("members:admit", args=["kl-thon-1"]), FORM),
            "transfer-in-form": (reverse("orgs:action", args=["kl-thon-1", "tiep-nhan"]), ARRIVAL),
            "edit-form": (reverse("members:action", args=[an.pk, "sua-ho-so"]), _record_post(an)),
        }[path]
        response = client.post(url, {**body, field: number})
        assert response.status_code == 400, response.status_code
        page = response.content.decode()
        assert TAKEN[field] in page
        return page
    api = _api(world)
    if path == "admit-api":
        response = api.post("admin", "/members/", {**API_BODY, field: number})
    elif path == "transfer-in-api":
        body = {
            **API_BODY,
            "official_recognition_date": "2017-03-01",
            "effective_date": "2024-06-01",
            field: number,
        }
        response = api.post("admin", "/members/transfer-in", body)
    else:
        response = api.patch("admin", f"/members/{an.pk}", {field: number})
    return fields(response)[field]


@pytest.mark.parametrize(
    "path",
    ["admit-form", "transfer-in-form", "edit-form", "admit-api", "transfer-in-api", "patch-api"],
)
@pytest.mark.parametrize("field", ["card_number", "id_number"])
@pytest.mark.parametrize("owner", ["in", "out"])
def test_a_taken_number_reads_the_same_in_and_out_of_scope(
    client, world, tien_card, path, field, owner
):
    number = NUMBERS[field, owner]
    message = _refusal(path, client, world, field, number)
    if path.endswith("-api"):
        assert message == TAKEN[field]
    for secret in (
        "Hoàng Minh Tiến",
        "Bảo Sơn",
        "Nguyễn Thị Hương",
        "phạm vi quản lý",
        "đảng viên khác",
        "đã được cấp",
        "mang số này",
    ):
        assert secret not in message, secret
    if path.endswith("-api"):
        assert number not in message


@pytest.mark.parametrize("field", ["card_number", "id_number"])
def test_the_import_refuses_a_number_out_of_scope_in_the_same_words(
    tmp_path, world, tien_card, field
):
    number = NUMBERS[field, "out"]
    row = (
        _import_row("Ngô Văn Mới", card=number)
        if field == "card_number"
        else _import_row("Ngô Văn Mới", id_number=number)
    )
    job = _import(tmp_path, world, [row], commit=False)
    (result,) = ImportRow.objects.filter(job=job)
    assert result.state == "error"
    label = "Số thẻ đảng viên" if field == "card_number" else "Số CCCD"
    assert f"{label}: đã được sử dụng." in result.messages
    text = " ".join(result.messages)
    assert number not in text and "phạm vi" not in text and "Tiến" not in text


def test_the_import_matches_a_number_in_scope_as_an_update(tmp_path, world):
    job = _import(tmp_path, world, [_import_row("Nguyễn Thị Hương", card="12345678")], commit=False)
    (result,) = ImportRow.objects.filter(job=job)
    assert result.state != "error", result.messages
    assert not any("đã được sử dụng" in m for m in result.messages)


# ---------------------------------------------------------------- an edit never erases


SENSITIVE_BEFORE = {"ethnicity": "Kinh", "religion": "Không", "id_number": "026180001234"}


def _sensitive(member: Member) -> dict:
    member.refresh_from_db()
    return {k: getattr(member, k) for k in (*SENSITIVE_BEFORE, "severe_illness")}


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_the_edit_form_without_the_sensitive_inputs_keeps_them(client, world, who):
    huong = world.members["huong"]
    Member.objects.filter(pk=huong.pk).update(severe_illness=True)
    client.force_login(world.users[who])
    url = reverse("members:action", args=[huong.pk, "sua-ho-so"])
    response = client.post(url, _record_post(huong, occupation="Giáo viên"))
    assert response.status_code == 302, response.content.decode()[:500]
    assert _sensitive(huong) == {**SENSITIVE_BEFORE, "severe_illness": True}
    assert huong.occupation == "Giáo viên"
    # Left-out plain inputs are kept too; a posted empty input still clears its field.
    Member.objects.filter(pk=huong.pk).update(workplace="UBND xã", phone="0912345678")
    response = client.post(url, _record_post(huong, phone=""))
    assert response.status_code == 302
    huong.refresh_from_db()
    assert huong.workplace == "UBND xã" and huong.phone == "" and huong.occupation == "Giáo viên"


def test_the_edit_form_with_a_posted_sensitive_input_changes_it(client, world):
    huong = world.members["huong"]
    client.force_login(world.users["admin"])
    url = reverse("members:action", args=[huong.pk, "sua-ho-so"])
    response = client.post(url, _record_post(huong, religion=""))
    assert response.status_code == 302
    assert _sensitive(huong)["religion"] == ""
    assert _sensitive(huong)["ethnicity"] == "Kinh"


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_an_api_patch_without_the_sensitive_fields_keeps_them(world, who):
    huong = world.members["huong"]
    Member.objects.filter(pk=huong.pk).update(severe_illness=True)
    response = _api(world, who).patch(who, f"/members/{huong.pk}", {"occupation": "Kỹ sư"})
    assert response.status_code == 200, response.content
    assert _sensitive(huong) == {**SENSITIVE_BEFORE, "severe_illness": True}
    assert huong.occupation == "Kỹ sư"


# ---------------------------------------------------------------- sealed audit values


def _religion_change(world):
    from dangbo.members import services

    huong = world.members["huong"]
    services.update_member(actor=world.users["admin"], member=huong, data={"religion": "Phật giáo"})
    return AuditEntry.objects.filter(action="member.updated", object_id=str(huong.pk)).last()


def test_a_sensitive_change_is_sealed_beside_the_stars(world):
    entry = _religion_change(world)
    assert entry.before == {"religion": "***"} and entry.after == {"religion": "***"}
    assert "Không" not in entry.sealed and "Phật" not in entry.sealed
    assert audit.unseal(entry) == {"religion": ["Không", "Phật giáo"]}
    assert audit.verify().ok
    # A plain change seals nothing.
    from dangbo.members import services

    services.update_member(
        actor=world.users["staff"], member=world.members["an"], data={"occupation": "Nông dân"}
    )
    assert AuditEntry.objects.order_by("-id").first().sealed is None
    assert audit.verify().ok


def test_a_seal_opens_only_with_the_audit_key(world):
    entry = _religion_change(world)
    assert audit.open_seal(entry.sealed, key=b"another key") is None
    assert audit.open_seal(entry.sealed[:-4] + "AAAA") is None


@pytest.mark.parametrize("who", ["admin", "staff", "secretary"])
def test_the_member_page_opens_the_sealed_values_only_with_the_grant(client, world, who):
    huong = world.members["huong"]
    _religion_change(world)
    reads = AuditEntry.objects.filter(action="member.sensitive_read", object_id=str(huong.pk))
    before = reads.count()
    client.force_login(world.users[who])
    page = client.get(reverse("members:detail", args=[huong.pk])).content.decode()
    assert "Cập nhật hồ sơ" in page  # the history is shown to each of them
    if who == "admin":
        assert "Giá trị nhạy cảm trước và sau" in page
        assert "Phật giáo" in page and "Không" in page
        assert reads.count() == before + 1  # one read entry for the page, naming both
        read = reads.order_by("-id").first()
        assert "giá trị cũ trong nhật ký" in read.summary and read.after["sealed_values"] == 1
    else:
        assert "Giá trị nhạy cảm trước và sau" not in page and "Phật giáo" not in page
        assert reads.count() == before


def test_tampering_with_sealed_is_detected(world, allow_audit_tampering):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    entry = _religion_change(world)
    other = audit.seal({"religion": ["Không", "Công giáo"]})
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET sealed = %s WHERE id = %s", [other, entry.pk])
    problems = audit.verify().problems
    assert any(f"#{entry.pk}: nội dung không khớp" in p for p in problems), problems
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_removing_sealed_is_detected(world, allow_audit_tampering):
    from django.db import connection

    entry = _religion_change(world)
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET sealed = NULL WHERE id = %s", [entry.pk])
    assert any(f"#{entry.pk}:" in p for p in audit.verify().problems)


def test_the_import_seals_sensitive_values_in_its_event(tmp_path, world, client):
    from dangbo.imports import services as imports
    from dangbo.members.models import MemberEvent
    from tests.imports.files import MEMBER_HEADER, write_csv

    path = write_csv(tmp_path / "dv.csv", [[*MEMBER_HEADER, "Tôn giáo"],
        ["1", "Nguyễn Thị Hương", "", "", "", "12345678", "", "", "", "Phật giáo"]])  # fmt: skip
    actor = world.users["admin"]
    job = imports.create_job(actor=actor, kind="members", source=path, original_name="dv.csv")
    imports.run(job, commit=True, actor=actor)
    huong = world.members["huong"]
    huong.refresh_from_db()
    assert huong.religion == "Phật giáo"
    event = MemberEvent.objects.filter(member=huong, kind="updated").last()
    assert event.data["changes"]["religion"] == ["***", "***"]
    assert audit.open_seal(event.data["sealed"]) == {"religion": ["Không", "Phật giáo"]}
    client.force_login(world.users["admin"])
    page = client.get(reverse("members:detail", args=[huong.pk])).content.decode()
    assert "Phật giáo" in page and f"nhập tệp #{job.pk}" in page
