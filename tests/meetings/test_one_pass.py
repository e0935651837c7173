"""Every check of a meeting in one pass (issue 12): a record with several problems is refused
with all of them at once, each on its field, and nothing written."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.errors import messages_of
from dangbo.meetings import services
from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.meetings.models import Attendance, Meeting
from tests.support import counts

pytestmark = pytest.mark.django_db


def test_record_meeting_reports_every_problem_at_once(world):
    before = counts(Meeting, Attendance)
    an = world.members["an"]
    with pytest.raises(ValidationError) as caught:
        services.record_meeting(
            actor=world.users["secretary"],
            org=world.org("kl-thon-1"),
            day=date(1990, 1, 1),  # before the cell was founded
            data={
                "kind": "thematic",  # without a topic
                "start_time": time(9, 0),
                "end_time": time(8, 0),
            },
            chair=world.members["dung"],  # of another cell
            attendance={an.pk: S.EXCUSED},  # without a reason
        )
    errors = messages_of(caught.value)
    assert set(errors) >= {"date", "topic", "end_time", "chair"}, errors
    assert errors["topic"] == ["Chủ đề: bắt buộc với buổi sinh hoạt chuyên đề."]
    assert errors["end_time"] == ["Giờ kết thúc: phải sau giờ bắt đầu."]
    assert "trước ngày thành lập" in errors["date"][0]
    assert errors["chair"][0].startswith("Chủ trì: Phạm Thị Dung không sinh hoạt ở chi bộ này")
    assert counts(Meeting, Attendance) == before


def test_the_attendance_rows_are_judged_with_the_rest(world):
    an = world.members["an"]
    with pytest.raises(ValidationError) as caught:
        services.record_meeting(
            actor=world.users["secretary"],
            org=world.org("kl-thon-1"),
            day=date(2020, 5, 5),
            data={"kind": "regular", "start_time": time(9, 0), "end_time": time(8, 0)},
            attendance={an.pk: S.EXCUSED},
        )
    errors = messages_of(caught.value)
    assert errors["end_time"] == ["Giờ kết thúc: phải sau giờ bắt đầu."]
    assert errors[f"attendance-{an.pk}"] == ["Điểm danh Trần Văn An: vắng có lý do cần ghi lý do."]
