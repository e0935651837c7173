"""The member rules of brief §11.3 (7–11) as pure functions, checked at their boundaries."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from dangbo.members import rules

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31))
PURE = settings(max_examples=200)


# -- add_months / months_between ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2023, 12, 15), 1, date(2024, 1, 15)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2000, 5, 19), 0, date(2000, 5, 19)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert rules.add_months(start, months) == expected


@PURE
@given(dates, st.integers(-600, 600))
def test_add_months_properties(start, months):
    result = rules.add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


@PURE
@given(dates, dates)
def test_months_between_is_whole_months(start, end):
    assume(start <= end)
    m = rules.months_between(start, end)
    assert m >= 0
    assert rules.add_months(start, m) <= end < rules.add_months(start, m + 1)


@PURE
@given(dates, st.integers(0, 900))
def test_months_between_inverts_add_months(start, months):
    assume(date(1900, 1, 1) <= rules.add_months(start, months) <= date(2099, 1, 1))
    assert rules.months_between(start, rules.add_months(start, months)) == months


def test_months_between_examples():
    assert rules.months_between(date(2000, 1, 31), date(2000, 2, 28)) == 0
    assert rules.months_between(date(2000, 1, 31), date(2000, 2, 29)) == 1
    assert rules.months_between(date(2000, 1, 15), date(2001, 1, 14)) == 11
    assert rules.months_between(date(2000, 1, 15), date(2001, 1, 15)) == 12


# -- rule 7: admission age ----------------------------------------------------------------


@PURE
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2010, 12, 31)))
def test_admission_age_boundaries(dob):
    eighteen = rules.add_years(dob, 18)
    sixty = rules.add_years(dob, 60)
    ok = {"has_provincial_approval": False}
    assert rules.admission_age_error(dob, eighteen, **ok) is None
    assert "18" in rules.admission_age_error(dob, eighteen - timedelta(days=1), **ok)
    assert rules.admission_age_error(dob, sixty, **ok) is None
    # 60 years and some days is still 60 years 0 months counted in months.
    assert (
        rules.admission_age_error(dob, rules.add_months(sixty, 1) - timedelta(days=1), **ok) is None
    )
    over = rules.add_months(sixty, 1)
    assert "60" in rules.admission_age_error(dob, over, **ok)
    assert rules.admission_age_error(dob, over, has_provincial_approval=True) is None
    # Approval does not lower the minimum age.
    assert rules.admission_age_error(
        dob, eighteen - timedelta(days=1), has_provincial_approval=True
    )


def test_admission_age_concrete():
    dob = date(2000, 3, 15)
    assert rules.admission_age_error(dob, date(2018, 3, 15), has_provincial_approval=False) is None
    assert rules.admission_age_error(dob, date(2018, 3, 14), has_provincial_approval=False)
    assert rules.admission_age_error(dob, date(2060, 4, 14), has_provincial_approval=False) is None
    assert rules.admission_age_error(dob, date(2060, 4, 15), has_provincial_approval=False)


# -- rule 8: probation --------------------------------------------------------------------


@PURE
@given(dates)
def test_probation_end_and_recognition_boundary(ceremony):
    end = rules.probation_end(ceremony)
    assert end == rules.add_months(ceremony, 12)
    assert rules.recognition_error(ceremony, end) is None
    assert rules.recognition_error(ceremony, end + timedelta(days=400)) is None
    assert rules.recognition_error(ceremony, end - timedelta(days=1)) is not None
    assert rules.recognition_error(ceremony, ceremony) is not None


def test_probation_end_examples():
    assert rules.probation_end(date(2016, 6, 1)) == date(2017, 6, 1)
    assert rules.probation_end(date(2020, 2, 29)) == date(2021, 2, 28)


def test_recognition_overdue_grace():
    c = date(2020, 1, 10)
    end = rules.probation_end(c)
    assert not rules.recognition_overdue(c, end + timedelta(days=90), 90)
    assert rules.recognition_overdue(c, end + timedelta(days=91), 90)


# -- rule 9: party age --------------------------------------------------------------------


def test_party_age_none_when_not_recognised_or_before_decision():
    d = date(2000, 3, 2)
    assert rules.party_age_years(d, date(2020, 1, 1), recognised=False) is None
    assert rules.party_age_years(d, date(1999, 1, 1)) is None
    assert rules.party_age_years(d, d) == 0


def test_party_age_counts_completed_years():
    d = date(2000, 3, 2)
    assert rules.party_age_years(d, date(2030, 3, 1)) == 29
    assert rules.party_age_years(d, date(2030, 3, 2)) == 30


def test_party_age_subtracts_interruption_days():
    d = date(2000, 3, 2)
    gap = [(date(2005, 1, 1), date(2005, 1, 10))]  # 10 days inclusive
    assert rules.party_age_years(d, date(2030, 3, 11), gap) == 29
    assert rules.party_age_years(d, date(2030, 3, 12), gap) == 30
    # An interruption not yet started on as_of does not count.
    assert rules.party_age_years(d, date(2004, 3, 2), gap) == 4
    assert rules.party_age_start(d, gap) == date(2000, 3, 12)


@PURE
@given(
    st.dates(min_value=date(1930, 1, 1), max_value=date(2000, 1, 1)),
    st.integers(0, 40 * 365),
    st.integers(0, 3000),
)
def test_party_age_property(decision, offset, gap_days):
    as_of = decision + timedelta(days=offset + gap_days + 1)
    gap_start = decision + timedelta(days=1)
    gaps = [(gap_start, gap_start + timedelta(days=gap_days - 1))] if gap_days else []
    expected = rules.months_between(decision + timedelta(days=gap_days), as_of) // 12
    assert rules.party_age_years(decision, as_of, gaps) == expected
    assert rules.party_age_years(decision, as_of, gaps) <= rules.party_age_years(decision, as_of)


# -- rule 10: badges ----------------------------------------------------------------------


def test_milestones():
    assert rules.BADGE_MILESTONES == (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2020, 1, 1), date(2020, 2, 3)),
        (date(2020, 2, 3), date(2020, 2, 3)),
        (date(2020, 2, 4), date(2020, 5, 19)),
        (date(2020, 5, 20), date(2020, 9, 2)),
        (date(2020, 9, 3), date(2020, 11, 7)),
        (date(2020, 11, 8), date(2021, 2, 3)),
        (date(2020, 12, 31), date(2021, 2, 3)),
    ],
)
def test_next_award_round(on, expected):
    assert rules.next_award_round(on) == expected


@PURE
@given(dates)
def test_next_award_round_is_first_round_on_or_after(on):
    r = rules.next_award_round(on)
    assert r >= on
    assert (r.month, r.day) in {(2, 3), (5, 19), (9, 2), (11, 7)}
    d = on
    while d < r:
        assert (d.month, d.day) not in {(2, 3), (5, 19), (9, 2), (11, 7)}
        d += timedelta(days=1)


def test_badge_due_at_first_round_after_milestone():
    d = date(1990, 3, 2)  # 30 years on 2020-03-02 → round 19/5/2020
    assert rules.badge_due(d, [], as_of=date(2020, 3, 1)) is None
    due = rules.badge_due(d, [], as_of=date(2020, 3, 2))
    assert due == rules.BadgeDue(30, date(2020, 3, 2), date(2020, 5, 19), early=False)


def test_badge_due_highest_milestone_supersedes_lower():
    d = date(1970, 1, 1)  # 40 in 2010, 45 in 2015, 50 in 2020
    due = rules.badge_due(d, [], as_of=date(2016, 1, 1))
    assert due.milestone == 45
    due = rules.badge_due(d, [], as_of=date(2016, 1, 1), awarded=[30])
    assert due.milestone == 45
    assert rules.badge_due(d, [], as_of=date(2016, 1, 1), awarded=[45]) is None
    assert rules.badge_due(d, [], as_of=date(2016, 1, 1), awarded=[50]) is None
    assert rules.badge_due(d, [], as_of=date(2020, 1, 1), awarded=[45]).milestone == 50


def test_badge_due_excluded_status():
    assert (
        rules.badge_due(date(1970, 1, 1), [], as_of=date(2020, 1, 1), excluded_status=True) is None
    )


def test_badge_due_early_only_with_severe_illness():
    d = date(1990, 6, 1)  # 30 years on 2020-06-01
    as_of = date(2019, 6, 1)  # exactly 12 months early
    assert rules.badge_due(d, [], as_of=as_of) is None
    due = rules.badge_due(d, [], as_of=as_of, severe_illness=True)
    assert due.milestone == 30 and due.early and due.award_round == date(2019, 9, 2)
    assert rules.badge_due(d, [], as_of=date(2019, 5, 31), severe_illness=True) is None


def test_badge_due_early_window_24_months_from_70():
    d = date(1950, 6, 1)  # 70 years on 2020-06-01; 65 reached in 2015
    due = rules.badge_due(d, [], as_of=date(2018, 6, 1), awarded=[65], severe_illness=True)
    assert due.milestone == 70 and due.early
    assert (
        rules.badge_due(d, [], as_of=date(2018, 5, 31), awarded=[65], severe_illness=True) is None
    )


def test_badge_due_moves_with_interruptions():
    d = date(1990, 3, 2)
    gaps = [(date(2000, 1, 1), date(2000, 12, 31))]  # 366 days
    assert rules.badge_due(d, gaps, as_of=date(2020, 3, 2)) is None
    assert rules.badge_due(d, gaps, as_of=date(2021, 3, 3)).milestone == 30


def _err(milestone, award_date, *, decision=date(1990, 6, 1), ill=False, awarded=(), excl=False):
    return rules.badge_award_error(
        decision,
        [],
        milestone=milestone,
        award_date=award_date,
        severe_illness=ill,
        awarded=awarded,
        excluded_status=excl,
    )


def test_badge_award_error_rules():
    reached = date(2020, 6, 1)
    assert _err(30, reached) is None
    assert _err(30, reached - timedelta(days=1)) is not None
    assert _err(35, reached) is not None  # not a milestone
    assert _err(30, reached, excl=True) is not None
    assert _err(30, reached, awarded=[30]) is not None
    assert _err(30, reached, awarded=[40]) is not None  # no lower badge after a higher one
    assert _err(40, date(2030, 6, 1), awarded=[30]) is None


@pytest.mark.parametrize("milestone", [30, 40, 45, 50, 55, 60, 65])
def test_badge_early_limit_12_months_up_to_65(milestone):
    decision = date(1950, 6, 1)
    reached = rules.add_years(decision, milestone)
    limit = rules.add_months(reached, -12)
    assert _err(milestone, limit, decision=decision, ill=True) is None
    assert _err(milestone, limit - timedelta(days=1), decision=decision, ill=True) is not None
    assert _err(milestone, limit, decision=decision, ill=False) is not None


@pytest.mark.parametrize("milestone", [70, 75, 80, 85, 90])
def test_badge_early_limit_24_months_from_70(milestone):
    decision = date(1940, 6, 1)
    reached = rules.add_years(decision, milestone)
    limit = rules.add_months(reached, -24)
    assert _err(milestone, limit, decision=decision, ill=True) is None
    assert _err(milestone, limit - timedelta(days=1), decision=decision, ill=True) is not None
    assert _err(milestone, limit, decision=decision, ill=False) is not None


@PURE
@given(
    st.dates(min_value=date(1930, 1, 1), max_value=date(2000, 1, 1)),
    st.sampled_from(rules.BADGE_MILESTONES),
    st.integers(-800, 800),
    st.booleans(),
)
def test_badge_award_error_property(decision, milestone, offset, ill):
    reached = rules.add_years(decision, milestone)
    award = reached + timedelta(days=offset)
    limit = 12 if milestone <= 65 else 24
    allowed = award >= reached or (ill and award >= rules.add_months(reached, -limit))
    assert (_err(milestone, award, decision=decision, ill=ill) is None) == allowed


# -- rule 11: temporary transfers ---------------------------------------------------------


@PURE
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)), st.integers(-30, 800))
def test_temporary_duration_property(start, days):
    end = start + timedelta(days=days)
    three = rules.add_months(start, 3)
    for reason in ("residence", "work"):
        ok = three <= end < rules.add_months(start, 12)
        assert (rules.temporary_duration_error(reason, start, end) is None) == ok
    ok = three <= end <= rules.add_months(start, 24)
    assert (rules.temporary_duration_error("study", start, end) is None) == ok


def test_temporary_duration_examples():
    s = date(2024, 1, 10)
    err = rules.temporary_duration_error
    assert err("work", s, date(2024, 4, 10)) is None
    assert err("work", s, date(2024, 4, 9)) is not None
    assert err("residence", s, date(2025, 1, 9)) is None
    assert err("residence", s, date(2025, 1, 10)) is not None  # a full year is too long
    assert err("study", s, date(2026, 1, 10)) is None  # two years is allowed
    assert err("study", s, date(2026, 1, 11)) is not None
    assert err("study", s, s) is not None


@example(ceremony=date(2023, 2, 28), days_after=456, grace=90)  # as of 29/05/2024
@given(
    ceremony=st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)),
    days_after=st.integers(min_value=0, max_value=800),
    grace=st.integers(min_value=0, max_value=200),
)
def test_overdue_cutoff_is_the_exact_inverse_of_the_member_rule(ceremony, days_after, grace):
    """The organisation page filters in SQL by a cutoff; it must agree with each member's page
    on every date, leap days included (28/02/2023 + 12 months = 28/02/2024)."""
    as_of = ceremony + timedelta(days=days_after)
    assert rules.recognition_overdue(ceremony, as_of, grace) == (
        ceremony < rules.overdue_ceremony_cutoff(as_of, grace)
    )
