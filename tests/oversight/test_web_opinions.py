"""Web pages for visits and opinions: the lifecycle through the browser's forms, the
permission matrix, the protected submitter, and bad input changing nothing."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.meetings.models import Meeting
from dangbo.members.models import Member
from dangbo.oversight import services
from dangbo.oversight.models import Opinion, OpinionStep, OpinionTopic, Visit
from dangbo.registry import services as registry_services
from tests.support import counts

pytestmark = pytest.mark.django_db

ROLES = [
    "root",
    "admin",
    "staff",
    "committee",
    "secretary",
    "auditor",
    "sensitive_staff",
    "member",
    "outsider",
    "nobody",
]
SUBMITTER = "Nguyễn Văn Dân"
HIDDEN = "Thông tin người nêu được bảo vệ"


def _d(day) -> str:
    return f"{day:%d/%m/%Y}"


def _topic(code="dat-dai"):
    return OpinionTopic.objects.get(code=code)


# Row counts that must not change when a request is refused.
MODELS = (Visit, Opinion, OpinionStep, Meeting)


def _page(response) -> str:
    return response.content.decode()


@pytest.fixture
def committee_seat(world):
    """Vũ Quốc Khánh: a member of the Tam Dương executive committee, the committee user's
    own record, assigned to oversee Kim Long (so a visit to its villages is in mandate)."""
    from datetime import date

    from dangbo.orgs import services as org_services

    td = world.org("tam-duong")
    body = org_services.create_body(
        actor=None,
        org=td,
        body_type="executive_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 1, 1),
    )
    khanh = world.members["khanh"]
    registry_services.assign_position(
        actor=None,
        member=khanh,
        org=td,
        title="committee_member",
        body=body,
        valid_from=date(2020, 1, 1),
    )
    Member.objects.filter(pk=khanh.pk).update(user=world.users["committee"])
    assignment = services.assign_oversight(
        actor=None,
        member=khanh,
        committee=td,
        target=world.org("kim-long"),
        valid_from=date(2020, 1, 1),
    )
    khanh.refresh_from_db()
    return khanh, assignment


def _opinion(world, org="kl-thon-1", received_by="tam-duong", days_ago=5, **extra):
    return services.record_opinion(
        actor=None,
        received_on=today() - timedelta(days=days_ago),
        source="citizen",
        channel="staff",
        text=extra.pop("text", "Đường liên thôn xuống cấp."),
        topic=extra.pop("topic", _topic()),
        org=world.org(org),
        received_by=world.org(received_by),
        **extra,
    )


def _assigned(world, to="kim-long", **kw):
    op = _opinion(world, **kw)
    return services.assign_opinion(
        actor=None, opinion=op, to_org=world.org(to), deadline=today() + timedelta(days=20)
    )


def _answered(world):
    op = _assigned(world)
    return services.answer_opinion(
        actor=None, opinion=op, answer="Đã sửa đường.", approved_by="Bí thư Đảng ủy xã"
    )


def _visit_post(**fields):
    data = {
        "date": _d(today() - timedelta(days=3)),
        "kind": "regular",
        "include_me": "on",
        "attendees": "",
        "group": "",
        "notes": "Chi bộ sinh hoạt đúng nội dung.\nNhân dân phản ánh về đường.",
    }
    for n in (1, 2, 3):
        data.update({f"y{n}-source": "member", f"y{n}-topic": "", f"y{n}-text": ""})
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _visit_url(cell="kl-thon-1", **params):
    query = "&".join(f"{k}={v}" for k, v in {"chi-bo": cell, **params}.items())
    return reverse("oversight:visit_create") + "?" + query


def _no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html


# ---- the lifecycle through the web ------------------------------------------------------


def test_lifecycle_visit_assign_answer_close(client, world, committee_seat):
    khanh, assignment = committee_seat
    committee, handler = world.users["committee"], world.users["sensitive_staff"]
    client.force_login(committee)

    page = client.get(_visit_url())
    assert page.status_code == 200
    html = _page(page)
    assert "Vũ Quốc Khánh" in html and 'name="include_me"' in html and "checked" in html
    assert f'name="date" value="{_d(today())}"' in html
    _no_inline_code(html)

    day = today() - timedelta(days=3)
    response = client.post(
        _visit_url(),
        _visit_post(
            **{
                "y1-source": "member",
                "y1-topic": "ha-tang",
                "y1-text": "Đường liên thôn hỏng.",
                "y1-place": "Thôn Đồng Bông",
                "y2-source": "citizen",
                "y2-topic": "dat-dai",
                "y2-text": "Chậm cấp sổ đỏ.",
                "y2-submitter_name": SUBMITTER,
                "y2-submitter_contact": "0912345678",
                "y2-consent": "on",
            }
        ),
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "oversight:visit", args=[visit.pk]
    )
    assert visit.date == day and not visit.without_mandate and visit.org == world.org("kl-thon-1")
    assert list(visit.attendees.values_list("member_id", "assignment_id")) == [
        (khanh.pk, assignment.pk)
    ]
    road, land = visit.opinions.order_by("id")
    assert road.channel == "visit" and road.received_by == world.org("tam-duong")
    assert road.grassroots == world.org("kim-long") and road.received_on == day
    assert land.submitter_name == SUBMITTER and land.consent

    shown = _page(client.get(response["Location"], follow=False))
    assert "Phụ trách Đảng bộ xã Kim Long" in shown and "Đường liên thôn hỏng." in shown
    assert "ngoài phân công" not in shown
    assert "Nhân dân phản ánh về đường." in shown

    # The committee sends the road to Kim Long with a deadline.
    deadline = today() + timedelta(days=15)
    url = reverse("oversight:opinion_action", args=[road.pk, "assign"])
    response = client.post(
        url, {"assign-to_org": "kim-long", "assign-deadline": _d(deadline), "assign-note": "Xử lý"}
    )
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.state == "assigned" and road.assigned_to == world.org("kim-long")
    assert road.deadline == deadline

    # Kim Long's staff takes it up and answers.
    client.force_login(handler)
    html = _page(client.get(reverse("oversight:opinion", args=[road.pk])))
    for op in ("start", "answer", "return", "escalate"):
        assert reverse("oversight:opinion_action", args=[road.pk, op]) in html
    assert reverse("oversight:opinion_action", args=[road.pk, "close"]) not in html
    assert (
        client.post(
            reverse("oversight:opinion_action", args=[road.pk, "start"]), {"start-note": "Nhận"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("oversight:opinion_action", args=[road.pk, "answer"]),
        {"answer-answer": "Xã đã bố trí vốn sửa đường.", "answer-approved_by": "Bí thư xã"},
    )
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.state == "answered" and road.approved_by == "Bí thư xã"

    # The committee member sees it answered, and closes it.
    client.force_login(committee)
    html = _page(client.get(reverse("oversight:opinion", args=[road.pk])))
    assert "Đã trả lời" in html and "Xã đã bố trí vốn sửa đường." in html and "Bí thư xã" in html
    response = client.post(reverse("oversight:opinion_action", args=[road.pk, "close"]), {})
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.state == "closed" and road.closed_on == today()

    steps = list(road.steps.values_list("from_state", "to_state", "actor_name"))
    assert steps == [
        ("", "received", "committee"),
        ("received", "assigned", "committee"),
        ("assigned", "in_progress", "sensitive_staff"),
        ("in_progress", "answered", "sensitive_staff"),
        ("answered", "closed", "committee"),
    ]
    html = _page(client.get(reverse("oversight:opinion", args=[road.pk])))
    assert "Mới tiếp nhận → Đã giao xử lý" in html and "Đã trả lời → Đã kết thúc" in html
    assert _d(deadline) in html
    actions = list(
        AuditEntry.objects.filter(object_type="oversight.opinion", object_id=str(road.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "opinion.received",
        "opinion.assigned",
        "opinion.started",
        "opinion.answered",
        "opinion.closed",
    ]
    assert AuditEntry.objects.filter(action="oversight.visit", object_id=str(visit.pk)).exists()


# ---- the permission matrix --------------------------------------------------------------


def _client_for(client, world, role):
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_view_opinion_matrix(client, world, role):
    about_cell = _opinion(world)
    about_vt = _opinion(world, org="vt-thon", received_by="vinh-tuong")
    _client_for(client, world, role)
    seen = {
        op.pk
        for op in (about_cell, about_vt)
        if client.get(reverse("oversight:opinion", args=[op.pk])).status_code == 200
    }
    expected = {
        "root": {about_cell.pk, about_vt.pk},
        "admin": {about_cell.pk},
        "staff": {about_cell.pk},
        "committee": {about_cell.pk},
        "secretary": {about_cell.pk},
        "auditor": {about_cell.pk},
        "sensitive_staff": {about_cell.pk},
        "outsider": {about_vt.pk},
    }.get(role, set())
    assert seen == expected
    for op in (about_cell, about_vt):
        if op.pk not in seen:
            assert client.get(reverse("oversight:opinion", args=[op.pk])).status_code == 404
    # The list of a visible organisation never shows what the role may not see.
    listed = _page(client.get(reverse("oversight:opinions")))
    assert ("Đường liên thôn xuống cấp." in listed) == bool(seen)


@pytest.mark.parametrize("role", ROLES)
def test_record_visit_matrix(client, world, role):
    _client_for(client, world, role)
    allowed = role in {"root", "admin", "staff", "committee", "sensitive_staff"}
    assert client.get(_visit_url()).status_code == (200 if allowed else 404)
    # Out of scope for every Tam Dương role; the outsider oversees Vĩnh Tường.
    assert client.get(_visit_url("vt-thon")).status_code == (
        200 if role in {"root", "outsider"} else 404
    )
    # Not a cell: no visit page.
    assert client.get(_visit_url("kim-long")).status_code == 404
    before = counts(*MODELS)
    response = client.post(
        _visit_url(),
        _visit_post(
            include_me=None,
            attendees=world.members["dung"].card_number or str(world.members["dung"].pk),
        ),
    )
    assert response.status_code == (302 if allowed else 404)
    assert (counts(*MODELS) == before) != allowed


@pytest.mark.parametrize("role", ROLES)
def test_steer_and_handle_matrix(client, world, role):
    fresh, assigned, answered = _opinion(world), _assigned(world), _answered(world)
    vt = _opinion(world, org="vt-thon", received_by="vinh-tuong")
    _client_for(client, world, role)

    def act(op, opinion, data):
        return client.post(reverse("oversight:opinion_action", args=[opinion.pk, op]), data)

    owner = {"root", "admin", "staff", "committee"}
    handler = {"root", "admin", "staff", "sensitive_staff"}
    deadline = _d(today() + timedelta(days=10))
    cases = [
        ("assign", fresh, {"assign-to_org": "kim-long", "assign-deadline": deadline}, owner),
        (
            "answer",
            assigned,
            {"answer-answer": "Đã xử lý.", "answer-approved_by": "Bí thư"},
            handler,
        ),
        ("close", answered, {}, owner),
        (
            "assign",
            vt,
            {"assign-to_org": "vt-xa", "assign-deadline": deadline},
            {"root", "outsider"},
        ),
    ]
    for op, opinion, data, who in cases:
        state = Opinion.objects.get(pk=opinion.pk).state
        response = act(op, opinion, data)
        assert response.status_code == (302 if role in who else 404), (op, role)
        changed = Opinion.objects.get(pk=opinion.pk).state != state
        assert changed == (role in who), (op, role)


def test_allowed_now_only(client, world):
    """An operation the opinion's current state does not allow reaches the service, which
    refuses it naming the state (400, nothing written), as the API answers 422; an unknown
    operation is absent (404)."""
    op = _opinion(world)
    client.force_login(world.users["committee"])
    before = counts(*MODELS)
    for name, data in (("start", {}), ("reopen", {"reopen-reason": "Chưa đạt."})):
        response = client.post(reverse("oversight:opinion_action", args=[op.pk, name]), data)
        assert response.status_code == 400, name
        assert "không thực hiện được thao tác này" in _page(response), name
    assert counts(*MODELS) == before
    url = reverse("oversight:opinion_action", args=[op.pk, "answer-now"])
    assert client.post(url, {}).status_code == 404
    # A GET on an operation goes back to the page.
    url = reverse("oversight:opinion_action", args=[op.pk, "assign"])
    assert client.get(url).status_code == 302
    # The committee user may steer but not handle: no handler forms on its page.
    services.assign_opinion(actor=None, opinion=op, to_org=world.org("kim-long"), deadline=today())
    html = _page(client.get(reverse("oversight:opinion", args=[op.pk])))
    assert reverse("oversight:opinion_action", args=[op.pk, "answer"]) not in html
    assert reverse("oversight:opinion_action", args=[op.pk, "assign"]) in html


def test_anonymous_is_sent_to_login(client, world):
    op = _opinion(world)
    for url in (
        reverse("oversight:opinion", args=[op.pk]),
        reverse("oversight:opinions"),
        _visit_url(),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# ---- the submitter's identity -----------------------------------------------------------


@pytest.mark.parametrize(
    "role,visible",
    [
        ("root", True),
        ("admin", True),
        ("sensitive_staff", True),
        ("staff", False),
        ("committee", False),
        ("auditor", False),
        ("secretary", False),
    ],
)
def test_submitter_needs_sensitive_grant_and_is_audited(client, world, role, visible):
    op = _opinion(world, submitter_name=SUBMITTER, submitter_contact="0912345678", consent=True)
    reads = AuditEntry.objects.filter(action="opinion.sensitive_read", object_id=str(op.pk))
    client.force_login(world.users[role])
    html = _page(client.get(reverse("oversight:opinion", args=[op.pk])))
    assert (SUBMITTER in html) == visible and ("0912345678" in html) == visible
    assert (HIDDEN in html) != visible
    assert reads.count() == (1 if visible else 0)
    client.get(reverse("oversight:opinion", args=[op.pk]))
    assert reads.count() == (2 if visible else 0)  # every read, not the first only
    if visible:
        assert reads.first().actor_id == world.users[role].pk


def test_no_submitter_recorded_is_not_hidden_nor_audited(client, world):
    op = _opinion(world)
    client.force_login(world.users["staff"])
    html = _page(client.get(reverse("oversight:opinion", args=[op.pk])))
    assert "Không ghi thông tin người nêu." in html and HIDDEN not in html
    assert not AuditEntry.objects.filter(action="opinion.sensitive_read").exists()


# ---- visits: mandate, groups, thematic meetings ----------------------------------------


def test_visit_without_mandate_is_allowed_and_marked(client, world):
    """Staff has no member record; Phạm Thị Dung has no assignment nor group for the cell."""
    client.force_login(world.users["staff"])
    html = _page(client.get(_visit_url()))
    assert 'name="include_me"' not in html
    dung = world.members["dung"]
    response = client.post(
        _visit_url(),
        _visit_post(
            include_me=None,
            attendees=f"{dung.pk}\n",
            **{"y1-topic": "ha-tang", "y1-text": "Xin làm đường."},
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.without_mandate and visit.group is None
    # No group, no assignment: the district's staff recorded what the district heard, so
    # the district committee receives it and steers it (services.follow_up_committee).
    assert visit.opinions.get().received_by == world.org("tam-duong")
    shown = _page(client.get(response["Location"]))
    assert "Lần dự này ngoài phân công phụ trách/kế hoạch của tổ công tác" in shown
    assert "ngoài phân công" in shown
    assert Meeting.objects.get().org == world.org("kl-thon-1")


def test_visit_by_card_number_and_existing_meeting(client, world, committee_seat):
    from dangbo.meetings import services as meeting_services

    day = today() - timedelta(days=2)
    meeting = meeting_services.record_meeting(
        actor=None, org=world.org("kl-thon-1"), day=day, data={"kind": "regular"}
    )
    client.force_login(world.users["committee"])
    response = client.post(
        _visit_url(), _visit_post(date=_d(day), attendees=" 1234 5678 \n")
    )  # huong's card, spaced as people type it
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.meeting == meeting and Meeting.objects.count() == 1
    names = set(visit.attendees.values_list("member__full_name", flat=True))
    assert names == {"Vũ Quốc Khánh", "Nguyễn Thị Hương"}
    shown = _page(client.get(response["Location"]))
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}"' in shown


def test_visit_with_a_working_group(client, world):
    from dangbo.meetings.rules import quarter_bounds, quarter_of

    start, end = quarter_bounds(today().year, quarter_of(today()))
    day = max(start, today() - timedelta(days=1))
    group = services.create_working_group(
        actor=None,
        committee=world.org("tam-duong"),
        name="Tổ công tác số 1",
        period_start=start,
        period_end=end,
        leader=world.members["khanh"],
    )
    services.add_group_target(actor=None, group=group, org=world.org("kl-thon-1"))
    client.force_login(world.users["staff"])
    html = _page(client.get(_visit_url(to=group.pk)))
    assert re.search(rf'<option value="{group.pk}" selected>Tổ công tác số 1', html)
    # The secretary's cell is not a committee: no group of kl-thon-1 itself is offered.
    response = client.post(
        _visit_url(),
        _visit_post(
            date=_d(day),
            include_me=None,
            attendees=str(world.members["khanh"].pk),
            group=str(group.pk),
            **{"y1-topic": "khac", "y1-text": "Ý kiến."},
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.group == group and not visit.without_mandate
    assert visit.opinions.get().received_by == world.org("tam-duong")
    # A group of another district is not offered, and not accepted.
    other = services.create_working_group(
        actor=None,
        committee=world.org("vinh-tuong"),
        name="Tổ Vĩnh Tường",
        period_start=start,
        period_end=end,
        leader=world.members["tien"],
    )
    before = counts(*MODELS)
    response = client.post(
        _visit_url(),
        _visit_post(
            date=_d(day),
            include_me=None,
            attendees=str(world.members["dung"].pk),
            group=str(other.pk),
        ),
    )
    assert response.status_code == 400 and counts(*MODELS) == before
    assert "Tổ công tác: lựa chọn không hợp lệ." in _page(response)


def test_thematic_visit_needs_topic(client, world):
    client.force_login(world.users["staff"])
    before = counts(*MODELS)
    post = _visit_post(include_me=None, attendees=str(world.members["dung"].pk), kind="thematic")
    response = client.post(_visit_url(), post)
    assert response.status_code == 400 and counts(*MODELS) == before
    assert "Chủ đề: bắt buộc với buổi sinh hoạt chuyên đề." in _page(response)
    response = client.post(_visit_url(), {**post, "meeting_topic": "Học tập nghị quyết"})
    assert response.status_code == 302
    meeting = Visit.objects.get().meeting
    assert meeting.kind == "thematic" and meeting.topic == "Học tập nghị quyết"


# ---- bad input: a clear message, nothing saved ------------------------------------------


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"include_me": None}, "Người dự: cần ít nhất một người."),
        (
            {"date": _d(today() + timedelta(days=1))},
            "Ngày dự sinh hoạt: không được sau ngày hôm nay",
        ),
        ({"date": "31/02/2020"}, "Ngày dự sinh hoạt: tháng 2/2020 không có ngày 31"),
        (
            {"attendees": "12345678\n99999999"},
            "Người dự khác, dòng 2: không tìm thấy đảng viên “99999999”",
        ),
        (
            {"y1-text": "Ý kiến đúng.", "y1-topic": "ha-tang", "y2-topic": "dat-dai"},
            "Nội dung ý kiến: bắt buộc khi đã chọn lĩnh vực",
        ),
        (
            {"y1-text": "Ý kiến.", "y1-topic": "ha-tang", "y1-submitter_contact": "0912345678"},
            "Liên hệ: chỉ lưu khi người nêu đồng ý",
        ),
        ({"y1-text": "Ý kiến không có lĩnh vực."}, "Lĩnh vực: bắt buộc"),
        ({"y1-text": "Ý kiến.", "y1-topic": "khong-co"}, "Lĩnh vực: lựa chọn không hợp lệ."),
        ({"y3-text": "Ý kiến.", "y3-topic": "khac", "y3-source": ""}, "Người nêu: chọn cán bộ"),
    ],
)
def test_bad_visit_changes_nothing(client, world, committee_seat, fields, message):
    client.force_login(world.users["committee"])
    before = (*counts(*MODELS), AuditEntry.objects.count())
    response = client.post(_visit_url(), _visit_post(**fields))
    assert response.status_code == 400
    html = _page(response)
    assert message in html, html[html.find('class="errors"') :][:600]
    assert "Chưa có gì được lưu" in html
    assert (*counts(*MODELS), AuditEntry.objects.count()) == before


def test_second_opinion_failing_rolls_back_the_visit_and_the_first(client, world, committee_seat):
    """The visit and the first opinion were written before the second one failed: the one
    transaction takes all of them back."""
    client.force_login(world.users["committee"])
    before = counts(*MODELS)
    response = client.post(
        _visit_url(),
        _visit_post(
            **{
                "y1-topic": "ha-tang",
                "y1-text": "Đường hỏng.",
                "y2-topic": "dat-dai",
                "y2-text": "Sổ đỏ.",
                "y2-submitter_contact": "0912345678",
            }
        ),
    )
    assert response.status_code == 400 and counts(*MODELS) == before
    html = _page(response)
    assert "Liên hệ: chỉ lưu khi người nêu đồng ý" in html
    assert "Đường hỏng." in html  # what was typed is kept for the retry


def test_blank_opinion_blocks_are_ignored(client, world, committee_seat):
    client.force_login(world.users["committee"])
    response = client.post(
        _visit_url(), _visit_post(**{"y2-source": "citizen", "y3-text": "   \n  "})
    )
    assert response.status_code == 302
    assert Visit.objects.count() == 1 and Opinion.objects.count() == 0


def test_attendee_out_of_view_scope_is_unknown(client, world):
    """Tiến (Vĩnh Tường) is not among the members Kim Long's staff may see."""
    client.force_login(world.users["sensitive_staff"])
    before = counts(*MODELS)
    response = client.post(
        _visit_url(), _visit_post(include_me=None, attendees=str(world.members["tien"].pk))
    )
    assert response.status_code == 400 and counts(*MODELS) == before
    assert "Người dự khác, dòng 1: không tìm thấy đảng viên" in _page(response)


