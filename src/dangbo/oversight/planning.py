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
    count = len(cells)
    # Water-filling: the highest level every lighter group can be brought up to with the
    # cells available; groups already above it take nothing (trimming "from the end"
    # instead could leave a light group empty while an earlier one took two).
    level = min(loads)
    while sum(max(0, level + 1 - load) for load in loads) <= count:
        level += 1
    take = [max(0, level - load) for load in loads]
    spare = count - sum(take)  # fewer than the groups at the level: one more each, in order
    for i, load in enumerate(loads):
        if spare == 0:
            break
        if load <= level:
            take[i] += 1
            spare -= 1
    out, start = [], 0
    for k in take:
        out.append(list(cells[start : start + k]))
        start += k
    return out


def rotation_share(remaining: int, quarters_left: int) -> int:
    """How many not-yet-visited cells this quarter takes so the year ends with all visited."""
    return remaining if quarters_left <= 1 else math.ceil(remaining / quarters_left)
