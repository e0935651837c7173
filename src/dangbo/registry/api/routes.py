"""The organisation router.

Handlers stay thin: parse, authorise through ``core.scope``, call a service or query,
return a schema. The helpers every router shares live in ``core.api`` and ``orgs.lookups``."""

from datetime import date
from typing import Annotated

from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core import services as core_services
from dangbo.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    IsoDate,
    SearchText,
)
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.members.models import Member
from dangbo.orgs import queries as org_queries
from dangbo.orgs import services as org_services
from dangbo.orgs.choices import OrgKind
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import CommitteeBody, Organisation, Position

from .. import queries, services, stats_blocks
from .schemas import (
    BodyCreate,
    BodyOut,
    ChildOut,
    CodePath,
    DocumentIn,
    OrgCreate,
    OrgDetail,
    OrgDissolve,
    OrgMerge,
    OrgOut,
    OrgRename,
    OrgReparent,
    OrgSplit,
    PositionCreate,
    PositionEnd,
    PositionId,
    PositionOut,
    WarningOut,
)
from .stats_schemas import OrgStatsWithBlocks

router = Router(tags=["orgs"])

AsOf = Annotated[IsoDate | None, Query(title="Ngày tính")]


def _document(doc: "DocumentIn | None") -> core_services.DocumentRef | None:
    if doc is None:
        return None
    return core_services.DocumentRef(
        number=doc.number, issuer=doc.issuer, issue_date=doc.issue_date
    )


@router.get("/", response=list[OrgOut], summary="Danh sách tổ chức trong phạm vi")
@paginate(BoundedPagination)
def list_orgs(
    request,
    kind: Annotated[OrgKind | None, Query(title="Loại tổ chức")] = None,
    parent: Annotated[Code | None, Query(title="Tổ chức cấp trên")] = None,
    q: Annotated[SearchText | None, Query(title="Từ khóa tìm kiếm")] = None,
):
    qs = scope.restrict(Organisation.objects.select_related("parent"), request.auth)
    if kind:
        qs = qs.filter(kind=kind.value)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q and q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return qs.order_by("path")


@router.get("/{code}", response={200: OrgDetail, **READ_ERRORS}, summary="Chi tiết tổ chức")
def get_org(request, code: CodePath):
    return org_or_404(request.auth, code)


@router.get(
    "/{code}/stats", response={200: OrgStatsWithBlocks, **READ_ERRORS}, summary="Số liệu tại ngày"
)
def org_stats(request, code: CodePath, as_of: AsOf = None):
    """The organisation's figures with the blocks higher apps add (programs, indicators), as
    ``dangbo stats`` prints them."""
    org = org_or_404(request.auth, code)
    day = as_of or today()
    return {**queries.org_stats(org, day), **stats_blocks.collect(org, day)}


@router.get("/{code}/children", response={200: list[ChildOut], **READ_ERRORS})
def org_children(request, code: CodePath, as_of: AsOf = None):
    org = org_or_404(request.auth, code)
    return queries.children_as_of(org, as_of or today())


@router.get("/{code}/warnings", response={200: list[WarningOut], **READ_ERRORS})
def org_warnings(request, code: CodePath, as_of: AsOf = None):
    """Structural rules 1–5 over the subtree: warnings for people to judge, not errors."""
    org = org_or_404(request.auth, code)
    return [
        {
            "rule": w["rule"],
            "message": w["message"],
            "org": w["org"].code,
            "org_name": w["org"].name,
        }
        for w in queries.structural_warnings(org, as_of or today())
    ]


@router.post("/", response={201: OrgDetail, **WRITE_ERRORS}, summary="Thành lập tổ chức")
def create_org(request, payload: OrgCreate):
    parent = org_field(request.auth, payload.parent, "parent", "Tổ chức cấp trên")
    if parent is None and not scope.covers_all(request.auth, scope.CHANGE):
        raise invalid("parent", "Tổ chức cấp trên: bắt buộc (chọn một tổ chức trong phạm vi).")
    org = org_services.create_org(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        kind=payload.kind.value,
        sector=payload.sector.value,
        parent=parent,
        valid_from=payload.valid_from,
        has_seal=payload.has_seal,
        document=_document(payload.document),
    )
    return 201, org


@router.post("/{code}/rename", response={200: OrgDetail, **WRITE_ERRORS}, summary="Đổi tên")
def rename_org(request, code: CodePath, payload: OrgRename):
    org = org_or_404(request.auth, code, scope.CHANGE)
    return org_services.rename_org(
        actor=request.auth,
        org=org,
        name=payload.name,
        effective_date=payload.effective_date,
        document=_document(payload.document),
    )


@router.post("/{code}/reparent", response={200: OrgDetail, **WRITE_ERRORS})
def reparent_org(request, code: CodePath, payload: OrgReparent):
    """Move the organisation (and its subtree) under a new parent from a date."""
    org = org_or_404(request.auth, code, scope.CHANGE)
    new_parent = org_field(request.auth, payload.new_parent, "new_parent", "Tổ chức cấp trên mới")
    org = org_services.reparent_org(
        actor=request.auth,
        org=org,
        new_parent=new_parent,
        effective_date=payload.effective_date,
        document=_document(payload.document),
    )
    return Organisation.objects.select_related("parent").get(pk=org.pk)


