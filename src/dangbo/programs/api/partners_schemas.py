"""Schemas of the partners router: partner bodies, and who answers for what. Every request
field carries the Vietnamese ``title`` an error names it by."""

from datetime import date

from ninja import Field, Schema

from dangbo.core.api import Code, Day, In
from dangbo.orgs.choices import PartnerKind


class LeadOut(Schema):
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    valid_from: date
    valid_to: date | None


class PartnerOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    parent: str | None = None
    valid_from: date
    valid_to: date | None
    lead_org: str | None = None
    lead_org_name: str | None = None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_lead_org(obj) -> str | None:
        leads = getattr(obj, "open_leads", None) or []
        return leads[0].org.code if leads else None

    @staticmethod
    def resolve_lead_org_name(obj) -> str | None:
        leads = getattr(obj, "open_leads", None) or []
        return leads[0].org.name if leads else None


class PartnerDetail(PartnerOut):
    leads: list[LeadOut]

    @staticmethod
    def resolve_leads(obj) -> list:
        return list(getattr(obj, "all_leads", None) or [])


class PartnerCreate(In):
    code: Code = Field(title="Mã cơ quan")
    name: str = Field(max_length=200, title="Tên cơ quan")
    kind: PartnerKind = Field(title="Loại cơ quan")
    lead_org: Code = Field(title="Tổ chức đảng lãnh đạo", description="Mã tổ chức đảng lãnh đạo")
    valid_from: Day = Field(title="Thành lập ngày")
    parent: Code | None = Field(None, title="Trực thuộc", description="Mã cơ quan cấp trên")


class PartnerPatch(In):
    name: str | None = Field(None, max_length=200, title="Tên cơ quan")
    kind: PartnerKind | None = Field(None, title="Loại cơ quan")
    parent: Code | None = Field(None, title="Trực thuộc", description="Mã cơ quan cấp trên")
    lead_org: Code | None = Field(
        None, title="Tổ chức đảng lãnh đạo mới", description="Mã tổ chức đảng lãnh đạo mới"
    )
    lead_from: Day | None = Field(None, title="Lãnh đạo từ ngày")
    valid_to: Day | None = Field(None, title="Kết thúc ngày")


class TaskLineOut(Schema):
    id: int
    program_id: int
    program: str
    number: str
    title: str
    role: str
    lead: str
    deadline: date | None
    percent: float | None
    status: str | None
    overdue: bool


class ResponsibilityOut(Schema):
    as_of: date
    leads_total: int
    coordinates_total: int
    leads: list[TaskLineOut]
    coordinates: list[TaskLineOut]
    overdue: list[TaskLineOut]


class MatrixRowOut(Schema):
    task_id: int
    number: str
    title: str
    cells: list[str]


class MatrixOut(Schema):
    program_id: int
    title: str
    bodies: list[str]
    rows: list[MatrixRowOut]
