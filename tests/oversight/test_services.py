"""Oversight services: assignments and handovers, working groups and their plans, visits,
and opinions followed through their lifecycle (brief §7, rule 19)."""

from datetime import date, timedelta

import pytest

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.meetings import services as meetings
from dangbo.meetings.models import Meeting
from dangbo.members import services as members
from dangbo.orgs import services as orgs
from dangbo.oversight import services
from dangbo.oversight.models import (
    GroupTarget,
    Opinion,
    OpinionStep,
    OpinionTopic,
    OversightAssignment,
    Visit,
    VisitAttendee,
    WorkingGroup,
)
from dangbo.registry import services as registry_services
from tests.support import assert_refused, assign, seat

pytestmark = pytest.mark.django_db

# What a refused call must leave unchanged (tests.support adds the audit log).
MODELS = (
    OversightAssignment,
    WorkingGroup,
    GroupTarget,
    Visit,
    VisitAttendee,
    Meeting,
    Opinion,
    OpinionStep,
    AuditEntry,
)

Q1 = (date(2016, 1, 1), date(2016, 3, 31))
Q2 = (date(2016, 4, 1), date(2016, 6, 30))


def new_cell(world, code, since=date(2010, 1, 1), parent="kim-long", sector="village"):
    world.orgs[code] = orgs.create_org(
        actor=None,
        code=code,
        name=f"Chi bộ {code}",
        kind="sub_cell",
        sector=sector,
        parent=world.org(parent),
        valid_from=since,
    )
    return world.orgs[code]


def group(world, name="Tổ 1", period=Q1, leader="an", people=(), committee="tam-duong"):
    return services.create_working_group(
        actor=None,
        committee=world.org(committee),
        name=name,
        period_start=period[0],
        period_end=period[1],
        leader=world.members[leader],
        members=[world.members[k] for k in people],
    )


def planned(g):
    return list(
        GroupTarget.objects.filter(group=g)
        .order_by("org__path")
        .values_list("org__code", flat=True)
    )


# -- assignments ---------------------------------------------------------------------------


def test_assign_oversight_happy_path(committee):
    w = committee
    a = assign(w, "an", "kim-long", target_count=2, target_period="year")
    assert (a.member, a.committee, a.target) == (
        w.members["an"],
        w.org("tam-duong"),
        w.org("kim-long"),
    )
    assert (a.role, a.target_count, a.target_period, a.valid_to) == ("oversee", 2, "year", None)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "oversight.assigned" and entry.actor == w.users["staff"]
    # defaults: quarterly, once
    b = assign(w, "hoa", "kl-thon-1")
    assert (b.target_count, b.target_period) == (1, "quarter")


def test_assignment_needs_a_committee_seat_on_the_date(committee):
    w = committee
    msg = assert_refused(MODELS, "member", assign, world=w, key="huong", target="kim-long")
    assert w.members["huong"].full_name in msg
    assert_refused(
        MODELS, "member", assign, world=w, key="an", target="kim-long", valid_from=date(2015, 9, 30)
    )
    # a seat on another committee does not count
    seat(w, "dung", org="kim-long")
    assert_refused(MODELS, "member", assign, world=w, key="dung", target="kim-long")
    assert assign(w, "dung", "kl-thon-2", committee="kim-long").pk
    # a seat that ended does not count either
    orgs.end_position(actor=None, position=w.seats["khanh"], valid_to=date(2016, 6, 30))
    assert_refused(
        MODELS,
        "member",
        assign,
        world=w,
        key="khanh",
        target="kim-long",
        valid_from=date(2016, 7, 1),
    )
    assert assign(w, "khanh", "kim-long", valid_from=date(2016, 6, 30)).pk


def test_inspection_or_cell_posts_are_no_committee_seat(committee):
    w = committee
    seat(w, "huong", title="inspection_member")
    assert_refused(MODELS, "member", assign, world=w, key="huong", target="kim-long")


def test_assignment_target_must_be_below_the_committee_and_active(committee):
    w = committee
    assert_refused(MODELS, "target", assign, world=w, key="an", target="tam-duong")  # itself
    assert_refused(MODELS, "target", assign, world=w, key="an", target="vinh-tuong")
    assert_refused(MODELS, "target", assign, world=w, key="an", target="vt-thon")
    assert_refused(MODELS, "target", assign, world=w, key="an", target="vinh-phuc")  # above
    new_cell(w, "kl-thon-3", since=date(2017, 1, 1))
    msg = assert_refused(MODELS, "target", assign, world=w, key="an", target="kl-thon-3")
    assert "01/01/2016" in msg
    assert assign(w, "an", "kl-thon-3", valid_from=date(2017, 1, 1)).pk
    old = new_cell(w, "kl-thon-4")
    w.orgs["kl-thon-4"] = registry_services.dissolve_org(
        actor=None, org=old, effective_date=date(2015, 12, 31)
    )
    assert_refused(MODELS, "target", assign, world=w, key="an", target="kl-thon-4")


