"""Every check of a member's record in one pass (issue 12): an edit or an admission with
several problems is refused with all of them, each on its field, and nothing written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.errors import messages_of
from dangbo.members import services
from dangbo.members.models import Member, MemberEvent
from tests.support import counts

pytestmark = pytest.mark.django_db


def test_an_edit_reports_the_age_with_the_other_fields(world):
    an = world.members["an"]  # admitted in 1999
    before = counts(Member, MemberEvent)
    with pytest.raises(ValidationError) as caught:
        services.update_member(
            actor=None,
            member=an,
            data={"date_of_birth": date(1990, 1, 1), "phone": "12ab", "full_name": ""},
        )
    errors = messages_of(caught.value)
    assert set(errors) == {"date_of_birth", "phone", "full_name"}, errors
    assert errors["date_of_birth"][0].startswith("Ngày sinh: ")
    assert errors["phone"] == ["Điện thoại: phải gồm 8–15 chữ số."]
    assert counts(Member, MemberEvent) == before


def test_check_admission_judges_only_what_it_is_given(world):
    """The form's second opinion: the fields the form refused are left out, not 'missing'."""
    problems = services.check_admission(
        {"card_number": "12345678"},
        admission_decision_date=date(2016, 3, 1),
        admission_ceremony_date=date(2016, 1, 1),
    )
    assert problems["card_number"] == "Số thẻ đảng viên: đã được sử dụng."
    assert problems["admission_ceremony_date"] == (
        "Ngày lễ kết nạp: không được trước ngày quyết định kết nạp."
    )
    assert set(problems) == {"card_number", "admission_ceremony_date"}  # no "bắt buộc"
    assert Member.objects.filter(card_number="12345678").count() == 1  # nothing written
