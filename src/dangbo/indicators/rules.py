"""The arithmetic of indicators as pure functions: reading a value as people write it
(Vietnamese number format, "đạt / không đạt"), rolling the values of the units below up to
their parent by the indicator's aggregation, and growth over the previous period.

Messages are Vietnamese and carry no field label: callers (services, imports) add the label
of the field or column they read it from.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from .choices import Aggregation, ValueType

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)

TRUE_WORDS = frozenset({"x", "có", "co", "đạt", "dat", "1", "true", "yes", "rồi", "✓", "v"})
FALSE_WORDS = frozenset(
    {"", "không", "khong", "không đạt", "khong dat", "chưa đạt", "chua dat", "chưa", "0"}
    | {"false", "no", "-"}
)

# "1.234,5", "1 234,5", "12,5", "-3", "1234.5" (a single dot followed by other than three
# digits is a decimal point, as spreadsheets export it).
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_VN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_VN_DECIMAL = re.compile(r"^[+-]?\d+(,\d+)?$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$|^[+-]?\d+\.?$")


class IndicatorLike(Protocol):
    """What the rules read of an indicator (the model, or anything shaped like it)."""

    value_type: str
    aggregation: str
    threshold: Decimal | None
    min_value: Decimal | None
    max_value: Decimal | None
    decimals: int


def _group(text: str) -> str:
    """A plain decimal string ("-1234.50") in Vietnamese format ("-1.234,50")."""
    whole, _sep, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + ".".join(groups)
    return f"{out},{frac}" if frac else out


def _num(value: Decimal) -> str:
    """A bound as people write it: 1.234,5 (no trailing zeros)."""
    return _group(format(value.normalize(), "f"))


def fmt_value(value: Decimal | None, decimals: int = 0) -> str:
    """A value for display in Vietnamese format, rounded to ``decimals``; "" for None."""
    if value is None:
        return ""
    quant = Decimal(1).scaleb(-decimals)
    return _group(format(value.quantize(quant, rounding=ROUND_HALF_UP), "f"))


def parse_number(raw: Any) -> Decimal:
    """A number from what people type or a spreadsheet holds: Decimal/int/float, or text in
    Vietnamese format ("1.234,5", "12,5") or with a decimal point ("1234.5")."""
    if isinstance(raw, bool):
        raise ValueError("phải là một số")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError("phải là một số")
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError("phải là một số")
        return Decimal(repr(raw))
    if not isinstance(raw, str):
        raise ValueError("phải là một số")
    text = _SPACES.sub("", raw)
    if _VN_THOUSANDS.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _VN_DECIMAL.match(text):
        text = text.replace(",", ".")
    elif not _DOT_DECIMAL.match(text):
        raise ValueError("phải là một số")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("phải là một số") from None


def parse_boolean(raw: Any) -> Decimal:
    """1 for met ("x", "có", "đạt", "1", True), 0 for not ("", "không", "chưa đạt", "0")."""
    if raw is None:
        return ZERO
    if isinstance(raw, bool):
        return ONE if raw else ZERO
    if isinstance(raw, int | Decimal | float) and not isinstance(raw, bool):
        if raw == 1:
            return ONE
        if raw == 0:
            return ZERO
        raise ValueError("phải là đạt/không đạt")
    if isinstance(raw, str):
        word = " ".join(raw.strip().lower().split())
        if word in TRUE_WORDS:
            return ONE
        if word in FALSE_WORDS:
            return ZERO
    raise ValueError("phải là đạt/không đạt")


def parse_value(indicator: IndicatorLike, raw: Any) -> Decimal:
    """The value ``raw`` stands for under ``indicator``, checked against its type and range.

    Raises ValueError with a Vietnamese message without the field label."""
    if indicator.value_type == ValueType.BOOLEAN:
        return parse_boolean(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("phải là một số")
    if indicator.value_type == ValueType.PERCENT and isinstance(raw, str):
        raw = raw.strip()
        if raw.endswith("%"):
            raw = raw[:-1]
    elif isinstance(raw, str) and raw.strip().endswith("%"):
        raise ValueError("phải là một số (chỉ tiêu này không tính bằng %)")
    value = parse_number(raw)
    low, high = indicator.min_value, indicator.max_value
    if indicator.value_type == ValueType.PERCENT:
        low = ZERO if low is None else low
        high = HUNDRED if high is None else min(high, HUNDRED)
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"phải từ {_num(low)} đến {_num(high)}")
    if low is not None and value < low:
        raise ValueError(f"phải từ {_num(low)} trở lên")
    if high is not None and value > high:
        raise ValueError(f"phải không quá {_num(high)}")
    return value


def meets(indicator: IndicatorLike, value: Decimal) -> bool:
    """Whether one unit's value meets the indicator's condition (SHARE, COUNT): at or above
    the threshold; a BOOLEAN meets at 1 (its threshold, when none is set)."""
    if indicator.value_type == ValueType.BOOLEAN and indicator.threshold is None:
        return value >= ONE
    if indicator.threshold is None:
        return value > ZERO
    return value >= indicator.threshold


def aggregate(indicator: IndicatorLike, values: list[Decimal]) -> Decimal | None:
    """The parent's value from its units' values by the indicator's aggregation; None when
    there is nothing to roll up (no values, or NONE)."""
    agg = indicator.aggregation
    if agg == Aggregation.NONE or not values:
        return None
    if agg == Aggregation.SUM:
        return sum(values, ZERO)
    if agg == Aggregation.MEAN:
        return sum(values, ZERO) / Decimal(len(values))
    met = sum(1 for v in values if meets(indicator, v))
    if agg == Aggregation.COUNT:
        return Decimal(met)
    if agg == Aggregation.SHARE:
        return Decimal(met) * HUNDRED / Decimal(len(values))
    return None


def growth_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth of ``current`` over ``previous`` in percent (10 = 10% more); None when either
    is missing or the previous one is zero."""
    if current is None or previous is None or previous == ZERO:
        return None
    return (current - previous) * HUNDRED / abs(previous)


def share_pct(met: int, units: int) -> Decimal | None:
    """``met`` of ``units`` in percent, one decimal (13 of 13 = 100.0); None without units."""
    if units <= 0:
        return None
    return (Decimal(met) * HUNDRED / Decimal(units)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def target_met(direction: str, value: Decimal | None, target: Decimal | None) -> bool | None:
    """Whether a value reaches its target in the indicator's good direction; None when
    either is missing."""
    if value is None or target is None:
        return None
    return value <= target if direction == "down" else value >= target


def differs(direct: Decimal | None, rolled: Decimal | None, decimals: int = 0) -> bool:
    """Whether an entered parent value and the roll-up of its children disagree (at the
    indicator's precision); never when one of them is missing."""
    if direct is None or rolled is None:
        return False
    quant = Decimal(1).scaleb(-decimals)
    return direct.quantize(quant, rounding=ROUND_HALF_UP) != rolled.quantize(
        quant, rounding=ROUND_HALF_UP
    )
