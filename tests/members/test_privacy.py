"""Privacy details (issue 11, point 4): a taken number's refusal says nothing about its
holder, and an edit never erases what it was not given."""

import pytest
from django.urls import reverse

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
