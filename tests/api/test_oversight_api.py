"""Oversight endpoints: assignments and coverage, targets, working groups and plans, visits
with the opinions heard (all or nothing), and each opinion's lifecycle; scoping by role;
the submitter's identity only with a sensitive grant, each read logged."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.meetings.models import Meeting
from dangbo.oversight import services
from dangbo.oversight.models import (
    GroupTarget,
    Opinion,
    OpinionStep,
    OpinionTopic,
    OversightAssignment,
    Visit,
    WorkingGroup,
)
from tests.support import assign, executive_committee, seat

from .conftest import fields

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staff", "committee", "secretary", "auditor", "member", "outsider", "nobody"]
SEES_TD = {"admin", "staff", "committee", "auditor"}  # tam-duong and everything below
SEES_KL = SEES_TD | {"secretary"}
CHANGE_TD = {"admin", "staff"}
OVERSEE_TD = {"admin", "staff", "committee"}
CITIZEN = "Nguyễn Văn Dân"


@pytest.fixture
def seats(world):
    """Khánh (standing) and Hoa sit on Tam Dương's committee, Tiến on Vĩnh Tường's."""
    body = executive_committee(world, "tam-duong")
    seat(world, "khanh", "standing_member", body=body)
    seat(world, "hoa", "committee_member", body=body)
    seat(
        world,
        "tien",
        "committee_member",
        org="vinh-tuong",
        body=executive_committee(world, "vinh-tuong"),
    )
    return world


def topic(code="dat-dai"):
    return OpinionTopic.objects.get(code=code)


def opinion(world, org="kl-thon-1", received_by="tam-duong", **extra):
    return services.record_opinion(
        actor=None,
        received_on=date(2020, 3, 10),
        source="citizen",
        channel="staff",
        text="Đường liên thôn xuống cấp.",
        topic=topic("ha-tang"),
        org=world.orgs[org],
        received_by=world.orgs[received_by],
        **extra,
    )


@pytest.fixture
def kl_opinion(world):
    return opinion(world, submitter_name=CITIZEN, submitter_contact="0912345678", consent=True)


@pytest.fixture
def vt_opinion(world):
    return opinion(world, "vt-thon", "vinh-tuong")


def totals():
    return tuple(
        m.objects.count()
        for m in (OversightAssignment, WorkingGroup, GroupTarget, Visit, Meeting, Opinion)
    )


# ---------------------------------------------------------------- assignments and coverage


def test_assign_hand_over_and_end(api, seats):
    w = seats
    response = api.post(
        "staff",
        "/oversight/assignments",
        {
            "committee": "tam-duong",
            "member_id": w.members["khanh"].pk,
            "target": "kim-long",
            "valid_from": "2016-01-01",
            "target_count": 2,
        },
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["member_name"] == "Vũ Quốc Khánh" and first["target"] == "kim-long"
    assert first["role"] == "oversee" and first["role_label"] == "Phụ trách"
    assert first["target_count"] == 2 and first["target_period"] == "quarter"

    response = api.post(
        "staff",
        f"/oversight/assignments/{first['id']}/handover",
        {"to_member_id": w.members["hoa"].pk, "on": "2017-01-01", "reason": "Chuyển công tác"},
    )
    assert response.status_code == 201, response.content
    successor = response.json()
    assert successor["member_name"] == "Đỗ Thị Hoa" and successor["valid_from"] == "2017-01-01"
    assert successor["handed_over_from_id"] == first["id"] and successor["target_count"] == 2
    old = OversightAssignment.objects.get(pk=first["id"])
    assert old.valid_to == date(2016, 12, 31) and old.end_reason == "Chuyển công tác"

    response = api.post(
        "staff",
        f"/oversight/assignments/{successor['id']}/end",
        {"valid_to": "2018-06-30", "reason": "Hết nhiệm kỳ"},
    )
    assert response.status_code == 200 and response.json()["valid_to"] == "2018-06-30"
    listed = api.get("staff", "/oversight/assignments", org="kim-long").json()
    assert [a["id"] for a in listed["items"]] == [first["id"], successor["id"]]
    in_force = api.get("staff", "/oversight/assignments", as_of="2017-03-01").json()
    assert [a["id"] for a in in_force["items"]] == [successor["id"]]


def test_assignment_changes_need_change_on_the_committee(api, seats):
    """The commune's staff see an assignment on their commune but it is the district
    committee's to change: 403; out of sight: 404; nothing ends."""
    a = assign(seats, "khanh", "kim-long")
    body = {"valid_to": "2016-06-30", "reason": "Thôi"}
    for who, status in (("committee", 403), ("sensitive_staff", 403), ("outsider", 404)):
        response = api.post(who, f"/oversight/assignments/{a.pk}/end", body)
        assert response.status_code == status, (who, response.content)
    a.refresh_from_db()
    assert a.valid_to is None
    assert api.post("admin", f"/oversight/assignments/{a.pk}/end", body).status_code == 200