def _counted(fn):
    before = (Opinion.objects.count(), OpinionStep.objects.count())
    response = fn()
    assert (Opinion.objects.count(), OpinionStep.objects.count()) == before
    return response


def test_answer_without_text(client, world):
    op = _assigned(world)
    client.force_login(world.users["sensitive_staff"])
    url = reverse("oversight:opinion_action", args=[op.pk, "answer"])
    for text, message in (
        ("", "Nội dung trả lời: bắt buộc."),
        ("  \n ", "Nội dung trả lời: không được để trống."),
    ):
        response = _counted(
            lambda text=text: client.post(
                url, {"answer-answer": text, "answer-approved_by": "Bí thư"}
            )
        )
        assert response.status_code == 400 and message in _page(response)
        op.refresh_from_db()
        assert op.state == "assigned" and op.answer == ""


def test_deadline_before_received(client, world):
    op = _opinion(world, days_ago=5)
    client.force_login(world.users["committee"])
    url = reverse("oversight:opinion_action", args=[op.pk, "assign"])
    early = today() - timedelta(days=6)
    response = _counted(
        lambda: client.post(url, {"assign-to_org": "kim-long", "assign-deadline": _d(early)})
    )
    assert response.status_code == 400
    assert f"Hạn xử lý: {_d(early)} trước ngày tiếp nhận ý kiến ({_d(op.received_on)})." in _page(
        response
    )
    op.refresh_from_db()
    assert op.state == "received" and op.assigned_to is None
    # An organisation the user cannot see is unknown.
    response = _counted(
        lambda: client.post(
            url, {"assign-to_org": "vt-xa", "assign-deadline": _d(today() + timedelta(days=3))}
        )
    )
    assert response.status_code == 400
    assert "Giao cho: không tìm thấy tổ chức “vt-xa”" in _page(response)


