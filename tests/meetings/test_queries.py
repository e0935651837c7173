"""Compliance with the meeting rules as of a date: rule 17 (a regular meeting each month, a
thematic one each quarter), attendance rates, and the rule-13 flag (three months absent
without reason in a year: a list for the cell to judge)."""

from datetime import date

import pytest

from dangbo.core.dates import today
from dangbo.meetings import queries, services
from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.members import services as members
from dangbo.orgs import services as orgs

pytestmark = pytest.mark.django_db

AS_OF = date(2017, 5, 15)  # months due: 1–4; quarters due: 1 (May and Q2 still running)


def held(world, cell, day, kind="regular", attendance=None, topic=""):
    return services.record_meeting(
        actor=None,
        org=world.org(cell) if isinstance(cell, str) else cell,
        day=day,
        data={"kind": kind, "topic": topic or ("Chuyên đề" if kind == "thematic" else "")},
        attendance=attendance,
    )


def monthly(world, cell, months, year=2017, day=10, attendance=None):
    return [held(world, cell, date(year, m, day), attendance=attendance) for m in months]


def by_code(rows):
    return {r["code"]: r["missing"] for r in rows}


@pytest.fixture
def year(world):
    """2017 in Tam Dương's four cells, as of 15/05."""
    monthly(world, "kl-thon-1", [1, 2, 3, 4])
    held(world, "kl-thon-1", date(2017, 2, 20), "thematic")
    # March missed; May's meeting (running month) must not make up for it
    monthly(world, "kl-thon-2", [1, 2, 4, 5])
    held(world, "kl-thon-2", date(2017, 3, 25), "thematic")
    # hh-tdp-1: nothing at all
    monthly(world, "cb-toa-an", [1, 2, 3, 4])
    held(world, "cb-toa-an", date(2017, 4, 20), "thematic")  # Q2 does not cover Q1
    held(world, "cb-toa-an", date(2017, 3, 3), "extraordinary")  # not a thematic meeting
    return world


def test_missing_regular_meetings_name_the_months(year):
    c = queries.compliance(year.org("tam-duong"), AS_OF)
    assert (c.year, c.cells, c.months_due, c.quarters_due) == (2017, 4, [1, 2, 3, 4], [1])
    assert by_code(c.missing_regular) == {"kl-thon-2": [3], "hh-tdp-1": [1, 2, 3, 4]}
    assert c.missing_regular_total == 2
    # the worst first
    assert [r["code"] for r in c.missing_regular] == ["hh-tdp-1", "kl-thon-2"]


def test_missing_thematic_meeting_per_quarter(year):
    c = queries.compliance(year.org("tam-duong"), AS_OF)
    assert by_code(c.missing_thematic) == {"hh-tdp-1": [1], "cb-toa-an": [1]}
    assert c.missing_thematic_total == 2


def test_meeting_counts_stop_at_as_of(year):
    c = queries.compliance(year.org("tam-duong"), AS_OF)
    assert (c.regular_meetings, c.thematic_meetings) == (12, 3)
    later = queries.compliance(year.org("tam-duong"), date(2017, 4, 15))
    assert later.months_due == [1, 2, 3] and later.quarters_due == [1]
    assert later.regular_meetings == 11 and later.thematic_meetings == 2


def test_compliance_of_one_commune_and_one_cell(year):
    c = queries.compliance(year.org("kim-long"), AS_OF)
    assert c.cells == 2 and by_code(c.missing_regular) == {"kl-thon-2": [3]}
    assert c.missing_thematic == []
    one = queries.compliance(year.org("kl-thon-1"), AS_OF)
    assert one.cells == 1 and one.missing_regular == [] and one.missing_thematic == []


def test_quarter_end_makes_the_quarter_due(year):
    c = queries.compliance(year.org("tam-duong"), date(2017, 6, 30))
    assert c.quarters_due == [1, 2] and c.months_due == [1, 2, 3, 4, 5, 6]
    assert by_code(c.missing_thematic) == {
        "hh-tdp-1": [1, 2],
        "cb-toa-an": [1],
        "kl-thon-1": [2],
        "kl-thon-2": [2],
    }
    assert by_code(c.missing_regular)["kl-thon-1"] == [5, 6]
    assert by_code(c.missing_regular)["kl-thon-2"] == [3, 6]


