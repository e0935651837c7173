"""The chart's picture at its own URL: the page shows it with <img>, so the page's strict CSP
stays strict while the SVG (whose styles matplotlib writes inline) gets a policy of its own
that allows inline styles and nothing else — an SVG loaded as an image runs no script."""

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from . import charts

SVG_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'none'"],
    "script-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


@require_GET
@login_required
@csp_replace(SVG_POLICY)  # type: ignore[arg-type]  # (its stub types a view of one argument)
def chart(request, name: str, fmt: str):
    """``/nhat-ky/bieu-do/<name>.svg?to-chuc=…&nam=…`` (or .png): 404 for an unknown chart
    or one the provider refuses (out of the user's scope, bad parameters)."""
    params = {k: v for k, v in request.GET.items() if k in charts.PARAMS}
    found = charts.chart_for(request, name, params)
    if found is None:
        raise Http404
    if fmt == "png":
        response = HttpResponse(charts.png(found, dpi=150), content_type="image/png")
    else:
        response = HttpResponse(charts.svg(found), content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response