def test_overlapping_duplicate_assignment_is_refused(committee):
    w = committee
    a = assign(w, "an", "kim-long")
    assert_refused(
        MODELS, "target", assign, world=w, key="an", target="kim-long", valid_from=date(2016, 5, 1)
    )
    assert_refused(
        MODELS, "target", assign, world=w, key="an", target="kim-long", valid_from=date(2015, 11, 1)
    )
    assign(w, "hoa", "kim-long")  # someone else may share it
    services.end_assignment(actor=None, assignment=a, valid_to=date(2016, 6, 30), reason="Đổi")
    assert_refused(
        MODELS, "target", assign, world=w, key="an", target="kim-long", valid_from=date(2016, 6, 30)
    )
    assert assign(w, "an", "kim-long", valid_from=date(2016, 7, 1)).pk


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("valid_from", {"valid_from": None}),
        ("target_count", {"target_count": 0}),
        ("target_count", {"target_count": 51}),
        ("target_count", {"target_count": True}),
        ("target_count", {"target_count": "2"}),
        ("target_period", {"target_period": "week"}),
        ("role", {"role": "boss"}),
    ],
)
def test_assignment_bad_input(committee, field, kw):
    assert_refused(MODELS, field, assign, world=committee, key="an", target="kim-long", **kw)


def test_assignment_in_the_future_is_refused(committee):
    msg = assert_refused(
        MODELS,
        "valid_from",
        assign,
        world=committee,
        key="an",
        target="kim-long",
        valid_from=today() + timedelta(days=1),
    )
    assert "hôm nay" in msg


def test_assignment_by_a_cell_or_by_a_member_who_left(committee):
    w = committee
    assert_refused(
        MODELS, "committee", assign, world=w, key="an", target="kl-thon-1", committee="kl-thon-2"
    )
    members.end_membership(
        actor=None, member=w.members["hoa"], kind="deceased", effective_date=date(2016, 12, 1)
    )
    assert_refused(
        MODELS, "member", assign, world=w, key="hoa", target="kim-long", valid_from=date(2017, 1, 1)
    )


def test_end_assignment(committee):
    w = committee
    a = assign(w, "an", "kim-long")
    assert_refused(
        MODELS,
        "reason",
        services.end_assignment,
        actor=None,
        assignment=a,
        valid_to=date(2016, 6, 30),
        reason="  ",
    )
    assert_refused(
        MODELS,
        "valid_to",
        services.end_assignment,
        actor=None,
        assignment=a,
        valid_to=date(2015, 12, 31),
        reason="Sai",
    )
    assert_refused(
        MODELS,
        "valid_to",
        services.end_assignment,
        actor=None,
        assignment=a,
        valid_to=today() + timedelta(days=1),
        reason="Sai",
    )
    services.end_assignment(actor=None, assignment=a, valid_to=date(2016, 6, 30), reason="Hết")
    a.refresh_from_db()
    assert (a.valid_to, a.end_reason) == (date(2016, 6, 30), "Hết")
    assert AuditEntry.objects.order_by("-id").first().action == "oversight.ended"
    assert_refused(
        MODELS,
        "valid_to",
        services.end_assignment,
        actor=None,
        assignment=a,
        valid_to=date(2016, 7, 30),
        reason="Lần hai",
    )


def test_hand_over(committee):
    w = committee
    a = assign(w, "an", "kim-long", target_count=3, target_period="year")
    new = services.hand_over(
        actor=None, assignment=a, to_member=w.members["hoa"], on=date(2017, 1, 1), reason="Nghỉ hưu"
    )
    a.refresh_from_db()
    assert a.valid_to == date(2016, 12, 31) and a.end_reason == "Nghỉ hưu"
    assert (new.member, new.target, new.committee, new.valid_from, new.valid_to) == (
        w.members["hoa"],
        w.org("kim-long"),
        w.org("tam-duong"),
        date(2017, 1, 1),
        None,
    )
    assert (new.target_count, new.target_period, new.role) == (3, "year", "oversee")
    assert new.handed_over_from == a
    assert list(a.handed_over_to.all()) == [new]


@pytest.mark.parametrize(
    ("field", "to", "on", "reason"),
    [
        ("to_member", "an", date(2017, 1, 1), "x"),  # to the member who holds it
        ("to_member", None, date(2017, 1, 1), "x"),
        ("on", "hoa", date(2016, 1, 1), "x"),  # the day the assignment began
        ("reason", "hoa", date(2017, 1, 1), ""),
    ],
)
def test_hand_over_bad_input_changes_nothing(committee, field, to, on, reason):
    w = committee
    a = assign(w, "an", "kim-long")
    assert_refused(
        MODELS,
        field,
        services.hand_over,
        actor=None,
        assignment=a,
        to_member=w.members[to] if to else None,
        on=on,
        reason=reason,
    )
    a.refresh_from_db()
    assert a.valid_to is None


def test_hand_over_to_someone_without_a_seat_keeps_the_assignment(committee):
    w = committee
    a = assign(w, "an", "kim-long")
    # the successor holds no seat: the old assignment stays open
    assert_refused(
        MODELS,
        "member",
        services.hand_over,
        actor=None,
        assignment=a,
        to_member=w.members["huong"],
        on=date(2017, 1, 1),
        reason="Nghỉ",
    )
    a.refresh_from_db()
    assert a.valid_to is None


