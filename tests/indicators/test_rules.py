"""The pure rules of indicators: reading values as people write them, roll-ups, growth."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.indicators import rules


def ind(value_type="number", aggregation="sum", threshold=None, lo=None, hi=None, decimals=0):
    return SimpleNamespace(
        value_type=value_type,
        aggregation=aggregation,
        threshold=None if threshold is None else D(threshold),
        min_value=None if lo is None else D(lo),
        max_value=None if hi is None else D(hi),
        decimals=decimals,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("12,5", "12.5"),
        ("1234.5", "1234.5"),
        ("1.234.567", "1234567"),
        (" 1 234,5 ", "1234.5"),
        ("-3", "-3"),
        (7, "7"),
        (2.5, "2.5"),
        (D("3.25"), "3.25"),
    ],
)
def test_numbers_in_vietnamese_format(raw, expected):
    assert rules.parse_value(ind(), raw) == D(expected)


@pytest.mark.parametrize("raw", ["abc", "", None, "1,2,3", "12,5%", True, "1.23.4", float("nan")])
def test_not_a_number(raw):
    with pytest.raises(ValueError, match="phải là một số"):
        rules.parse_value(ind(), raw)


def test_percent_accepts_sign_and_refuses_above_100():
    pct = ind("percent", "mean")
    assert rules.parse_value(pct, "12,5%") == D("12.5")
    assert rules.parse_value(pct, "100") == D(100)
    with pytest.raises(ValueError, match="phải từ 0 đến 100"):
        rules.parse_value(pct, "100,1")
    with pytest.raises(ValueError, match="phải từ 0 đến 100"):
        rules.parse_value(pct, -1)


def test_min_and_max():
    with pytest.raises(ValueError, match="phải từ 0 trở lên"):
        rules.parse_value(ind(lo=0), "-1")
    with pytest.raises(ValueError, match="phải không quá 1.000"):
        rules.parse_value(ind(hi=1000), "1.000,5")
    assert rules.parse_value(ind(lo=0, hi=1000), "1.000") == D(1000)


@pytest.mark.parametrize("raw", ["x", "X", "có", "Đạt", "1", True, 1, "đạt "])
def test_boolean_met(raw):
    assert rules.parse_value(ind("boolean", "share"), raw) == 1


@pytest.mark.parametrize("raw", ["", "không", "Chưa đạt", "không đạt", "0", False, 0, None])
def test_boolean_not_met(raw):
    assert rules.parse_value(ind("boolean", "share"), raw) == 0


@pytest.mark.parametrize("raw", ["có lẽ", 2, "50%", D("0.5")])
def test_boolean_refuses_other_words(raw):
    with pytest.raises(ValueError, match="phải là đạt/không đạt"):
        rules.parse_value(ind("boolean", "share"), raw)


def test_aggregations():
    values = [D(1), D(0), D(1), D(1)]
    assert rules.aggregate(ind(aggregation="sum"), values) == 3
    assert rules.aggregate(ind(aggregation="mean"), values) == D("0.75")
    assert rules.aggregate(ind("boolean", "share"), values) == 75
    assert rules.aggregate(ind("boolean", "count"), values) == 3
    assert rules.aggregate(ind(aggregation="none"), values) is None
    assert rules.aggregate(ind(aggregation="sum"), []) is None


def test_share_and_count_use_the_threshold():
    values = [D(40), D(60), D(80), D(50)]
    assert rules.aggregate(ind(aggregation="count", threshold=50), values) == 3
    assert rules.aggregate(ind(aggregation="share", threshold=50), values) == 75


def test_growth_and_share():
    assert rules.growth_pct(D(110), D(100)) == 10
    assert rules.growth_pct(D(90), D(100)) == -10
    assert rules.growth_pct(D(1), D(0)) is None
    assert rules.growth_pct(None, D(1)) is None
    assert rules.share_pct(13, 13) == D("100.0")
    assert rules.share_pct(2, 3) == D("66.7")
    assert rules.share_pct(0, 0) is None


def test_target_met_follows_direction():
    assert rules.target_met("up", D(11), D(10)) is True
    assert rules.target_met("down", D(11), D(10)) is False
    assert rules.target_met("down", D(9), D(10)) is True
    assert rules.target_met("up", None, D(10)) is None


def test_difference_at_the_indicator_precision():
    assert not rules.differs(D("10.04"), D("10.01"), 1)
    assert rules.differs(D("10.2"), D("10.01"), 1)
    assert not rules.differs(None, D(1))


def test_display_format():
    assert rules.fmt_value(D("1234.56"), 1) == "1.234,6"
    assert rules.fmt_value(D(100), 1) == "100,0"
    assert rules.fmt_value(None) == ""


# -- properties ------------------------------------------------------------------------------

values = st.lists(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False), min_size=1
)


@given(values)
def test_mean_lies_within_the_units_range(vals):
    mean = rules.aggregate(ind(aggregation="mean"), vals)
    assert min(vals) <= mean <= max(vals)


@given(values, st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False))
def test_share_and_count_agree(vals, threshold):
    count = rules.aggregate(ind(aggregation="count", threshold=threshold), vals)
    share = rules.aggregate(ind(aggregation="share", threshold=threshold), vals)
    assert 0 <= count <= len(vals)
    assert share == count * 100 / len(vals)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_what_is_displayed_reads_back(value):
    shown = rules.fmt_value(value, 4)
    assert rules.parse_number(shown) == value
