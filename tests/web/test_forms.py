"""Bad input: status 400, a Vietnamese message naming the field, and nothing changed."""

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.members.models import Member, MemberEvent
from dangbo.orgs.models import Organisation
from tests.support import counts

pytestmark = pytest.mark.django_db

ADMIT = {
    "full_name": "Ngô Văn Mới",
    "gender": "M",
    "date_of_birth": "10/10/1990",
    "admission_decision_date": "01/03/2016",
    "admission_ceremony_date": "01/03/2016",
    "card_number": "87654321",
}


# Row counts that must not change when a request is refused.
MODELS = (Member, MemberEvent, AuditEntry, Organisation)


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff"])
    return client


def _post_bad(client, url, data, *expected):
    before = counts(*MODELS)
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400, page[:500]
    for text in expected:
        assert text in page, text
    assert counts(*MODELS) == before
    return page


def test_admit_ok(staff, world):
    response = staff.post(reverse("members:admit", args=["kl-thon-1"]), ADMIT)
    assert response.status_code == 302
    member = Member.objects.get(full_name="Ngô Văn Mới")
    assert member.status == "probationary" and member.org.code == "kl-thon-1"


def test_impossible_date(staff, world):
    _post_bad(
        staff,
        reverse("members:admit", args=["kl-thon-1"]),
        {**ADMIT, "date_of_birth": "31/02/2016"},
        "Ngày sinh: tháng 2/2016 không có ngày 31",
    )


def test_admission_under_18(staff, world):
    _post_bad(
        staff,
        reverse("members:admit", args=["kl-thon-1"]),
        {**ADMIT, "date_of_birth": "10/10/2000"},
        "Ngày sinh",
        "chưa đủ 18 tuổi",
    )


def test_duplicate_card_number(staff, world):
    _post_bad(
        staff,
        reverse("members:admit", args=["kl-thon-1"]),
        {**ADMIT, "card_number": "12345678"},
        "Số thẻ đảng viên: đã được sử dụng.",
    )


def test_overlong_and_control_characters_in_name(staff, world):
    url = reverse("members:admit", args=["kl-thon-1"])
    _post_bad(staff, url, {**ADMIT, "full_name": "Nguyễn " * 40}, "Họ và tên: dài quá")
    _post_bad(
        staff, url, {**ADMIT, "full_name": "Nguyễn Văn\x07 Lỗi"}, "Họ và tên: có ký tự điều khiển"
    )
    _post_bad(
        staff,
        reverse("orgs:action", args=["kim-long", "doi-ten"]),
        {"name": "Đ" * 201, "effective_date": "01/01/2020"},
        "Tên",
    )


def test_recognition_before_probation_end(staff, world):
    binh = world.members["binh"]
    _post_bad(
        staff,
        reverse("members:action", args=[binh.pk, "cong-nhan-chinh-thuc"]),
        {"recognition_date": "01/01/2017"},
        "01/06/2017",
    )
    binh.refresh_from_db()
    assert binh.status == "probationary"


def test_reparent_into_own_subtree(staff, world):
    _post_bad(
        staff,
        reverse("orgs:action", args=["kim-long", "chuyen-truc-thuoc"]),
        {"new_parent": "kl-thon-1", "effective_date": "01/01/2020"},
        "vòng lặp",
    )
    assert Organisation.objects.get(code="kim-long").parent.code == "tam-duong"


def test_unknown_org_code(staff, world):
    binh = world.members["binh"]
    _post_bad(
        staff,
        reverse("orgs:action", args=["kim-long", "chuyen-truc-thuoc"]),
        {"new_parent": "khong-co", "effective_date": "01/01/2020"},
        "Tổ chức cấp trên mới: không tìm thấy",
    )
    _post_bad(
        staff,
        reverse("members:action", args=[binh.pk, "chuyen-sinh-hoat"]),
        {"to_org": "khong-co", "effective_date": "01/01/2020"},
        "Chi bộ chuyển đến: không tìm thấy",
    )


def test_missing_required_fields_name_the_field(staff, world):
    _post_bad(
        staff,
        reverse("orgs:action", args=["kim-long", "tao-truc-thuoc"]),
        {},
        "Mã: bắt buộc",
        "Tên: bắt buộc",
        "Ngày thành lập: bắt buộc",
    )


def test_create_sub_org_then_dissolve(staff, world):
    url = reverse("orgs:action", args=["kim-long", "tao-truc-thuoc"])
    data = {
        "code": "kl-thon-3",
        "name": "Chi bộ thôn Ba",
        "kind": "sub_cell",
        "sector": "village",
        "valid_from": "01/01/2020",
    }
    assert staff.post(url, data).status_code == 302
    org = Organisation.objects.get(code="kl-thon-3")
    assert org.parent.code == "kim-long"
    _post_bad(staff, url, data, "kl-thon-3")  # duplicate code
    response = staff.post(
        reverse("orgs:action", args=["kl-thon-3", "giai-the"]),
        {"effective_date": "01/02/2020", "xac-nhan": "1"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.valid_to is not None


def test_dissolve_non_empty_is_refused(staff, world):
    _post_bad(
        staff,
        reverse("orgs:action", args=["kl-thon-1", "giai-the"]),
        {"effective_date": "01/02/2020", "xac-nhan": "1"},
        "đảng viên đang sinh hoạt",
    )


def test_lifecycle_forms(staff, world):
    an = world.members["an"]
    url = lambda op: reverse("members:action", args=[an.pk, op])  # noqa: E731
    assert (
        staff.post(
            url("mien-sinh-hoat"), {"category": "elderly", "start": "01/01/2020"}
        ).status_code
        == 302
    )
    assert staff.post(url("het-mien"), {"end_date": "01/06/2020"}).status_code == 302
    assert (
        staff.post(
            url("sinh-hoat-tam-thoi"),
            {
                "to_org": "hh-tdp-1",
                "reason": "work",
                "start": "01/01/2021",
                "planned_end": "01/09/2021",
            },
        ).status_code
        == 302
    )
    assert staff.post(url("ket-thuc-tam-thoi"), {"end_date": "01/08/2021"}).status_code == 302
    assert staff.post(
        url("huy-hieu"), {"milestone": "30", "award_date": "19/05/2029"}
    ).status_code in (302, 400)
    assert (
        staff.post(
            url("ra-khoi-danh-sach"), {"kind": "deceased", "effective_date": "01/01/2022"}
        ).status_code
        == 302
    )
    an.refresh_from_db()
    assert an.status == "deceased"
    page = staff.get(reverse("members:detail", args=[an.pk])).content.decode()
    for label in ("Miễn công tác và sinh hoạt đảng", "Chuyển sinh hoạt tạm thời", "Từ trần"):
        assert label in page


def test_get_forms_render(staff, world):
    binh = world.members["binh"]
    from dangbo.members.views import MEMBER_ACTIONS
    from dangbo.registry.views import ORG_ACTIONS

    for op in MEMBER_ACTIONS:
        response = staff.get(reverse("members:action", args=[binh.pk, op]))
        assert response.status_code == 200
        assert 'placeholder="dd/mm/yyyy"' in response.content.decode() or op == "huy-hieu-x"
    for op in ORG_ACTIONS:  # received in a cell; the rest at a commune's committee
        org = "kl-thon-1" if op == "tiep-nhan" else "kim-long"
        assert staff.get(reverse("orgs:action", args=[org, op])).status_code == 200
    assert staff.get(reverse("orgs:action", args=["kim-long", "khong-co"])).status_code == 404