def test_running_month_and_quarter_are_not_due_today(world):
    now = today()
    months = list(range(1, now.month))
    monthly(world, "kl-thon-1", months, year=now.year, day=1)
    for q in range(1, (now.month - 1) // 3 + 1):
        held(world, "kl-thon-1", date(now.year, 3 * q, 2), "thematic")
    c = queries.compliance(world.org("kl-thon-1"))
    assert c.as_of == now and c.months_due == months
    assert c.missing_regular == [] and c.missing_thematic == []


def test_cell_founded_mid_year_owes_only_the_months_since(world):
    cell = orgs.create_org(
        actor=None,
        code="kl-thon-3",
        name="Chi bộ thôn Mới",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2017, 3, 10),
    )
    held(world, cell, date(2017, 3, 20))
    held(world, cell, date(2017, 3, 21), "thematic")
    c = queries.compliance(world.org("kim-long"), AS_OF)
    assert by_code(c.missing_regular)["kl-thon-3"] == [4]
    assert "kl-thon-3" not in by_code(c.missing_thematic)  # Q1 covered, from 10/03
    held(world, cell, date(2017, 4, 2))
    c = queries.compliance(world.org("kim-long"), AS_OF)
    assert "kl-thon-3" not in by_code(c.missing_regular)


def test_past_as_of_uses_the_tree_of_that_date(world):
    monthly(world, "kl-thon-2", [1, 2])
    orgs.reparent_org(
        actor=None,
        org=world.org("kl-thon-2"),
        new_parent=world.org("hop-hoa"),
        effective_date=date(2018, 1, 1),
    )
    then = queries.compliance(world.org("kim-long"), date(2017, 3, 31))
    assert then.cells == 2 and by_code(then.missing_regular)["kl-thon-2"] == [3]
    assert then.regular_meetings == 2
    now = queries.compliance(world.org("kim-long"), date(2018, 3, 31))
    assert now.cells == 1 and "kl-thon-2" not in by_code(now.missing_regular)
    assert queries.compliance(world.org("hop-hoa"), date(2017, 3, 31)).cells == 1


def test_attendance_rate(world):
    m = world.members
    held(world, "kl-thon-1", date(2017, 1, 10), attendance={m["an"].pk: (S.EXCUSED, "Ốm")})
    held(
        world,
        "kl-thon-1",
        date(2017, 2, 10),
        attendance={m["huong"].pk: S.UNEXCUSED, m["an"].pk: S.EXEMPTED},
    )
    held(world, "kl-thon-1", date(2017, 3, 10))  # attendance not taken: not in the rate
    a = queries.compliance(world.org("kim-long"), AS_OF).attendance
    # 6 rows, 1 exempted → 5 expected, 3 present
    assert (a["rows"], a["expected"], a["present"], a["excused"], a["unexcused"]) == (
        6,
        5,
        3,
        1,
        1,
    )
    assert a["rate"] == 60.0 and a["meetings"] == 2
    empty = queries.compliance(world.org("hop-hoa"), AS_OF).attendance
    assert empty["rate"] is None and empty["rows"] == 0


# -- rule 13 ------------------------------------------------------------------------------------


