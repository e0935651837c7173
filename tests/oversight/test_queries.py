"""Oversight read side: coverage, targets met per quarter (rule 19), "my organisations",
opinion dashboards and the ``oversight`` statistics — each checked on a small scenario."""

from collections import Counter
from datetime import date

import pytest

from dangbo.core.dates import today
from dangbo.meetings import services as meetings
from dangbo.orgs import services as orgs
from dangbo.oversight import queries, services
from dangbo.oversight.models import OpinionTopic
from tests.support import SEATED, assign, seat

pytestmark = pytest.mark.django_db


def visit(world, keys, cell, day, **kw):
    return services.record_visit(
        actor=None,
        cell=world.org(cell),
        day=day,
        attendees=[world.members[k] for k in keys],
        **kw,
    )


def codes(rows):
    return {r.code for r in rows}


# -- coverage -------------------------------------------------------------------------------


def test_coverage_of_grassroots_organisations(committee):
    w = committee
    a = assign(w, "an", "kim-long")
    cov = queries.coverage(w.org("tam-duong"), date(2016, 6, 30))
    assert (cov.level, cov.total, cov.uncovered_total) == ("grassroots", 3, 2)
    assert codes(cov.uncovered) == {"hop-hoa", "cb-toa-an"}
    assert [x.pk for x in cov.assignments] == [a.pk] and cov.assignments_total == 1
    assert cov.needs_handover == []
    # before the assignment started, nobody covered kim-long
    assert codes(queries.coverage(w.org("tam-duong"), date(2015, 12, 31)).uncovered) == {
        "kim-long",
        "hop-hoa",
        "cb-toa-an",
    }


def test_an_ended_assignment_no_longer_covers(committee):
    w = committee
    a = assign(w, "an", "kim-long")
    services.end_assignment(actor=None, assignment=a, valid_to=date(2016, 6, 30), reason="Đổi")
    assert "kim-long" not in codes(
        queries.coverage(w.org("tam-duong"), date(2016, 6, 30)).uncovered
    )
    after = queries.coverage(w.org("tam-duong"), date(2016, 7, 1))
    assert "kim-long" in codes(after.uncovered) and after.assignments == []


def test_coverage_of_cells(committee):
    w = committee
    assign(w, "an", "kim-long")  # covers its villages
    assign(w, "hoa", "hh-tdp-1")  # a cell directly
    cov = queries.coverage(w.org("tam-duong"), date(2016, 6, 30), level="cells")
    assert (cov.level, cov.total) == ("cells", 4)
    assert codes(cov.uncovered) == {"cb-toa-an"}
    assign(w, "khanh", "cb-toa-an")
    assert queries.coverage(w.org("tam-duong"), date(2016, 6, 30), "cells").uncovered == []
    # a commune's view lists its own cells only
    kim = queries.coverage(w.org("kim-long"), date(2016, 6, 30), "cells")
    assert kim.total == 2 and kim.uncovered == []


def test_needs_handover_lists_a_holder_whose_position_ended(committee):
    w = committee
    a = assign(w, "khanh", "cb-toa-an")
    assign(w, "an", "kim-long")
    orgs.end_position(actor=None, position=w.seats["khanh"], valid_to=date(2016, 3, 31))
    assert queries.coverage(w.org("tam-duong"), date(2016, 3, 31)).needs_handover == []
    cov = queries.coverage(w.org("tam-duong"), date(2016, 4, 1))
    assert [x.pk for x in cov.needs_handover] == [a.pk]
    # still counted as covering until handed over
    assert "cb-toa-an" not in codes(cov.uncovered)
    services.hand_over(
        actor=None,
        assignment=a,
        to_member=w.members["hoa"],
        on=date(2016, 4, 1),
        reason="Thôi chức",
    )
    assert queries.coverage(w.org("tam-duong"), date(2016, 4, 1)).needs_handover == []


# -- targets (rule 19) ------------------------------------------------------------------------


