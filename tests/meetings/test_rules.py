"""The meeting rules of brief §2.3 / §11.3 (13, 14, 17, 18, 20) as pure functions."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.meetings import rules
from dangbo.meetings.choices import AttendanceStatus as S

PURE = settings(max_examples=300, deadline=None)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


# -- rule 14: who counts toward the denominator -------------------------------------------


@pytest.mark.parametrize(
    ("status", "official", "counted"),
    [
        (S.PRESENT, True, True),  # includes an exempted member who came (recorded present)
        (S.UNEXCUSED, True, True),  # absent without reason: still counted
        (S.EXCUSED, True, False),  # absent with an accepted reason
        (S.EXEMPTED, True, False),  # exempted and absent
        (S.TEMPORARILY_AWAY, True, False),  # temporarily transferred elsewhere
        (S.PRESENT, False, False),  # a probationer never votes
        (S.UNEXCUSED, False, False),
        ("nonsense", True, False),
    ],
)
def test_counts_in_denominator(status, official, counted):
    assert rules.counts_in_denominator(status, official) is counted


# -- rule 20: more than half ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "denominator", "passed"),
    [
        (5, 10, False),  # exactly half fails
        (6, 10, True),
        (3, 5, True),
        (2, 5, False),
        (1, 1, True),
        (0, 1, False),
        (1, 2, False),
        (0, 0, False),  # nobody counted: nothing passes
        (4, 0, False),
    ],
)
def test_passes_boundaries(yes, denominator, passed):
    assert rules.passes(yes, denominator) is passed


@PURE
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_passes_is_strict_majority_in_integers(yes, denominator):
    # yes > d/2  <=>  yes >= d//2 + 1 for d > 0
    assert rules.passes(yes, denominator) == (denominator > 0 and yes >= denominator // 2 + 1)


# -- rule 18: duration only warns ------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "warns"),
    [(None, False), (0, False), (1, True), (60, True), (89, True), (90, False), (240, False)],
)
def test_duration_warning(minutes, warns):
    message = rules.duration_warning(minutes)
    assert (message is not None) is warns
    if warns:
        assert str(minutes) in message and "90" in message


# -- rule 17 periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2016, 1, 1), date(2016, 3, 31)),
        (2, date(2016, 4, 1), date(2016, 6, 30)),
        (3, date(2016, 7, 1), date(2016, 9, 30)),
        (4, date(2016, 10, 1), date(2016, 12, 31)),
    ],
)
def test_quarter_bounds(quarter, start, end):
    assert rules.quarter_bounds(2016, quarter) == (start, end)


@PURE
@given(dates)
def test_quarter_of_and_bounds_agree(day):
    start, end = rules.quarter_bounds(day.year, rules.quarter_of(day))
    assert start <= day <= end
    assert start.day == 1 and (end + timedelta(days=1)).day == 1
    assert rules.month_end(day.year, day.month) >= day
    assert (rules.month_end(day.year, day.month) + timedelta(days=1)).day == 1


def test_months_due_excludes_the_running_month():
    assert rules.months_due(2016, date(2016, 3, 15)) == [1, 2]
    assert rules.months_due(2016, date(2016, 3, 31)) == [1, 2, 3]  # March is over that evening
    assert rules.months_due(2016, date(2016, 1, 30)) == []
    assert rules.months_due(2016, date(2017, 2, 1)) == list(range(1, 13))


def test_months_due_for_a_cell_founded_mid_year():
    # Founded 15/05: owes May (it existed during May) onwards, not January–April.
    assert rules.months_due(2016, date(2016, 9, 10), since=date(2016, 5, 15)) == [5, 6, 7, 8]
    assert rules.months_due(2016, date(2016, 9, 10), since=date(2016, 6, 1)) == [6, 7, 8]
    assert rules.months_due(2016, date(2016, 9, 10), since=date(2017, 1, 1)) == []
    assert rules.months_due(2016, date(2016, 9, 10), since=date(1997, 1, 1)) == list(range(1, 9))


def test_quarters_due():
    assert rules.quarters_due(2016, date(2016, 3, 30)) == []
    assert rules.quarters_due(2016, date(2016, 3, 31)) == [1]
    assert rules.quarters_due(2016, date(2016, 11, 29)) == [1, 2, 3]
    assert rules.quarters_due(2016, date(2016, 12, 31)) == [1, 2, 3, 4]
    assert rules.quarters_due(2016, date(2016, 12, 31), since=date(2016, 8, 1)) == [3, 4]
    assert rules.quarters_due(2016, date(2016, 12, 31), since=date(2016, 10, 1)) == [4]


@PURE
@given(st.integers(1995, 2060), dates, st.one_of(st.none(), dates))
def test_months_and_quarters_due_properties(year, as_of, since):
    months = rules.months_due(year, as_of, since)
    quarters = rules.quarters_due(year, as_of, since)
    assert months == sorted(set(months)) and quarters == sorted(set(quarters))
    for m in months:
        end = rules.month_end(year, m)
        assert end <= as_of  # never the running month
        assert since is None or since <= end  # the cell existed during it
    for q in quarters:
        _start, end = rules.quarter_bounds(year, q)
        assert end <= as_of and (since is None or since <= end)
    # every ended month of the cell's life is due
    for m in range(1, 13):
        end = rules.month_end(year, m)
        if end <= as_of and (since is None or since <= end):
            assert m in months


def test_attendance_rate():
    assert rules.attendance_rate(0, 0) is None
    assert rules.attendance_rate(2, 3) == 66.7
    assert rules.attendance_rate(3, 3) == 100.0