# -- working groups ------------------------------------------------------------------------


def test_create_working_group(committee):
    w = committee
    g = group(w, people=("hoa", "khanh"))
    assert set(g.members.all()) == {w.members[k] for k in ("an", "hoa", "khanh")}  # leader too
    assert g.leader == w.members["an"]
    assert AuditEntry.objects.order_by("-id").first().action == "oversight.group_created"


def test_create_working_group_bad_input(committee):
    w = committee
    assert_refused(
        MODELS, "period_end", group, world=w, period=(date(2016, 3, 31), date(2016, 1, 1))
    )
    assert_refused(MODELS, "name", group, world=w, name=" ")
    assert_refused(MODELS, "committee", group, world=w, committee="kl-thon-1")
    w.members["khanh"] = members.end_membership(
        actor=None, member=w.members["khanh"], kind="deceased", effective_date=date(2016, 12, 1)
    )
    msg = assert_refused(MODELS, "members", group, world=w, people=("khanh",))
    assert w.members["khanh"].full_name in msg
    assert_refused(MODELS, "members", group, world=w, leader="khanh")
    assert_refused(
        MODELS,
        "leader",
        services.create_working_group,
        actor=None,
        committee=w.org("tam-duong"),
        name="Tổ",
        period_start=Q1[0],
        period_end=Q1[1],
        leader=None,
    )


def test_add_group_target(committee):
    w = committee
    g = group(w)
    t = services.add_group_target(
        actor=None, group=g, org=w.org("kl-thon-1"), planned_date=date(2016, 2, 10)
    )
    assert (t.org, t.planned_date) == (w.org("kl-thon-1"), date(2016, 2, 10))
    services.add_group_target(actor=None, group=g, org=w.org("cb-toa-an"))
    assert set(planned(g)) == {"kl-thon-1", "cb-toa-an"}
    assert_refused(
        MODELS, "org", services.add_group_target, actor=None, group=g, org=w.org("kl-thon-1")
    )
    assert_refused(
        MODELS, "org", services.add_group_target, actor=None, group=g, org=w.org("kim-long")
    )
    assert_refused(
        MODELS, "org", services.add_group_target, actor=None, group=g, org=w.org("vt-thon")
    )
    assert_refused(
        MODELS,
        "planned_date",
        services.add_group_target,
        actor=None,
        group=g,
        org=w.org("kl-thon-2"),
        planned_date=date(2016, 4, 1),
    )
    new_cell(w, "kl-thon-3", since=date(2016, 4, 1))
    assert_refused(
        MODELS, "org", services.add_group_target, actor=None, group=g, org=w.org("kl-thon-3")
    )


def test_a_cell_planned_for_another_group_of_the_same_committee_and_period_is_refused(committee):
    w = committee
    g1, g2 = group(w, "Tổ 1"), group(w, "Tổ 2", leader="hoa")
    services.add_group_target(actor=None, group=g1, org=w.org("kl-thon-1"))
    msg = assert_refused(
        MODELS, "org", services.add_group_target, actor=None, group=g2, org=w.org("kl-thon-1")
    )
    assert "Tổ 1" in msg
    # overlapping but not equal periods also clash
    g3 = group(w, "Tổ 3", period=(date(2016, 3, 1), date(2016, 5, 31)), leader="khanh")
    assert_refused(
        MODELS, "org", services.add_group_target, actor=None, group=g3, org=w.org("kl-thon-1")
    )
    # the next quarter, or another committee's group, may plan it
    g4 = group(w, "Tổ quý 2", period=Q2)
    assert services.add_group_target(actor=None, group=g4, org=w.org("kl-thon-1")).pk
    seat(w, "huong", org="kim-long")
    g5 = group(w, "Tổ xã", leader="huong", committee="kim-long")
    assert services.add_group_target(actor=None, group=g5, org=w.org("kl-thon-1")).pk


def test_move_and_remove_group_targets(committee):
    w = committee
    g1, g2 = group(w, "Tổ 1"), group(w, "Tổ 2", leader="hoa")
    t = services.add_group_target(actor=None, group=g1, org=w.org("kl-thon-1"))
    services.add_group_target(actor=None, group=g2, org=w.org("kl-thon-2"))
    assert_refused(
        MODELS, "to_group", services.move_group_target, actor=None, target=t, to_group=g1
    )
    moved = services.move_group_target(actor=None, target=t, to_group=g2)
    assert moved.group == g2 and planned(g2) == ["kl-thon-1", "kl-thon-2"] and planned(g1) == []
    seat(w, "huong", org="kim-long")
    other = group(w, "Tổ xã", leader="huong", committee="kim-long")
    assert_refused(
        MODELS, "to_group", services.move_group_target, actor=None, target=moved, to_group=other
    )
    services.remove_group_target(
        actor=None, target=GroupTarget.objects.get(group=g2, org=w.org("kl-thon-2"))
    )
    assert planned(g2) == ["kl-thon-1"]
    assert AuditEntry.objects.order_by("-id").first().action == "oversight.plan_changed"