@pytest.fixture
def attended(committee):
    w = committee
    w.quarterly = assign(w, "an", "kl-thon-1")
    w.yearly = assign(w, "hoa", "kim-long", target_count=2, target_period="year")
    w.late = assign(w, "khanh", "cb-toa-an", valid_from=date(2016, 5, 1), target_count=2)
    visit(w, ["an"], "kl-thon-1", date(2016, 2, 10))
    visit(w, ["hoa"], "kl-thon-2", date(2016, 3, 10))
    visit(w, ["hoa", "an"], "kl-thon-1", date(2016, 5, 10))  # an: a Q2 attendance too
    visit(w, ["khanh"], "cb-toa-an", date(2016, 6, 10))
    visit(w, ["an"], "kl-thon-1", date(2016, 9, 1))  # after the as_of used below
    return w


def rows_by(rows):
    return {r.assignment.pk: r.cells for r in rows}


def test_targets_met_missed_open_per_quarter(attended):
    w = attended
    rows = rows_by(queries.targets(w.org("tam-duong"), 2016, date(2016, 8, 15)))
    assert rows[w.quarterly.pk] == [(1, 1, "met"), (1, 1, "met"), (0, 1, "open"), (0, 1, "future")]
    # assigned from 01/05: nothing expected in Q1; Q2 short of its two
    assert rows[w.late.pk] == [(0, 2, ""), (1, 2, "missed"), (0, 2, "open"), (0, 2, "future")]


def test_a_yearly_target(attended):
    w = attended
    rows = rows_by(queries.targets(w.org("tam-duong"), 2016, date(2016, 4, 30)))
    assert rows[w.yearly.pk] == [(1, 2, "open")]
    rows = rows_by(queries.targets(w.org("tam-duong"), 2016, date(2016, 12, 31)))
    assert rows[w.yearly.pk] == [(2, 2, "met")]
    assert rows[w.quarterly.pk] == [(1, 1, "met"), (1, 1, "met"), (1, 1, "met"), (0, 1, "missed")]


def test_targets_of_another_year_and_subtree(attended):
    w = attended
    rows = rows_by(queries.targets(w.org("tam-duong"), 2017, date(2017, 12, 31)))
    assert rows[w.quarterly.pk] == [(0, 1, "missed")] * 4
    kim = rows_by(queries.targets(w.org("kim-long"), 2016, date(2016, 12, 31)))
    assert set(kim) == {w.quarterly.pk, w.yearly.pk}


def test_my_organisations(attended):
    w = attended
    g = services.create_working_group(
        actor=None,
        committee=w.org("tam-duong"),
        name="Tổ quý 3",
        period_start=date(2016, 7, 1),
        period_end=date(2016, 9, 30),
        leader=w.members["hoa"],
        members=[w.members["an"]],
    )
    services.add_group_target(actor=None, group=g, org=w.org("kl-thon-2"))
    services.add_group_target(actor=None, group=g, org=w.org("hh-tdp-1"))
    visit(w, ["hoa"], "hh-tdp-1", date(2016, 8, 1), group=g)
    page = queries.my_organisations(w.members["an"], date(2016, 8, 15))
    assert (page.quarter, page.quarter_start, page.quarter_end) == (
        3,
        date(2016, 7, 1),
        date(2016, 9, 30),
    )
    (a,) = page.assignments
    # As of 15/08 the 01/09 visit has not happened yet: Q3 is still due.
    assert (a.assignment.pk, a.done, a.due) == (w.quarterly.pk, 0, 1)
    (grp,) = page.groups
    assert grp.group.pk == g.pk and grp.remaining == 1
    assert {(t.org.code, t.visited) for t in grp.cells} == {
        ("kl-thon-2", False),
        ("hh-tdp-1", True),
    }
    assert [v.date for v in page.visits] == [date(2016, 5, 10), date(2016, 2, 10)]
    later = queries.my_organisations(w.members["an"], date(2016, 9, 30))
    assert [(a.done, a.due) for a in later.assignments] == [(1, 0)]
    assert [v.date for v in later.visits][0] == date(2016, 9, 1)
    hoa = queries.my_organisations(w.members["hoa"], date(2016, 8, 15))
    (y,) = hoa.assignments
    assert (y.done, y.due) == (2, 0)  # a yearly target counts the whole year