def test_assignment_bad_input_changes_nothing(api, seats):
    w = seats
    before = totals()
    base = {"committee": "tam-duong", "target": "kim-long", "valid_from": "2016-01-01"}
    response = api.post(
        "staff", "/oversight/assignments", {**base, "member_id": w.members["huong"].pk}
    )
    assert list(fields(response)) == ["member_id"]
    assert (
        "không phải ủy viên Ban Chấp hành Đảng bộ huyện Tam Dương"
        in (fields(response)["member_id"])
    )
    response = api.post(
        "staff",
        "/oversight/assignments",
        {**base, "member_id": w.members["khanh"].pk, "target": "vt-xa"},
    )
    assert fields(response) == {
        "target": "Tổ chức được phụ trách: không có tổ chức mã “vt-xa” trong phạm vi được giao."
    }
    response = api.post(
        "staff",
        "/oversight/assignments",
        {**base, "member_id": w.members["khanh"].pk, "target_count": 0},
    )
    assert fields(response) == {"target_count": "Số lần dự sinh hoạt tối thiểu: phải từ 1 trở lên."}
    assert totals() == before


def test_coverage_and_targets(api, seats):
    w = seats
    assign(w, "khanh", "kim-long")
    response = api.get("staff", "/oversight/coverage", org="tam-duong", as_of="2016-06-30")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] == 3 and data["uncovered_total"] == 2
    assert {o["code"] for o in data["uncovered"]} == {"hop-hoa", "cb-toa-an"}
    assert [a["member_name"] for a in data["assignments"]] == ["Vũ Quốc Khánh"]
    cells = api.get(
        "staff", "/oversight/coverage", org="tam-duong", as_of="2016-06-30", level="cells"
    ).json()
    assert {o["code"] for o in cells["uncovered"]} == {"hh-tdp-1", "cb-toa-an"}
    bad = api.get("staff", "/oversight/coverage", org="tam-duong", level="commune")
    assert list(fields(bad)) == ["level"]

    services.record_visit(
        actor=None, cell=w.orgs["kl-thon-1"], day=date(2016, 2, 5), attendees=[w.members["khanh"]]
    )
    rows = api.get("staff", "/oversight/targets", org="tam-duong", year=2016).json()
    [row] = rows
    assert row["assignment"]["member_name"] == "Vũ Quốc Khánh"
    assert [(p["quarter"], p["done"], p["state"]) for p in row["periods"]] == [
        (1, 1, "met"),
        (2, 0, "missed"),
        (3, 0, "missed"),
        (4, 0, "missed"),
    ]


# ---------------------------------------------------------------- working groups and plans


