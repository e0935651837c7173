"""The partners API (issue 14): partner bodies (list, get, create, patch) and who answers for
what (an organisation's or a member's tasks led, coordinated, overdue; a program's matrix).

Reads need VIEW (out of scope: 404); a change needs CHANGE on an organisation leading the
partner (403 where the caller only sees it). The same queries and services as the pages."""

from typing import Annotated

from django.db.models import Prefetch
from django.http import Http404
from ninja import Path, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, BoundedPagination, Code, Day, fields_as
from dangbo.core.errors import invalid
from dangbo.members.models import Member
from dangbo.orgs import services as org_services
from dangbo.orgs.choices import PartnerKind
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import PartnerBody, PartnerLead

from .. import partners, responsibility
from .partners_schemas import (
    MatrixOut,
    PartnerCreate,
    PartnerDetail,
    PartnerOut,
    PartnerPatch,
    ResponsibilityOut,
)

router = Router(tags=["partners"])

PartnerCode = Annotated[str, Path(max_length=64, title="Mã cơ quan")]
AsOfParam = Annotated[Day | None, Query(title="Ngày tính")]
ALL_LEADS = Prefetch(
    "leads",
    queryset=PartnerLead.objects.select_related("org").order_by("valid_from", "pk"),
    to_attr="all_leads",
)


def _detail(user, code: str) -> PartnerBody:
    partner = (
        partners.visible(user)
        .select_related("parent")
        .prefetch_related(partners.OPEN_LEADS, ALL_LEADS)
        .filter(code=code)
        .first()
    )
    if partner is None:
        raise Http404
    return partner


def _parent(user, code: str | None) -> PartnerBody | None:
    if code is None:
        return None
    found = partners.visible(user).filter(code=code).first()
    if found is None:
        raise invalid(
            "parent", f"Trực thuộc: không có cơ quan mã “{code}” trong phạm vi được giao."
        )
    return found


@router.get("", response={200: list[PartnerOut], **READ_ERRORS}, summary="Cơ quan phối hợp")
@paginate(BoundedPagination)
def list_partners(
    request,
    kind: Annotated[PartnerKind | None, Query(title="Loại cơ quan")] = None,
    org: Annotated[Code | None, Query(title="Tổ chức đảng lãnh đạo")] = None,
    as_of: AsOfParam = None,
):
    """Partners led (now or once) by an organisation the caller sees; ``org``: those led on
    ``as_of`` (default today) by an organisation of its subtree."""
    target = org_or_404(request.auth, org) if org else None
    return partners.listing(request.auth, kind.value if kind else None, target, as_of)


@router.get("/{code}", response={200: PartnerDetail, **READ_ERRORS}, summary="Một cơ quan")
def get_partner(request, code: PartnerCode):
    return _detail(request.auth, code)


@router.post("", response={201: PartnerDetail, **WRITE_ERRORS}, summary="Thêm cơ quan phối hợp")
def create_partner(request, payload: PartnerCreate):
    """The leading organisation must be one the caller may change, active on ``valid_from``."""
    lead = org_field(request.auth, payload.lead_org, "lead_org", "Tổ chức đảng lãnh đạo")
    parent = _parent(request.auth, payload.parent)
    partner = org_services.create_partner(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        kind=payload.kind.value,
        lead_org=lead,
        valid_from=payload.valid_from,
        parent=parent,
    )
    return 201, _detail(request.auth, partner.code)


