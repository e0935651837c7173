"""Web pages of oversight assignments, coverage, targets, working groups and plans, and
"my organisations": the permission matrix, bad input (400, message shown, nothing changed)
and bounded query counts."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.meetings.rules import quarter_bounds, quarter_of
from dangbo.members import services as member_services
from dangbo.orgs import services as org_services
from dangbo.oversight import services
from dangbo.oversight.models import GroupTarget, OversightAssignment, WorkingGroup
from dangbo.registry import services as registry_services
from tests.support import counts

pytestmark = pytest.mark.django_db

SEATED = date(2015, 10, 1)
ASSIGNED = date(2016, 1, 1)


@dataclass
class Setup:
    world: object
    td_a: OversightAssignment  # dung → kim-long (tam-duong)
    td_b: OversightAssignment  # khanh → hop-hoa (tam-duong)
    vt_a: OversightAssignment  # tien → vt-xa (vinh-tuong)
    vt_b: OversightAssignment  # tam → vt-thon (vinh-tuong)
    td_group: WorkingGroup
    td_group2: WorkingGroup
    vt_group: WorkingGroup
    tam: object  # a second committee member of vinh-tuong


def _seat(org, members, title="committee_member"):
    body = org_services.create_body(
        actor=None,
        org=org,
        body_type="executive_committee",
        term_start_year=2015,
        term_end_year=2020,
        valid_from=SEATED,
    )
    for m in members:
        registry_services.assign_position(
            actor=None, member=m, org=org, title=title, valid_from=SEATED, body=body
        )
    return body


def _quarter():
    return quarter_bounds(today().year, quarter_of(today()))


def _group(committee, name, leader, members=(), period=None):
    start, end = period or _quarter()
    return services.create_working_group(
        actor=None,
        committee=committee,
        name=name,
        period_start=start,
        period_end=end,
        leader=leader,
        members=list(members),
    )


@pytest.fixture
def setup(world):
    m, o = world.members, world.orgs
    tam = member_services.admit_member(
        actor=None,
        org=o["vt-thon"],
        data={"full_name": "Lý Văn Tâm", "gender": "M", "date_of_birth": date(1970, 1, 1)},
        admission_decision_date=date(2000, 1, 5),
        admission_ceremony_date=date(2000, 1, 5),
    )
    _seat(o["tam-duong"], [m["huong"], m["dung"], m["khanh"], m["hoa"]])
    _seat(o["vinh-tuong"], [m["tien"], tam])

    def assign(member, committee, target):
        return services.assign_oversight(
            actor=None,
            member=member,
            committee=o[committee],
            target=o[target],
            valid_from=ASSIGNED,
        )

    return Setup(
        world=world,
        td_a=assign(m["dung"], "tam-duong", "kim-long"),
        td_b=assign(m["khanh"], "tam-duong", "hop-hoa"),
        vt_a=assign(m["tien"], "vinh-tuong", "vt-xa"),
        vt_b=assign(tam, "vinh-tuong", "vt-thon"),
        td_group=_group(o["tam-duong"], "Tổ 1", m["huong"], [m["dung"]]),
        td_group2=_group(o["tam-duong"], "Tổ 2", m["khanh"]),
        vt_group=_group(o["vinh-tuong"], "Tổ Vĩnh Tường", m["tien"]),
        tam=tam,
    )


def url(name, *args, **params):
    from urllib.parse import urlencode

    return reverse(f"oversight:{name}", args=args) + ("?" + urlencode(params) if params else "")


def d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# ------------------------------------------------------------------ permission matrix

VIEWERS = {"admin", "staff", "committee", "auditor"}
CHANGERS = {"admin", "staff"}
ROLES = ["admin", "staff", "committee", "secretary", "auditor", "member", "outsider", "nobody"]


def _actions(s: Setup, where: str):
    """Each action as (kind, request, check): the check says whether it took effect."""
    m = s.world.members
    td = where == "td"
    code = "tam-duong" if td else "vinh-tuong"
    a, b = (s.td_a, s.td_b) if td else (s.vt_a, s.vt_b)
    grp = s.td_group if td else s.vt_group
    successor = m["hoa"] if td else s.tam
    seat_holder = m["dung"] if td else m["tien"]
    new_target = "hop-hoa" if td else "vt-thon"
    cell = "kl-thon-2" if td else "vt-thon"
    start, _end = _quarter()

    def created(model, before):
        return lambda: model.objects.count() > before

    n_assign = OversightAssignment.objects.count()
    n_groups = WorkingGroup.objects.count()
    n_targets = GroupTarget.objects.count()
    return {
        "view coverage": ("view", ("get", url("coverage", **{"to-chuc": code}), None), None),
        "view targets": ("view", ("get", url("targets", **{"to-chuc": code}), None), None),
        "view groups": ("view", ("get", url("groups", **{"to-chuc": code}), None), None),
        "view group": ("view", ("get", url("group", grp.pk), None), None),
        "create assignment": (
            "change",
            (
                "post",
                url("assign", **{"to-chuc": code}),
                {
                    "member": str(seat_holder.pk),
                    "target": new_target,
                    "valid_from": "01/02/2016",
                    "role": "oversee",
                    "target_count": "1",
                    "target_period": "quarter",
                },
            ),
            created(OversightAssignment, n_assign),
        ),
        "handover": (
            "change",
            (
                "post",
                url("handover", a.pk),
                {"to_member": str(successor.pk), "on": "01/03/2017", "reason": "Chuyển công tác"},
            ),
            created(OversightAssignment, n_assign),
        ),
        "end": (
            "change",
            ("post", url("end_assignment", b.pk), {"valid_to": "31/12/2016", "reason": "Hết"}),
            lambda: OversightAssignment.objects.get(pk=b.pk).valid_to == date(2016, 12, 31),
        ),
        "create group": (
            "change",
            (
                "post",
                url("group_create", **{"to-chuc": code}),
                {
                    "name": "Tổ mới",
                    "year": "2016",
                    "quarter": "3",
                    "leader": str(seat_holder.pk),
                    "members": "",
                },
            ),
            created(WorkingGroup, n_groups),
        ),
        "generate plan": (
            "change",
            (
                "post",
                url("plan", **{"to-chuc": code, "tu": d(start)}),
                {"groups": [str(grp.pk)], "selection": "all_cells", "mode": "each"},
            ),
            created(GroupTarget, n_targets),
        ),
        "edit plan": (
            "change",
            ("post", url("group", grp.pk), {"op": "add", "add-org": cell}),
            created(GroupTarget, n_targets),
        ),
        "plan page": ("change", ("get", url("plan", **{"to-chuc": code}), None), None),
        "assign page": ("change", ("get", url("assign", **{"to-chuc": code}), None), None),
    }


@pytest.mark.parametrize("where", ["td", "vt"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, setup, role, where):
    client.force_login(setup.world.users[role])
    wrong = []
    for name in _actions(setup, where):
        with transaction.atomic():  # each action on the same starting data
            kind, (method, target, data), took_effect = _actions(setup, where)[name]
            if where == "td":
                allowed = role in (VIEWERS if kind == "view" else CHANGERS)
            else:
                allowed = role == "outsider"
            response = getattr(client, method)(target, data) if data else client.get(target)
            expected = (302 if method == "post" else 200) if allowed else 404
            if response.status_code != expected:
                wrong.append((name, response.status_code, expected))
            elif took_effect is not None and took_effect() != allowed:
                wrong.append((name, "effect", allowed))
            transaction.set_rollback(True)
    assert wrong == []


def test_superuser_may_do_everything(client, setup):
    client.force_login(setup.world.users["root"])
    assert client.get(url("coverage")).status_code == 200  # default: the root organisation
    assert client.get(url("assign", **{"to-chuc": "vinh-tuong"})).status_code == 200
    assert client.get(url("handover", setup.vt_a.pk)).status_code == 200


def test_default_organisation_is_the_first_scope_root(client, setup):
    client.force_login(setup.world.users["secretary"])
    page = client.get(url("coverage"))
    assert page.status_code == 200 and page.context["org"].code == "kl-thon-1"
    client.force_login(setup.world.users["staff"])
    assert client.get(url("targets")).context["org"].code == "tam-duong"
    # CHANGE pages need the committee named explicitly
    assert client.get(url("assign")).status_code == 404
    assert client.get(url("assign", **{"to-chuc": "khong-co"})).status_code == 404


def test_anonymous_is_sent_to_login(client, setup):
    response = client.get(url("coverage"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ------------------------------------------------------------------ coverage


def test_coverage_shows_who_oversees_what_and_the_gaps(client, setup):
    client.force_login(setup.world.users["admin"])
    page = client.get(url("coverage", **{"to-chuc": "tam-duong"}))
    html = page.content.decode()
    cov = page.context["cov"]
    # grassroots: kim-long, hop-hoa covered; cb-toa-an not
    assert (cov.total, cov.uncovered_total, cov.assignments_total) == (3, 1, 2)
    assert "Chi bộ Tòa án nhân dân huyện" in html
    assert reverse("orgs:detail", args=["cb-toa-an"]) in html
    assert "Phạm Thị Dung" in html and "ít nhất 1 lần mỗi quý" in html
    assert url("assign", **{"to-chuc": "tam-duong"}) in html
    assert url("handover", setup.td_a.pk) in html and url("end_assignment", setup.td_a.pk) in html
    cells = client.get(url("coverage", **{"to-chuc": "tam-duong", "cap": "cells"})).context["cov"]
    # cells: kl-thon-1/2 (parent kim-long covered), hh-tdp-1 (hop-hoa), cb-toa-an not
    assert (cells.total, cells.uncovered_total) == (4, 1)


def test_coverage_read_only_for_committee_members(client, setup):
    client.force_login(setup.world.users["committee"])
    html = client.get(url("coverage", **{"to-chuc": "tam-duong"})).content.decode()
    assert "Phạm Thị Dung" in html
    assert url("assign", **{"to-chuc": "tam-duong"}) not in html
    assert url("handover", setup.td_a.pk) not in html


def test_coverage_flags_assignments_needing_handover(client, setup):
    from dangbo.orgs.models import Position

    seat = Position.objects.get(member=setup.world.members["dung"], org__code="tam-duong")
    org_services.end_position(actor=None, position=seat, valid_to=today() - timedelta(days=1))
    client.force_login(setup.world.users["staff"])
    page = client.get(url("coverage", **{"to-chuc": "tam-duong"}))
    assert [a.pk for a in page.context["cov"].needs_handover] == [setup.td_a.pk]
    assert "Cần bàn giao" in page.content.decode()


def test_coverage_as_of_a_past_date(client, setup):
    client.force_login(setup.world.users["admin"])
    page = client.get(url("coverage", **{"to-chuc": "tam-duong", "ngay": "31/12/2015"}))
    assert page.context["cov"].assignments_total == 0  # assignments start in 2016
    bad = client.get(url("coverage", **{"to-chuc": "tam-duong", "ngay": "99/99/2016"}))
    error = bad.context["as_of"].error  # the period stays the one just chosen
    assert bad.status_code == 200 and error.startswith("Kỳ số liệu:") and "31/12/2015" in error
    assert error in bad.content.decode() and bad.context["as_of"].day == date(2015, 12, 31)


def _more_orgs_and_assignments(setup, n=12):
    o, m = setup.world.orgs, setup.world.members
    for i in range(n):
        org = org_services.create_org(
            actor=None,
            code=f"xa-them-{i}",
            name=f"Đảng bộ xã Thêm {i}",
            kind="grassroots_committee",
            sector="commune",
            parent=o["tam-duong"],
            valid_from=date(2000, 1, 1),
        )
        org_services.create_org(
            actor=None,
            code=f"xa-them-{i}-thon",
            name=f"Chi bộ thôn Thêm {i}",
            kind="sub_cell",
            sector="village",
            parent=org,
            valid_from=date(2000, 1, 1),
        )
        if i % 2:
            services.assign_oversight(
                actor=None,
                member=m["hoa" if i % 4 == 1 else "huong"],
                committee=o["tam-duong"],
                target=org,
                valid_from=ASSIGNED,
            )
        _group(o["tam-duong"], f"Tổ thêm {i}", m["dung"], [m["hoa"], m["khanh"]])


def _queries(client, target) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["coverage", "cells", "targets", "groups", "group", "mine"])
def test_query_count_does_not_grow(client, setup, django_assert_max_num_queries, page):
    setup.world.members["dung"].__class__.objects.filter(pk=setup.world.members["dung"].pk).update(
        user=setup.world.users["admin"]
    )
    client.force_login(setup.world.users["admin"])
    pages = {
        "coverage": url("coverage", **{"to-chuc": "tam-duong"}),
        "cells": url("coverage", **{"to-chuc": "tam-duong", "cap": "cells"}),
        "targets": url("targets", **{"to-chuc": "tam-duong", "nam": "2016"}),
        "groups": url("groups", **{"to-chuc": "tam-duong"}),
        "group": url("group", setup.td_group.pk),
        "mine": url("mine"),
    }
    before = _queries(client, pages[page])
    _more_orgs_and_assignments(setup)
    for cell in ("kl-thon-1", "kl-thon-2", "hh-tdp-1"):
        services.add_group_target(actor=None, group=setup.td_group, org=setup.world.orgs[cell])
    after = _queries(client, pages[page])
    assert after <= before, (page, before, after)
    with django_assert_max_num_queries(16):
        client.get(pages[page])


# ------------------------------------------------------------------ assignments: bad input


# Row counts that must not change when a request is refused.
MODELS = (OversightAssignment, WorkingGroup, GroupTarget, AuditEntry)


ASSIGN_OK = {
    "role": "oversee",
    "target_count": "1",
    "target_period": "quarter",
    "valid_from": "01/02/2016",
}


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"member": "an"}, "không phải ủy viên Ban Chấp hành"),  # no committee seat
        ({"target": "tam-duong"}, "phải là tổ chức trực thuộc Đảng bộ huyện Tam Dương"),
        ({"target": "vt-xa"}, "không tìm thấy tổ chức “vt-xa”"),  # outside the scope
        ({"valid_from": "future"}, "không được sau ngày hôm nay"),
        ({"valid_from": "31/02/2016"}, "Từ ngày: tháng 2/2016 không có ngày 31"),
        ({"target_count": "0"}, "từ 1 đến 50"),
        ({"target_period": "week"}, "Trong: lựa chọn không hợp lệ"),
        ({"member": "99999999"}, "không tìm thấy đảng viên “99999999”"),
        ({"member": "tien"}, "không tìm thấy đảng viên"),  # out of scope
        ({"target": "kim-long", "member": "dung"}, "đã được phân công phụ trách"),  # overlap
    ],
)
def test_assign_bad_input(client, setup, change, field_message):
    m = setup.world.members
    data = {**ASSIGN_OK, "member": str(m["hoa"].pk), "target": "cb-toa-an", **change}
    if data["member"] in m:
        data["member"] = str(m[data["member"]].pk)
    if data["valid_from"] == "future":
        data["valid_from"] = d(today() + timedelta(days=1))
    client.force_login(setup.world.users["admin"])
    before = counts(*MODELS)
    response = client.post(url("assign", **{"to-chuc": "tam-duong"}), data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert counts(*MODELS) == before


def test_assign_creates_and_shows_on_coverage(client, setup):
    m = setup.world.members
    client.force_login(setup.world.users["staff"])
    form = client.get(url("assign", **{"to-chuc": "tam-duong", "muc-tieu": "cb-toa-an"}))
    assert form.context["form"].initial["target"] == setup.world.org("cb-toa-an")
    assert 'value="Chi bộ Tòa án nhân dân huyện (Đảng bộ huyện Tam Dương)"' in form.content.decode()
    response = client.post(
        url("assign", **{"to-chuc": "tam-duong"}),
        {
            **ASSIGN_OK,
            "member": m["huong"].card_number,
            "target": "cb-toa-an",
            "target_count": "2",
            "target_period": "year",
            "role": "attend",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("coverage", **{"to-chuc": "tam-duong"})
    a = OversightAssignment.objects.get(target__code="cb-toa-an")
    assert (a.member_id, a.target_count, a.target_period, a.role) == (
        m["huong"].pk,
        2,
        "year",
        "attend",
    )
    html = client.get(response["Location"]).content.decode()
    assert "ít nhất 2 lần mỗi năm" in html and "Đã ghi phân công phụ trách." in html


def test_handover_moves_the_assignment(client, setup):
    m = setup.world.members
    client.force_login(setup.world.users["admin"])
    response = client.post(
        url("handover", setup.td_a.pk),
        {"to_member": str(m["hoa"].pk), "on": "01/06/2017", "reason": "Nghỉ hưu"},
    )
    assert response.status_code == 302
    setup.td_a.refresh_from_db()
    assert setup.td_a.valid_to == date(2017, 5, 31)
    new = OversightAssignment.objects.get(handed_over_from=setup.td_a)
    assert (new.member_id, new.valid_from, new.target_id) == (
        m["hoa"].pk,
        date(2017, 6, 1),
        setup.td_a.target_id,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_member": "same", "on": "01/06/2017", "reason": "x"}, "phải là người khác"),
        (
            {"to_member": "an", "on": "01/06/2017", "reason": "x"},
            "không phải ủy viên Ban Chấp hành",
        ),
        ({"to_member": "hoa", "on": "future", "reason": "x"}, "không được sau ngày hôm nay"),
        ({"to_member": "hoa", "on": "01/01/2016", "reason": "x"}, "phải sau ngày bắt đầu"),
        ({"to_member": "hoa", "on": "01/06/2017", "reason": ""}, "Lý do: bắt buộc"),
    ],
)
def test_handover_bad_input(client, setup, data, message):
    m = setup.world.members
    data = dict(data)
    data["to_member"] = str((m["dung"] if data["to_member"] == "same" else m[data["to_member"]]).pk)
    if data["on"] == "future":
        data["on"] = d(today() + timedelta(days=1))
    client.force_login(setup.world.users["admin"])
    before = counts(*MODELS)
    response = client.post(url("handover", setup.td_a.pk), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts(*MODELS) == before
    setup.td_a.refresh_from_db()
    assert setup.td_a.valid_to is None


def test_end_assignment_and_its_bad_input(client, setup):
    client.force_login(setup.world.users["admin"])
    target = url("end_assignment", setup.td_b.pk)
    before = counts(*MODELS)
    for data, message in [
        ({"valid_to": "31/12/2015", "reason": "x"}, "trước ngày bắt đầu"),
        ({"valid_to": d(today() + timedelta(days=1)), "reason": "x"}, "không được sau"),
        ({"valid_to": "", "reason": "x"}, "Đến ngày: bắt buộc"),
    ]:
        response = client.post(target, data)
        assert response.status_code == 400 and message in response.content.decode()
    assert counts(*MODELS) == before
    assert client.post(target, {"valid_to": "30/06/2016", "reason": "Điều động"}).status_code == 302
    setup.td_b.refresh_from_db()
    assert (setup.td_b.valid_to, setup.td_b.end_reason) == (date(2016, 6, 30), "Điều động")
    again = client.post(target, {"valid_to": "30/07/2016", "reason": "x"})
    assert again.status_code == 400 and "đã kết thúc" in again.content.decode()


# ------------------------------------------------------------------ targets


def test_targets_table_per_person_and_quarter(client, setup):
    m, o = setup.world.members, setup.world.orgs
    a = services.assign_oversight(
        actor=None,
        member=m["huong"],
        committee=o["tam-duong"],
        target=o["cb-toa-an"],
        valid_from=date(2016, 4, 1),
    )
    services.record_visit(
        actor=None, cell=o["cb-toa-an"], day=date(2016, 5, 10), attendees=[m["huong"]]
    )
    services.record_visit(
        actor=None, cell=o["kl-thon-1"], day=date(2016, 2, 10), attendees=[m["dung"]]
    )
    client.force_login(setup.world.users["auditor"])
    page = client.get(url("targets", **{"to-chuc": "tam-duong", "nam": "2016"}))
    assert page.status_code == 200
    rows = {r.assignment.pk: shown for r, shown in page.context["rows"]}
    assert [(c["done"], c["state"]) for c in rows[a.pk]] == [
        (0, ""),
        (1, "met"),
        (0, "missed"),
        (0, "missed"),
    ]
    assert [(c["done"], c["state"]) for c in rows[setup.td_a.pk]] == [
        (1, "met"),
        (0, "missed"),
        (0, "missed"),
        (0, "missed"),
    ]
    summary = dict(page.context["quarters"])
    assert summary[1] == {"met": 1, "missed": 1}  # dung met; khanh (hop-hoa) missed
    assert summary[2] == {"met": 1, "missed": 2}
    html = page.content.decode()
    # "đạt" and "chưa đạt" in words and in two colours (classes), numbers aligned
    assert '<span class="num">1/1</span> <span class="badge state-met">đạt</span>' in html
    assert '<span class="badge state-missed">chưa đạt</span>' in html
    bad = client.get(url("targets", **{"to-chuc": "tam-duong", "nam": "abc"}))
    assert bad.status_code == 200 and "Năm: “abc” không hợp lệ" in bad.content.decode()


# ------------------------------------------------------------------ working groups


def test_groups_list_with_counts(client, setup):
    o = setup.world.orgs
    services.add_group_target(actor=None, group=setup.td_group, org=o["kl-thon-1"])
    services.add_group_target(actor=None, group=setup.td_group, org=o["kl-thon-2"])
    services.record_visit(
        actor=None,
        cell=o["kl-thon-1"],
        day=today(),
        attendees=[setup.world.members["huong"]],
        group=setup.td_group,
    )
    client.force_login(setup.world.users["committee"])
    page = client.get(url("groups", **{"to-chuc": "tam-duong"}))
    groups = {g.pk: g for g in page.context["page"].object_list}
    assert set(groups) == {setup.td_group.pk, setup.td_group2.pk}  # not vinh-tuong's
    g = groups[setup.td_group.pk]
    assert (g.n_members, g.n_planned, g.n_visited) == (2, 2, 1)
    assert (groups[setup.td_group2.pk].n_members, groups[setup.td_group2.pk].n_planned) == (1, 0)
    html = page.content.decode()
    assert url("group_create", **{"to-chuc": "tam-duong"}) not in html  # view only
    client.force_login(setup.world.users["staff"])
    html = client.get(url("groups", **{"to-chuc": "tam-duong"})).content.decode()
    assert url("group_create", **{"to-chuc": "tam-duong"}) in html
    assert url("plan", **{"to-chuc": "tam-duong"}) in html
    other_year = client.get(url("groups", **{"to-chuc": "tam-duong", "nam": "2016"}))
    assert list(other_year.context["page"].object_list) == []


def test_create_group_from_a_quarter_with_members(client, setup):
    m = setup.world.members
    client.force_login(setup.world.users["staff"])
    response = client.post(
        url("group_create", **{"to-chuc": "tam-duong"}),
        {
            "name": "Tổ công tác số 3",
            "year": "2016",
            "quarter": "2",
            "leader": str(m["hoa"].pk),
            "members": f"{m['huong'].card_number}  # Hương\n\n{m['khanh'].pk}\n",
        },
    )
    assert response.status_code == 302
    group = WorkingGroup.objects.get(name="Tổ công tác số 3")
    assert response["Location"] == url("group", group.pk)
    assert (group.period_start, group.period_end, group.leader_id) == (
        date(2016, 4, 1),
        date(2016, 6, 30),
        m["hoa"].pk,
    )
    assert set(group.members.values_list("pk", flat=True)) == {
        m["hoa"].pk,
        m["huong"].pk,
        m["khanh"].pk,
    }
    explicit = client.post(
        url("group_create", **{"to-chuc": "tam-duong"}),
        {
            "name": "Tổ đột xuất",
            "period_start": "01/07/2016",
            "period_end": "15/07/2016",
            "leader": str(m["hoa"].pk),
        },
    )
    assert explicit.status_code == 302
    assert WorkingGroup.objects.get(name="Tổ đột xuất").period_end == date(2016, 7, 15)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"period_start": "01/07/2016", "period_end": "30/06/2016"},
            "Đến ngày: trước ngày bắt đầu",
        ),
        ({"period_start": "01/07/2016"}, "cần ghi cả hai ngày"),
        ({"year": "2016"}, "Quý: chọn một quý"),
        ({"year": "", "quarter": "2"}, "Năm: bắt buộc khi chọn quý"),
        (
            {"year": "2016", "quarter": "2", "members": "{hoa}\n99999999"},
            "Thành viên, dòng 2: không tìm thấy đảng viên “99999999”",
        ),
        ({"year": "2016", "quarter": "2", "members": "{tien}"}, "Thành viên, dòng 1"),
        ({"year": "2016", "quarter": "2", "leader": "xyz"}, "không tìm thấy đảng viên “xyz”"),
        ({"year": "2016", "quarter": "2", "name": "  "}, "Tên tổ: bắt buộc"),
    ],
)
def test_create_group_bad_input(client, setup, data, message):
    m = setup.world.members
    payload = {"name": "Tổ X", "leader": str(m["hoa"].pk), "members": "", **data}
    payload["members"] = payload["members"].format(hoa=m["hoa"].pk, tien=m["tien"].pk)
    client.force_login(setup.world.users["admin"])
    before = counts(*MODELS)
    response = client.post(url("group_create", **{"to-chuc": "tam-duong"}), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts(*MODELS) == before


def test_generate_plan_spreads_cells_and_reports(client, setup):
    start, end = _quarter()
    client.force_login(setup.world.users["staff"])
    chooser = client.get(url("plan", **{"to-chuc": "tam-duong"}))
    link = url("plan", **{"to-chuc": "tam-duong", "tu": d(start)}).replace("&", "&amp;")
    assert link in chooser.content.decode()
    form_page = client.get(url("plan", **{"to-chuc": "tam-duong", "tu": d(start)}))
    assert form_page.status_code == 200
    assert [g.pk for g in form_page.context["chosen"]] == [setup.td_group.pk, setup.td_group2.pk]
    response = client.post(
        url("plan", **{"to-chuc": "tam-duong", "tu": d(start)}),
        {
            "groups": [str(setup.td_group.pk), str(setup.td_group2.pk)],
            "selection": "residential",
            "mode": "each",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("groups", **{"to-chuc": "tam-duong", "nam": start.year})
    planned = GroupTarget.objects.filter(group__committee__code="tam-duong")
    assert sorted(planned.values_list("org__code", flat=True)) == [
        "hh-tdp-1",
        "kl-thon-1",
        "kl-thon-2",
    ]
    sizes = sorted(planned.filter(group=g).count() for g in (setup.td_group, setup.td_group2))
    assert sizes == [1, 2]
    assert "Đã chia 3 chi bộ cho 2 tổ." in client.get(response["Location"]).content.decode()


def test_generate_plan_bad_input(client, setup):
    start, _end = _quarter()
    client.force_login(setup.world.users["admin"])
    before = counts(*MODELS)
    target = url("plan", **{"to-chuc": "tam-duong", "tu": d(start)})
    none = client.post(target, {"selection": "residential", "mode": "each"})
    assert none.status_code == 400 and "chọn ít nhất một tổ" in none.content.decode()
    foreign = client.post(
        target, {"groups": [str(setup.vt_group.pk)], "selection": "residential", "mode": "each"}
    )
    assert foreign.status_code == 400 and "lựa chọn không hợp lệ" in foreign.content.decode()
    bad_mode = client.post(
        target, {"groups": [str(setup.td_group.pk)], "mode": "random", "selection": "residential"}
    )
    assert bad_mode.status_code == 400 and "Cách chia: lựa chọn không hợp lệ" in (
        bad_mode.content.decode()
    )
    no_period = client.get(url("plan", **{"to-chuc": "tam-duong", "tu": "01/01/1999"}))
    assert no_period.status_code == 400 and "không có tổ công tác nào" in no_period.content.decode()
    garbage = client.get(url("plan", **{"to-chuc": "tam-duong", "tu": "abc"}))
    assert garbage.status_code == 400
    assert counts(*MODELS) == before


def test_group_page_edits_the_plan(client, setup):
    o = setup.world.orgs
    client.force_login(setup.world.users["staff"])
    page = url("group", setup.td_group.pk)
    tomorrow_or_today = _quarter()[1]
    added = client.post(
        page, {"op": "add", "add-org": "kl-thon-1", "add-planned_date": d(tomorrow_or_today)}
    )
    assert added.status_code == 302
    target = GroupTarget.objects.get(group=setup.td_group, org=o["kl-thon-1"])
    assert target.planned_date == tomorrow_or_today
    GroupTarget.objects.filter(pk=target.pk).update(id=12345)  # ids print without "12.345"
    target = GroupTarget.objects.get(pk=12345)
    html = client.get(page).content.decode()
    assert 'name="target" value="12345"' in html
    assert "Chi bộ thôn Đồng Bông" in html and "Đã thêm Chi bộ thôn Đồng Bông" in html
    assert f"?chi-bo=kl-thon-1&amp;to={setup.td_group.pk}" in html  # record the visit
    moved = client.post(
        page, {"op": "move", "target": str(target.pk), "to_group": str(setup.td_group2.pk)}
    )
    assert moved.status_code == 302
    target.refresh_from_db()
    assert target.group_id == setup.td_group2.pk
    removed = client.post(
        url("group", setup.td_group2.pk), {"op": "remove", "target": str(target.pk)}
    )
    assert removed.status_code == 302
    assert not GroupTarget.objects.filter(pk=target.pk).exists()


def test_group_page_bad_input(client, setup):
    o, m = setup.world.orgs, setup.world.members
    services.add_group_target(actor=None, group=setup.td_group2, org=o["kl-thon-2"])
    visited = services.add_group_target(actor=None, group=setup.td_group, org=o["kl-thon-1"])
    services.record_visit(
        actor=None, cell=o["kl-thon-1"], day=today(), attendees=[m["huong"]], group=setup.td_group
    )
    client.force_login(setup.world.users["admin"])
    page = url("group", setup.td_group.pk)
    before = counts(*MODELS)
    cases = [
        # a cell already planned for another group of the same period
        ({"op": "add", "add-org": "kl-thon-2"}, "đã có trong kế hoạch của Tổ 2 cùng kỳ"),
        ({"op": "add", "add-org": "kim-long"}, "không phải chi bộ thuộc"),
        ({"op": "add", "add-org": "vt-thon"}, "không tìm thấy tổ chức “vt-thon”"),
        (
            {"op": "add", "add-org": "hh-tdp-1", "add-planned_date": "01/01/2001"},
            "phải nằm trong thời gian hoạt động của tổ",
        ),
        ({"op": "remove", "target": str(visited.pk)}, "không bỏ khỏi kế hoạch"),
        (
            {"op": "move", "target": str(visited.pk), "to_group": str(setup.td_group2.pk)},
            "đã dự sinh hoạt",
        ),
        (
            {"op": "move", "target": str(visited.pk), "to_group": str(setup.vt_group.pk)},
            "lựa chọn không hợp lệ",
        ),
        ({"op": "remove", "target": "999999"}, "không tìm thấy trong tổ này"),
        ({"op": "explode"}, "Thao tác: không hợp lệ"),
    ]
    for data, message in cases:
        response = client.post(page, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert counts(*MODELS) == before
    visited.refresh_from_db()
    assert visited.group_id == setup.td_group.pk


def test_group_page_read_only_without_change(client, setup):
    services.add_group_target(actor=None, group=setup.td_group, org=setup.world.orgs["kl-thon-1"])
    client.force_login(setup.world.users["auditor"])
    page = client.get(url("group", setup.td_group.pk))
    html = page.content.decode()
    assert page.status_code == 200 and "Chi bộ thôn Đồng Bông" in html
    assert 'name="op"' not in html and "Ghi dự sinh hoạt" not in html  # auditor: no OVERSEE
    client.force_login(setup.world.users["committee"])
    html = client.get(url("group", setup.td_group.pk)).content.decode()
    assert 'name="op"' not in html and "Ghi dự sinh hoạt" in html


# ------------------------------------------------------------------ my organisations


def test_mine_without_a_member_record(client, setup):
    client.force_login(setup.world.users["staff"])
    page = client.get(url("mine"))
    html = page.content.decode()
    assert page.status_code == 200 and "chưa được gắn với một đảng viên" in html
    assert reverse("oversight:coverage") in html and reverse("oversight:opinions") in html


def test_mine_shows_what_is_due_and_counts_a_visit(client, setup, django_user_model):
    m, o = setup.world.members, setup.world.orgs
    user = django_user_model.objects.create_user("dung", password="pw-test-123")
    type(m["dung"]).objects.filter(pk=m["dung"].pk).update(user=user)
    mine = services.assign_oversight(
        actor=None,
        member=m["dung"],
        committee=o["tam-duong"],
        target=o["cb-toa-an"],
        valid_from=ASSIGNED,
        target_count=2,
    )
    services.add_group_target(actor=None, group=setup.td_group, org=o["kl-thon-2"])
    client.force_login(user)
    page = client.get(url("mine"))
    assert page.status_code == 200
    due = {a.assignment.pk: (a.done, a.due) for a in page.context["assignments"]}
    assert due == {setup.td_a.pk: (0, 1), mine.pk: (0, 2)}
    html = page.content.decode()
    assert "ít nhất 2 lần mỗi quý" in html
    assert url("visit_create") + "?chi-bo=cb-toa-an" in html  # a cell: record a visit
    assert url("visit_create") + "?chi-bo=kim-long" not in html  # a committee: no link
    assert f"?chi-bo=kl-thon-2&amp;to={setup.td_group.pk}" in html  # the group's plan
    assert "Tổ 1" in html

    visit = services.record_visit(
        actor=None, cell=o["cb-toa-an"], day=today(), attendees=[m["dung"]]
    )
    page = client.get(url("mine"))
    due = {a.assignment.pk: (a.done, a.due) for a in page.context["assignments"]}
    assert due == {setup.td_a.pk: (0, 1), mine.pk: (1, 1)}
    assert url("visit", visit.pk) in page.content.decode()
