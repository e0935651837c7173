"""The organisation router.

Handlers stay thin: parse, authorise through ``core.scope``, call a service or query,
return a schema. The helpers every router shares live in ``core.api`` and ``orgs.lookups``.
"""

from datetime import date
from typing import Annotated

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core import services as core_services
from dangbo.core.api import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    In,
    IsoDate,
    SearchText,
)
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.members.models import Member
from dangbo.orgs import queries as org_queries
from dangbo.orgs import services as org_services
from dangbo.orgs.choices import AppointMethod, BodyType, FormedBy, OrgKind, Sector, Title
from dangbo.orgs.lookups import OrgRef, org_field, org_or_404
from dangbo.orgs.models import CommitteeBody, Organisation, Position

from . import queries, services

router = Router(tags=["orgs"])

# ---------------------------------------------------------------- schemas


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    sector: str
    parent: str | None = Field(None, description="Mã tổ chức cấp trên hiện tại")
    depth: int
    valid_from: date
    valid_to: date | None
    has_seal: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class OrgDetail(OrgOut):
    sector_label: str
    ancestors: list[OrgRef] = Field(description="Từ gốc xuống cấp trên trực tiếp")

    @staticmethod
    def resolve_sector_label(obj) -> str:
        return str(obj.get_sector_display())

    @staticmethod
    def resolve_ancestors(obj) -> list[dict]:
        return [{"code": a.code, "name": a.name} for a in org_queries.ancestors(obj)]


class StatsOrg(Schema):
    code: str
    name: str
    kind: str


class MemberCounts(Schema):
    total: int
    official: int
    probationary: int
    female: int


class GrassrootsCounts(Schema):
    total: int
    by_kind: dict[str, int]
    by_sector: dict[str, int]
    by_kind_sector: dict[str, dict[str, int]]


class SubCellCounts(Schema):
    total: int
    by_parent_sector: dict[str, int]


class OrgStats(Schema):
    org: StatsOrg
    as_of: date
    members: MemberCounts
    grassroots: GrassrootsCounts
    sub_cells: SubCellCounts


class ChildOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    member_count: int
    is_leaf: bool


class WarningOut(Schema):
    rule: int
    message: str
    org: str
    org_name: str


class DocumentIn(In):
    """The decision behind a reorganisation; identified by number + issuer + issue date."""

    number: str = Field(max_length=64, description="Số văn bản, ví dụ 125-QĐ/HU")
    issuer: str = Field(max_length=200, description="Cơ quan ban hành")
    issue_date: IsoDate


def _document(doc: "DocumentIn | None") -> core_services.DocumentRef | None:
    if doc is None:
        return None
    return core_services.DocumentRef(
        number=doc.number, issuer=doc.issuer, issue_date=doc.issue_date
    )


class OrgCreate(In):
    code: str = Field(max_length=64)
    name: str = Field(max_length=400)
    kind: OrgKind
    sector: Sector
    parent: Code | None = Field(None, description="Mã tổ chức cấp trên")
    valid_from: IsoDate
    has_seal: bool | None = None
    document: DocumentIn | None = None


class OrgRename(In):
    name: str = Field(max_length=400)
    effective_date: IsoDate
    document: DocumentIn | None = None


class OrgReparent(In):
    new_parent: Code
    effective_date: IsoDate
    document: DocumentIn | None = None


class OrgDissolve(In):
    effective_date: IsoDate
    document: DocumentIn | None = None


class OrgMerge(In):
    sources: list[Code] = Field(max_length=50, description="Mã các tổ chức được hợp nhất")
    effective_date: IsoDate
    document: DocumentIn | None = None


class NewOrg(In):
    code: Code
    name: str = Field(max_length=400)


AllocatedId = Annotated[int, Field(ge=1, le=MAX_ID)]


class OrgSplit(In):
    new_orgs: list[NewOrg] = Field(max_length=50, description="Loại, loại hình như tổ chức cũ")
    allocation: dict[AllocatedId, Code] = Field(
        default_factory=dict,
        max_length=10_000,
        description="Mã đảng viên → mã tổ chức mới",
    )
    effective_date: IsoDate
    end_source: bool = True
    document: DocumentIn | None = None


Year = Annotated[int, Field(ge=1900, le=2200)]


class BodyCreate(In):
    body_type: BodyType
    term_start_year: Year
    term_end_year: Year
    formed_by: FormedBy = FormedBy.ELECTED
    valid_from: IsoDate
    document: DocumentIn | None = None


class PositionCreate(In):
    member_id: int = Field(ge=1, le=MAX_ID)
    title: Title
    body_id: int | None = Field(None, ge=1, le=MAX_ID, description="Cơ quan của tổ chức")
    method: AppointMethod = AppointMethod.ELECTED
    valid_from: IsoDate


class PositionEnd(In):
    valid_to: IsoDate


class PositionOut(Schema):
    id: int
    member_id: int
    member_name: str
    title: str
    title_label: str
    org: str
    body_id: int | None
    method: str
    valid_from: date
    valid_to: date | None

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.full_name

    @staticmethod
    def resolve_title_label(obj) -> str:
        return str(obj.get_title_display())

    @staticmethod
    def resolve_org(obj) -> str:
        return obj.org.code


class BodyOut(Schema):
    id: int
    body_type: str
    body_type_label: str
    term_start_year: int
    term_end_year: int
    formed_by: str
    valid_from: date
    valid_to: date | None
    holders: list[PositionOut] = Field(description="Người giữ chức vụ vào ngày tính")

    @staticmethod
    def resolve_body_type_label(obj) -> str:
        return str(obj.get_body_type_display())


# ---------------------------------------------------------------- endpoints

CodePath = Annotated[str, Path(max_length=64)]


@router.get("/", response=list[OrgOut], summary="Danh sách tổ chức trong phạm vi")
@paginate(BoundedPagination)
def list_orgs(
    request,
    kind: OrgKind | None = None,
    parent: Code | None = None,
    q: SearchText | None = None,
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


@router.get("/{code}/stats", response={200: OrgStats, **READ_ERRORS}, summary="Số liệu tại ngày")
def org_stats(request, code: CodePath, as_of: Query[IsoDate | None] = None):
    org = org_or_404(request.auth, code)
    return queries.org_stats(org, as_of or today())


@router.get("/{code}/children", response={200: list[ChildOut], **READ_ERRORS})
def org_children(request, code: CodePath, as_of: Query[IsoDate | None] = None):
    org = org_or_404(request.auth, code)
    return queries.children_as_of(org, as_of or today())


@router.get("/{code}/warnings", response={200: list[WarningOut], **READ_ERRORS})
def org_warnings(request, code: CodePath, as_of: Query[IsoDate | None] = None):
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
def list_bodies(request, code: CodePath, as_of: Query[IsoDate | None] = None):
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


PositionId = Annotated[int, Path(ge=1, le=MAX_ID)]


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