def test_move_to_a_group_that_already_has_the_cell_is_refused(committee):
    w = committee
    g1, g2 = group(w, "Tổ 1"), group(w, "Tổ quý 2", period=Q2)
    t1 = services.add_group_target(actor=None, group=g1, org=w.org("kl-thon-1"))
    services.add_group_target(actor=None, group=g2, org=w.org("kl-thon-1"))
    assert_refused(
        MODELS, "to_group", services.move_group_target, actor=None, target=t1, to_group=g2
    )


def test_move_to_a_period_where_a_third_group_has_the_cell_is_refused(committee):
    w = committee
    g1 = group(w, "Tổ 1")
    g2, g3 = group(w, "Tổ 2 quý 2", period=Q2), group(w, "Tổ 3 quý 2", period=Q2, leader="hoa")
    t1 = services.add_group_target(actor=None, group=g1, org=w.org("kl-thon-1"))
    services.add_group_target(actor=None, group=g3, org=w.org("kl-thon-1"))
    assert_refused(
        MODELS, "to_group", services.move_group_target, actor=None, target=t1, to_group=g2
    )
    # nor to a period in which the cell no longer exists
    cell = new_cell(w, "kl-thon-3")
    t3 = services.add_group_target(actor=None, group=g1, org=cell)
    registry_services.dissolve_org(actor=None, org=cell, effective_date=date(2016, 3, 15))
    assert_refused(
        MODELS, "to_group", services.move_group_target, actor=None, target=t3, to_group=g2
    )


def test_visited_targets_cannot_be_removed_or_moved(committee):
    w = committee
    g1, g2 = group(w, "Tổ 1"), group(w, "Tổ 2", leader="hoa")
    t = services.add_group_target(actor=None, group=g1, org=w.org("kl-thon-1"))
    services.record_visit(
        actor=None,
        cell=w.org("kl-thon-1"),
        day=date(2016, 2, 5),
        attendees=[w.members["an"]],
        group=g1,
    )
    assert_refused(MODELS, "org", services.remove_group_target, actor=None, target=t)
    assert_refused(
        MODELS, "to_group", services.move_group_target, actor=None, target=t, to_group=g2
    )
    assert planned(g1) == ["kl-thon-1"]


# -- plans ---------------------------------------------------------------------------------


def villages(world, n, parent="kim-long", since=date(2010, 1, 1)):
    return [new_cell(world, f"thon-{parent}-{i}", since=since, parent=parent) for i in range(n)]


def test_generate_plan_residential_each(committee):
    w = committee
    g1, g2 = group(w, "Tổ 1"), group(w, "Tổ 2", leader="hoa")
    n = services.generate_plan(actor=None, committee=w.org("tam-duong"), groups=[g1, g2])
    # only village and residential-group sub-cells: not cb-toa-an (agency), not vt-thon
    assert n == 3
    assert sorted(planned(g1) + planned(g2)) == ["hh-tdp-1", "kl-thon-1", "kl-thon-2"]
    assert sorted([len(planned(g1)), len(planned(g2))]) == [1, 2]
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "oversight.plan_generated"
    # running it again plans nothing new: every cell is already planned this period
    assert services.generate_plan(actor=None, committee=w.org("tam-duong"), groups=[g1, g2]) == 0


def test_generate_plan_keeps_a_commune_together_in_path_order(committee):
    w = committee
    villages(w, 3)  # kim-long: 5 villages, hop-hoa: 1 group
    g1, g2 = group(w, "Tổ 1"), group(w, "Tổ 2", leader="hoa")
    assert services.generate_plan(actor=None, committee=w.org("tam-duong"), groups=[g1, g2]) == 6
    cells = [t.org for t in GroupTarget.objects.filter(group__in=[g1, g2]).select_related("org")]
    ordered = sorted(cells, key=lambda o: o.path)
    shares = [
        sorted((t.org for t in g.targets.select_related("org")), key=lambda o: o.path)
        for g in (g1, g2)
    ]
    assert shares[0] + shares[1] == ordered  # one contiguous run each
    assert [len(s) for s in shares] == [3, 3]


def test_generate_plan_all_cells(committee):
    w = committee
    g = group(w)
    n = services.generate_plan(
        actor=None, committee=w.org("tam-duong"), groups=[g], selection="all_cells"
    )
    assert n == 4 and set(planned(g)) == {"kl-thon-1", "kl-thon-2", "hh-tdp-1", "cb-toa-an"}


def test_generate_plan_of_a_commune(committee):
    w = committee
    seat(w, "huong", org="kim-long")
    g = group(w, "Tổ xã", leader="huong", committee="kim-long")
    assert services.generate_plan(actor=None, committee=w.org("kim-long"), groups=[g]) == 2
    assert planned(g) == sorted(["kl-thon-1", "kl-thon-2"], key=lambda c: w.org(c).path)


