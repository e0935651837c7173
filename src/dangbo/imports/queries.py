"""The read side of imports: whose jobs a user sees, and the templates they may download.

Used by the web and the API alike, so that both give the same answer."""

from django.http import Http404, HttpResponse

from dangbo.core import scope

from .cellnames import CellResolver, picks
from .common import ScopeCheck
from .models import ImportJob
from .template import CELLS_LIMIT, FILE_NAMES, XLSX, indicators_xlsx, template_xlsx

# The units the indicators' template lists: communes, wards and towns' committees.
UNIT_KINDS = ("grassroots_committee",)


def may_import(user) -> bool:
    return scope.has_any(user, scope.CHANGE)


def jobs_of(user):
    jobs = ImportJob.objects.all()
    return jobs if user.is_superuser else jobs.filter(created_by=user)


def job_for(user, pk: int) -> ImportJob:
    """The user's own job (any for a superuser); 404 otherwise — web and API alike."""
    if not may_import(user):
        raise Http404
    try:
        return jobs_of(user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def template_response(user, kind: str) -> HttpResponse:
    """The .xlsx template; sensitive columns only for those who may write them."""
    if kind not in FILE_NAMES or not may_import(user):
        raise Http404
    if kind == "indicators":
        return _xlsx(indicators_template(user), FILE_NAMES[kind])
    cells, total = own_cells(user) if kind == "members" else (None, None)
    data = template_xlsx(
        kind, include_sensitive=ScopeCheck(user).any_sensitive, cells=cells, cells_total=total
    )
    return _xlsx(data, FILE_NAMES[kind])


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def indicators_template(user) -> bytes:
    """The indicator values' template: the indicators people enter (not the computed ones)
    and the units the user may import for, one row each."""
    from dangbo.indicators.models import Indicator

    from .indicators import UnitResolver

    indicators = list(Indicator.objects.filter(computed="").order_by("position", "code"))
    units = [u.org.name for u in UnitResolver(user).units if u.org.kind in UNIT_KINDS]
    return indicators_xlsx(indicators, units)


def own_cells(user) -> tuple[list[tuple[str, str, str]], int]:
    """The current cells the user may import into, as (name, organisation above, code) in
    tree order, at most ``CELLS_LIMIT`` of them; and how many there are in all. A name that
    two of them share is given with the organisation above ("Chi bộ thôn 1 (Đảng bộ xã Kim
    Long)"), as the importer reads it back."""
    resolver = CellResolver(user)
    total = resolver.count()
    return [(c.pick, c.above, c.org.code) for c in picks(resolver.cells(CELLS_LIMIT))], total
