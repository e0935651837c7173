"""'Trang của tôi': a member's own page — their record with their own sensitive fields (the
read audited), not anyone else's; their cell's meetings; their review results with
"Tự đánh giá" while a cycle is open for them; "Gửi ý kiến" into the pipeline at their cell."""

from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.meetings import services as meetings
from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.members.choices import MemberAudit
from dangbo.members.models import Member
from dangbo.reviews import services as reviews
from dangbo.reviews.schemes import load

pytestmark = pytest.mark.django_db

MINE = "/cua-toi/"


@pytest.fixture(autouse=True)
def _schemes(db):
    load()


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_url_is_named():
    assert reverse("home:mine") == MINE


@pytest.mark.parametrize("url", ["/", MINE])
def test_a_member_sees_their_own_record_with_their_sensitive_fields(world, url):
    html = client_for(world, "member").get(url).content.decode()
    assert "Trang của tôi" in html
    for value in ("Nguyễn Thị Hương", "Kinh", "Không", "026180001234", "12345678"):
        assert value in html, value
    assert "cần quyền xem thông tin nhạy cảm" not in html
    assert "Bạn chưa được phân quyền" not in html


def test_not_another_members_record(world):
    html = client_for(world, "member").get(MINE).content.decode()
    for other in ("Trần Văn An", "Hoàng Minh Tiến", "026180009999", "Lê Văn Bình"):
        assert other not in html, other


def test_the_read_of_ones_own_sensitive_fields_is_audited(world):
    huong = world.members["huong"]
    client = client_for(world, "member")
    before = AuditEntry.objects.count()
    client.get(MINE)
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        (MemberAudit.SENSITIVE_READ, str(huong.pk), world.users["member"].pk)
    ]
    assert "chính mình" in entries[0].summary
    assert entries[0].scope_path == huong.org.path  # the cell's auditors see it
    client.get("/")
    assert AuditEntry.objects.count() == before + 2  # one entry per reading


@pytest.mark.parametrize("role", ["secretary", "staff", "nobody", "root"])
def test_a_login_without_a_member_record_has_no_own_page(world, role):
    before = AuditEntry.objects.count()
    assert client_for(world, role).get(MINE).status_code == 404
    assert AuditEntry.objects.count() == before


def test_a_secretary_who_is_a_member_has_their_own_page_too(world):
    an = world.members["an"]
    Member.objects.filter(pk=an.pk).update(user=world.users["secretary"])
    client = client_for(world, "secretary")
    html = client.get(MINE).content.decode()
    assert "Trần Văn An" in html and "Nguyễn Thị Hương" not in html
    assert "Bí thư chi bộ" in client.get("/").content.decode()  # "/" stays the secretary's


def test_a_member_only_login_without_a_record_is_told_so(world):
    Member.objects.filter(pk=world.members["huong"].pk).update(user=None)
    response = client_for(world, "member").get("/")
    assert response.status_code == 200
    assert "chưa được gắn với hồ sơ đảng viên" in response.content.decode()


def test_the_cells_meetings_recent_and_next(world):
    m = world.members
    cell = world.org("kl-thon-1")
    first = meetings.record_meeting(
        actor=world.users["secretary"],
        org=cell,
        day=date(2024, 3, 5),
        data={"kind": "regular", "start_time": time(8, 0), "topic": "Học tập nghị quyết"},
        attendance={m["huong"].pk: S.PRESENT, m["an"].pk: S.UNEXCUSED},
    )
    meetings.record_meeting(
        actor=world.users["secretary"],
        org=cell,
        day=date(2024, 4, 5),
        data={"kind": "thematic", "start_time": time(8, 0), "topic": "Chuyên đề dân vận"},
    )
    meetings.record_meeting(
        actor=world.users["secretary"],
        org=world.org("kl-thon-2"),
        day=date(2024, 3, 6),
        data={"kind": "regular", "topic": "Chi bộ khác"},
    )
    html = client_for(world, "member").get(MINE, {"ngay": "20/03/2024"}).content.decode()
    recent, upcoming = html.split("Gần đây", 1)[1], html.split("Sắp tới", 1)[1].split("Gần đây")[0]
    assert "05/03/2024" in recent and "Học tập nghị quyết" in recent and "Có mặt" in recent
    assert "05/04/2024" in upcoming and "Chuyên đề dân vận" in upcoming
    assert "Chi bộ khác" not in html and "Vắng không lý do" not in html  # An's mark: not hers
    assert first.pk  # the meeting pages stay the cell's: no link a member could not open
    assert reverse("meetings:detail", args=[first.pk]) not in html