@router.post("/{code}/dissolve", response={200: OrgDetail, **WRITE_ERRORS}, summary="Giải thể")
def dissolve_org(request, code: CodePath, payload: OrgDissolve):
    org = org_or_404(request.auth, code, scope.CHANGE)
    return services.dissolve_org(
        actor=request.auth,
        org=org,
        effective_date=payload.effective_date,
        document=_document(payload.document),
    )


@router.post(
    "/{code}/merge",
    response={200: OrgDetail, **WRITE_ERRORS},
    summary="Hợp nhất tổ chức khác vào tổ chức này",
)
def merge_orgs(request, code: CodePath, payload: OrgMerge):
    """Members and subordinate organisations of the sources move here from
    ``effective_date``; the sources end the day before."""
    target = org_or_404(request.auth, code, scope.CHANGE)
    sources = [
        org_field(request.auth, c, "sources", "Tổ chức được hợp nhất")
        for c in dict.fromkeys(payload.sources)
    ]
    services.merge_orgs(
        actor=request.auth,
        sources=sources,
        target=target,
        effective_date=payload.effective_date,
        document=_document(payload.document),
    )
    return Organisation.objects.select_related("parent").get(pk=target.pk)


@router.post("/{code}/split", response={201: list[OrgDetail], **WRITE_ERRORS}, summary="Chia tách")
def split_org(request, code: CodePath, payload: OrgSplit):
    """New organisations under the same parent, of the same kind and sector; the members
    named in ``allocation`` move to them."""
    source = org_or_404(request.auth, code, scope.CHANGE)
    parent = source.parent
    if parent is None or not scope.can(request.auth, scope.CHANGE, parent):
        raise HttpError(403, "Tổ chức mới: bạn không có quyền thay đổi tổ chức cấp trên.")
    created = services.split_org(
        actor=request.auth,
        source=source,
        new_orgs=[
            {"code": o.code, "name": o.name, "kind": source.kind, "sector": source.sector}
            for o in payload.new_orgs
        ],
        allocation=dict(payload.allocation),
        effective_date=payload.effective_date,
        end_source=payload.end_source,
        document=_document(payload.document),
    )
    return 201, list(
        Organisation.objects.select_related("parent")
        .filter(pk__in=[o.pk for o in created])
        .order_by("path")
    )


def _bodies(org: Organisation, day: date) -> list[CommitteeBody]:
    active = org_queries.active_q(day)
    holders = Position.objects.filter(active).select_related("member", "org")
    return list(
        CommitteeBody.objects.filter(active, org=org)
        .order_by("body_type", "-term_start_year")
        .prefetch_related(Prefetch("positions", queryset=holders, to_attr="holders"))
    )


@router.get(
    "/{code}/bodies",
    response={200: list[BodyOut], **READ_ERRORS},
    summary="Cơ quan lãnh đạo và người giữ chức vụ tại ngày",
)
def list_bodies(request, code: CodePath, as_of: AsOf = None):
    org = org_or_404(request.auth, code)
    return _bodies(org, as_of or today())


@router.post(
    "/{code}/bodies", response={201: BodyOut, **WRITE_ERRORS}, summary="Lập cơ quan lãnh đạo"
)
def create_body(request, code: CodePath, payload: BodyCreate):
    org = org_or_404(request.auth, code, scope.CHANGE)
    body = org_services.create_body(
        actor=request.auth,
        org=org,
        body_type=payload.body_type.value,
        term_start_year=payload.term_start_year,
        term_end_year=payload.term_end_year,
        formed_by=payload.formed_by.value,
        valid_from=payload.valid_from,
        document=_document(payload.document),
    )
    body.holders = []
    return 201, body


@router.post(
    "/{code}/positions", response={201: PositionOut, **WRITE_ERRORS}, summary="Phân công chức vụ"
)
def assign_position(request, code: CodePath, payload: PositionCreate):
    """The member must be one the caller may change; the body, one of this organisation's."""
    org = org_or_404(request.auth, code, scope.CHANGE)
    member = (
        scope.restrict(Member.objects.all(), request.auth, scope.CHANGE)
        .filter(pk=payload.member_id)
        .first()
    )
    if member is None:
        raise invalid(
            "member_id",
            f"Đảng viên: không có đảng viên mã {payload.member_id} trong phạm vi được giao.",
        )
    body = None
    if payload.body_id is not None:
        body = CommitteeBody.objects.filter(pk=payload.body_id, org=org).first()
        if body is None:
            raise invalid("body_id", f"Cơ quan: {org.name} không có cơ quan mã {payload.body_id}.")
    position = services.assign_position(
        actor=request.auth,
        member=member,
        org=org,
        title=payload.title.value,
        body=body,
        method=payload.method.value,
        valid_from=payload.valid_from,
    )
    return 201, position


@router.post(
    "/{code}/positions/{id}/end",
    response={200: PositionOut, **WRITE_ERRORS},
    summary="Thôi giữ chức vụ",
)
def end_position(request, code: CodePath, id: PositionId, payload: PositionEnd):
    org = org_or_404(request.auth, code, scope.CHANGE)
    position = Position.objects.filter(pk=id, org=org).first()
    if position is None:
        raise Http404
    return org_services.end_position(
        actor=request.auth, position=position, valid_to=payload.valid_to
    )
