"""Forms that forgive (issue 12): every problem of a post in one answer, listed at the top
with links to the fields, each field marked for assistive technology; no fact preselected."""

import re

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.members.models import Member, MemberEvent
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
# Two mistakes the form finds, two only the admission service knows about.
MISTAKES = {
    "full_name": "",
    "date_of_birth": "31/02/1990",
    "card_number": "12345678",  # held by another member
    "admission_ceremony_date": "01/01/2016",  # before the decision
}
EXPECTED = {
    "full_name": "Họ và tên: bắt buộc.",
    "date_of_birth": "Ngày sinh: tháng 2/1990 không có ngày 31 (chỉ có 28 ngày).",
    "card_number": "Số thẻ đảng viên: đã được sử dụng.",
    "admission_ceremony_date": "Ngày lễ kết nạp: không được trước ngày quyết định kết nạp.",
}


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff"])
    return client


def _summary(page: str) -> str:
    match = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no error summary"
    return match[1]


def test_every_problem_of_the_admission_form_in_one_answer(staff, world):
    before = counts(Member, MemberEvent, AuditEntry)
    response = staff.post(reverse("members:admit", args=["kl-thon-1"]), {**ADMIT, **MISTAKES})
    page = response.content.decode()
    assert response.status_code == 400
    summary = _summary(page)
    assert "Có 4 lỗi cần sửa" in summary
    for name, message in EXPECTED.items():
        assert f'<a href="#id_{name}">{message}</a>' in summary, name
        # The input says it is wrong and points at its message.
        tag = re.search(rf'<(?:input|select)[^>]*id="id_{name}"[^>]*>', page)[0]
        assert 'aria-invalid="true"' in tag, tag
        assert f'aria-describedby="id_{name}_error"' in tag, tag
        assert re.search(rf'id="id_{name}_error">\s*<p>{re.escape(message)}</p>', page)
    # The summary comes before the first field.
    assert page.index("error-summary") < page.index('id="id_full_name"')
    assert counts(Member, MemberEvent, AuditEntry) == before


def test_the_service_checks_run_once_the_form_is_clean(staff, world):
    """With the form's own inputs right, the service still answers all its problems at once."""
    response = staff.post(
        reverse("members:admit", args=["kl-thon-1"]),
        {**ADMIT, "card_number": "12345678", "admission_ceremony_date": "01/01/2016"},
    )
    summary = _summary(response.content.decode())
    assert "Có 2 lỗi cần sửa" in summary
    assert EXPECTED["card_number"] in summary
    assert EXPECTED["admission_ceremony_date"] in summary


def test_a_good_admission_still_goes_through(staff, world):
    response = staff.post(
        reverse("members:admit", args=["kl-thon-1"]), {**ADMIT, "date_of_birth": "10101990"}
    )
    assert response.status_code == 302
    assert Member.objects.get(full_name="Ngô Văn Mới").date_of_birth.isoformat() == "1990-10-10"


def test_gender_is_not_preselected(staff, world):
    page = staff.get(reverse("members:admit", args=["kl-thon-1"])).content.decode()
    select = re.search(r'<select name="gender"[^>]*>(.*?)</select>', page, re.S)[1]
    options = re.findall(r"<option[^>]*>", select)
    assert options[0] == '<option value="" selected>'
    assert sum("selected" in o for o in options) == 1
    response = staff.post(reverse("members:admit", args=["kl-thon-1"]), {**ADMIT, "gender": ""})
    assert response.status_code == 400
    assert '<a href="#id_gender">Giới tính: bắt buộc.</a>' in response.content.decode()


def test_other_facts_are_not_preselected(staff, world):
    member = world.members["an"]
    for op, name in (
        ("ra-khoi-danh-sach", "kind"),
        ("mien-sinh-hoat", "category"),
        ("sinh-hoat-tam-thoi", "reason"),
    ):
        url = reverse("members:action", args=[member.pk, op])
        page = staff.get(url).content.decode()
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
        assert select, op
        assert re.findall(r"<option[^>]*>", select[1])[0] == '<option value="" selected>', op


def test_a_new_organisation_has_no_preselected_kind_or_sector(staff, world):
    page = staff.get(reverse("orgs:action", args=["kim-long", "tao-truc-thuoc"])).content.decode()
    for name in ("kind", "sector"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
        assert re.findall(r"<option[^>]*>", select[1])[0] == '<option value="" selected>', name


def test_date_fields_take_a_text_keyboard(staff, world):
    page = staff.get(reverse("members:admit", args=["kl-thon-1"])).content.decode()
    tag = re.search(r'<input[^>]*id="id_date_of_birth"[^>]*>', page)[0]
    assert "inputmode" not in tag
    assert 'placeholder="dd/mm/yyyy"' in tag and 'autocomplete="off"' in tag


def test_no_summary_before_a_submit(staff, world):
    page = staff.get(reverse("members:admit", args=["kl-thon-1"])).content.decode()
    assert "error-summary" not in page and "aria-invalid" not in page


def test_the_edit_form_shows_the_service_problems_with_its_own(staff, world):
    """A wrong date (the form) and a card another member holds (the service): one answer."""
    binh = world.members["binh"]
    url = reverse("members:action", args=[binh.pk, "sua-ho-so"])
    before = counts(Member, MemberEvent, AuditEntry)
    response = staff.post(
        url,
        {
            "full_name": binh.full_name,
            "gender": binh.gender,
            "date_of_birth": "30/02/1990",
            "card_number": "12345678",
        },
    )
    summary = _summary(response.content.decode())
    assert response.status_code == 400
    assert "Có 2 lỗi cần sửa" in summary
    assert '<a href="#id_date_of_birth">Ngày sinh: tháng 2/1990 không có ngày 30' in summary
    assert '<a href="#id_card_number">Số thẻ đảng viên: đã được sử dụng.</a>' in summary
    assert counts(Member, MemberEvent, AuditEntry) == before
