"""Request and response schemas of the programs API (/api/v1/programs).

Every request field carries a Vietnamese ``title``: a 422 names the field by it."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from dangbo.core.api import Code, Day, Id, In, PathId

from ..choices import ProgramKind, TaskKind, TaskStatus

ProgramId = Annotated[int, PathId("Mã chương trình")]
TaskId = Annotated[int, PathId("Mã nhiệm vụ")]


class TaskProgressOut(Schema):
    percent: float = Field(description="Tiến độ 0–100 tại ngày tính (làm tròn 2 chữ số)")
    status: str
    status_label: str
    own: bool = Field(description="true: từ báo cáo của chính nhiệm vụ; false: tổng hợp")
    overdue: bool
    at_risk: bool
    reasons: list[str]
    expected: float | None = Field(description="Tiến độ dự kiến theo đường thẳng, nếu có")
    last_report_id: int | None


class ProgramOut(Schema):
    id: int
    kind: str
    title: str
    org: str
    org_name: str
    start: date
    end: date
    document_id: int | None
    percent: float
    tasks: int
    overdue: int
    at_risk: int


class TaskRowOut(Schema):
    id: int
    parent_id: int | None
    number: str
    depth: int
    kind: str
    title: str
    lead_org: str | None
    lead_partner: str | None
    lead: str
    lead_person_id: int | None
    lead_person: str
    coordinators: list[str]
    start: date | None
    deadline: date | None
    weight: float
    progress: TaskProgressOut


class ProgramTreeOut(ProgramOut):
    as_of: date
    done: int
    partial: bool = Field(description="true: chỉ các nhiệm vụ người gọi được xem")
    rows: list[TaskRowOut]


class TaskOut(TaskRowOut):
    indicators: list[str] = Field(description="Mã các chỉ tiêu liên quan")
    program_id: int
    program: str
    note: str
    as_of: date


class ReportOut(Schema):
    id: int
    task_id: int
    period_end: date
    percent: float | None
    milestone: str
    status: str
    text: str
    reason: str
    evidence: list[str]
    reported_by: str | None
    reported_at: datetime


class ProgramCreate(In):
    org: Code = Field(title="Cấp ủy ban hành", description="Mã cấp ủy ban hành")
    kind: ProgramKind = Field(title="Loại chương trình")
    title: str = Field(max_length=1000, title="Tên chương trình")
    start: Day = Field(title="Từ ngày")
    end: Day = Field(title="Đến ngày")
    document_id: Id | None = Field(None, title="Văn bản ban hành")


class ProgramPatch(In):
    kind: ProgramKind | None = Field(None, title="Loại chương trình")
    title: str | None = Field(None, max_length=1000, title="Tên chương trình")
    start: Day | None = Field(None, title="Từ ngày")
    end: Day | None = Field(None, title="Đến ngày")


class TaskCreate(In):
    title: str = Field(max_length=1000, title="Nội dung")
    kind: TaskKind = Field(TaskKind.TASK, title="Loại")
    parent_id: Id | None = Field(None, title="Thuộc mục")
    lead_org: Code | None = Field(None, title="Cơ quan chủ trì", description="Mã tổ chức đảng")
    lead_partner: Code | None = Field(
        None, title="Cơ quan chủ trì (ngoài Đảng)", description="Mã cơ quan phối hợp"
    )
    lead_person_id: Id | None = Field(None, title="Người chịu trách nhiệm")
    coordinators: list[Code] = Field(
        default_factory=list, max_length=50, title="Tổ chức đảng phối hợp"
    )
    partner_coordinators: list[Code] = Field(
        default_factory=list, max_length=50, title="Cơ quan phối hợp"
    )
    start: Day | None = Field(None, title="Ngày bắt đầu")
    deadline: Day | None = Field(None, title="Thời hạn")
    weight: float = Field(1, gt=0, le=99999, title="Trọng số")
    note: str = Field("", max_length=5000, title="Ghi chú")
    indicators: list[Code] = Field(
        default_factory=list, max_length=50, title="Chỉ tiêu liên quan", description="Mã chỉ tiêu"
    )


class TaskPatch(In):
    title: str | None = Field(None, max_length=1000, title="Nội dung")
    kind: TaskKind | None = Field(None, title="Loại")
    parent_id: Id | None = Field(None, title="Thuộc mục")
    top_level: bool = Field(False, title="Chuyển lên cấp cao nhất")
    position: int | None = Field(None, ge=1, le=10000, title="Vị trí")
    lead_org: Code | None = Field(None, title="Cơ quan chủ trì")
    lead_partner: Code | None = Field(None, title="Cơ quan chủ trì (ngoài Đảng)")
    lead_person_id: Id | None = Field(None, title="Người chịu trách nhiệm")
    coordinators: list[Code] | None = Field(None, max_length=50, title="Tổ chức đảng phối hợp")
    partner_coordinators: list[Code] | None = Field(None, max_length=50, title="Cơ quan phối hợp")
    start: Day | None = Field(None, title="Ngày bắt đầu")
    deadline: Day | None = Field(None, title="Thời hạn")
    weight: float | None = Field(None, gt=0, le=99999, title="Trọng số")
    note: str | None = Field(None, max_length=5000, title="Ghi chú")
    indicators: list[Code] | None = Field(None, max_length=50, title="Chỉ tiêu liên quan")


class ReportCreate(In):
    period_end: Day = Field(title="Tính đến ngày")
    status: TaskStatus = Field(TaskStatus.IN_PROGRESS, title="Trạng thái")
    percent: float | None = Field(None, ge=0, le=100, title="Tiến độ (%)")
    milestone: str = Field("", max_length=600, title="Mốc đạt được")
    text: str = Field("", max_length=20000, title="Nội dung báo cáo")
    reason: str = Field("", max_length=10000, title="Lý do điều chỉnh")
