"""Issue 4's walk in Chromium, under the strict CSP: a standing-committee member opens "my
organisations", records a visit to a village cell's meeting with two opinions heard, sends
one to the commune committee; the commune's staff answers it; the member sees it answered."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.meetings.rules import quarter_bounds, quarter_of
from dangbo.members.models import Member
from dangbo.orgs import services as org_services
from dangbo.oversight import services
from dangbo.oversight.choices import OpinionState
from dangbo.oversight.models import Opinion, Visit
from dangbo.registry import services as registry_services

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"


def _setup(world):
    """Trần Văn An sits on the district's standing committee, oversees Kim Long, and leads
    this quarter's working group, which has the village cell kl-thon-1 in its plan."""
    district = world.org("tam-duong")
    body = org_services.create_body(
        actor=None,
        org=district,
        body_type="executive_committee",
        term_start_year=2015,
        term_end_year=2020,
        valid_from=date(2015, 7, 17),
    )
    an = world.members["an"]
    registry_services.assign_position(
        actor=None,
        member=an,
        org=district,
        title="standing_member",
        body=body,
        valid_from=date(2015, 7, 17),
    )
    Member.objects.filter(pk=an.pk).update(user=world.users["committee"])
    services.assign_oversight(
        actor=None,
        member=an,
        committee=district,
        target=world.org("kim-long"),
        valid_from=date(2016, 1, 4),
    )
    start, end = quarter_bounds(today().year, quarter_of(today()))
    group = services.create_working_group(
        actor=None,
        committee=district,
        name="Tổ công tác số 1",
        period_start=start,
        period_end=end,
        leader=an,
    )
    services.add_group_target(actor=None, group=group, org=world.org("kl-thon-1"))
    return group


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + reverse("home:index"))  # each role's home


def _logout(page):
    page.click("header.site form button.link")
    page.wait_for_selector("#id_username")


def test_visit_opinion_answered(flushable_audit, live_server, world, browser_page):
    _setup(world)
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    base = live_server.url

    # The committee member's "my organisations": Kim Long to oversee, kl-thon-1 to attend.
    _login(page, base, "committee")
    page.click("nav.main >> text=Phụ trách")
    mine = page.locator("main").inner_text()
    assert "Đảng bộ xã Kim Long" in mine and "Chi bộ thôn Đồng Bông" in mine
    page.click("text=Ghi dự sinh hoạt")

    # The visit, with two opinions heard.
    day = max(today() - timedelta(days=1), quarter_bounds(today().year, quarter_of(today()))[0])
    page.fill("#id_date", f"{day:%d/%m/%Y}")
    page.fill("#id_notes", "Chi bộ sinh hoạt đúng nội dung; đảng viên phát biểu sôi nổi.")
    page.select_option("#id_y1-source", "citizen")
    page.select_option("#id_y1-topic", label="Hạ tầng, giao thông, xây dựng")
    page.fill("#id_y1-text", "Đường liên thôn Đồng Bông xuống cấp, đề nghị sửa chữa.")
    page.select_option("#id_y2-source", "member")
    page.select_option("#id_y2-topic", label="Thủ tục hành chính")
    page.fill("#id_y2-text", "Thủ tục chứng thực còn phải đi lại nhiều lần.")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/giam-sat/du-sinh-hoat/*/")
    visit = Visit.objects.get()
    assert visit.group is not None and not visit.without_mandate
    assert visit.attendees.get().assignment is not None  # counts toward Kim Long's target
    assert Opinion.objects.filter(visit=visit).count() == 2
    road = Opinion.objects.get(text__startswith="Đường liên thôn")

    # Sent to the commune committee with a deadline.
    page.click(f"a[href='{reverse('oversight:opinion', args=[road.pk])}']")
    page.fill("#id_assign-to_org", "kim-long")
    page.fill("#id_assign-deadline", f"{today() + timedelta(days=30):%d/%m/%Y}")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.wait_for_selector("text=Đã giao xử lý")
    road.refresh_from_db()
    assert road.state == OpinionState.ASSIGNED and road.assigned_to.code == "kim-long"
    _logout(page)

    # The commune's staff answers it.
    _login(page, base, "sensitive_staff")
    page.goto(base + reverse("oversight:opinion", args=[road.pk]))
    page.fill("#id_answer-answer", "Đã đưa tuyến đường vào kế hoạch sửa chữa quý tới.")
    page.fill("#id_answer-approved_by", "Bí thư Đảng ủy xã Kim Long")
    page.click("form[action$='/answer/'] button[type=submit]")
    page.wait_for_selector("text=Đã trả lời")
    _logout(page)

    # The member sees it answered on "my organisations" and on the opinion's page.
    _login(page, base, "committee")
    page.click("nav.main >> text=Phụ trách")
    assert "Đã trả lời" in page.locator("main").inner_text()
    page.goto(base + reverse("oversight:opinion", args=[road.pk]))
    text = page.locator("main").inner_text()
    assert "Đã đưa tuyến đường vào kế hoạch" in text and "Bí thư Đảng ủy xã Kim Long" in text
    road.refresh_from_db()
    assert road.state == OpinionState.ANSWERED
    assert [s.to_state for s in road.steps.order_by("on", "id")] == [
        OpinionState.RECEIVED,
        OpinionState.ASSIGNED,
        OpinionState.ANSWERED,
    ]
    assert not [m for m in console if "Content Security Policy" in m], console
