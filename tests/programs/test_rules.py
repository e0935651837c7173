"""programs.rules: roll-up, flags, who may lead, and every check of a task or report."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.core.errors import messages_of
from dangbo.programs import rules
from dangbo.programs.choices import TaskStatus

PURE = settings(max_examples=300, deadline=None)
D = Decimal


@st.composite
def trees(draw):
    """Any forest: node i's parent is an earlier node or none; positive weights; some nodes
    with an own percent."""
    size = draw(st.integers(1, 40))
    nodes = []
    for i in range(size):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        weight = D(draw(st.integers(1, 10_000))) / 100
        own = draw(st.one_of(st.none(), st.integers(0, 10_000).map(lambda n: D(n) / 100)))
        nodes.append(rules.Node(id=i, parent_id=parent, weight=weight, own=own))
    return nodes


@PURE
@given(trees())
def test_a_parent_is_the_weighted_mean_of_its_children_unless_it_reported(nodes):
    rolled = rules.rollup(nodes)
    assert set(rolled) == {n.id for n in nodes}
    for node in nodes:
        kids = [n for n in nodes if n.parent_id == node.id]
        value = rolled[node.id]
        assert 0 <= value <= 100
        if node.own is not None:
            assert value == node.own
        elif not kids:
            assert value == 0  # a leaf nobody reported on
        else:
            values = [rolled[k.id] for k in kids]
            assert min(values) - D("1e-20") <= value <= max(values) + D("1e-20")
            mean = sum(k.weight * rolled[k.id] for k in kids) / sum(k.weight for k in kids)
            assert abs(value - mean) < D("1e-20")


def test_cancelled_children_are_left_out_and_done_counts_100():
    nodes = [
        rules.Node(1, None),
        rules.Node(2, 1, D(1), None, TaskStatus.DONE),
        rules.Node(3, 1, D(3), D(20)),
        rules.Node(4, 1, D(5), D(0), TaskStatus.CANCELLED),
    ]
    assert rules.rollup(nodes)[1] == (D(100) + 3 * D(20)) / 4
    only_cancelled = [rules.Node(1, None), rules.Node(2, 1, status=TaskStatus.CANCELLED)]
    assert rules.rollup(only_cancelled)[1] == 0


def test_deep_chain_rolls_up_without_recursion():
    nodes = [rules.Node(i, i - 1 if i else None) for i in range(3000)]
    nodes[-1] = rules.Node(2999, 2998, own=D(40))
    assert rules.rollup(nodes)[0] == 40


AS_OF = date(2026, 6, 30)


def test_overdue_when_the_deadline_passed_and_not_closed():
    past = AS_OF - timedelta(days=1)
    assert rules.flags(
        status="in_progress", percent=D(99), start=None, deadline=past, as_of=AS_OF
    ).overdue
    for closed in (TaskStatus.DONE, TaskStatus.CANCELLED):
        f = rules.flags(status=closed, percent=D(0), start=None, deadline=past, as_of=AS_OF)
        assert not f.overdue and not f.at_risk
    on_the_day = rules.flags(
        status="in_progress", percent=D(90), start=None, deadline=AS_OF, as_of=AS_OF
    )
    assert not on_the_day.overdue
    assert not rules.flags(
        status="not_started", percent=D(0), start=None, deadline=None, as_of=AS_OF
    ).overdue


def test_at_risk_near_the_deadline_below_80():
    soon = AS_OF + timedelta(days=30)
    assert rules.flags(
        status="in_progress", percent=D(79), start=None, deadline=soon, as_of=AS_OF
    ).at_risk
    assert not rules.flags(
        status="in_progress", percent=D(80), start=None, deadline=soon, as_of=AS_OF
    ).at_risk
    later = AS_OF + timedelta(days=31)
    assert not rules.flags(
        status="in_progress", percent=D(0), start=None, deadline=later, as_of=AS_OF
    ).at_risk


def test_at_risk_when_behind_the_straight_line_by_more_than_25():
    start, deadline = date(2026, 1, 1), date(2027, 1, 1)  # as of 30/6: about 49.6% expected
    expected = rules.expected_percent(start, deadline, AS_OF)
    assert D(49) < expected < D(50)
    behind = rules.flags(
        status="in_progress", percent=D(20), start=start, deadline=deadline, as_of=AS_OF
    )
    assert behind.at_risk and not behind.overdue and behind.reasons
    on_track = rules.flags(
        status="in_progress", percent=D(30), start=start, deadline=deadline, as_of=AS_OF
    )
    assert not on_track.at_risk
    assert rules.expected_percent(start, deadline, date(2025, 1, 1)) == 0
    assert rules.expected_percent(None, deadline, AS_OF) is None


def test_overdue_is_not_also_at_risk():
    f = rules.flags(
        status="in_progress",
        percent=D(0),
        start=date(2026, 1, 1),
        deadline=date(2026, 2, 1),
        as_of=AS_OF,
    )
    assert f.overdue and not f.at_risk


def test_rolled_status():
    assert rules.rolled_status("suspended", ["done"], D(100)) == "suspended"
    assert rules.rolled_status(None, ["done", "cancelled"], D(100)) == "done"
    assert rules.rolled_status(None, ["cancelled"], D(0)) == "cancelled"
    assert rules.rolled_status(None, ["cancelled", "not_started"], D(0)) == "not_started"
    assert rules.rolled_status(None, ["not_started", "in_progress"], D(0)) == "in_progress"
    assert rules.rolled_status(None, ["not_started"], D(0)) == "not_started"


# ---------------------------------------------------------------- who may lead

DISTRICT = "3.4."
COMMUNE = "3.4.7."
OTHER = "3.9."


def test_lead_org_must_be_in_the_committees_subtree():
    assert rules.lead_allowed(DISTRICT, lead_org_path=DISTRICT)
    assert rules.lead_allowed(DISTRICT, lead_org_path=COMMUNE)
    assert not rules.lead_allowed(DISTRICT, lead_org_path=OTHER)
    assert not rules.lead_allowed(COMMUNE, lead_org_path=DISTRICT)
    assert not rules.lead_allowed("3.4.", lead_org_path="3.40.")


def test_partner_lead_must_be_led_from_the_subtree_on_one_of_the_days():
    span = rules.LeadSpan(COMMUNE, date(2020, 1, 1), date(2025, 12, 31))
    days = [date(2024, 5, 1), date(2026, 6, 1)]
    assert rules.lead_allowed(DISTRICT, partner_leads=[span], days=days)
    assert not rules.lead_allowed(DISTRICT, partner_leads=[span], days=[date(2026, 6, 1)])
    assert not rules.lead_allowed(
        DISTRICT, partner_leads=[rules.LeadSpan(OTHER, date(2020, 1, 1))], days=days
    )
    assert not rules.lead_allowed(DISTRICT, partner_leads=[], days=days)


# ---------------------------------------------------------------- checks


def refused(field, fn, *args, **kwargs):
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kwargs)
    errors = messages_of(exc.value)
    assert field in errors and errors[field][0], errors
    return errors[field][0]


def test_percent_between_0_and_100():
    rules.check_percent(D(0))
    rules.check_percent(D(100))
    rules.check_percent(None)
    assert "0 đến 100" in refused("percent", rules.check_percent, D("100.01"))
    refused("percent", rules.check_percent, D(-1))


def test_weight_positive():
    rules.check_weight(D("0.01"))
    assert "Trọng số" in refused("weight", rules.check_weight, D(0))
    refused("weight", rules.check_weight, None)


def test_deadline_not_before_start():
    rules.check_interval(date(2026, 1, 1), date(2026, 1, 1))
    rules.check_interval(None, date(2026, 1, 1))
    assert "trước ngày bắt đầu" in refused(
        "deadline", rules.check_interval, date(2026, 1, 2), date(2026, 1, 1)
    )
    refused("end", rules.check_interval, date(2026, 1, 1), None, "end", required=True)


def test_going_backwards_needs_a_reason():
    rules.check_backwards(D(50), D(60), "")
    rules.check_backwards(None, D(10), "")
    rules.check_backwards(D(50), D(40), "Đánh giá lại khối lượng")
    assert "lý do" in refused("reason", rules.check_backwards, D(50), D(40), "  ")


def test_a_report_says_something():
    rules.check_report(None, "Đã ban hành kế hoạch", "in_progress")
    rules.check_report(None, "", "cancelled")
    refused("percent", rules.check_report, None, " ", "in_progress")
    refused("percent", rules.check_report, D(101), "", "in_progress")
    refused("status", rules.check_report, D(90), "", "done")


def test_depth_limit_and_no_cycles():
    rules.check_depth(rules.MAX_DEPTH)
    assert "tối đa" in refused("parent", rules.check_depth, rules.MAX_DEPTH + 1)
    rules.check_move("1.2.", "1.3.")
    rules.check_move("1.2.", None)
    refused("parent", rules.check_move, "1.2.", "1.2.")
    refused("parent", rules.check_move, "1.2.", "1.2.5.")
    rules.check_move("1.2.", "1.25.")
    assert rules.subtree_height("1.2.", ["1.", "1.2.", "1.2.5.", "1.2.5.9.", "1.3."]) == 2


def test_numbers_follow_tree_order():
    assert rules.numbers([(10, None), (11, 10), (12, 10), (13, None), (14, 13)]) == {
        10: "1",
        11: "1.1",
        12: "1.2",
        13: "2",
        14: "2.1",
    }
    assert rules.percent_text(D("33.333")) == "33%"
    assert rules.percent_text(None) == "—"
