"""``queries.Held`` (a year's holdings sorted once, each unit's holders found by bisection)
gives the nearest holders below an organisation exactly as the straightforward scan does."""

import random
from decimal import Decimal as D
from types import SimpleNamespace

from dangbo.indicators import queries


def _org(path):
    return SimpleNamespace(path=path, subtree_upper=path[:-1] + "/")


def _reference(org, holdings):
    kept = []
    for path, value in sorted(holdings):
        if not (org.path < path < org.subtree_upper):
            continue
        if kept and kept[-1][0] <= path < kept[-1][0][:-1] + "/":
            continue
        kept.append((path, value))
    return [v for _p, v in kept]


def _paths(rng, prefix="", depth=0):
    out = [prefix] if prefix else []
    if depth < 4:
        for i in range(rng.randint(0, 4)):
            out += _paths(rng, f"{prefix}{i:04d}.", depth + 1)
    return out


def test_below_matches_the_scan_on_random_trees():
    rng = random.Random(7)
    for _ in range(40):
        paths = _paths(rng)
        holdings = [(p, D(rng.randint(0, 99))) for p in paths if rng.random() < 0.4]
        held = queries.Held(holdings)
        for path in paths:
            org = _org(path)
            assert held.below(org) == _reference(org, holdings)
            assert queries._below(org, holdings) == _reference(org, holdings)
            assert held.direct.get(path) == next((v for p, v in holdings if p == path), None)


def test_a_holder_hides_the_holders_below_it():
    holdings = [("0001.0001.", D(5)), ("0001.0001.0002.", D(3)), ("0001.0002.", D(4))]
    assert queries.Held(holdings).below(_org("0001.")) == [D(5), D(4)]
    assert queries.Held(holdings).below(_org("0001.0001.")) == [D(3)]
    assert queries.Held(holdings).below(_org("0001.0002.")) == []


def test_any_at_is_a_holding_at_or_below():
    rng = random.Random(3)
    for _ in range(20):
        paths = _paths(rng)
        holdings = [(p, D(1)) for p in paths if rng.random() < 0.3]
        held = queries.Held(holdings)
        for path in paths:
            org = _org(path)
            expected = any(path <= p < org.subtree_upper for p, _v in holdings)
            assert held.any_at(org) == expected