def test_my_organisations_lists_opinions_brought_in(attended):
    w = attended
    v = visit(w, ["an"], "kl-thon-2", date(2016, 8, 2))
    op = services.record_opinion(
        actor=None,
        received_on=v.date,
        source="member",
        channel="visit",
        visit=v,
        text="Cần sửa nhà văn hóa",
        topic=OpinionTopic.objects.get(code="ha-tang"),
        org=w.org("kl-thon-2"),
        received_by=w.org("tam-duong"),
    )
    assert [
        o.pk for o in queries.my_organisations(w.members["an"], date(2016, 8, 15)).opinions
    ] == [op.pk]
    assert queries.my_organisations(w.members["hoa"], date(2016, 8, 15)).opinions == []


# -- opinions ---------------------------------------------------------------------------------


def opinion(world, received_on, org="kl-thon-1", topic="dat-dai", received_by="tam-duong"):
    return services.record_opinion(
        actor=None,
        received_on=received_on,
        source="citizen",
        channel="staff",
        text=f"Ý kiến {org} {received_on}",
        topic=OpinionTopic.objects.get(code=topic),
        org=world.org(org),
        received_by=world.org(received_by),
    )


@pytest.fixture
def heard(world):
    """Opinions of 2016, as of 30/06/2016: the states they reach by then."""
    w = world
    kim, hop = w.org("kim-long"), w.org("hop-hoa")
    w.op = {}
    # 1: received in Q1, assigned, overdue by 30/06 (deadline 31/05)
    o = opinion(w, date(2016, 2, 1))
    w.op[1] = services.assign_opinion(
        actor=None, opinion=o, to_org=kim, deadline=date(2016, 5, 31), on=date(2016, 2, 2)
    )
    # 2: assigned, started, answered 10/03, closed 01/07 (after 30/06)
    o = opinion(w, date(2016, 2, 15), topic="ha-tang")
    o = services.assign_opinion(
        actor=None, opinion=o, to_org=kim, deadline=date(2016, 3, 31), on=date(2016, 2, 16)
    )
    o = services.start_opinion(actor=None, opinion=o, on=date(2016, 2, 20))
    o = services.answer_opinion(
        actor=None, opinion=o, answer="Đã làm", approved_by="Chủ tịch", on=date(2016, 3, 10)
    )
    w.op[2] = services.close_opinion(actor=None, opinion=o, on=date(2016, 7, 1))
    # 3: a town's opinion, in progress, deadline not passed
    o = opinion(w, date(2016, 5, 20), org="hh-tdp-1")
    o = services.assign_opinion(
        actor=None, opinion=o, to_org=hop, deadline=date(2016, 8, 1), on=date(2016, 5, 21)
    )
    w.op[3] = services.start_opinion(actor=None, opinion=o, on=date(2016, 5, 22))
    # 4: just received (open, no deadline)
    w.op[4] = opinion(w, date(2016, 6, 25), org="cb-toa-an", topic="ha-tang")
    # 5: received after 30/06
    w.op[5] = opinion(w, date(2016, 7, 5))
    # 6: out of scope (Vĩnh Tường)
    w.op[6] = opinion(w, date(2016, 2, 1), org="vt-thon", received_by="vinh-tuong")
    return w


def test_states_on_reads_the_history_not_todays_state(heard):
    w = heard
    qs = queries.opinions_in(w.org("tam-duong"))
    assert queries.states_on(qs, date(2016, 1, 31)) == Counter()
    assert queries.states_on(qs, date(2016, 2, 1)) == Counter({"received": 1})
    assert queries.states_on(qs, date(2016, 3, 1)) == Counter({"assigned": 1, "in_progress": 1})
    assert queries.states_on(qs, date(2016, 6, 30)) == Counter(
        {"assigned": 1, "answered": 1, "in_progress": 1, "received": 1}
    )
    assert queries.states_on(qs, today()) == Counter(
        {"assigned": 1, "closed": 1, "in_progress": 1, "received": 2}
    )