def test_generate_plan_spreads_fairly_over_existing_loads(committee):
    w = committee
    villages(w, 5)  # 8 residential cells in all
    g1, g2, g3 = group(w, "Tổ 1"), group(w, "Tổ 2", leader="hoa"), group(w, "Tổ 3", leader="khanh")
    for code in ("kl-thon-1", "kl-thon-2", "hh-tdp-1"):
        services.add_group_target(actor=None, group=g1, org=w.org(code))
    n = services.generate_plan(actor=None, committee=w.org("tam-duong"), groups=[g1, g2, g3])
    assert n == 5
    loads = [g.targets.count() for g in (g1, g2, g3)]
    assert sum(loads) == 8 and max(loads) - min(loads) <= 1
    all_planned = GroupTarget.objects.filter(group__in=[g1, g2, g3])
    assert all_planned.count() == all_planned.values("org").distinct().count() == 8


def test_generate_plan_rotation_covers_every_cell_over_the_year(committee):
    w = committee
    villages(w, 6)  # 9 residential cells
    seen = []
    for q in range(1, 5):
        start = date(2016, 3 * q - 2, 1)
        end = services.quarter_period(2016, q)[1]
        groups = [
            group(w, f"Tổ {q}.{i}", period=(start, end), leader=k)
            for i, k in enumerate(("an", "hoa"))
        ]
        n = services.generate_plan(
            actor=None, committee=w.org("tam-duong"), groups=groups, mode="rotation"
        )
        codes = list(
            GroupTarget.objects.filter(group__in=groups).values_list("org__code", flat=True)
        )
        assert len(codes) == n
        seen.append(codes)
    assert [len(s) for s in seen] == [3, 2, 2, 2]  # ceil(9/4), ceil(6/3), ceil(4/2), 2
    flat = [c for s in seen for c in s]
    assert len(flat) == len(set(flat)) == 9


def test_rotation_skips_cells_visited_earlier_in_the_year(committee):
    w = committee
    villages(w, 1)  # 4 residential cells
    services.record_visit(
        actor=None, cell=w.org("kl-thon-1"), day=date(2016, 2, 2), attendees=[w.members["khanh"]]
    )
    g = group(w, "Tổ quý 2", period=Q2)
    assert (
        services.generate_plan(
            actor=None, committee=w.org("tam-duong"), groups=[g], mode="rotation"
        )
        == 1
    )  # ceil(3 / 3)
    assert "kl-thon-1" not in planned(g)


def test_generate_plan_bad_input(committee):
    w = committee
    g1 = group(w, "Tổ 1")
    g2 = group(w, "Tổ 2", period=Q2, leader="hoa")
    t = w.org("tam-duong")
    assert_refused(MODELS, "groups", services.generate_plan, actor=None, committee=t, groups=[])
    assert_refused(
        MODELS, "groups", services.generate_plan, actor=None, committee=t, groups=[g1, g2]
    )
    assert_refused(
        MODELS,
        "groups",
        services.generate_plan,
        actor=None,
        committee=w.org("kim-long"),
        groups=[g1],
    )
    assert_refused(
        MODELS,
        "selection",
        services.generate_plan,
        actor=None,
        committee=t,
        groups=[g1],
        selection="some",
    )
    assert_refused(
        MODELS, "mode", services.generate_plan, actor=None, committee=t, groups=[g1], mode="random"
    )


# -- visits ---------------------------------------------------------------------------------


@pytest.fixture
def assigned(committee):
    w = committee
    w.a_commune = assign(w, "an", "kim-long")
    w.a_cell = assign(w, "an", "kl-thon-1")
    w.h_commune = assign(w, "hoa", "kim-long")
    return w


def visit(world, keys, cell="kl-thon-1", day=date(2016, 2, 5), **kw):
    return services.record_visit(
        actor=world.users["committee"],
        cell=world.org(cell),
        day=day,
        attendees=[world.members[k] for k in keys],
        **kw,
    )


def test_visit_links_each_attendee_to_the_most_specific_assignment(assigned):
    w = assigned
    before = Meeting.objects.count()
    v = visit(w, ["an", "hoa", "khanh"], notes="Bà con hỏi về đường\nvà điện")
    links = {a.member_id: a.assignment_id for a in v.attendees.all()}
    assert links == {
        w.members["an"].pk: w.a_cell.pk,  # the cell's own assignment, not the commune's
        w.members["hoa"].pk: w.h_commune.pk,
        w.members["khanh"].pk: None,
    }
    assert v.without_mandate is False
    assert (v.org, v.path, v.date, v.notes) == (
        w.org("kl-thon-1"),
        w.org("kl-thon-1").path,
        date(2016, 2, 5),
        "Bà con hỏi về đường\nvà điện",
    )
    # no meeting was recorded that day: one is opened for the secretary to complete
    assert Meeting.objects.count() == before + 1
    assert (v.meeting.org, v.meeting.date, v.meeting.kind) == (
        w.org("kl-thon-1"),
        v.date,
        "regular",
    )
    assert AuditEntry.objects.order_by("-id").first().action == "oversight.visit"


