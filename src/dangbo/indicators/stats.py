"""The "indicators" block of an organisation's statistics (``dangbo stats``, the stats API):
the growth of the production value in the as-of year over the year before, the share of
commune-level units with administrative reform in place that year, and the communes at the
new-rural standard on the as-of date.

Each figure is read by the indicators' own queries (``indicators.queries``,
``indicators.ntm``) so the pages, the API and the command line give the same numbers; this
module only puts them together.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dangbo.core.dates import today
from dangbo.orgs.models import Organisation

from . import queries
from .models import Indicator
from .ntm import ntm_summary

PRODUCTION_VALUE = "gia_tri_san_xuat"
TENTH = Decimal("0.1")


def _one_decimal(value: Decimal | None) -> float | None:
    return float(value.quantize(TENTH, rounding=ROUND_HALF_UP)) if value is not None else None


def production_value_growth(org: Organisation, year: int) -> float | None:
    """Growth in percent of ``year`` over ``year - 1`` (one decimal), each year's value the
    one entered for ``org``, else the roll-up of the units below it; None without both."""
    indicator = Indicator.objects.filter(code=PRODUCTION_VALUE).first()
    if indicator is None:
        return None
    return _one_decimal(queries.growth_of(indicator, org, year))


def indicators_stats(org: Organisation, as_of: date | None = None) -> dict[str, Any]:
    """{"year", "production_value_growth_pct", "admin_reform": {"units", "met", "pct"},
    "ntm": {"communes", "met", "set"}}; ``ntm.met`` counts the communes recognised by the
    as-of date itself, the other figures are the as-of year's."""
    as_of = as_of or today()
    year = as_of.year
    return {
        "year": year,
        "production_value_growth_pct": production_value_growth(org, year),
        "admin_reform": queries.admin_reform(org, year),
        "ntm": ntm_summary(org, as_of),
    }
