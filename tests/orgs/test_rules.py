"""The structural rules of brief §11.3 (1–5) as pure functions, checked at their boundaries."""

from datetime import date, timedelta

import pytest

from dangbo.orgs import rules


@pytest.mark.parametrize(("official", "warned"), [(0, True), (2, True), (3, False), (40, False)])
def test_rule1_a_cell_needs_three_official_members(official, warned):
    message = rules.too_few_official(official)
    assert (message is not None) is warned
    if warned:
        assert message == f"Chi bộ chỉ có {official} đảng viên chính thức (cần ít nhất 3)."


@pytest.mark.parametrize(
    ("is_cell", "total", "expected"),
    [
        (True, 29, None),
        (True, 30, "Chi bộ cơ sở có 30 đảng viên (từ 30 trở lên): nên lập đảng bộ cơ sở."),
        (False, 30, None),
        (False, 29, "Đảng bộ cơ sở chỉ có 29 đảng viên (dưới 30): nên là chi bộ cơ sở."),
    ],
)
def test_rule2_thirty_members_make_a_grassroots_committee(is_cell, total, expected):
    assert rules.grassroots_form_mismatch(is_cell, total) == expected


def test_rule3_nine_official_members_need_a_cell_committee():
    assert not rules.needs_cell_committee(8)
    assert rules.needs_cell_committee(9)
    assert rules.no_cell_committee(9) == (
        "Chi bộ có 9 đảng viên chính thức (từ 9 trở lên) nhưng chưa có chi ủy."
    )


def test_rule5_no_district_level_after_30_june_2025():
    assert date(2025, 6, 30) == rules.DISTRICT_LEVEL_END
    assert not rules.district_active_after_end(rules.DISTRICT_LEVEL_END)
    assert rules.district_active_after_end(rules.DISTRICT_LEVEL_END + timedelta(days=1))
    assert "30/06/2025" in rules.DISTRICT_STILL_ACTIVE
    assert "30/06/2025" in rules.DISTRICT_WITHOUT_SUCCESSOR