@router.patch("/{code}", response={200: PartnerDetail, **WRITE_ERRORS}, summary="Sửa cơ quan")
def patch_partner(request, code: PartnerCode, payload: PartnerPatch):
    """Fields left out stay as they are; ``lead_org`` with ``lead_from`` changes the lead
    from that day; ``valid_to`` ends the partner. All of it or nothing."""
    user = request.auth
    try:
        partner = partners.partner_or_404(user, code, scope.CHANGE)
    except Http404:
        partners.partner_or_404(user, code)  # 404 when not even seen
        raise HttpError(403, "Bạn không có quyền thay đổi cơ quan này.") from None
    sent = payload.model_fields_set
    lead = (
        org_field(user, payload.lead_org, "lead_org", "Tổ chức đảng lãnh đạo mới")
        if payload.lead_org
        else None
    )
    if (lead is None) != (payload.lead_from is None):
        field = "lead_from" if lead is not None else "lead_org"
        raise invalid(field, "Đổi tổ chức lãnh đạo: cần cả tổ chức mới và ngày bắt đầu.")
    with fields_as({}):
        org_services.update_partner(
            actor=user,
            partner=partner,
            name=payload.name if payload.name is not None else partner.name,
            kind=payload.kind.value if payload.kind is not None else partner.kind,
            parent=_parent(user, payload.parent) if "parent" in sent else partner.parent,
            lead_org=lead,
            lead_from=payload.lead_from,
            valid_to=payload.valid_to,
        )
    return _detail(user, partner.code)


# ---------------------------------------------------------------- who answers for what


def _out(data: responsibility.Responsibility) -> dict:
    def line(x: responsibility.Line) -> dict:
        p = x.progress
        return {
            "id": x.task.pk,
            "program_id": x.task.program_id,
            "program": x.task.program.title,
            "number": x.task.number,
            "title": x.task.title,
            "role": x.role,
            "lead": x.lead_name,
            "deadline": x.task.deadline,
            "percent": float(p.percent) if p else None,
            "status": p.status if p else None,
            "overdue": x.overdue,
        }

    return {
        "as_of": data.day,
        "leads_total": data.leads_total,
        "coordinates_total": data.coordinates_total,
        "leads": [line(x) for x in data.leads],
        "coordinates": [line(x) for x in data.coordinates],
        "overdue": [line(x) for x in data.overdue],
    }


@router.get(
    "/responsibility/org",
    response={200: ResponsibilityOut, **READ_ERRORS},
    summary="Nhiệm vụ chủ trì, phối hợp của một tổ chức",
)
def org_responsibility(
    request,
    org: Annotated[Code, Query(title="Tổ chức")],
    subtree: Annotated[bool, Query(title="Gồm cả cấp dưới")] = False,
    as_of: AsOfParam = None,
):
    """Tasks the organisation (or its subtree) leads, itself or through a partner it leads,
    and those it coordinates; overdue ones flagged (at most 500 per list, counts exact)."""
    target = org_or_404(request.auth, org)
    return _out(responsibility.for_org(request.auth, target, as_of, subtree=subtree))


@router.get(
    "/responsibility/member/{member_id}",
    response={200: ResponsibilityOut, **READ_ERRORS},
    summary="Nhiệm vụ được giao của một đảng viên",
)
def person_responsibility(
    request,
    member_id: Annotated[int, Path(ge=1, le=2**63 - 1, title="Mã đảng viên")],
    as_of: AsOfParam = None,
):
    """Tasks naming the member, and those of the organisations they head on the day."""
    member = scope.get_or_404(Member.objects.all(), request.auth, pk=member_id)
    return _out(responsibility.for_person(request.auth, member, as_of))


@router.get(
    "/matrix/{program_id}",
    response={200: MatrixOut, **READ_ERRORS},
    summary="Phân công chủ trì, phối hợp của một chương trình",
)
def program_matrix(
    request, program_id: Annotated[int, Path(ge=1, le=2**63 - 1, title="Mã chương trình")]
):
    program = responsibility.program_for(request.auth, program_id)
    if program is None:
        raise Http404
    m = responsibility.matrix(request.auth, program)
    return {
        "program_id": program.pk,
        "title": program.title,
        "bodies": [b.name for b in m.bodies],
        "rows": [
            {"task_id": r.task.pk, "number": r.task.number, "title": r.task.title, "cells": r.cells}
            for r in m.rows
        ],
    }