def test_dashboard(heard):
    w = heard
    d = queries.dashboard(w.org("tam-duong"), date(2016, 6, 30))
    # received by 30/06 and open today: 1 (assigned), 3 (in progress), 4 (received);
    # 2 is closed, 5 was received later
    assert d.open_total == 3
    assert {r.name: r.count for r in d.by_topic} == {
        "Đất đai, tài nguyên": 2,
        "Hạ tầng, giao thông, xây dựng": 1,
    }
    assert {(r.code, r.name): r.count for r in d.by_commune} == {
        ("kim-long", "Đảng bộ xã Kim Long"): 1,
        ("hop-hoa", "Đảng bộ thị trấn Hợp Hòa"): 1,
        ("cb-toa-an", "Chi bộ Tòa án nhân dân huyện"): 1,
    }
    ages = {r.name: r.count for r in d.by_age}
    # received 25/06 (5 days), 20/05 (41 days), 01/02 (150 days)
    assert ages == {"≤ 15 ngày": 1, "16–30 ngày": 0, "31–60 ngày": 1, "trên 60 ngày": 1}
    assert [o.pk for o in d.overdue] == [w.op[1].pk] and d.overdue_total == 1
    assert d.by_state["closed"] == 1
    # the commune sees its own
    kim = queries.dashboard(w.org("kim-long"), date(2016, 6, 30))
    assert kim.open_total == 1 and kim.overdue_total == 1
    assert queries.dashboard(w.org("tam-duong"), date(2016, 7, 5)).open_total == 4
    assert queries.dashboard(w.org("hop-hoa"), date(2016, 8, 2)).overdue_total == 1


def test_heard_in_quarter(heard):
    w = heard
    q1 = queries.heard_in_quarter(w.org("tam-duong"), 2016, 1)
    assert (q1.start, q1.end, q1.total) == (date(2016, 1, 1), date(2016, 3, 31), 2)
    assert q1.topics == sorted(["Đất đai, tài nguyên", "Hạ tầng, giao thông, xây dựng"])
    assert q1.communes == ["Đảng bộ xã Kim Long"]
    assert q1.rows == [("Đảng bộ xã Kim Long", [1, 1], 2)]
    assert q1.topic_totals == [1, 1]
    q2 = queries.heard_in_quarter(w.org("tam-duong"), 2016, 2)
    assert q2.total == 2 and q2.visits == 0
    assert dict((c, t) for c, _r, t in q2.rows) == {
        "Đảng bộ thị trấn Hợp Hòa": 1,
        "Chi bộ Tòa án nhân dân huyện": 1,
    }


def test_heard_in_quarter_counts_visits(committee):
    w = committee
    visit(w, ["an"], "kl-thon-1", date(2016, 2, 10))
    visit(w, ["hoa"], "kl-thon-1", date(2016, 3, 10))
    visit(w, ["hoa"], "hh-tdp-1", date(2016, 3, 11))
    visit(w, ["hoa"], "hh-tdp-1", date(2016, 4, 11))
    q1 = queries.heard_in_quarter(w.org("tam-duong"), 2016, 1)
    assert (q1.visits, q1.cells_visited, q1.total) == (3, 2, 0)
    assert queries.heard_in_quarter(w.org("kim-long"), 2016, 1).visits == 2


# -- statistics ---------------------------------------------------------------------------------