def test_visit_reuses_the_meeting_recorded_that_day(assigned):
    w = assigned
    regular = meetings.record_meeting(
        actor=None, org=w.org("kl-thon-1"), day=date(2016, 2, 5), data={"kind": "regular"}
    )
    thematic = meetings.record_meeting(
        actor=None,
        org=w.org("kl-thon-1"),
        day=date(2016, 2, 5),
        data={"kind": "thematic", "topic": "Học tập"},
    )
    before = Meeting.objects.count()
    assert visit(w, ["an"]).meeting == regular
    assert visit(w, ["hoa"], kind="thematic").meeting == thematic
    assert visit(w, ["khanh"], meeting=thematic).meeting == thematic
    assert Meeting.objects.count() == before


def test_visit_outside_the_group_period_is_refused(assigned):
    w = assigned
    g = group(w, period=Q2)
    msg = assert_refused(MODELS, "group", visit, world=w, keys=["an"], group=g)
    assert "05/02/2016" in msg


def test_same_person_twice_at_one_meeting_is_refused(assigned):
    w = assigned
    visit(w, ["an", "hoa"])
    msg = assert_refused(MODELS, "attendees", visit, world=w, keys=["khanh", "hoa"])
    assert w.members["hoa"].full_name in msg
    # but on another day, fine
    assert visit(w, ["hoa"], day=date(2016, 3, 5)).pk


def test_visit_without_mandate_is_allowed_and_marked(assigned):
    w = assigned
    assert visit(w, ["khanh"], cell="hh-tdp-1").without_mandate is True
    g = group(w, leader="khanh")
    # a group whose plan does not include the cell: still without mandate
    assert visit(w, ["khanh"], cell="kl-thon-2", group=g).without_mandate is True
    services.add_group_target(actor=None, group=g, org=w.org("cb-toa-an"))
    assert visit(w, ["khanh"], cell="cb-toa-an", group=g).without_mandate is False
    # an assignment alone is enough
    assert (
        visit(w, ["hoa", "khanh"], cell="kl-thon-2", day=date(2016, 3, 3)).without_mandate is False
    )


def test_an_ended_assignment_no_longer_links(assigned):
    w = assigned
    services.end_assignment(
        actor=None, assignment=w.a_cell, valid_to=date(2016, 1, 31), reason="Đổi"
    )
    v = visit(w, ["an"])
    assert v.attendees.get().assignment_id == w.a_commune.pk


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("attendees", {"keys": []}),
        ("date", {"day": today() + timedelta(days=1)}),
        ("date", {"day": None}),
        ("notes", {"notes": "x\x00"}),
        ("org", {"cell": "kim-long"}),  # not a cell
    ],
)
def test_visit_bad_input(assigned, field, kwargs):
    assert_refused(MODELS, field, visit, world=assigned, **{"keys": ["an"], **kwargs})


def test_visit_of_another_cells_meeting_is_refused(assigned):
    w = assigned
    other = meetings.record_meeting(
        actor=None, org=w.org("kl-thon-2"), day=date(2016, 2, 5), data={}
    )
    assert_refused(MODELS, "meeting", visit, world=w, keys=["an"], meeting=other)


# -- opinions --------------------------------------------------------------------------------


def topic(code="dat-dai"):
    return OpinionTopic.objects.get(code=code)


def opinion(world, received_on=date(2016, 2, 5), org="kl-thon-1", received_by="tam-duong", **kw):
    data = dict(source="citizen", channel="staff", text="Đường thôn xuống cấp", topic=topic())
    data.update(kw)
    return services.record_opinion(
        actor=world.users["committee"],
        received_on=received_on,
        org=world.org(org),
        received_by=world.org(received_by),
        **data,
    )


def history(op):
    return [(s.from_state, s.to_state) for s in op.steps.order_by("on", "id")]


def test_record_opinion(world):
    op = opinion(
        world,
        submitter_name="Ông Ba",
        submitter_contact="0912 345 678",
        consent=True,
        place="Nhà văn hóa thôn",
    )
    assert (op.state, op.grassroots, op.received_by) == (
        "received",
        world.org("kim-long"),
        world.org("tam-duong"),
    )
    assert (op.submitter_name, op.submitter_contact, op.consent) == ("Ông Ba", "0912 345 678", True)
    assert history(op) == [("", "received")]
    assert op.steps.get().org == world.org("tam-duong")
    assert AuditEntry.objects.order_by("-id").first().action == "opinion.received"
    # an agency cell is its own grassroots organisation
    assert opinion(world, org="cb-toa-an").grassroots == world.org("cb-toa-an")


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("submitter_contact", {"submitter_contact": "0912 345 678"}),  # no consent
        ("received_by", {"org": "vt-thon"}),
        ("received_by", {"org": "tam-duong", "received_by": "kim-long"}),
        ("topic", {"topic": None}),
        ("text", {"text": "   "}),
        ("text", {"text": "x\x00"}),
        ("source", {"source": "alien"}),
        ("channel", {"channel": "pigeon"}),
        ("received_on", {"received_on": None}),
    ],
)
def test_record_opinion_bad_input(world, field, kw):
    assert_refused(MODELS, field, opinion, world=world, **kw)