def test_groups_targets_and_plan(api, seats):
    w = seats
    q1 = {"committee": "tam-duong", "period_start": "2016-01-01", "period_end": "2016-03-31"}
    first = api.post(
        "staff",
        "/oversight/groups",
        {**q1, "name": "Tổ 1", "leader_id": w.members["khanh"].pk},
    )
    assert first.status_code == 201, first.content
    second = api.post(
        "staff",
        "/oversight/groups",
        {
            **q1,
            "name": "Tổ 2",
            "leader_id": w.members["hoa"].pk,
            "member_ids": [w.members["dung"].pk],
        },
    )
    assert second.status_code == 201, second.content
    g1, g2 = first.json()["id"], second.json()["id"]
    assert {m["full_name"] for m in second.json()["members"]} == {"Đỗ Thị Hoa", "Phạm Thị Dung"}

    added = api.post(
        "staff",
        f"/oversight/groups/{g1}/targets",
        {"org": "kl-thon-1", "planned_date": "2016-02-05"},
    )
    assert added.status_code == 201, added.content
    assert added.json()["targets"] == [
        {
            "org": "kl-thon-1",
            "org_name": "Chi bộ thôn Đồng Bông",
            "planned_date": "2016-02-05",
            "visited": False,
        }
    ]
    # The plan spreads the other village and residential-group cells over both groups.
    plan = api.post("staff", "/oversight/plans", {"committee": "tam-duong", "group_ids": [g1, g2]})
    assert plan.status_code == 201, plan.content
    assert plan.json()["planned"] == 2
    assert sorted(g["target_count"] for g in plan.json()["groups"]) == [1, 2]
    planned = set(GroupTarget.objects.values_list("org__code", flat=True))
    assert planned == {"kl-thon-1", "kl-thon-2", "hh-tdp-1"}

    removed = api.call("staff", "delete", f"/oversight/groups/{g1}/targets/kl-thon-1")
    assert removed.status_code == 200, removed.content
    assert "kl-thon-1" not in {t["org"] for t in removed.json()["targets"]}
    assert api.call("staff", "delete", f"/oversight/groups/{g1}/targets/vt-thon").status_code == 404
    listed = api.get("committee", "/oversight/groups", org="tam-duong", on="2016-02-01").json()
    assert {g["name"] for g in listed["items"]} == {"Tổ 1", "Tổ 2"}
    assert api.get("outsider", f"/oversight/groups/{g1}").status_code == 404
    # A cell outside the committee is refused by field, nothing added.
    before = totals()
    response = api.post("staff", f"/oversight/groups/{g1}/targets", {"org": "kim-long"})
    assert list(fields(response)) == ["org"]
    assert totals() == before


def test_group_period_end_before_start(api, seats):
    before = totals()
    response = api.post(
        "staff",
        "/oversight/groups",
        {
            "committee": "tam-duong",
            "name": "Tổ 3",
            "period_start": "2016-04-01",
            "period_end": "2016-03-01",
            "leader_id": seats.members["khanh"].pk,
        },
    )
    assert fields(response) == {"period_end": "Đến ngày: trước ngày bắt đầu."}
    assert totals() == before


# ---------------------------------------------------------------- visits


def visit_body(world, **changes):
    return {
        "cell": "kl-thon-1",
        "date": "2016-02-05",
        "attendee_ids": [world.members["khanh"].pk],
        "notes": "Chi bộ sinh hoạt đúng giờ.",
        "opinions": [
            {
                "source": "citizen",
                "topic": "dat-dai",
                "text": "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất.",
                "place": "Xóm Đồng",
                "submitter_name": CITIZEN,
                "submitter_contact": "0912345678",
                "consent": True,
            },
            {"source": "member", "topic": "ha-tang", "text": "Đường nội đồng hỏng."},
        ],
        **changes,
    }


def test_record_a_visit_with_two_opinions(api, seats):
    w = seats
    assign(w, "khanh", "kim-long")
    response = api.post("committee", "/oversight/visits", visit_body(w))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["cell"] == "kl-thon-1" and data["without_mandate"] is False
    assert data["meeting_kind"] == "regular"
    assert data["attendees"][0]["assignment_id"] is not None
    assert [o["topic"] for o in data["opinions"]] == ["dat-dai", "ha-tang"]
    assert all(o["received_by"] == "tam-duong" for o in data["opinions"])
    assert CITIZEN not in response.content.decode()
    meeting = Meeting.objects.get(pk=data["meeting_id"])
    assert meeting.org.code == "kl-thon-1" and meeting.date == date(2016, 2, 5)
    assert api.get("secretary", f"/oversight/visits/{data['id']}").json()["id"] == data["id"]
    assert api.get("outsider", f"/oversight/visits/{data['id']}").status_code == 404


