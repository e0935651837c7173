"""The oversight router's request and response schemas.

Every request field carries the Vietnamese ``title`` an error names it by. Responses read
the models and the read models of ``oversight.queries`` as they are: a resolver is left
only where a value is computed (a null relation, what the caller may do, the submitter)."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Path, Schema

from dangbo.core.api import Code, Day, Id, In, PathId
from dangbo.meetings.choices import MeetingKind
from dangbo.members.lookups import MemberRef

from .. import permissions, queries, services
from ..choices import (
    AssignmentRole,
    OpinionSource,
    PlanMode,
    PlanSelection,
    TargetPeriod,
)
from ..models import Opinion

MAX_TEXT = services.MAX_TEXT * 2  # generous: the services give the exact limits
AssignmentId = Annotated[int, PathId("Mã phân công")]
GroupId = Annotated[int, PathId("Mã tổ công tác")]
VisitId = Annotated[int, PathId("Mã lần dự sinh hoạt")]
OpinionId = Annotated[int, PathId("Mã ý kiến")]
CellCode = Annotated[str, Path(max_length=64, title="Mã chi bộ")]


def _caller(context: Any):
    """The user a response is computed for (ninja passes the request in the context)."""
    return context["request"].auth


# ---------------------------------------------------------------- coverage and assignments


class AssignmentOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(..., alias="member.full_name")
    committee: str = Field(..., alias="committee.code")
    committee_name: str = Field(..., alias="committee.name")
    target: str = Field(..., alias="target.code")
    target_name: str = Field(..., alias="target.name")
    role: str
    role_label: str = Field(..., alias="get_role_display")
    valid_from: date
    valid_to: date | None
    target_count: int = Field(description="Số lần dự sinh hoạt tối thiểu")
    target_period: str = Field(description="quarter: mỗi quý; year: mỗi năm")
    handed_over_from_id: int | None
    end_reason: str


class OrgRow(Schema):
    id: int
    code: str
    name: str
    kind: str
    sector: str


class CoverageOut(Schema):
    org: str = Field(..., alias="org.code")
    as_of: date
    level: str
    total: int
    uncovered: list[OrgRow] = Field(description="Chưa có ai phụ trách (tối đa 200)")
    uncovered_total: int
    assignments: list[AssignmentOut] = Field(description="Tối đa 200; xem assignments_total")
    assignments_total: int
    needs_handover: list[AssignmentOut] = Field(
        description="Người phụ trách không còn là cấp ủy viên: cần bàn giao"
    )


class PeriodOut(Schema):
    quarter: int | None = Field(description="Quý; null khi chỉ tiêu tính theo năm")
    done: int
    target: int
    state: str = Field(description="met, missed, open, future; rỗng: không phân công kỳ này")


class TargetOut(Schema):
    assignment: AssignmentOut
    periods: list[PeriodOut]


class AssignmentCreate(In):
    committee: Code = Field(title="Cấp ủy phân công", description="Mã cấp ủy phân công")
    member_id: Id = Field(title="Cấp ủy viên")
    target: Code = Field(title="Tổ chức được phụ trách", description="Mã tổ chức được phụ trách")
    valid_from: Day = Field(title="Từ ngày")
    role: AssignmentRole = Field(AssignmentRole.OVERSEE, title="Nhiệm vụ")
    target_count: int = Field(1, ge=1, le=50, title="Số lần dự sinh hoạt tối thiểu")
    target_period: TargetPeriod = Field(TargetPeriod.QUARTER, title="Chu kỳ chỉ tiêu")


class Handover(In):
    to_member_id: Id = Field(title="Người nhận bàn giao")
    on: Day = Field(title="Ngày bàn giao", description="Ngày người mới bắt đầu phụ trách")
    reason: str = Field(max_length=1200, title="Lý do bàn giao")


class AssignmentEnd(In):
    valid_to: Day = Field(title="Đến ngày")
    reason: str = Field(max_length=1200, title="Lý do kết thúc")


# ---------------------------------------------------------------- working groups


class GroupOut(Schema):
    # (No docstrings on response schemas: they would become descriptions in the OpenAPI.)
    # The planned cells are counted by the query (``n_targets``).

    id: int
    committee: str = Field(..., alias="committee.code")
    committee_name: str = Field(..., alias="committee.name")
    name: str
    period_start: date
    period_end: date
    leader_id: int
    leader_name: str = Field(..., alias="leader.full_name")
    note: str
    target_count: int = Field(alias="n_targets", description="Số chi bộ trong kế hoạch")


class GroupTargetOut(Schema):  # a queries.PlannedCell
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    planned_date: date | None
    visited: bool


class GroupDetail(GroupOut):
    members: list[MemberRef]
    targets: list[GroupTargetOut]

    @staticmethod
    def resolve_targets(obj) -> list[queries.PlannedCell]:
        """The plan with what the group attended (``WorkingGroup.targets`` are bare rows)."""
        return queries.group_plan(obj)


class GroupCreate(In):
    committee: Code = Field(title="Cấp ủy", description="Mã cấp ủy lập tổ")
    name: str = Field(max_length=800, title="Tên tổ")
    period_start: Day = Field(title="Từ ngày")
    period_end: Day = Field(title="Đến ngày")
    leader_id: Id = Field(title="Tổ trưởng")
    member_ids: list[Id] = Field(default_factory=list, max_length=100, title="Thành viên")
    note: str = Field("", max_length=2000, title="Ghi chú")


class GroupTargetIn(In):
    org: Code = Field(title="Chi bộ", description="Mã chi bộ cần dự")
    planned_date: Day | None = Field(None, title="Ngày dự kiến")


class PlanIn(In):
    committee: Code = Field(title="Cấp ủy")
    group_ids: list[Id] = Field(max_length=100, title="Tổ công tác")
    selection: PlanSelection = Field(PlanSelection.RESIDENTIAL, title="Chi bộ cần dự")
    mode: PlanMode = Field(PlanMode.EACH, title="Cách chia")


class PlanOut(Schema):
    planned: int = Field(description="Số chi bộ được đưa vào kế hoạch")
    groups: list[GroupOut]


# ---------------------------------------------------------------- opinions


class OpinionOut(Schema):
    """Never the submitter's identity: that is on the opinion's own page, by grant."""

    id: int
    received_on: date
    source: str
    source_label: str = Field(..., alias="get_source_display")
    channel: str
    channel_label: str = Field(..., alias="get_channel_display")
    text: str
    topic: str = Field(..., alias="topic.code")
    topic_name: str = Field(..., alias="topic.name")
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    grassroots: str | None = Field(description="Xã, thị trấn / cơ sở")
    place: str
    received_by: str = Field(..., alias="received_by.code")
    received_by_name: str = Field(..., alias="received_by.name")
    state: str
    state_label: str = Field(..., alias="get_state_display")
    assigned_to: str | None
    assigned_to_name: str | None
    deadline: date | None
    overdue: bool = Field(..., alias="is_overdue")
    answer: str
    answered_on: date | None
    approved_by: str
    closed_on: date | None
    visit_id: int | None
    meeting_id: int | None

    # Nullable relations: a dotted alias cannot step over a missing organisation.
    @staticmethod
    def resolve_grassroots(obj) -> str | None:
        return obj.grassroots.code if obj.grassroots_id else None

    @staticmethod
    def resolve_assigned_to(obj) -> str | None:
        return obj.assigned_to.code if obj.assigned_to_id else None

    @staticmethod
    def resolve_assigned_to_name(obj) -> str | None:
        return obj.assigned_to.name if obj.assigned_to_id else None


class StepOut(Schema):
    on: date
    from_state: str
    to_state: str
    org: str | None
    deadline: date | None
    note: str
    actor_name: str
    at: datetime

    @staticmethod
    def resolve_org(obj) -> str | None:
        return obj.org.code if obj.org_id else None


class OpinionFull(OpinionOut):
    steps: list[StepOut]
    allowed_ops: list[str] = Field(description="Thao tác người gọi được thực hiện lúc này")

    @staticmethod
    def resolve_allowed_ops(obj: Opinion, context: Any) -> list[str]:
        return permissions.allowed_ops(_caller(context), obj)


class SubmitterOut(Schema):
    name: str
    contact: str


class OpinionDetail(OpinionFull):
    # The opinion's own page. Resolving ``submitter`` is the read of the submitter's
    # identity: logged (``permissions.submitter``), once per response.

    submitter: SubmitterOut | None = Field(
        None,
        description="Chỉ có khi được cấp quyền xem thông tin nhạy cảm; mỗi lần đọc được ghi nhật ký",
    )
    submitter_hidden: bool = Field(
        description="Có thông tin người nêu nhưng người gọi không được xem"
    )

    @staticmethod
    def resolve_submitter(obj: Opinion, context: Any) -> dict[str, str] | None:
        return permissions.submitter(_caller(context), obj, channel="api") or None

    @staticmethod
    def resolve_submitter_hidden(obj: Opinion, context: Any) -> bool:
        return permissions.submitter_hidden(_caller(context), obj)


class OpinionFields(In):
    source: OpinionSource = Field(title="Người nêu")
    topic: Code = Field(title="Lĩnh vực", description="Mã lĩnh vực (GET /oversight/topics)")
    text: str = Field(max_length=MAX_TEXT, title="Nội dung ý kiến")
    place: str = Field("", max_length=1200, title="Địa điểm")
    submitter_name: str = Field(
        "", max_length=480, title="Họ tên người nêu", description="Không bắt buộc; nhạy cảm"
    )
    submitter_contact: str = Field(
        "",
        max_length=800,
        title="Liên hệ",
        description="Chỉ lưu khi người nêu đồng ý (consent)",
    )
    consent: bool = Field(False, title="Đồng ý cho lưu thông tin liên hệ")


class OpinionCreate(OpinionFields):
    received_by: Code = Field(
        title="Cấp ủy tiếp nhận", description="Mã cấp ủy tiếp nhận và theo dõi"
    )
    org: Code = Field(title="Tổ chức liên quan", description="Mã tổ chức liên quan")
    received_on: Day = Field(title="Ngày tiếp nhận")


class Note(In):
    note: str = Field("", max_length=MAX_TEXT, title="Ghi chú")
    on: Day | None = Field(
        None, title="Ngày thực hiện", description="Ngày thực hiện; mặc định hôm nay"
    )


class Assign(Note):
    note: str = Field("", max_length=MAX_TEXT, title="Chỉ đạo")
    to_org: Code = Field(title="Giao cho", description="Mã tổ chức được giao xử lý")
    deadline: Day = Field(title="Hạn xử lý")


class Answer(In):
    answer: str = Field(max_length=MAX_TEXT, title="Nội dung trả lời")
    approved_by: str = Field(max_length=800, title="Người duyệt trả lời")
    on: Day | None = Field(None, title="Ngày trả lời")


class Reason(In):
    reason: str = Field(max_length=MAX_TEXT, title="Lý do")
    on: Day | None = Field(None, title="Ngày thực hiện")


class Counted(Schema):  # a queries.Counted
    name: str | None
    count: int


class CommuneCounted(Counted):  # a queries.CommuneCounted
    code: str | None  # the grassroots organisation: names repeat across communes

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name or "—"  # opinions outside any grassroots organisation


class DashboardOut(Schema):  # a queries.Dashboard
    org: str = Field(..., alias="org.code")
    as_of: date
    by_state: dict[str, int]
    open_total: int
    by_topic: list[Counted]
    by_commune: list[CommuneCounted]
    by_age: list[Counted] = Field(description="Ý kiến chưa xong, theo số ngày từ khi tiếp nhận")
    overdue: list[OpinionOut] = Field(description="Quá hạn xử lý (tối đa 200)")
    overdue_total: int


class TopicOut(Schema):
    code: str
    name: str
    active: bool


# ---------------------------------------------------------------- visits


class VisitCreate(In):
    cell: Code = Field(title="Chi bộ được dự", description="Mã chi bộ được dự sinh hoạt")
    date: Day = Field(title="Ngày dự sinh hoạt")
    kind: MeetingKind = Field(MeetingKind.REGULAR, title="Loại sinh hoạt")
    meeting_topic: str = Field(
        "",
        max_length=1200,
        title="Chủ đề sinh hoạt chuyên đề",
        description="Chủ đề, khi mở sổ buổi sinh hoạt chuyên đề chưa ghi",
    )
    attendee_ids: list[Id] = Field(min_length=1, max_length=50, title="Người dự")
    group_id: Id | None = Field(None, title="Tổ công tác")
    received_by: Code | None = Field(
        None,
        title="Cấp ủy tiếp nhận",
        description="Cấp ủy theo dõi các ý kiến; mặc định: cấp ủy của tổ hoặc phân công",
    )
    notes: str = Field("", max_length=MAX_TEXT, title="Nội dung nắm được")
    opinions: list[OpinionFields] = Field(default_factory=list, max_length=50, title="Ý kiến")


class AttendeeOut(Schema):
    member_id: int
    full_name: str = Field(..., alias="member.full_name")
    assignment_id: int | None = Field(description="Phân công mà lần dự này được tính")


class VisitOut(Schema):
    id: int
    cell: str = Field(..., alias="org.code")
    cell_name: str = Field(..., alias="org.name")
    date: date
    meeting_id: int
    meeting_kind: str = Field(..., alias="meeting.kind")
    group_id: int | None
    group_name: str | None
    notes: str
    without_mandate: bool = Field(description="Không ai dự có phân công hay kế hoạch của tổ")
    attendees: list[AttendeeOut]
    opinions: list[OpinionOut]
    created_at: datetime

    @staticmethod
    def resolve_group_name(obj) -> str | None:
        return obj.group.name if obj.group_id else None
