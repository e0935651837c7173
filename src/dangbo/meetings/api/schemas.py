"""The meetings router's request and response schemas."""

from datetime import date, time
from typing import Annotated

from ninja import Field, Schema

from dangbo.core.api import (
    ClockTime,
    Code,
    Day,
    Id,
    In,
)
from dangbo.core.modelfields import label_of
from dangbo.members.lookups import MemberRef

from .. import rules, services
from ..choices import AttendanceStatus, MeetingKind, MeetingMode, QualityRating
from ..models import Attendance, Meeting, Vote


class CellMissing(Schema):
    id: int
    code: str
    name: str
    missing: list[int] = Field(description="Tháng (hoặc quý) chưa có buổi sinh hoạt")


class AttendanceSummary(Schema):
    meetings: int
    rows: int
    present: int
    excused: int
    unexcused: int
    not_expected: int = Field(description="Miễn sinh hoạt, sinh hoạt tạm thời nơi khác")
    expected: int
    rate: float | None = Field(description="Tỷ lệ có mặt (%)")


class FlaggedMember(Schema):
    member_id: int
    name: str
    org_code: str
    org_name: str
    months: int = Field(description="Số tháng vắng không lý do trong năm")


class ComplianceOut(Schema):
    org: str
    org_name: str
    year: int
    as_of: date
    cells: int
    months_due: list[int]
    quarters_due: list[int]
    regular_meetings: int
    thematic_meetings: int
    missing_regular: list[CellMissing] = Field(description="Tối đa 200 chi bộ; xem _total")
    missing_regular_total: int
    missing_thematic: list[CellMissing]
    missing_thematic_total: int
    attendance: AttendanceSummary
    flagged_members: list[FlaggedMember] = Field(
        description="Vắng sinh hoạt không lý do 3 tháng trong năm: để chi bộ xem xét"
    )
    flagged_total: int


class MeetingOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    kind: str
    kind_label: str
    date: date
    start_time: time | None
    end_time: time | None
    topic: str
    chair_id: int | None
    secretary_id: int | None
    mode: str
    resolution_ref: str
    quality: str
    attendance_rows: int = Field(description="Số đảng viên đã điểm danh")
    present: int = Field(description="Số có mặt")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_attendance_rows(obj) -> int:
        return obj.n_rows if hasattr(obj, "n_rows") else len(obj.attendance_rows)

    @staticmethod
    def resolve_present(obj) -> int:
        if hasattr(obj, "n_present"):
            return obj.n_present
        return sum(a.status == AttendanceStatus.PRESENT for a in obj.attendance_rows)


class AttendanceOut(Schema):
    member_id: int
    full_name: str = Field(..., alias="member.full_name")
    status: str
    status_label: str
    reason: str | None = Field(
        description="Lý do vắng — thông tin nhạy cảm: null khi người xem không có quyền xem"
    )
    official: bool = Field(description="Đảng viên chính thức vào ngày họp (được biểu quyết)")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class VoteOut(Schema):
    id: int
    motion: str
    yes: int
    no: int
    abstain: int
    denominator: int = Field(description="Số đảng viên được tính (QĐ 24 §9.3)")
    passed: bool = Field(description="Quá nửa số được tính tán thành")


class GuestOut(Schema):
    member_id: int
    full_name: str = Field(..., alias="member.full_name")
    assignment_id: int | None = Field(description="Phân công phụ trách mà lần dự này được tính")


class VisitRef(Schema):
    id: int
    group_id: int | None
    group_name: str | None
    without_mandate: bool
    attendees: list[GuestOut]

    @staticmethod
    def resolve_group_name(obj) -> str | None:
        return obj.group.name if obj.group_id else None

    @staticmethod
    def resolve_attendees(obj) -> list:
        return list(obj.attendees.all())


class MeetingDetail(MeetingOut):
    chair: MemberRef | None
    secretary: MemberRef | None
    minutes: str
    resolution: str
    duration_minutes: int | None
    duration_warning: str | None = Field(description="Lưu ý về thời lượng (không phải lỗi)")
    attendance: list[AttendanceOut]
    votes: list[VoteOut]
    guests: list[VisitRef] = Field(description="Cấp trên dự sinh hoạt")

    @staticmethod
    def resolve_duration_warning(obj) -> str | None:
        return rules.duration_warning(obj.duration_minutes)

    @staticmethod
    def resolve_attendance(obj) -> list:
        return obj.attendance_rows

    @staticmethod
    def resolve_votes(obj) -> list:
        return list(obj.votes.all())

    @staticmethod
    def resolve_guests(obj) -> list:
        return list(obj.visits.all())


class RosterOut(Schema):
    member_id: int
    full_name: str
    official: bool = Field(description="Chính thức vào ngày họp: được biểu quyết")
    guest: bool = Field(description="Sinh hoạt tạm thời tại chi bộ này")
    default_status: str
    default_status_label: str
    recorded_status: str | None = Field(description="Điểm danh đã ghi, nếu có")


class AttendanceIn(In):
    member_id: Id = Field(title="Mã đảng viên")
    status: AttendanceStatus = Field(title=label_of(Attendance, "status"))
    reason: str = Field("", max_length=1200, title=label_of(Attendance, "reason"))


ATTENDANCE = label_of(Attendance, "status")  # "Điểm danh": the list, as each row's status
Attendances = Annotated[list[AttendanceIn], Field(max_length=2000, title=ATTENDANCE)]


def _label(name: str) -> str:
    """A meeting field's label as the model writes it ("Ngày sinh hoạt")."""
    return label_of(Meeting, name)


class MeetingCreate(In):
    org: Code = Field(title=_label("org"), description="Mã chi bộ")
    kind: MeetingKind = Field(title=_label("kind"))
    date: Day = Field(title=_label("date"))
    start_time: ClockTime | None = Field(None, title="Giờ bắt đầu")
    end_time: ClockTime | None = Field(None, title="Giờ kết thúc")
    topic: str = Field("", max_length=1200, title=_label("topic"))
    chair_id: Id | None = Field(None, title=_label("chair"))
    secretary_id: Id | None = Field(None, title=_label("secretary"))
    mode: MeetingMode | None = Field(None, title=_label("mode"))
    minutes: str = Field("", max_length=services.MAX_MINUTES * 2, title=_label("minutes"))
    resolution: str = Field("", max_length=services.MAX_MINUTES * 2, title=_label("resolution"))
    resolution_ref: str = Field("", max_length=400, title=_label("resolution_ref"))
    quality: QualityRating | None = Field(None, title=_label("quality"))
    attendance: Attendances | None = Field(
        None,
        title=ATTENDANCE,
        description="Bỏ trống: chưa điểm danh; có danh sách: người không nêu lấy tình trạng mặc định",
    )


class AttendanceSet(In):
    attendance: Attendances = Field(title=ATTENDANCE)


class VoteIn(In):
    motion: str = Field(max_length=2000, title=label_of(Vote, "motion"))
    yes: int = Field(ge=0, le=100_000, title=label_of(Vote, "yes"))
    no: int = Field(ge=0, le=100_000, title=label_of(Vote, "no"))
    abstain: int = Field(0, ge=0, le=100_000, title=label_of(Vote, "abstain"))
