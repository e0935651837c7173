"""Defects found in review: the rule-13 list named the current cell of a flagged member
who has since moved out of the viewer's scope (web page and API)."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.services import issue_token
from dangbo.meetings import services
from dangbo.meetings.choices import AttendanceStatus
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db

ELSEWHERE = "Chi bộ thôn Bảo Sơn"  # vt-thon, out of Tam Dương's scope


@pytest.fixture
def moved_away(world):
    """Hương missed three monthly meetings of Đồng Bông without reason in 2016, then moved
    to a cell of Vĩnh Tường."""
    huong = world.members["huong"]
    for month in (1, 2, 3):
        services.record_meeting(
            actor=None,
            org=world.org("kl-thon-1"),
            day=date(2016, month, 10),
            data={"kind": "regular"},
            attendance={huong.pk: AttendanceStatus.UNEXCUSED},
        )
    Member.objects.filter(pk=huong.pk).update(org=world.org("vt-thon"))
    return huong


def test_compliance_page_hides_the_cell_a_flagged_member_moved_to(client, world, moved_away):
    client.force_login(world.users["staff"])
    url = reverse("meetings:compliance")
    page = client.get(url, {"to-chuc": "tam-duong", "ngay": "31/12/2016"}).content.decode()
    assert moved_away.full_name in page  # still listed for the cell to consider
    assert ELSEWHERE not in page and "vt-thon" not in page
    # One who may see Vĩnh Tường still sees where she went.
    client.force_login(world.users["root"])
    page = client.get(url, {"to-chuc": "tam-duong", "ngay": "31/12/2016"}).content.decode()
    assert ELSEWHERE in page


def test_compliance_api_hides_the_cell_a_flagged_member_moved_to(client, world, moved_away):
    key = issue_token(actor=None, user=world.users["staff"], name="review")
    response = client.get(
        "/api/v1/meetings/compliance",
        {"org": "tam-duong", "as_of": "2016-12-31"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    [flag] = response.json()["flagged_members"]
    assert flag["member_id"] == moved_away.pk and flag["months"] == 3
    assert (flag["org_code"], flag["org_name"]) == ("", "")
    assert ELSEWHERE not in response.content.decode()
