"""Absence reasons are sensitive (issue 11, point 4): the meeting page, the attendance
table, the API and the minutes show a reason only to a viewer with the SENSITIVE grant over
the cell; others see "Vắng có lý do" without it. A secretary without the grant still records
reasons, and re-saving the table without retyping a hidden reason keeps it."""

import io
from datetime import date, time

import pytest
from django.urls import reverse
from docx import Document

from dangbo.core.services import issue_token
from dangbo.meetings import services
from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.meetings.models import Attendance
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

REASON = "Ốm nặng, điều trị ung thư"
DAY = date(2024, 5, 10)
# Who sees the reason: only the admin holds the SENSITIVE grant (over tam-duong).
WHO = ["admin", "staff", "secretary", "committee", "member"]


@pytest.fixture
def meeting(world):
    m = world.members
    return services.record_meeting(
        actor=world.users["secretary"],
        org=world.org("kl-thon-1"),
        day=DAY,
        data={"kind": "regular", "start_time": time(8, 0), "end_time": time(10, 0)},
        attendance={m["huong"].pk: S.PRESENT, m["an"].pk: (S.EXCUSED, REASON)},
    )


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(p.text for cell in row.cells for p in cell.paragraphs)
    return "\n".join(parts)


@pytest.mark.parametrize("who", WHO)
def test_the_meeting_page_and_the_minutes(client, world, meeting, who):
    client.force_login(world.users[who])
    granted = who == "admin"
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    if page.status_code != 200:
        assert page.status_code in (403, 404) and not granted
    else:
        text = page.content.decode()
        assert "Trần Văn An" in text and "Vắng có lý do" in text
        assert (REASON in text) is granted
    response = client.get(reverse("meetings:minutes_docx", args=[meeting.pk]))
    if response.status_code != 200:
        assert response.status_code in (403, 404) and not granted
        return
    text = _docx_text(response.content)
    assert "Vắng có lý do: 1 đồng chí — đồng chí Trần Văn An" in text
    assert (REASON in text) is granted


@pytest.mark.parametrize("who", WHO)
def test_the_attendance_table(client, world, meeting, who):
    client.force_login(world.users[who])
    response = client.get(reverse("meetings:attendance", args=[meeting.pk]))
    if response.status_code != 200:
        assert response.status_code in (403, 404) and who != "admin"
        return
    assert (REASON in response.content.decode()) is (who == "admin")


@pytest.mark.parametrize("who", WHO)
def test_the_api(world, meeting, who):
    api = Api({who: issue_token(actor=None, user=world.users[who], name="test")})
    response = api.get(who, f"/meetings/{meeting.pk}")
    if response.status_code != 200:
        assert response.status_code in (403, 404) and who != "admin"
        return
    assert (REASON in response.content.decode()) is (who == "admin")
    rows = {a["full_name"]: a for a in response.json()["attendance"]}
    an = rows["Trần Văn An"]
    assert an["status_label"] == "Vắng có lý do"
    assert an["reason"] == (REASON if who == "admin" else None)


def test_the_matrix_has_each_kind_of_viewer(client, world, meeting):
    """The matrix above is not vacuous: the secretary and the staff read the meeting."""
    for who in ("secretary", "staff", "admin"):
        client.force_login(world.users[who])
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_a_secretary_without_the_grant_records_and_keeps_reasons(client, world, meeting):
    m = world.members
    client.force_login(world.users["secretary"])
    url = reverse("meetings:attendance", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert REASON not in page and "để trống để giữ nguyên" in page
    # Re-saved as shown (the hidden reason left empty): the stored reason stays.
    post = {
        f"trang-thai-{m['huong'].pk}": S.PRESENT,
        f"ly-do-{m['huong'].pk}": "",
        f"trang-thai-{m['an'].pk}": S.EXCUSED,
        f"ly-do-{m['an'].pk}": "",
        f"trang-thai-{m['binh'].pk}": S.EXCUSED,
        f"ly-do-{m['binh'].pk}": "Đi công tác",
    }
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:800]
    reasons = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "reason"))
    assert reasons[m["an"].pk] == REASON and reasons[m["binh"].pk] == "Đi công tác"
    # A newly excused absence still needs its reason.
    post[f"ly-do-{m['binh'].pk}"] = ""
    Attendance.objects.filter(meeting=meeting, member=m["binh"]).update(status=S.PRESENT)
    assert client.post(url, post).status_code == 400


def test_an_api_resave_without_a_hidden_reason_keeps_it(world, meeting):
    m = world.members
    api = Api({"secretary": issue_token(actor=None, user=world.users["secretary"], name="t")})
    body = {
        "attendance": [
            {"member_id": m["huong"].pk, "status": "present"},
            {"member_id": m["an"].pk, "status": "absent_excused"},
        ]
    }
    response = api.call("secretary", "put", f"/meetings/{meeting.pk}/attendance", body)
    assert response.status_code == 200, response.content
    assert Attendance.objects.get(meeting=meeting, member=m["an"]).reason == REASON
