"""The values API of the indicators (issue 14): the catalogue, an indicator's table, values
and targets of one unit and year, defining an indicator.

Reading needs a VIEW grant somewhere (the table: VIEW on the organisation, else 404, like
the page); values and targets need CHANGE on the unit (a unit seen but not changeable: 403);
defining needs CHANGE on a committee above the grassroots. Same queries and services as the
pages, so the same answers.
"""

from typing import Annotated

from django.http import Http404
from ninja import Path, Query, Router
from ninja.errors import HttpError

from dangbo.core import scope
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, Code, Year, fields_as
from dangbo.core.errors import invalid
from dangbo.orgs.lookups import org_field, org_or_404

from .. import queries, services, views
from ..models import Indicator
from .values_schemas import (
    CountsOut,
    IndicatorIn,
    IndicatorOut,
    OverviewOut,
    TableOut,
    TargetsIn,
    TargetsOut,
    ValuesIn,
)

router = Router(tags=["values"])

IndicatorCode = Annotated[str, Path(max_length=64, title="Mã chỉ tiêu")]


def _viewer(user) -> None:
    if not scope.has_any(user, scope.VIEW):
        raise Http404


def _indicator(code: str) -> Indicator:
    found = queries.indicators().filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _indicators_of(items, field: str) -> list[tuple[Indicator, object]]:
    """The indicators named by code in ``items`` (one query); an unknown code is a field error."""
    found = {i.code: i for i in queries.indicators().filter(code__in={x.indicator for x in items})}
    missing = sorted({x.indicator for x in items} - set(found))
    if missing:
        raise invalid(field, f"Mã chỉ tiêu: không có chỉ tiêu “{missing[0]}”.")
    return [(found[x.indicator], x.value) for x in items]


def _cell(year, cell) -> dict:
    return {
        "year": year,
        "value": cell.value,
        "kind": cell.kind,
        "source": cell.source,
        "target": cell.target,
        "met": cell.met,
        "direct": cell.direct,
        "rolled": cell.rolled,
        "differs": cell.differs,
        "growth": cell.growth,
    }


@router.get("", response={200: list[IndicatorOut], **READ_ERRORS}, summary="Danh mục chỉ tiêu")
def list_indicators(request):
    _viewer(request.auth)
    return list(queries.indicators())


@router.get(
    "/overview",
    response={200: list[OverviewOut], **READ_ERRORS},
    summary="Giá trị mọi chỉ tiêu của một đơn vị trong một năm",
)
def overview(
    request,
    org: Annotated[Code, Query(title="Tổ chức")],
    year: Annotated[Year, Query(title="Năm")],
):
    """Entered, else rolled up from the units below, else computed; with the target (the
    indicators page)."""
    _viewer(request.auth)
    return queries.overview(org_or_404(request.auth, org), year)


@router.get(
    "/{code}/table",
    response={200: TableOut, **READ_ERRORS},
    summary="Bảng số liệu một chỉ tiêu: đơn vị trực thuộc × năm",
)
def table(
    request,
    code: IndicatorCode,
    org: Annotated[Code, Query(title="Tổ chức")],
    from_year: Annotated[Year, Query(title="Từ năm")],
    to_year: Annotated[Year | None, Query(title="Đến năm")] = None,
):
    """At most 10 years; the organisation's own row has the entered value beside the
    roll-up of its units and the growth over the year before."""
    _viewer(request.auth)
    indicator = _indicator(code)
    unit = org_or_404(request.auth, org)
    last = to_year or from_year
    if last < from_year:
        raise invalid("to_year", "Đến năm: trước năm bắt đầu.")
    years = list(range(max(from_year, last - views.MAX_SPAN + 1), last + 1))
    data = queries.value_table(indicator, unit, years)

    def row(r):
        return {
            "org": r.org.code,
            "org_name": r.org.name,
            "cells": [_cell(y, r.cells[y]) for y in years],
        }

    return {
        "indicator": indicator,
        "org": unit.code,
        "org_name": unit.name,
        "years": years,
        "own": row(data.own),
        "rows": [row(r) for r in data.rows],
        "hidden": data.hidden,
    }


@router.put(
    "/values",
    response={200: CountsOut, **WRITE_ERRORS},
    summary="Nhập số liệu chỉ tiêu của một đơn vị trong một năm",
)
def put_values(request, payload: ValuesIn):
    """Values as people write them ("1.234,5", "12,5%", "đạt") or JSON numbers/booleans;
    all checked first, nothing written if one is wrong. Counts new, updated, unchanged."""
    org = org_field(request.auth, payload.org, "org", "Đơn vị")
    rows = _indicators_of(payload.values, "values")
    names = {ind.code: "values" for ind, _v in rows}
    with fields_as(names):
        return services.record_values(
            actor=request.auth,
            rows=[(ind, org, payload.year, value) for ind, value in rows],
            source=payload.source,
        )


@router.put(
    "/targets",
    response={200: TargetsOut, **WRITE_ERRORS},
    summary="Giao chỉ tiêu cho một đơn vị trong một năm",
)
def put_targets(request, payload: TargetsIn):
    org = org_field(request.auth, payload.org, "org", "Đơn vị")
    rows = _indicators_of(payload.targets, "targets")
    with fields_as({ind.code: "targets" for ind, _v in rows}):
        changed = services.set_targets(actor=request.auth, org=org, year=payload.year, values=rows)
    return {"changed": changed}


@router.post("", response={201: IndicatorOut, **WRITE_ERRORS}, summary="Khai báo chỉ tiêu")
def define(request, payload: IndicatorIn):
    if not scope.has_any(request.auth, scope.VIEW):
        raise Http404
    if not views.can_define(request.auth):
        raise HttpError(403, "Chỉ cán bộ cấp ủy từ cấp huyện trở lên khai báo chỉ tiêu.")
    data = payload.dict()
    for key in ("value_type", "direction", "aggregation"):
        data[key] = str(getattr(payload, key).value)
    indicator = services.define_indicator(actor=request.auth, **data)
    return 201, queries.indicators().get(pk=indicator.pk)
