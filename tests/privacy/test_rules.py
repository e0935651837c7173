"""The law's deadlines (``privacy.rules``): working days skip weekends, the kinds' periods,
one extension, 72 hours for a breach."""

from datetime import UTC, date, datetime, timedelta

import pytest

from dangbo.privacy import rules
from dangbo.privacy.choices import RequestKind

MON, FRI, SAT, SUN = date(2026, 1, 5), date(2026, 1, 9), date(2026, 1, 10), date(2026, 1, 11)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (MON, date(2026, 1, 7)),  # Wed
        (date(2026, 1, 8), date(2026, 1, 12)),  # Thu → Mon
        (FRI, date(2026, 1, 13)),  # Fri → Tue
        (SAT, date(2026, 1, 13)),  # Sat → Tue
        (SUN, date(2026, 1, 13)),  # Sun → Tue
    ],
)
def test_acknowledge_within_two_working_days(received, due):
    assert rules.ack_due(received) == due
    assert rules.ack_due(datetime.combine(received, datetime.min.time())) == due


@pytest.mark.parametrize(
    ("kind", "third_party", "days"),
    [
        (RequestKind.WITHDRAW, False, 15),
        (RequestKind.RESTRICT, False, 15),
        (RequestKind.OBJECT, True, 20),
        (RequestKind.SEE, False, rules.ACCESS_DAYS),
        (RequestKind.CORRECT, True, rules.ACCESS_THIRD_PARTY_DAYS),
        (RequestKind.DELETE, False, rules.ACCESS_DAYS),
    ],
)
def test_the_period_of_each_kind(kind, third_party, days):
    assert rules.due(kind, FRI, third_party) == FRI + timedelta(days=days)


def test_one_extension_of_fifteen_days():
    due = date(2026, 1, 24)
    assert rules.extended(due) == date(2026, 2, 8)
    assert rules.extension_error(0) is None
    assert rules.extension_error(1)


def test_overdue_and_days_left():
    due = date(2026, 1, 24)
    assert not rules.overdue(due, due)  # the day itself is in time
    assert rules.overdue(due, due + timedelta(days=1))
    assert not rules.overdue(due, due + timedelta(days=1), closed=True)
    assert not rules.overdue(due, due + timedelta(days=1), extended_until=rules.extended(due))
    assert rules.days_left(due, date(2026, 1, 20)) == 4
    assert rules.days_left(due, date(2026, 1, 26)) == -2
    assert rules.days_left(due, date(2026, 1, 26), extended_until=date(2026, 2, 8)) == 13


def test_breach_notice_within_72_hours():
    detected = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    due = rules.notify_due(detected)
    assert due == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    assert rules.hours_left(due, detected) == 72
    assert rules.hours_left(due, detected + timedelta(hours=71, minutes=59)) == 0
    assert rules.hours_left(due, due + timedelta(minutes=1)) == -1


def test_years_before_clamps_a_leap_day():
    assert rules.years_before(datetime(2028, 2, 29, 8, tzinfo=UTC), 5) == datetime(
        2023, 2, 28, 8, tzinfo=UTC
    )


def test_codes_are_unambiguous():
    code = rules.new_code(bytes(range(8)))
    assert len(code) == rules.CODE_LENGTH
    assert not set(code) & set("ILOU")
    assert rules.new_code(b"\xff" * 8) != code