def test_reason_required_and_close_unanswered_needs_note(client, world):
    op = _assigned(world)
    client.force_login(world.users["sensitive_staff"])
    response = _counted(
        lambda: client.post(
            reverse("oversight:opinion_action", args=[op.pk, "return"]), {"return-reason": ""}
        )
    )
    assert response.status_code == 400 and "Lý do: bắt buộc." in _page(response)
    fresh = _opinion(world)
    client.force_login(world.users["committee"])
    response = _counted(
        lambda: client.post(reverse("oversight:opinion_action", args=[fresh.pk, "close"]), {})
    )
    assert response.status_code == 400
    assert "Ghi chú: cần nêu lý do kết thúc ý kiến chưa được trả lời." in _page(response)
    response = client.post(
        reverse("oversight:opinion_action", args=[fresh.pk, "close"]),
        {"close-note": "Trùng ý kiến #1"},
    )
    assert response.status_code == 302


# ---- staff entry ------------------------------------------------------------------------


def test_staff_entry(client, world):
    client.force_login(world.users["staff"])
    url = reverse("oversight:opinion_create")
    page = client.get(url)
    assert page.status_code == 200 and f'value="{_d(today())}"' in _page(page)
    data = {
        "received_by": "tam-duong",
        "org": "kl-thon-2",
        "received_on": _d(today()),
        "source": "citizen",
        "topic": "moi-truong",
        "text": "Rác thải ven sông.\nĐề nghị xử lý.",
        "place": "Bờ sông",
        "submitter_name": SUBMITTER,
        "submitter_contact": "",
    }
    response = client.post(url, data)
    op = Opinion.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/y-kien/{op.pk}/")
    assert op.channel == "staff" and op.text == "Rác thải ven sông.\nĐề nghị xử lý."
    assert op.received_by == world.org("tam-duong") and op.grassroots == world.org("kim-long")

    for change, message in (
        ({"received_by": "vinh-tuong"}, "Cấp ủy tiếp nhận: không tìm thấy tổ chức “vinh-tuong”"),
        ({"org": "vt-thon"}, "Tổ chức liên quan: không tìm thấy tổ chức “vt-thon”"),
        (
            {"received_by": "kim-long", "org": "hh-tdp-1"},
            "Cấp ủy tiếp nhận: Chi bộ tổ dân phố Đông Hòa không thuộc Đảng bộ xã Kim Long.",
        ),
        ({"submitter_contact": "0912"}, "Liên hệ: chỉ lưu khi người nêu đồng ý"),
        ({"text": ""}, "Nội dung ý kiến: bắt buộc."),
        ({"received_on": _d(today() + timedelta(days=2))}, "Ngày tiếp nhận: không được sau"),
    ):
        response = _counted(lambda change=change: client.post(url, {**data, **change}))
        assert response.status_code == 400 and message in _page(response), change