def test_opinion_with_an_inactive_topic_or_in_the_future_is_refused(world):
    retired = topic("khac")
    retired.active = False
    retired.save()
    assert_refused(MODELS, "topic", opinion, world=world, topic=retired)
    assert_refused(
        MODELS, "received_on", opinion, world=world, received_on=today() + timedelta(days=1)
    )


def test_opinion_heard_at_a_visit_must_carry_the_visit_date(assigned):
    w = assigned
    v = visit(w, ["an"])
    assert_refused(
        MODELS,
        "received_on",
        opinion,
        world=w,
        channel="visit",
        visit=v,
        received_on=date(2016, 2, 6),
    )
    op = opinion(w, channel="visit", visit=v)
    assert (op.visit, op.meeting) == (v, v.meeting)


def test_opinion_heard_at_a_meeting_not_before_it(world):
    mt = meetings.record_meeting(
        actor=None, org=world.org("kl-thon-1"), day=date(2016, 2, 5), data={}
    )
    assert_refused(
        MODELS,
        "received_on",
        opinion,
        world=world,
        channel="meeting",
        meeting=mt,
        received_on=date(2016, 2, 4),
    )


def test_full_lifecycle(world):
    op = opinion(world)
    staff = world.users["staff"]
    op = services.assign_opinion(
        actor=staff,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 3, 5),
        note="Kiểm tra",
        on=date(2016, 2, 6),
    )
    assert (op.state, op.assigned_to, op.deadline) == (
        "assigned",
        world.org("kim-long"),
        date(2016, 3, 5),
    )
    op = services.start_opinion(
        actor=world.users["sensitive_staff"], opinion=op, on=date(2016, 2, 8)
    )
    assert op.state == "in_progress"
    op = services.answer_opinion(
        actor=world.users["sensitive_staff"],
        opinion=op,
        answer="Đã sửa đường",
        approved_by="Chủ tịch UBND xã",
        on=date(2016, 2, 20),
    )
    assert (op.state, op.answer, op.answered_on, op.approved_by) == (
        "answered",
        "Đã sửa đường",
        date(2016, 2, 20),
        "Chủ tịch UBND xã",
    )
    op = services.close_opinion(actor=staff, opinion=op, on=date(2016, 2, 25))
    assert (op.state, op.closed_on) == ("closed", date(2016, 2, 25))
    assert history(op) == [
        ("", "received"),
        ("received", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "answered"),
        ("answered", "closed"),
    ]
    steps = list(op.steps.order_by("on", "id"))
    assert [s.on for s in steps] == [date(2016, 2, d) for d in (5, 6, 8, 20, 25)]
    assert steps[1].deadline == date(2016, 3, 5) and steps[1].org == world.org("kim-long")
    assert steps[1].actor == staff and steps[1].actor_name == "staff"
    assert steps[3].note == "Đã sửa đường"
    actions = list(
        AuditEntry.objects.filter(object_type__icontains="opinion", object_id=str(op.pk))
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
    # closed is final
    assert_refused(
        MODELS,
        "state",
        services.reopen_opinion,
        actor=None,
        opinion=op,
        reason="x",
        on=date(2016, 3, 1),
    )


def test_steps_are_append_only(world):
    step = opinion(world).steps.get()
    step.note = "sửa"
    with pytest.raises(RuntimeError):
        step.save()


def test_return_escalate_reopen_need_reasons(world):
    op = opinion(world)
    op = services.assign_opinion(
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 3, 5),
        on=date(2016, 2, 6),
    )
    for fn in (services.return_opinion, services.escalate_opinion):
        assert_refused(
            MODELS, "reason", fn, actor=None, opinion=op, reason=" ", on=date(2016, 2, 7)
        )
    op = services.return_opinion(
        actor=None, opinion=op, reason="Không thuộc thẩm quyền xã", on=date(2016, 2, 7)
    )
    assert op.state == "returned" and op.steps.order_by("-id").first().note.startswith("Không")
    op = services.assign_opinion(
        actor=None,
        opinion=op,
        to_org=world.org("hop-hoa"),
        deadline=date(2016, 3, 10),
        on=date(2016, 2, 8),
    )
    assert (op.state, op.assigned_to) == ("assigned", world.org("hop-hoa"))
    op = services.escalate_opinion(
        actor=None, opinion=op, reason="Cần huyện giải quyết", on=date(2016, 2, 9)
    )
    assert op.state == "escalated"
    op = services.assign_opinion(
        actor=None,
        opinion=op,
        to_org=world.org("tam-duong"),
        deadline=date(2016, 3, 10),
        on=date(2016, 2, 10),
    )
    op = services.answer_opinion(
        actor=None, opinion=op, answer="Đã trả lời", approved_by="Bí thư", on=date(2016, 2, 11)
    )
    assert_refused(
        MODELS,
        "reason",
        services.reopen_opinion,
        actor=None,
        opinion=op,
        reason="",
        on=date(2016, 2, 12),
    )
    op = services.reopen_opinion(
        actor=None, opinion=op, reason="Người dân chưa đồng ý", on=date(2016, 2, 12)
    )
    assert op.state == "in_progress"
    assert [t for _f, t in history(op)] == [
        "received",
        "assigned",
        "returned",
        "assigned",
        "escalated",
        "assigned",
        "answered",
        "in_progress",
    ]


