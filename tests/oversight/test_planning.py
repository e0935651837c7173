"""Spreading cells over working groups (pure functions) — the properties the plan relies on."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.oversight import planning

PURE = settings(max_examples=400, deadline=None)


def test_spread_even_without_existing_loads():
    shares = planning.spread(list(range(10)), [0, 0, 0])
    assert [len(s) for s in shares] == [4, 3, 3]
    assert shares == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]  # contiguous runs, order kept


def test_spread_fills_the_lightest_groups_first():
    shares = planning.spread(list("abcde"), [3, 0, 1])
    finals = [len(s) + load for s, load in zip(shares, [3, 0, 1], strict=True)]
    assert max(finals) - min(finals) <= 1
    assert shares[0] == []  # already above the fair share
    assert [c for s in shares for c in s] == list("abcde")


def test_spread_edge_cases():
    assert planning.spread([1, 2], []) == []
    assert planning.spread([], [0, 2]) == [[], []]
    assert planning.spread([7], [0]) == [[7]]


@PURE
@given(
    st.integers(0, 60).map(lambda n: list(range(n))),
    st.lists(st.integers(0, 30), min_size=1, max_size=8),
)
def test_spread_properties(cells, loads):
    shares = planning.spread(cells, loads)
    assert len(shares) == len(loads)
    # every cell assigned exactly once, in the order given (contiguous runs)
    assert [c for s in shares for c in s] == cells
    finals = [len(s) + load for s, load in zip(shares, loads, strict=True)]
    if len(cells) >= sum(max(loads) - x for x in loads):
        # enough cells to level the groups: final loads differ by at most one
        assert max(finals) - min(finals) <= 1
    else:
        # not enough: nobody ends above the heaviest pre-existing load
        assert max(finals) <= max(loads)
    # a group already heavier than another never takes a cell the lighter one could
    for i, (share_i, load_i) in enumerate(zip(shares, loads, strict=True)):
        for j, load_j in enumerate(loads):
            if share_i and i != j and load_j + len(shares[j]) + 1 < load_i + len(share_i):
                pytest.fail(f"group {i} over-filled while group {j} was left light: {finals}")


@PURE
@given(st.integers(0, 500), st.integers(1, 4))
def test_rotation_covers_every_cell_by_year_end(total, first_quarter):
    """Run each quarter from ``first_quarter`` on: every cell is taken once by the end."""
    remaining, taken = total, []
    for quarter in range(first_quarter, 5):
        share = planning.rotation_share(remaining, 4 - quarter + 1)
        assert 0 <= share <= remaining
        taken.append(share)
        remaining -= share
    assert remaining == 0 and sum(taken) == total
    # shares stay even: no quarter carries more than one above another's
    assert max(taken) - min(taken) <= 1


def test_rotation_share_values():
    assert planning.rotation_share(246, 4) == 62
    assert planning.rotation_share(5, 1) == 5
    assert planning.rotation_share(0, 3) == 0
    assert planning.rotation_share(3, 4) == 1