@pytest.mark.parametrize("role", ["secretary", "auditor", "member", "nobody"])
def test_staff_entry_needs_oversee(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("oversight:opinion_create")).status_code == 404


# ---- lists ------------------------------------------------------------------------------


def test_dashboard_and_filters(client, world):
    fresh = _opinion(world, text="Ý kiến mới về đất.")
    assigned = _assigned(world, org="kl-thon-2", text="Ý kiến đã giao.")
    late = _opinion(
        world, org="hh-tdp-1", text="Ý kiến quá hạn.", days_ago=20, topic=_topic("moi-truong")
    )
    services.assign_opinion(
        actor=None,
        opinion=late,
        to_org=world.org("hop-hoa"),
        deadline=today() - timedelta(days=10),
        on=today() - timedelta(days=19),
    )
    client.force_login(world.users["committee"])
    url = reverse("oversight:opinions")
    html = _page(client.get(url))
    assert "Đảng bộ huyện Tam Dương" in html
    assert ">3</span> ý kiến chưa giải quyết xong" in html
    # the overdue summary is a count linking to the filtered list, which comes first
    assert ">1</span> <a href=" in html and "ý kiến quá hạn xử lý — xem danh sách" in html
    assert "qua-han=1" in html
    assert html.index("Danh sách ý kiến") < html.index("Tổng hợp theo trạng thái")
    assert "Đảng bộ thị trấn Hợp Hòa" in html and "quá hạn" in html
    assert reverse("oversight:quarter") in html and reverse("oversight:opinion_create") in html
    _no_inline_code(html)

    def listed(query):
        page = _page(client.get(url + "?to-chuc=tam-duong&" + query))
        page = page[page.index("Danh sách ý kiến") :]  # the list, not the dashboard
        return {
            op.pk
            for op in (fresh, assigned, late)
            if f'href="{reverse("oversight:opinion", args=[op.pk])}"' in page
        }

    assert listed("") == {fresh.pk, assigned.pk, late.pk}
    assert listed("trang-thai=assigned") == {assigned.pk, late.pk}
    assert listed("trang-thai=received") == {fresh.pk}
    assert listed("linh-vuc=moi-truong") == {late.pk}
    assert listed("co-so=kim-long") == {fresh.pk, assigned.pk}
    assert listed("qua-han=1") == {late.pk}
    assert listed("trang-thai=bogus") == {fresh.pk, assigned.pk, late.pk}
    # A narrower organisation; one out of scope is absent.
    page = _page(client.get(url + "?to-chuc=hop-hoa"))
    assert "Ý kiến quá hạn." in page and "Ý kiến mới về đất." not in page
    assert client.get(url + "?to-chuc=vinh-tuong").status_code == 404
    assert client.get(url + "?to-chuc=khong-co").status_code == 404