def test_visit_without_mandate_and_thematic_meeting(api, seats):
    w = seats
    body = visit_body(w, kind="thematic", meeting_topic="Học tập và làm theo Bác", opinions=[])
    response = api.post("staff", "/oversight/visits", body)
    assert response.status_code == 201, response.content
    assert response.json()["without_mandate"] is True
    meeting = Meeting.objects.get(pk=response.json()["meeting_id"])
    assert meeting.kind == "thematic" and meeting.topic == "Học tập và làm theo Bác"
    before = totals()
    response = api.post(
        "staff", "/oversight/visits", visit_body(w, date="2016-03-05", kind="thematic", opinions=[])
    )
    assert fields(response) == {"meeting_topic": "Chủ đề: bắt buộc với buổi sinh hoạt chuyên đề."}
    assert totals() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"submitter_contact": "0987654321", "consent": False},
            "opinions.1.submitter_contact",
            "Liên hệ: chỉ lưu khi người nêu đồng ý",
        ),
        ({"text": "  "}, "opinions.1.text", "Nội dung ý kiến: không được để trống."),
        ({"topic": "xyz"}, "opinions.1.topic", "Lĩnh vực: không có lĩnh vực mã “xyz”"),
    ],
)
def test_visit_is_all_or_nothing(api, seats, change, field, message):
    """A bad second opinion: no visit, no meeting record, no first opinion."""
    w = seats
    body = visit_body(w)
    body["opinions"][1].update(change)
    before = totals()
    audit = AuditEntry.objects.count()
    response = api.post("staff", "/oversight/visits", body)
    errors = fields(response)
    assert list(errors) == [field] and errors[field].startswith(message), errors
    assert totals() == before and AuditEntry.objects.count() == audit


def test_visit_bad_date_and_attendee(api, seats):
    w = seats
    before = totals()
    response = api.post("staff", "/oversight/visits", visit_body(w, date="2999-01-01"))
    assert fields(response) == {"date": "Ngày dự sinh hoạt: không được quá 2199-12-31."}
    response = api.post("staff", "/oversight/visits", visit_body(w, date="1990-01-01"))
    assert list(fields(response)) == ["date"]
    assert "trước ngày thành lập" in fields(response)["date"]
    tien = w.members["tien"]
    response = api.post("staff", "/oversight/visits", visit_body(w, attendee_ids=[tien.pk]))
    assert fields(response) == {
        "attendee_ids": f"Người dự: không có đảng viên mã {tien.pk} trong phạm vi được giao."
    }
    response = api.post("staff", "/oversight/visits", visit_body(w, attendee_ids=[]))
    assert list(fields(response)) == ["attendee_ids"]
    assert totals() == before


# ---------------------------------------------------------------- opinions


def test_opinions_list_never_shows_the_submitter(api, world, kl_opinion):
    response = api.get("admin", "/oversight/opinions", org="kim-long")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == kl_opinion.pk and item["topic_name"] == "Hạ tầng, giao thông, xây dựng"
    assert not any(k.startswith("submitter") for k in item)
    assert (
        CITIZEN not in response.content.decode() and "0912345678" not in response.content.decode()
    )
    assert api.get("admin", "/oversight/opinions", state="closed").json()["count"] == 0
    assert api.get("admin", "/oversight/opinions", topic="ha-tang").json()["count"] == 1
    assert api.get("admin", "/oversight/opinions", overdue=True).json()["count"] == 0


