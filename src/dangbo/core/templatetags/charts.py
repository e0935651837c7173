"""``{% chart "meetings.heatmap" org=org year=year %}``: the chart's picture (an <img> of its
SVG URL), its caption, and the table it draws one click away — no JavaScript."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from dangbo.core import charts

register = template.Library()


def _param(value) -> str:
    """An organisation travels as its code, a day in ISO form, anything else as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "code", value))


@register.inclusion_tag("core/chart.html", takes_context=True)
def chart(context, name: str, params: dict | None = None, **more):
    """Parameters as keywords, or as one dict (``params=c.params``) a view prepared."""
    request = context.get("request")
    given = {k: v for k, v in {**(params or {}), **more}.items() if v not in (None, "")}
    found = charts.chart_for(request, name, given)
    if found is None:
        return {"chart": None}
    query = urlencode({k: _param(v) for k, v in given.items()})
    url = reverse("core:chart", kwargs={"name": name, "fmt": "svg"})
    header, rows = found.table()
    return {
        "chart": found,
        "src": f"{url}?{query}" if query else url,
        "header": header,
        "rows": rows,
        "slug": name.replace(".", "-"),
    }


@register.filter
def column_total(rows, index: int = 1):
    """The sum of one column of a table's rows: ``{% with t=rows|column_total:1 %}``."""
    return sum((row[index] or 0) for row in rows)


@register.filter
def share(value, total):
    """``value`` as a percentage of ``total`` in the Vietnamese format: "12,5%"; "—" of 0."""
    if not total or value is None:
        return "—"
    return charts.format_value(100 * value / total, percent=True)
