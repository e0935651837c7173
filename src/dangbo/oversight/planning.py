"""Spreading cells over working groups: pure functions, so the demo and the service share them."""

import math
from collections.abc import Sequence


def spread(cells: Sequence, loads: Sequence[int]) -> list[list]:
    """Split ``cells`` (already in path order, so that a commune's villages stay together)
    into one contiguous run per group, such that the groups' final loads (``loads`` = what
    each already has) differ by at most one. Returns the new cells of each group."""
    n = len(loads)
    if n == 0:
        return []
    total = len(cells) + sum(loads)
    base, extra = divmod(total, n)
    wanted = [base + (1 if i < extra else 0) for i in range(n)]
    # Groups already above the fair share take nothing; the rest fill up to it.
    take = [max(0, w - load) for w, load in zip(wanted, loads, strict=True)]
    surplus = sum(take) - len(cells)
    i = n - 1
    while surplus > 0:  # over-full groups made the shares too large: trim from the end
        if take[i] > 0:
            take[i] -= 1
            surplus -= 1
        i = (i - 1) % n
    out, start = [], 0
    for k in take:
        out.append(list(cells[start : start + k]))
        start += k
    return out


def rotation_share(remaining: int, quarters_left: int) -> int:
    """How many not-yet-visited cells this quarter takes so the year ends with all visited."""
    return remaining if quarters_left <= 1 else math.ceil(remaining / quarters_left)