@pytest.mark.parametrize(
    ("who", "sees"),
    [("admin", True), ("sensitive_staff", True), ("staff", False), ("secretary", False)],
)
def test_submitter_only_with_grant_and_audited(api, world, kl_opinion, who, sees):
    before = AuditEntry.objects.filter(action="opinion.sensitive_read").count()
    response = api.get(who, f"/oversight/opinions/{kl_opinion.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    reads = AuditEntry.objects.filter(action="opinion.sensitive_read")
    if sees:
        assert data["submitter"] == {"name": CITIZEN, "contact": "0912345678"}
        assert data["submitter_hidden"] is False
        assert reads.count() == before + 1
        entry = reads.last()
        assert entry.actor == world.users[who] and "(api)" in entry.summary
    else:
        assert data["submitter"] is None and data["submitter_hidden"] is True
        assert CITIZEN not in response.content.decode()
        assert reads.count() == before


def test_staff_entry_and_lifecycle(api, world):
    response = api.post(
        "committee",
        "/oversight/opinions",
        {
            "received_by": "tam-duong",
            "org": "kl-thon-1",
            "received_on": "2020-03-10",
            "source": "cadre",
            "topic": "thu-tuc-hanh-chinh",
            "text": "Thủ tục chứng thực còn chậm.",
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["state"] == "received" and response.json()["channel"] == "staff"
    assert "assign" in response.json()["allowed_ops"]

    assigned = api.post(
        "committee",
        f"/oversight/opinions/{pk}/assign",
        {"to_org": "kim-long", "deadline": "2020-04-10", "on": "2020-03-12"},
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["state"] == "assigned" and assigned.json()["assigned_to"] == "kim-long"
    # The commune's staff handles it; the committee member may not answer for them.
    assert (
        api.post(
            "committee", f"/oversight/opinions/{pk}/answer", {"answer": "X", "approved_by": "Y"}
        ).status_code
        == 404
    )
    started = api.post("sensitive_staff", f"/oversight/opinions/{pk}/start", {"on": "2020-03-13"})
    assert started.status_code == 200, started.content
    answered = api.post(
        "sensitive_staff",
        f"/oversight/opinions/{pk}/answer",
        {"answer": "Đã bố trí thêm cán bộ.", "approved_by": "Bí thư Đảng ủy", "on": "2020-03-20"},
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["answer"] == "Đã bố trí thêm cán bộ."
    closed = api.post("committee", f"/oversight/opinions/{pk}/close", {"on": "2020-03-25"})
    assert closed.status_code == 200, closed.content
    data = api.get("committee", f"/oversight/opinions/{pk}").json()
    assert data["state"] == "closed" and data["closed_on"] == "2020-03-25"
    assert [s["to_state"] for s in data["steps"]] == [
        "received",
        "assigned",
        "in_progress",
        "answered",
        "closed",
    ]
    assert data["allowed_ops"] == []
    # A state the operation does not allow: the service's 422, nothing written.
    steps = OpinionStep.objects.count()
    response = api.post("committee", f"/oversight/opinions/{pk}/return", {"reason": "Lý do"})
    assert list(fields(response)) == ["state"]
    assert OpinionStep.objects.count() == steps


def test_opinion_bad_input(api, world, kl_opinion):
    before = (Opinion.objects.count(), OpinionStep.objects.count())
    response = api.post(
        "committee",
        f"/oversight/opinions/{kl_opinion.pk}/assign",
        {"to_org": "kim-long", "deadline": "2020-03-01"},
    )
    assert fields(response) == {
        "deadline": "Hạn xử lý: 01/03/2020 trước ngày tiếp nhận ý kiến (10/03/2020)."
    }
    response = api.post(
        "committee",
        f"/oversight/opinions/{kl_opinion.pk}/answer",
        {"answer": " \n ", "approved_by": "Bí thư"},
    )
    assert fields(response) == {"answer": "Nội dung trả lời: không được để trống."}
    response = api.post(
        "committee", f"/oversight/opinions/{kl_opinion.pk}/answer", {"approved_by": "Bí thư"}
    )
    assert fields(response) == {"answer": "Nội dung trả lời: bắt buộc."}
    entry = {
        "received_by": "tam-duong",
        "org": "kl-thon-1",
        "received_on": "2020-03-10",
        "source": "citizen",
        "topic": "dat-dai",
        "text": "Ý kiến",
    }
    response = api.post(
        "committee", "/oversight/opinions", {**entry, "submitter_contact": "0912000000"}
    )
    assert fields(response) == {
        "submitter_contact": "Liên hệ: chỉ lưu khi người nêu đồng ý (đánh dấu “đồng ý cho lưu "
        "thông tin liên hệ”)."
    }
    response = api.post("committee", "/oversight/opinions", {**entry, "org": "vt-thon"})
    assert list(fields(response)) == ["org"]
    response = api.post("committee", "/oversight/opinions", {**entry, "source": "anonymous"})
    assert fields(response)["source"].startswith("Người nêu: chỉ nhận một trong các giá trị")
    assert (Opinion.objects.count(), OpinionStep.objects.count()) == before


def test_dashboard_and_topics(api, world, kl_opinion):
    services.assign_opinion(
        actor=None,
        opinion=kl_opinion,
        to_org=world.orgs["kim-long"],
        deadline=date(2020, 4, 1),
        on=date(2020, 3, 11),
    )
    data = api.get("committee", "/oversight/opinions/dashboard", org="tam-duong").json()
    assert data["open_total"] == 1 and data["by_state"] == {"assigned": 1}
    assert data["by_topic"] == [{"name": "Hạ tầng, giao thông, xây dựng", "count": 1}]
    assert data["by_commune"] == [{"code": "kim-long", "name": "Đảng bộ xã Kim Long", "count": 1}]
    assert data["overdue_total"] == 1 and data["overdue"][0]["id"] == kl_opinion.pk
    assert api.get("committee", "/oversight/opinions", overdue=True).json()["count"] == 1
    topics = api.get("member", "/oversight/topics").json()
    assert topics[0] == {"code": "dat-dai", "name": "Đất đai, tài nguyên", "active": True}
    assert len(topics) == 11


@pytest.mark.parametrize(
    "path", ["/oversight/opinions", "/oversight/assignments", "/oversight/groups"]
)
def test_list_query_counts_do_not_grow(api, seats, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = seats

    cells = ["kl-thon-1", "kl-thon-2", "hh-tdp-1", "cb-toa-an", "kim-long", "hop-hoa"]
    pairs = [(who, target) for who in ("khanh", "hoa") for target in cells]
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            who, target = pairs[i]
            opinion(w, org=cells[i % 3])
            assign(w, who, target)
            group = services.create_working_group(
                actor=None,
                committee=w.orgs["tam-duong"],
                name=f"Tổ {i}",
                period_start=date(2016, 1, 1),
                period_end=date(2016, 3, 31),
                leader=w.members["khanh"],
                members=[w.members["hoa"]],
            )
            if i == 0:
                services.add_group_target(actor=None, group=group, org=w.orgs["kl-thon-1"])
            made.append(group)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("staff", path)
            assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    add(1)
    count()  # the token's first use writes its last-used time
    few, n_few = count()
    add(6)
    many, n_many = count()
    assert n_many > n_few and many == few


# ---------------------------------------------------------------- permission matrix


@pytest.mark.parametrize("who", ROLES)
def test_coverage_matrix(api, world, who):
    td = api.get(who, "/oversight/coverage", org="tam-duong")
    vt = api.get(who, "/oversight/coverage", org="vinh-tuong")
    assert td.status_code == (200 if who in SEES_TD else 404)
    assert vt.status_code == (200 if who == "outsider" else 404)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("side", ["td", "vt"])
def test_create_assignment_matrix(api, seats, who, side):
    w = seats
    if side == "td":
        body = {"committee": "tam-duong", "member_id": w.members["khanh"].pk, "target": "kim-long"}
        allowed, visible = who in CHANGE_TD, who in SEES_TD
    else:
        body = {"committee": "vinh-tuong", "member_id": w.members["tien"].pk, "target": "vt-xa"}
        allowed = visible = who == "outsider"
    before = totals()
    response = api.post(who, "/oversight/assignments", {**body, "valid_from": "2016-01-01"})
    if allowed:
        assert response.status_code == 201, response.content
        assert OversightAssignment.objects.count() == before[0] + 1
    else:
        assert response.status_code == (403 if visible else 422), response.content
        if not visible:
            assert list(fields(response)) == ["committee"]
        assert totals() == before


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("side", ["kl", "vt"])
def test_record_visit_matrix(api, seats, who, side):
    w = seats
    attendee = w.members["khanh" if side == "kl" else "tien"]
    body = {
        "cell": "kl-thon-1" if side == "kl" else "vt-thon",
        "date": "2016-02-05",
        "attendee_ids": [attendee.pk],
        "opinions": [{"source": "member", "topic": "khac", "text": "Ý kiến"}],
    }
    if side == "kl":
        allowed, visible = who in OVERSEE_TD, who in SEES_KL
    else:
        allowed = visible = who == "outsider"
    before = totals()
    response = api.post(who, "/oversight/visits", body)
    if allowed:
        assert response.status_code == 201, response.content
        assert len(response.json()["opinions"]) == 1
    else:
        assert response.status_code == (403 if visible else 422), response.content
        if not visible:
            assert list(fields(response)) == ["cell"]
        assert totals() == before


@pytest.mark.parametrize("who", ROLES)
def test_view_opinion_matrix(api, world, who, kl_opinion, vt_opinion):
    kl = api.get(who, f"/oversight/opinions/{kl_opinion.pk}")
    vt = api.get(who, f"/oversight/opinions/{vt_opinion.pk}")
    assert kl.status_code == (200 if who in SEES_KL else 404)
    assert vt.status_code == (200 if who == "outsider" else 404)
    listed = api.get(who, "/oversight/opinions").json()["items"] if who != "nobody" else []
    ids = {o["id"] for o in listed}
    assert (kl_opinion.pk in ids) == (who in SEES_KL)
    assert (vt_opinion.pk in ids) == (who == "outsider")


@pytest.mark.parametrize("who", ROLES)
def test_assign_opinion_matrix(api, world, who, kl_opinion, vt_opinion):
    """Steering belongs to the committee that received it (OVERSEE there); anyone else,
    seeing it or not, gets a 404 and nothing changes."""
    for item, to_org, allowed in (
        (kl_opinion, "kim-long", who in OVERSEE_TD),
        (vt_opinion, "vt-xa", who == "outsider"),
    ):
        steps = OpinionStep.objects.count()
        response = api.post(
            who,
            f"/oversight/opinions/{item.pk}/assign",
            {"to_org": to_org, "deadline": "2020-04-30", "on": "2020-03-11"},
        )
        item.refresh_from_db()
        if allowed:
            assert response.status_code == 200, response.content
            assert item.state == "assigned" and item.assigned_to.code == to_org
        else:
            assert response.status_code == 404, response.content
            assert item.state == "received" and OpinionStep.objects.count() == steps


@pytest.mark.parametrize("who", [*ROLES, "sensitive_staff"])
def test_answer_opinion_matrix(api, world, who, kl_opinion, vt_opinion):
    """Answering belongs to the organisation it was assigned to (CHANGE there)."""
    for item, to_org in ((kl_opinion, "kim-long"), (vt_opinion, "vt-xa")):
        services.assign_opinion(
            actor=None,
            opinion=item,
            to_org=world.orgs[to_org],
            deadline=date(2020, 4, 30),
            on=date(2020, 3, 11),
        )
    for item, allowed in (
        (kl_opinion, who in CHANGE_TD | {"sensitive_staff"}),
        (vt_opinion, who == "outsider"),
    ):
        response = api.post(
            who,
            f"/oversight/opinions/{item.pk}/answer",
            {"answer": "Đã xử lý xong.", "approved_by": "Bí thư", "on": "2020-03-20"},
        )
        item.refresh_from_db()
        if allowed:
            assert response.status_code == 200, response.content
            assert item.state == "answered" and item.approved_by == "Bí thư"
        else:
            assert response.status_code == 404, response.content
            assert item.state == "assigned" and item.answer == ""


# ---------------------------------------------------------------- generated requests


@pytest.fixture
def keep_test_connection():
    """Requests go through the WSGI app: keep Django from closing the connection that holds
    the test transaction (as in test_schemathesis.py)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_generated_requests_reach_the_services_without_server_errors(
    api, seats, keep_test_connection
):
    """Schemathesis over the meeting and oversight operations, aimed at objects that exist
    (path ids, and the organisations and members named in bodies), so that what the schema
    lets a client send reaches the services: never a 500, always a declared response."""
    schemathesis = pytest.importorskip("schemathesis")
    hypothesis = pytest.importorskip("hypothesis")
    import json

    from django.core.wsgi import get_wsgi_application
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from dangbo.api import api as ninja_api
    from dangbo.meetings import services as meeting_services

    w = seats
    m = w.members
    assignment = assign(w, "khanh", "kim-long")
    meeting = meeting_services.record_meeting(
        actor=None,
        org=w.orgs["kl-thon-1"],
        day=date(2016, 2, 5),
        data={"kind": "regular"},
        attendance={},
    )
    group = services.create_working_group(
        actor=None,
        committee=w.orgs["tam-duong"],
        name="Tổ 1",
        period_start=date(2016, 1, 1),
        period_end=date(2016, 3, 31),
        leader=m["khanh"],
    )
    services.add_group_target(actor=None, group=group, org=w.orgs["kl-thon-2"])
    visit = services.record_visit(
        actor=None, cell=w.orgs["kl-thon-1"], day=date(2016, 2, 5), attendees=[m["hoa"]]
    )
    heard = opinion(w, submitter_name=CITIZEN)
    real_path = {
        "meeting_id": meeting.pk,
        "assignment_id": assignment.pk,
        "group_id": group.pk,
        "visit_id": visit.pk,
        "opinion_id": heard.pk,
        "org": "kl-thon-2",
    }
    real_body = {
        "org": "kl-thon-1",
        "cell": "kl-thon-1",
        "committee": "tam-duong",
        "target": "kim-long",
        "received_by": "tam-duong",
        "to_org": "kim-long",
        "member_id": m["khanh"].pk,
        "to_member_id": m["hoa"].pk,
        "leader_id": m["khanh"].pk,
        "chair_id": m["huong"].pk,
        "secretary_id": m["an"].pk,
        "attendee_ids": [m["khanh"].pk],
        "member_ids": [m["hoa"].pk],
        "group_ids": [group.pk],
        "group_id": group.pk,
    }

    def on_real_objects(case):
        if case.path_parameters:
            case.path_parameters = {k: real_path.get(k, v) for k, v in case.path_parameters.items()}
        if isinstance(case.body, dict):
            case.body = {k: real_body.get(k, v) for k, v in case.body.items()}
        if case.query:
            case.query = {k: real_body.get(k, v) for k, v in case.query.items()}
        return case

    raw = json.loads(json.dumps(ninja_api.get_openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    headers = {"Authorization": f"Bearer {api.keys['admin']}", "Host": "localhost"}
    operations = [
        op.ok()
        for op in schema.get_all_operations()
        if op.ok().path.startswith(("/api/v1/meetings", "/api/v1/oversight"))
    ]
    assert len(operations) >= 25
    failures, statuses = [], []
    for operation in operations:

        @hypothesis.settings(
            max_examples=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy().map(on_real_objects))
        def run(case):
            response = case.call(headers=headers)
            statuses.append((case.method, case.path, response.status_code))
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except Exception as exc:  # noqa: BLE001 - collected and reported together
                failures.append(f"{case.method} {case.formatted_path}: {exc}"[:600])

        run()
    assert not failures, "\n".join(failures[:10])
    # The bodies got past parsing and scoping into the services.
    reached = {(method, path) for method, path, status in statuses if status in (200, 201)}
    assert len([r for r in reached if r[0] != "GET"]) >= 3, sorted(reached)
