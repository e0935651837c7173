"""Charts of indicators (core.charts): an indicator against its targets over the years (the
organisation's own row of ``queries.value_table``), and the new-rural summary: communes
recognised over the years."""

from datetime import date

from django.utils.translation import gettext as _

from dangbo.core import charts
from dangbo.core.dates import today
from dangbo.registry.charts import chart_org, chart_year

from . import queries
from .models import Indicator
from .ntm import ntm_summary

YEARS = 5


def _number(value) -> float | None:
    return None if value is None else float(value)


def against_targets(request, org=None, year=None, indicator=None, **_ignored):
    found, y = chart_org(request, org), chart_year(year)
    if found is None or y is None or not indicator:
        return None
    measure = Indicator.objects.filter(code=str(indicator).strip().lower()).first()
    if measure is None:
        return None
    years = list(range(y - YEARS + 1, y + 1))
    own = queries.value_table(measure, found, years).own
    percent = measure.unit.strip() == "%"
    return charts.Chart(
        charts.LINE,
        measure.name,
        _("%(org)s: kết quả thực hiện và chỉ tiêu các năm %(a)s–%(b)s (%(u)s).")
        % {"org": found.name, "a": years[0], "b": years[-1], "u": measure.unit},
        tuple(str(year) for year in years),
        (
            charts.series(_("Thực hiện"), [_number(own.cells[year].value) for year in years]),
            charts.series(
                _("Chỉ tiêu"), [_number(own.cells[year].target) for year in years], target=True
            ),
        ),
        unit="" if percent else measure.unit,
        percent=percent,
        decimals=measure.decimals,
    )


def ntm_over_years(request, org=None, year=None, **_ignored):
    """Communes recognised as meeting the new-rural standard at each year's end."""
    found, y = chart_org(request, org), chart_year(year)
    if found is None or y is None:
        return None
    years = list(range(y - YEARS + 1, y + 1))
    rows = [ntm_summary(found, min(date(year, 12, 31), today())) for year in years]
    return charts.Chart(
        charts.GROUPED,
        _("Xã đạt chuẩn nông thôn mới qua các năm"),
        _("%(org)s: số xã đạt chuẩn nông thôn mới và tổng số xã, cuối mỗi năm.")
        % {"org": found.name},
        tuple(str(year) for year in years),
        (
            charts.series(_("Xã đạt chuẩn"), [r["met"] for r in rows]),
            charts.series(_("Tổng số xã"), [r["communes"] for r in rows]),
        ),
        unit=_("xã"),
    )


def register() -> None:
    charts.register("indicators.targets", against_targets)
    charts.register("indicators.ntm", ntm_over_years)
