"""A member sends an opinion from their own page ("Ý kiến của tôi"): it enters the opinions
pipeline at their own cell (received, source "member", the cell as the organisation), is
audited, is listed for them (theirs only) and among the cell's opinions for its secretary."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.members.models import Member
from dangbo.oversight import services
from dangbo.oversight.choices import OpinionAudit, OpinionChannel, OpinionSource, OpinionState
from dangbo.oversight.models import Opinion, OpinionStep, OpinionTopic
from tests.support import counts

pytestmark = pytest.mark.django_db

URL = "/giam-sat/y-kien/cua-toi/"


def _send(client, text="Đề nghị sửa đường vào xóm Đông.", topic="ha-tang", **extra):
    return client.post(URL, {"text": text, "topic": topic, **extra})


def test_the_url_is_named():
    assert reverse("oversight:my_opinions") == URL


def test_member_sends_an_opinion_at_their_own_cell(client, world):
    client.force_login(world.users["member"])
    before = AuditEntry.objects.count()
    response = _send(client)
    assert response.status_code == 302 and response["Location"] == URL
    opinion = Opinion.objects.get()
    cell = world.org("kl-thon-1")
    assert opinion.org == cell
    assert opinion.received_by == world.org("kim-long")  # the committee above a sub-cell
    assert opinion.grassroots == world.org("kim-long")
    assert opinion.state == OpinionState.RECEIVED
    assert opinion.source == OpinionSource.MEMBER
    assert opinion.channel == OpinionChannel.PORTAL
    assert opinion.received_on == today()
    assert opinion.submitter_member == world.members["huong"]
    assert opinion.topic.code == "ha-tang"
    assert opinion.recorded_by == world.users["member"]
    step = OpinionStep.objects.get(opinion=opinion)
    assert step.to_state == OpinionState.RECEIVED and step.org == world.org("kim-long")
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in entries] == [OpinionAudit.RECEIVED]
    assert entries[0].object_id == str(opinion.pk) and entries[0].actor == world.users["member"]
    # ... and they see it listed, with its state, after the redirect
    page = client.get(URL).content.decode()
    assert "Đề nghị sửa đường vào xóm Đông." in page and "Mới tiếp nhận" in page
    assert f"Đã gửi ý kiến #{opinion.pk} tới Đảng bộ xã Kim Long." in page


def test_a_member_cannot_send_it_anywhere_else(client, world):
    """Whatever the request names, the opinion lands at the member's own cell."""
    client.force_login(world.users["member"])
    other = world.org("vt-thon")
    response = _send(
        client, org=other.pk, received_by=other.pk, **{"to-chuc": "vt-thon", "chi-bo": "vt-thon"}
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.org == world.org("kl-thon-1")
    assert opinion.received_by == world.org("kim-long")
    assert (
        client.post(URL + "?to-chuc=vt-thon", {"text": "x", "topic": "ha-tang"}).status_code == 302
    )
    assert set(Opinion.objects.values_list("org__code", flat=True)) == {"kl-thon-1"}


def test_a_grassroots_cell_receives_its_members_opinions_itself(world):
    khanh = world.members["khanh"]  # Chi bộ Tòa án: a grassroots cell under the district
    Member.objects.filter(pk=khanh.pk).update(user=world.users["nobody"])
    opinion = services.send_member_opinion(
        actor=world.users["nobody"], text="Góp ý về lịch sinh hoạt.", topic=_topic()
    )
    assert opinion.org == opinion.received_by == world.org("cb-toa-an")


def _topic(code="ha-tang"):
    return OpinionTopic.objects.get(code=code)


@pytest.mark.parametrize("role", ["nobody", "staff", "secretary", "root"])
def test_a_login_without_a_member_record_has_no_such_page(client, world, role):
    client.force_login(world.users[role])
    before = counts(Opinion, OpinionStep, AuditEntry)
    assert client.get(URL).status_code == 404
    assert _send(client).status_code == 404
    assert counts(Opinion, OpinionStep, AuditEntry) == before


def test_the_service_refuses_a_login_without_an_active_member(world):
    with pytest.raises(ValidationError) as exc:
        services.send_member_opinion(actor=world.users["staff"], text="x", topic=_topic())
    assert "Chỉ đảng viên đang sinh hoạt" in str(exc.value)
    Member.objects.filter(pk=world.members["huong"].pk).update(status="deceased")
    with pytest.raises(ValidationError):
        services.send_member_opinion(actor=world.users["member"], text="x", topic=_topic())
    assert not Opinion.objects.exists()


def test_bad_input_names_the_field_in_vietnamese_and_writes_nothing(client, world):
    client.force_login(world.users["member"])
    before = counts(Opinion, OpinionStep, AuditEntry)
    response = _send(client, text="   ", topic="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Lĩnh vực: bắt buộc." in page and "Nội dung ý kiến: bắt buộc." in page
    assert "Có 2 lỗi cần sửa" in page  # both, in one pass, at the top
    response = _send(client, text="Nội dung\u202e lật ngược")
    assert response.status_code == 400
    assert "Nội dung ý kiến:" in response.content.decode()  # the service names the field
    response = _send(client, topic="khong-co")
    assert response.status_code == 400
    assert "Lĩnh vực: lựa chọn không hợp lệ." in response.content.decode()
    assert counts(Opinion, OpinionStep, AuditEntry) == before


def test_a_member_sees_only_their_own_opinions(client, world):
    cell = world.org("kl-thon-1")
    others = services.record_opinion(
        actor=None,
        received_on=today(),
        source="member",
        channel="staff",
        text="Ý kiến của người khác trong chi bộ.",
        topic=_topic(),
        org=cell,
        received_by=world.org("kim-long"),
        submitter_member=world.members["an"],
    )
    client.force_login(world.users["member"])
    _send(client, text="Ý kiến riêng của Hương.")
    page = client.get(URL).content.decode()
    assert "Ý kiến riêng của Hương." in page
    assert "Ý kiến của người khác trong chi bộ." not in page
    # the cell's list and another opinion's page stay closed to a member
    assert client.get(reverse("oversight:opinion", args=[others.pk])).status_code == 404
    mine = Opinion.objects.get(submitter_member=world.members["huong"])
    assert client.get(reverse("oversight:opinion", args=[mine.pk])).status_code == 404
    assert client.get(reverse("oversight:opinions") + "?to-chuc=kl-thon-1").status_code == 404


def test_the_cell_secretary_and_the_commune_see_it_at_the_cell(client, world):
    client.force_login(world.users["member"])
    _send(client, text="Đề nghị chi bộ họp sớm hơn.")
    opinion = Opinion.objects.get()
    client.force_login(world.users["secretary"])
    page = client.get(reverse("oversight:opinions")).content.decode()  # their cell by default
    assert "Đề nghị chi bộ họp sớm hơn." in page
    detail = client.get(reverse("oversight:opinion", args=[opinion.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    # the sender is sensitive: not shown without the grant, neither as the submitter nor as
    # the one who recorded the first step of the history
    assert "Nguyễn Thị Hương" not in text and "huong" not in text
    assert "Đảng viên gửi qua Trang của tôi" in text
    assert "Thông tin người nêu được bảo vệ" in text
    # the commune's staff with the sensitive grant steer it and may see who sent it
    client.force_login(world.users["sensitive_staff"])
    text = client.get(reverse("oversight:opinion", args=[opinion.pk])).content.decode()
    assert "Nguyễn Thị Hương" in text
    assert "Giao xử lý" in text  # the committee that received it steers it
    # an outsider does not see it at all
    client.force_login(world.users["outsider"])
    assert client.get(reverse("oversight:opinion", args=[opinion.pk])).status_code == 404


def test_the_page_query_count_is_bounded(client, world, django_assert_max_num_queries):
    client.force_login(world.users["member"])
    for n in range(3):
        _send(client, text=f"Ý kiến số {n}.")
    client.get(URL)
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert response.content.decode().count("Mới tiếp nhận") == 3


def test_the_menu_marks_the_members_home(client, world):
    """ "Ý kiến của tôi" is part of the member's own page: "Trang chủ" is the current item."""
    client.force_login(world.users["member"])
    page = client.get(URL).content.decode()
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', page)
    assert current == ["Trang chủ"], current


def test_the_opinions_menu_sends_a_member_to_their_own_opinions(client, world):
    """Before, "Ý kiến" told a member they had no scope: a dead end."""
    client.force_login(world.users["member"])
    response = client.get(reverse("oversight:opinions"))
    assert response.status_code == 302 and response["Location"] == URL
    client.force_login(world.users["nobody"])  # no member record: the page says so
    assert client.get(reverse("oversight:opinions")).status_code == 200
