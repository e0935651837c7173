"""Every check of an oversight assignment in one pass (issue 12): several problems come back
together, each on its field, and nothing is written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.errors import messages_of
from dangbo.oversight import services
from dangbo.oversight.models import OversightAssignment
from tests.support import counts

pytestmark = pytest.mark.django_db


def test_assignment_reports_every_problem_at_once(committee):
    w = committee
    before = counts(OversightAssignment)
    with pytest.raises(ValidationError) as caught:
        services.assign_oversight(
            actor=w.users["staff"],
            member=w.members["huong"],  # holds no committee seat
            committee=w.org("tam-duong"),
            target=w.org("vt-xa"),  # not below Tam Dương
            valid_from=date(2016, 1, 1),
            target_count=0,
            target_period="weekly",
        )
    errors = messages_of(caught.value)
    assert errors["target_count"] == ["Số lần dự sinh hoạt tối thiểu: từ 1 đến 50."]
    assert errors["target_period"] == ["Chu kỳ chỉ tiêu: chọn mỗi quý hoặc mỗi năm."]
    assert errors["target"][0].startswith("Tổ chức được phụ trách: phải là tổ chức trực thuộc")
    assert "không phải ủy viên Ban Chấp hành" in errors["member"][0]
    assert counts(OversightAssignment) == before


def test_a_missing_date_still_lets_the_other_checks_speak(committee):
    w = committee
    with pytest.raises(ValidationError) as caught:
        services.assign_oversight(
            actor=w.users["staff"],
            member=w.members["an"],
            committee=w.org("tam-duong"),
            target=w.org("vt-xa"),
            valid_from=None,
        )
    errors = messages_of(caught.value)
    assert errors["valid_from"] == ["Từ ngày: bắt buộc."]
    assert "target" in errors