@pytest.fixture
def absences(world):
    m = world.members
    for month in (1, 2, 3):  # huong: three months without reason → flagged
        held(world, "kl-thon-1", date(2017, month, 10), attendance={m["huong"].pk: S.UNEXCUSED})
    for day in (3, 13, 23):  # an: three times, all in April → one month, not flagged
        held(world, "kl-thon-1", date(2017, 4, day), attendance={m["an"].pk: S.UNEXCUSED})
    for month in (1, 2):  # binh: two months → not flagged
        held(world, "kl-thon-1", date(2017, month, 20), attendance={m["binh"].pk: S.UNEXCUSED})
    for month in (1, 2, 3, 4):  # dung: excused every month → never flagged
        held(
            world,
            "kl-thon-2",
            date(2017, month, 10),
            attendance={m["dung"].pk: (S.EXCUSED, "Đi làm xa")},
        )
    for month in (1, 2):  # khanh: two regular months + a thematic one → not flagged
        held(world, "cb-toa-an", date(2017, month, 10), attendance={m["khanh"].pk: S.UNEXCUSED})
    held(world, "cb-toa-an", date(2017, 3, 10), "thematic", attendance={m["khanh"].pk: S.UNEXCUSED})
    # after as_of: does not count as of 15/05
    for month in (6, 7):
        held(world, "kl-thon-1", date(2017, month, 10), attendance={m["binh"].pk: S.UNEXCUSED})
    return world


def test_three_months_without_reason_are_flagged(absences):
    m = absences.members
    c = queries.compliance(absences.org("tam-duong"), AS_OF)
    assert [(f["member_id"], f["months"]) for f in c.flagged_members] == [(m["huong"].pk, 3)]
    assert c.flagged_total == 1
    flag = c.flagged_members[0]
    assert (flag["org_code"], flag["name"]) == ("kl-thon-1", "Nguyễn Thị Hương")


def test_flag_as_of_a_later_date_and_another_year(absences):
    m = absences.members
    later = queries.compliance(absences.org("tam-duong"), date(2017, 12, 31))
    assert {f["member_id"]: f["months"] for f in later.flagged_members} == {
        m["huong"].pk: 3,
        m["binh"].pk: 4,
    }
    # a new calendar year starts afresh
    assert queries.compliance(absences.org("tam-duong"), date(2018, 3, 31)).flagged_members == []


def test_flag_before_the_third_month_is_not_raised(absences):
    c = queries.compliance(absences.org("tam-duong"), date(2017, 3, 9))
    assert c.flagged_members == []


def test_meetings_of_lists_with_counts(world):
    m = world.members
    held(world, "kl-thon-1", date(2017, 1, 10), attendance={m["an"].pk: S.UNEXCUSED})
    held(world, "kl-thon-1", date(2016, 12, 10))
    rows = list(queries.meetings_of(world.org("kl-thon-1"), 2017))
    assert [(r.date, r.n_rows, r.n_present) for r in rows] == [(date(2017, 1, 10), 3, 2)]
    assert len(queries.meetings_of(world.org("kl-thon-1"))) == 2


def test_nothing_is_due_in_january(year):
    c = queries.compliance(year.org("tam-duong"), date(2017, 1, 20))
    assert c.months_due == [] and c.quarters_due == []
    assert c.missing_regular == [] and c.missing_thematic == [] and c.regular_meetings == 3


def test_months_missed_in_two_cells_add_up(world):
    m = world.members
    for month in (1, 2):
        held(world, "kl-thon-1", date(2017, month, 10), attendance={m["huong"].pk: S.UNEXCUSED})
    members.transfer_member(
        actor=None,
        member=m["huong"],
        to_org=world.org("kl-thon-2"),
        effective_date=date(2017, 3, 1),
    )
    held(world, "kl-thon-2", date(2017, 3, 10), attendance={m["huong"].pk: S.UNEXCUSED})
    c = queries.compliance(world.org("kim-long"), AS_OF)
    assert [(f["member_id"], f["months"], f["org_code"]) for f in c.flagged_members] == [
        (m["huong"].pk, 3, "kl-thon-2")
    ]


def test_compliance_query_count_does_not_grow_with_cells(year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measured():
        with CaptureQueriesContext(connection) as ctx:
            queries.compliance(year.org("tam-duong"), AS_OF)
        return len(ctx.captured_queries)

    first = measured()
    for i in range(6):
        cell = orgs.create_org(
            actor=None,
            code=f"thon-moi-{i}",
            name=f"Chi bộ thôn mới {i}",
            kind="sub_cell",
            sector="village",
            parent=year.org("kim-long"),
            valid_from=date(2010, 1, 1),
        )
        held(year, cell, date(2017, 1, 10 + i))
    assert measured() == first