def test_opinion_list_for_users_without_scope(client, world):
    client.force_login(world.users["nobody"])
    response = client.get(reverse("oversight:opinions"))
    assert response.status_code == 200
    assert "chưa được giao phạm vi" in _page(response)
    assert reverse("oversight:opinion_create") not in _page(response)
    assert client.get(reverse("oversight:quarter")).status_code == 404


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        _assigned(world, org=("kl-thon-1", "kl-thon-2", "hh-tdp-1")[i], to="kim-long")
    client.force_login(world.users["committee"])
    url = reverse("oversight:opinions")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    baseline = len(ctx.captured_queries)
    topics = list(OpinionTopic.objects.all())
    for i in range(30):
        op = _opinion(
            world,
            org=("kl-thon-1", "kl-thon-2", "hh-tdp-1", "cb-toa-an")[i % 4],
            topic=topics[i % len(topics)],
            text=f"Ý kiến số {i}",
        )
        if i % 3 == 0:
            services.assign_opinion(
                actor=None,
                opinion=op,
                to_org=world.org("hop-hoa"),
                deadline=today() - timedelta(days=1),
                on=op.received_on,
            )
    with django_assert_max_num_queries(baseline):
        html = _page(client.get(url))
    assert "Ý kiến số 29" in html


def test_quarter_view(client, world):
    from dangbo.meetings.rules import quarter_of

    _opinion(world, days_ago=0, topic=_topic("ha-tang"))
    _opinion(world, org="hh-tdp-1", days_ago=0)
    _opinion(world, org="kl-thon-2", days_ago=0)
    client.force_login(world.users["auditor"])
    year, q = today().year, quarter_of(today())
    url = reverse("oversight:quarter") + f"?to-chuc=tam-duong&nam={year}&quy={q}"
    response = client.get(url)
    assert response.status_code == 200
    html = _page(response)
    assert f"Ý kiến nắm được quý {q}/{year}" in html
    row = re.search(r"<td>Đảng bộ xã Kim Long</td>(.*?)</tr>", html, re.S).group(1)
    assert "<strong>2</strong>" in row
    assert '<th class="num">3</th>' in html  # the grand total
    html = _page(client.get(reverse("oversight:quarter") + "?to-chuc=tam-duong&nam=1900&quy=5"))
    assert "không hợp lệ" in html
    html = _page(
        client.get(reverse("oversight:quarter") + f"?to-chuc=tam-duong&nam={year - 1}&quy=1")
    )
    assert "Không có ý kiến nào trong quý." in html
    assert client.get(reverse("oversight:quarter") + "?to-chuc=vinh-tuong").status_code == 404


def test_visit_page_scope(client, world):
    client.force_login(world.users["staff"])
    client.post(_visit_url(), _visit_post(include_me=None, attendees=str(world.members["dung"].pk)))
    visit = Visit.objects.get()
    url = reverse("oversight:visit", args=[visit.pk])
    for role, status in (
        ("secretary", 200),
        ("auditor", 200),
        ("sensitive_staff", 200),
        ("outsider", 404),
        ("member", 404),
        ("nobody", 404),
    ):
        client.force_login(world.users[role])
        assert client.get(url).status_code == status, role
