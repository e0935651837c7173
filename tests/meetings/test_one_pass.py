"""Every check of a meeting in one pass (issue 12): a record with several problems is refused
with all of them at once, each on its field, and nothing written."""

import re
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.errors import messages_of
from dangbo.core.models import AuditEntry
from dangbo.meetings import services
from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.meetings.models import Attendance, Meeting
from tests.meetings.test_web import post_data
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


# ---- the pages: the form's own errors and the service's in one answer ----------------------


def _summary_links(page: str) -> list[str]:
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="(#[^"]+)">', summary)


def test_the_record_form_shows_every_problem_in_one_answer(client, world):
    """A date the cell could not meet on, an excused absence without its reason and a
    missing required field: before, the form's error hid the service's, which came in a
    second round."""
    client.force_login(world.users["secretary"])
    before = counts(Meeting, Attendance, AuditEntry)
    an = world.members["an"]
    data = post_data(world, day=today() + timedelta(days=3), rows={"an": (S.EXCUSED, "")})
    del data["mode"]
    response = client.post(reverse("meetings:create", args=["kl-thon-1"]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ngày sinh hoạt: không được sau ngày hôm nay" in page
    assert "Hình thức: bắt buộc." in page
    assert "Điểm danh Trần Văn An: vắng có lý do cần ghi lý do." in page
    assert "Có 3 lỗi cần sửa" in page
    assert set(_summary_links(page)) == {"#id_date", "#id_mode", f"#id_ly_do_{an.pk}"}
    assert f'id="id_ly_do_{an.pk}"' in page  # the link leads somewhere
    assert counts(Meeting, Attendance, AuditEntry) == before


def test_an_unreadable_date_still_shows_the_other_problems(client, world):
    """Without a date nobody's roll can be judged, but a forged row and a missing field are
    told with the date's own message."""
    client.force_login(world.users["secretary"])
    before = counts(Meeting, Attendance, AuditEntry)
    data = post_data(world, date="31/02/2024", kind="thematic", chair="", secretary="")
    data["trang-thai-abc"] = S.PRESENT
    del data["mode"]
    response = client.post(reverse("meetings:create", args=["kl-thon-1"]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "tháng 2/2024 không có ngày 31" in page
    assert "Hình thức: bắt buộc." in page
    assert "Điểm danh: dòng “abc” không hợp lệ." in page
    assert "Chủ đề: bắt buộc với buổi sinh hoạt chuyên đề." in page  # the service's, too
    assert "Có 4 lỗi cần sửa" in page
    assert {"#id_date", "#id_mode", "#id_topic"} <= set(_summary_links(page))
    assert counts(Meeting, Attendance, AuditEntry) == before


def test_a_row_with_a_bad_status_links_to_its_first_choice(client, world):
    client.force_login(world.users["secretary"])
    an = world.members["an"]
    data = post_data(world, start_time="25:99", **{f"trang-thai-{an.pk}": "asleep"})
    response = client.post(reverse("meetings:create", args=["kl-thon-1"]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Điểm danh Trần Văn An: không hợp lệ." in page
    assert f"#id_trang_thai_{an.pk}" in _summary_links(page)
    assert f'id="id_trang_thai_{an.pk}"' in page


def test_the_edit_form_shows_every_problem_in_one_answer(client, world):
    meeting = services.record_meeting(
        actor=None, org=world.org("kl-thon-1"), day=date(2024, 5, 10), data={"kind": "regular"}
    )
    client.force_login(world.users["secretary"])
    before = counts(Meeting, AuditEntry)
    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {"kind": "thematic", "mode": "in_person", "topic": "", "start_time": "25:99"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Giờ bắt đầu" in page and "Chủ đề: bắt buộc với buổi sinh hoạt chuyên đề." in page
    assert "Có 2 lỗi cần sửa" in page
    assert counts(Meeting, AuditEntry) == before


def test_the_edit_changes_only_what_was_posted(client, world):
    """A post that leaves the officers or the minutes out (another client, an older page)
    keeps them; an officer posted empty is removed."""
    huong, an = world.members["huong"], world.members["an"]
    meeting = services.record_meeting(
        actor=None,
        org=world.org("kl-thon-1"),
        day=date(2024, 5, 10),
        data={"kind": "regular", "minutes": "Đoạn một.\nĐoạn hai."},
        chair=huong,
        secretary=an,
    )
    client.force_login(world.users["secretary"])
    url = reverse("meetings:edit", args=[meeting.pk])
    response = client.post(url, {"kind": "regular", "mode": "online", "resolution_ref": "7-NQ"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.secretary) == (huong, an)
    assert meeting.minutes == "Đoạn một.\nĐoạn hai."
    assert (meeting.mode, meeting.resolution_ref) == ("online", "7-NQ")
    response = client.post(url, {"kind": "regular", "mode": "online", "secretary": ""})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.secretary) == (huong, None)


def test_the_second_opinion_costs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    """The service's checks of a failed post read the cell and its roster once more: 10
    queries (7 before, when only the form's own error was shown), whatever the roll's size."""
    client.force_login(world.users["secretary"])
    client.get("/")  # the session and the user are loaded
    data = post_data(world, start_time="25:99", rows={"an": (S.EXCUSED, "")})
    with django_assert_max_num_queries(10):
        response = client.post(reverse("meetings:create", args=["kl-thon-1"]), data)
    page = response.content.decode()
    assert response.status_code == 400 and "Có 2 lỗi cần sửa" in page