def test_oversight_stats(heard):
    w = heard
    body = orgs.create_body(
        actor=None,
        org=w.org("tam-duong"),
        body_type="executive_committee",
        term_start_year=2015,
        term_end_year=2020,
        valid_from=SEATED,
    )
    seat(w, "an", "standing_member", body=body)
    seat(w, "hoa", body=body)
    assign(w, "an", "kim-long")
    g = services.create_working_group(
        actor=None,
        committee=w.org("tam-duong"),
        name="Tổ quý 1",
        period_start=date(2016, 1, 1),
        period_end=date(2016, 3, 31),
        leader=w.members["hoa"],
    )
    services.add_group_target(actor=None, group=g, org=w.org("hh-tdp-1"))
    visit(w, ["hoa"], "hh-tdp-1", date(2016, 1, 20), group=g)
    visit(w, ["an"], "kl-thon-1", date(2016, 2, 20))
    visit(w, ["hoa"], "cb-toa-an", date(2016, 3, 20))  # without mandate; not a sub-cell
    visit(w, ["an"], "kl-thon-2", date(2016, 7, 20))  # after as_of
    meetings.record_meeting(
        actor=None,
        org=w.org("kl-thon-1"),
        day=date(2016, 3, 3),
        data={"kind": "thematic", "topic": "Học tập"},
    )
    s = queries.oversight_stats(w.org("tam-duong"), date(2016, 6, 30))
    assert set(s) >= {
        "year",
        "sub_cells_visited",
        "regular_meetings",
        "thematic_meetings",
        "opinions_by_state",
        "organisations_without_oversight",
    }
    assert s["year"] == 2016
    assert (s["sub_cells"], s["sub_cells_visited"], s["cells_visited"]) == (3, 2, 3)
    assert (s["visits"], s["visits_without_mandate"]) == (3, 1)
    # each visit opened a regular meeting record; the thematic one was recorded directly
    assert (s["regular_meetings"], s["thematic_meetings"]) == (3, 1)
    assert s["opinions_by_state"] == {
        "received": 1,
        "assigned": 1,
        "in_progress": 1,
        "answered": 1,
        "closed": 0,
        "returned": 0,
        "escalated": 0,
    }
    assert s["opinions_total"] == 4
    assert s["opinions_overdue"] == 1  # #1, deadline 31/05, still assigned on 30/06
    assert s["organisations_without_oversight"] == 2  # hop-hoa, cb-toa-an
    assert s["assignments"] == 1
    assert s["cells_missing_regular_meeting"] == 4  # nobody met every month
    assert set(s["opinions_by_state"]) == {
        "received",
        "assigned",
        "in_progress",
        "answered",
        "closed",
        "returned",
        "escalated",
    }
    # as of a later date the history moves on
    later = queries.oversight_stats(w.org("tam-duong"), date(2016, 12, 31))
    assert later["opinions_by_state"]["closed"] == 1 and later["opinions_by_state"]["answered"] == 0
    assert later["opinions_total"] == 5 and later["sub_cells_visited"] == 3


def test_overdue_count_follows_a_reopened_opinion(world):
    o = opinion(world, date(2016, 2, 1))
    o = services.assign_opinion(
        actor=None,
        opinion=o,
        to_org=world.org("kim-long"),
        deadline=date(2016, 3, 1),
        on=date(2016, 2, 2),
    )
    o = services.answer_opinion(
        actor=None, opinion=o, answer="Xong", approved_by="Chủ tịch", on=date(2016, 2, 20)
    )
    o = services.reopen_opinion(actor=None, opinion=o, reason="Chưa đạt", on=date(2016, 2, 25))
    # back in progress after its deadline: overdue in the dashboard and in the statistics alike
    assert o.overdue_on(date(2016, 3, 15))
    assert queries.dashboard(world.org("tam-duong"), date(2016, 3, 15)).overdue_total == 1
    assert (
        queries.oversight_stats(world.org("tam-duong"), date(2016, 3, 15))["opinions_overdue"] == 1
    )
    assert (
        queries.oversight_stats(world.org("tam-duong"), date(2016, 2, 28))["opinions_overdue"] == 0
    )


def test_coverage_and_targets_query_counts_do_not_grow(attended):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = attended

    def measured():
        with CaptureQueriesContext(connection) as ctx:
            cov = queries.coverage(w.org("tam-duong"), date(2016, 6, 30), level="cells")
            list(cov.uncovered), list(cov.assignments), list(cov.needs_handover)
            rows = queries.targets(w.org("tam-duong"), 2016, date(2016, 6, 30))
            [r.assignment.member.full_name + r.assignment.target.name for r in rows]
        return len(ctx.captured_queries)

    first = measured()
    for i in range(5):
        cell = orgs.create_org(
            actor=None,
            code=f"thon-moi-{i}",
            name=f"Chi bộ thôn mới {i}",
            kind="sub_cell",
            sector="village",
            parent=w.org("kim-long"),
            valid_from=date(2010, 1, 1),
        )
        w.orgs[cell.code] = cell
        assign(w, "khanh", cell.code)
        visit(w, ["khanh"], cell.code, date(2016, 2, 1 + i))
    assert measured() == first