def test_deadline_rules(world):
    op = opinion(world, received_on=date(2016, 2, 5))
    msg = assert_refused(
        MODELS,
        "deadline",
        services.assign_opinion,
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 2, 4),
        on=date(2016, 2, 5),
    )
    assert "05/02/2016" in msg
    assert_refused(
        MODELS,
        "deadline",
        services.assign_opinion,
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 2, 9),
        on=date(2016, 2, 10),
    )
    assert_refused(
        MODELS,
        "deadline",
        services.assign_opinion,
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=None,
        on=date(2016, 2, 10),
    )
    assert_refused(
        MODELS,
        "to_org",
        services.assign_opinion,
        actor=None,
        opinion=op,
        to_org=None,
        deadline=date(2016, 3, 1),
        on=date(2016, 2, 10),
    )
    op.refresh_from_db()
    assert op.state == "received" and op.deadline is None


def test_transition_from_a_wrong_state_is_refused(world):
    op = opinion(world)
    assert_refused(
        MODELS, "state", services.start_opinion, actor=None, opinion=op, on=date(2016, 2, 6)
    )
    assert_refused(
        MODELS,
        "state",
        services.return_opinion,
        actor=None,
        opinion=op,
        reason="x",
        on=date(2016, 2, 6),
    )
    assert_refused(
        MODELS,
        "state",
        services.escalate_opinion,
        actor=None,
        opinion=op,
        reason="x",
        on=date(2016, 2, 6),
    )
    assert_refused(
        MODELS,
        "state",
        services.reopen_opinion,
        actor=None,
        opinion=op,
        reason="x",
        on=date(2016, 2, 6),
    )
    op = services.assign_opinion(
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 3, 5),
        on=date(2016, 2, 6),
    )
    assert_refused(
        MODELS,
        "state",
        services.close_opinion,
        actor=None,
        opinion=op,
        note="x",
        on=date(2016, 2, 7),
    )
    assert_refused(
        MODELS,
        "state",
        services.reopen_opinion,
        actor=None,
        opinion=op,
        reason="x",
        on=date(2016, 2, 7),
    )


def test_a_step_dated_before_the_previous_one_is_refused(world):
    op = opinion(world, received_on=date(2016, 2, 5))
    assert_refused(
        MODELS,
        "on",
        services.assign_opinion,
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 3, 5),
        on=date(2016, 2, 4),
    )
    op = services.assign_opinion(
        actor=None,
        opinion=op,
        to_org=world.org("kim-long"),
        deadline=date(2016, 3, 5),
        on=date(2016, 2, 10),
    )
    msg = assert_refused(
        MODELS, "on", services.start_opinion, actor=None, opinion=op, on=date(2016, 2, 9)
    )
    assert "10/02/2016" in msg
    assert_refused(
        MODELS, "on", services.start_opinion, actor=None, opinion=op, on=today() + timedelta(days=1)
    )
    # the same day is fine
    assert services.start_opinion(actor=None, opinion=op, on=date(2016, 2, 10)).state == (
        "in_progress"
    )


def test_answer_needs_text_and_approver(world):
    op = opinion(world)
    assert_refused(
        MODELS,
        "answer",
        services.answer_opinion,
        actor=None,
        opinion=op,
        answer="  ",
        approved_by="Bí thư",
        on=date(2016, 2, 6),
    )
    assert_refused(
        MODELS,
        "approved_by",
        services.answer_opinion,
        actor=None,
        opinion=op,
        answer="Đã",
        approved_by="",
        on=date(2016, 2, 6),
    )


def test_close_without_answer_needs_a_note(world):
    op = opinion(world)
    msg = assert_refused(
        MODELS, "note", services.close_opinion, actor=None, opinion=op, on=date(2016, 2, 6)
    )
    assert msg
    op = services.close_opinion(actor=None, opinion=op, note="Trùng ý kiến #1", on=date(2016, 2, 6))
    assert op.state == "closed" and history(op)[-1] == ("received", "closed")


def test_reopen_of_an_opinion_answered_on_the_spot_goes_back_to_received(world):
    op = opinion(world)
    op = services.answer_opinion(
        actor=None,
        opinion=op,
        answer="Đã giải thích tại chỗ",
        approved_by="Đồng chí Bí thư",
        on=date(2016, 2, 5),
    )
    assert op.state == "answered" and op.assigned_to is None
    assert op.steps.order_by("-id").first().org == world.org("tam-duong")
    op = services.reopen_opinion(actor=None, opinion=op, reason="Chưa rõ", on=date(2016, 2, 6))
    assert op.state == "received"
    assert history(op)[-1] == ("answered", "received")