def _cycle(world, year, *, open_now=True):
    return reviews.open_cycle(
        actor=world.users["admin"],
        org=world.org("kim-long"),
        year=year,
        opens_on=today() - timedelta(days=10) if open_now else date(year, 11, 15),
        closes_on=today() + timedelta(days=20) if open_now else date(year + 1, 1, 31),
    )


def test_self_assessment_offered_while_a_cycle_is_open_for_them(world):
    open_now = _cycle(world, 2022)
    closed = _cycle(world, 2016, open_now=False)
    client = client_for(world, "member")
    html = client.get(MINE).content.decode()
    assert reverse("reviews:self_assess", args=[open_now.pk]) in html and "Tự đánh giá" in html
    assert reverse("reviews:self_assess", args=[closed.pk]) not in html
    assert client.get(reverse("reviews:self_assess", args=[open_now.pk])).status_code == 200
    # once begun, the page shows their evaluation instead
    ev = reviews.self_assess(
        actor=world.users["member"], cycle=open_now, level="htt", member=world.members["huong"]
    )
    html = client.get(MINE).content.decode()
    assert reverse("reviews:evaluation", args=[ev.pk]) in html
    assert reverse("reviews:self_assess", args=[open_now.pk]) not in html
    # a locked cycle offers nothing
    ev2 = reviews.propose(actor=world.users["admin"], evaluation=ev, level="htt")
    reviews.decide(
        actor=world.users["admin"], evaluation=ev2, level="htt", by_org=reviews.competent_body(ev2)
    )
    reviews.lock_cycle(actor=world.users["admin"], cycle=open_now)
    html = client.get(MINE).content.decode()
    assert "Việc của tôi" in html  # still "Gửi ý kiến"
    assert reverse("reviews:self_assess", args=[open_now.pk]) not in html


def test_results_by_year(world):
    cycle = _cycle(world, 2022)
    huong = world.members["huong"]
    ev = reviews.self_assess(actor=world.users["admin"], cycle=cycle, level="htt", member=huong)
    ev = reviews.propose(actor=world.users["admin"], evaluation=ev, level="htt")
    ev = reviews.decide(
        actor=world.users["admin"], evaluation=ev, level="htt", by_org=reviews.competent_body(ev)
    )
    html = client_for(world, "member").get(MINE).content.decode()
    section = html.split("Kết quả đánh giá, xếp loại của tôi", 1)[1]
    assert "2022" in section and ev.final_level.name in section and "Liên tục hiện nay" in section


def test_send_an_opinion_from_the_page(world):
    client = client_for(world, "member")
    html = client.get(MINE).content.decode()
    action = reverse("oversight:my_opinions")
    assert f'action="{action}"' in html and 'name="topic"' in html
    response = client.post(action, {"topic": "ha-tang", "text": "Xin lắp đèn đường xóm Chùa."})
    assert response.status_code == 302
    html = client.get(MINE).content.decode()
    assert "Xin lắp đèn đường xóm Chùa." in html and "Mới tiếp nhận" in html


def test_query_count_is_pinned(world, django_assert_max_num_queries):
    _cycle(world, 2022)
    client = client_for(world, "member")
    client.get(MINE)
    # 25 on PostgreSQL, whose audit lock is a query; 24 on SQLite
    with django_assert_max_num_queries(25):
        assert client.get(MINE).status_code == 200


def test_the_member_page_of_ones_own_record_shows_the_sensitive_fields_too(world):
    """The full record behind "Trang của tôi" (members:detail) no longer says "cần quyền"
    to its own member; another record still needs the grant."""
    client = client_for(world, "member")
    huong = world.members["huong"]
    before = AuditEntry.objects.count()
    html = client.get(reverse("members:detail", args=[huong.pk])).content.decode()
    assert "026180001234" in html and "cần quyền xem thông tin nhạy cảm" not in html
    entry = AuditEntry.objects.order_by("id")[before:].get()
    assert entry.action == MemberAudit.SENSITIVE_READ and "chính mình" in entry.summary
    client = client_for(world, "secretary")  # no sensitive grant, not her record
    html = client.get(reverse("members:detail", args=[huong.pk])).content.decode()
    assert "026180001234" not in html and "cần quyền xem thông tin nhạy cảm" in html
