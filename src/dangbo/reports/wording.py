"""Numbers the way a Vietnamese report writes them: "trên 5.470" (rounded down, and "trên"
only when the figure is above the round one), "9/12", "100%", "tăng trên 10%", counts with
their noun, lists joined with "và". Every function returns text; the figures themselves are
kept by the report beside it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from dangbo.core.text import vn_number

ABOVE = "trên"


def round_down(n: int, step: int) -> int:
    return (n // step) * step


def over(n: int, step: int = 10) -> str:
    """5.475 → "trên 5.470", 5.470 → "5.470", 411 → "411": a figure under a hundred steps is
    said exactly (nobody writes "trên 410 đảng viên" of a commune of 411)."""
    n = int(n)
    if step <= 1 or n < 100 * step:
        return vn_number(n)
    low = round_down(n, step)
    return f"{ABOVE} {vn_number(low)}" if n > low else vn_number(n)


def number(n: float, decimals: int = 0) -> str:
    return vn_number(n, decimals)


def fraction(part: int, whole: int, noun: str = "") -> str:
    """ "9/12 xã"."""
    text = f"{vn_number(part)}/{vn_number(whole)}"
    return f"{text} {noun}" if noun else text


def _ratio(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def pct(value: float, decimals: int = 1) -> str:
    """A percentage already in percent: 100 → "100%", 10.56 → "10,6%", 10.0 → "10%"."""
    rounded = round(float(value), decimals)
    if rounded == int(rounded):
        return f"{vn_number(int(rounded))}%"
    return f"{vn_number(rounded, decimals)}%"


def share(part: int, whole: int, decimals: int = 1) -> str:
    """part of whole as a percentage: (12, 12) → "100%", (1, 3) → "33,3%"."""
    if whole and part == whole:
        return "100%"
    return pct(_ratio(part, whole), decimals)


def over_pct(value: float) -> str:
    """A percentage said as a report says a rise: 10.6 → "trên 10%", 10.0 → "10%",
    0.4 → "0,4%" (never "trên 0%"). Exact fractions are compared, so 10.0 is not above 10."""
    value = abs(float(value))
    exact = Fraction(value).limit_denominator(10**6)
    low = math.floor(exact)
    if low == 0:
        return pct(value)
    return f"{ABOVE} {vn_number(low)}%" if exact > low else f"{vn_number(low)}%"


def growth(current: float, previous: float) -> float | None:
    """The rise from previous to current, in percent (None without a base)."""
    if not previous:
        return None
    return 100.0 * (float(current) - float(previous)) / float(previous)


def count(n: int, noun: str) -> str:
    """ "25 chi, đảng bộ"."""
    return f"{vn_number(int(n))} {noun}"


def join(items: Iterable[str], last: str = "và") -> str:
    """ "a", "a và b", "a, b và c"."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def years(first: int, last: int) -> str:
    """ "2012–2016"."""
    return f"{first}–{last}" if first != last else str(first)
