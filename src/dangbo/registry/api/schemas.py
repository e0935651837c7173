"""The registry router's request and response schemas."""

from datetime import date
from typing import Annotated

from ninja import Field, Path, Schema

from dangbo.core.api import (
    MAX_ID,
    Code,
    In,
    IsoDate,
    model_text,
)
from dangbo.core.modelfields import label_of, max_length_of
from dangbo.core.models import LegalDocument
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import AppointMethod, BodyType, FormedBy, OrgKind, Sector, Title
from dangbo.orgs.lookups import OrgRef
from dangbo.orgs.models import CommitteeBody, Organisation, Position


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

    number: str = Field(
        max_length=max_length_of(LegalDocument, "number"),
        title="Số văn bản",
        description="Số văn bản, ví dụ 125-QĐ/HU",
    )
    issuer: str = Field(
        max_length=max_length_of(LegalDocument, "issuer"),
        title=label_of(LegalDocument, "issuer"),
        description="Cơ quan ban hành",
    )
    issue_date: IsoDate = Field(title=label_of(LegalDocument, "issue_date"))


# An organisation's code and name as ``Organisation`` defines them (label, length): the
# one definition the forms, the imports and the services read too.
OrgCode = model_text(Organisation, "code")
OrgName = model_text(Organisation, "name")
EffectiveDate = Annotated[IsoDate, Field(title="Ngày hiệu lực")]


class OrgCreate(In):
    code: OrgCode
    name: OrgName
    kind: OrgKind = Field(title=label_of(Organisation, "kind"))
    sector: Sector = Field(title=label_of(Organisation, "sector"))
    parent: Code | None = Field(None, title="Tổ chức cấp trên", description="Mã tổ chức cấp trên")
    valid_from: IsoDate = Field(title="Ngày thành lập")
    has_seal: bool | None = Field(None, title=label_of(Organisation, "has_seal"))
    document: DocumentIn | None = None


class OrgRename(In):
    name: Annotated[OrgName, Field(title="Tên mới")]
    effective_date: EffectiveDate
    document: DocumentIn | None = None


class OrgReparent(In):
    new_parent: Code = Field(title="Tổ chức cấp trên mới")
    effective_date: EffectiveDate
    document: DocumentIn | None = None


class OrgDissolve(In):
    effective_date: IsoDate = Field(title="Ngày kết thúc")
    document: DocumentIn | None = None


class OrgMerge(In):
    sources: list[Code] = Field(
        max_length=50, title="Tổ chức được hợp nhất", description="Mã các tổ chức được hợp nhất"
    )
    effective_date: EffectiveDate
    document: DocumentIn | None = None


class NewOrg(In):
    code: OrgCode
    name: OrgName


AllocatedId = Annotated[int, Field(ge=1, le=MAX_ID)]


class OrgSplit(In):
    new_orgs: list[NewOrg] = Field(
        max_length=50, title="Tổ chức mới", description="Loại, loại hình như tổ chức cũ"
    )
    allocation: dict[AllocatedId, Code] = Field(
        default_factory=dict,
        max_length=10_000,
        title="Phân bổ đảng viên",
        description="Mã đảng viên → mã tổ chức mới",
    )
    effective_date: EffectiveDate
    end_source: bool = Field(True, title="Kết thúc tổ chức cũ")
    document: DocumentIn | None = None


Year = Annotated[int, Field(ge=1900, le=2200)]


class BodyCreate(In):
    body_type: BodyType = Field(title="Loại cơ quan")
    term_start_year: Year = Field(title=label_of(CommitteeBody, "term_start_year"))
    term_end_year: Year = Field(title=label_of(CommitteeBody, "term_end_year"))
    formed_by: FormedBy = Field(FormedBy.ELECTED, title="Hình thức")
    valid_from: IsoDate = Field(title="Ngày bắt đầu")
    document: DocumentIn | None = None


class PositionCreate(In):
    member_id: int = Field(ge=1, le=MAX_ID, title="Đảng viên")
    title: Title = Field(title=label_of(Position, "title"))
    body_id: int | None = Field(
        None, ge=1, le=MAX_ID, title="Cơ quan", description="Cơ quan của tổ chức"
    )
    method: AppointMethod = Field(AppointMethod.ELECTED, title="Hình thức")
    valid_from: IsoDate = Field(title="Ngày nhận chức vụ")


class PositionEnd(In):
    valid_to: IsoDate = Field(title="Ngày thôi giữ chức vụ")


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


CodePath = Annotated[str, Path(max_length=max_length_of(Organisation, "code"), title="Mã tổ chức")]


PositionId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã chức vụ")]
