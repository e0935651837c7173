"""The review router's request and response schemas.

Every request field carries a Vietnamese ``title``: a 422 names the field by it."""

import math
from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from dangbo.core.api import Code, Day, Id, In, PathId, Year
from dangbo.core.dates import today
from dangbo.orgs.lookups import OrgRef

from .. import rules, services
from ..choices import COMMON_RANKS, PeriodKind, RemedyStatus

MAX_TEXT = services.MAX_TEXT * 2  # generous: the services give the exact limits
CycleId = Annotated[int, PathId("Mã đợt kiểm điểm")]
EvaluationId = Annotated[int, PathId("Mã kết quả đánh giá")]
RemedyId = Annotated[int, PathId("Mã giải pháp")]
MemberPathId = Annotated[int, PathId("Mã đảng viên")]


def _score_range(value: float) -> float:
    """0–100 with whole-number bounds in the message (pydantic would say 100.0)."""
    if not math.isfinite(value):
        raise PydanticCustomError("float_parsing", "not a finite number")
    if value < 0:
        raise PydanticCustomError("greater_than_equal", "score below 0", {"ge": 0})
    if value > 100:
        raise PydanticCustomError("less_than_equal", "score above 100", {"le": 100})
    return value


Score = Annotated[
    float,
    AfterValidator(_score_range),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]

# ---------------------------------------------------------------- out


class DocumentOut(Schema):
    number: str
    kind: str
    issuer: str
    issue_date: date
    title: str


class LevelOut(Schema):
    code: str
    name: str
    rank: int = Field(description="1 = cao nhất trong cách xếp loại")
    common_rank: int = Field(description="Bậc quy đổi giữa các cách xếp loại (tính năm liền)")
    common_rank_label: str
    min_score: float | None = Field(description="Khung điểm (thang 100), nếu có")
    max_score: float | None

    @staticmethod
    def resolve_common_rank_label(obj) -> str:
        return str(COMMON_RANKS.get(obj.common_rank, ""))


class SchemeOut(Schema):
    code: str
    name: str
    subject: str
    document: DocumentOut
    first_year: int
    last_year: int | None
    periods: list[str]
    scored: bool
    general_max: int
    tasks_max: int
    quota_enabled: bool
    quota_rate: float | None = Field(description="Tỷ lệ tối đa, ví dụ 0.2 = 20%")
    quota_level: str
    quota_base: str
    quota_note: str
    conditions: list[str]
    levels: list[LevelOut]


class LevelRef(Schema):
    code: str
    name: str
    common_rank: int


class CycleOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    kind: str
    kind_label: str
    year: int
    period_start: date
    period_end: date
    opens_on: date
    closes_on: date
    locked: bool
    locked_at: datetime | None
    org_scheme: str = Field(..., alias="org_scheme.code")
    org_scheme_name: str = Field(..., alias="org_scheme.name")
    member_scheme: str = Field(..., alias="member_scheme.code")
    member_scheme_name: str = Field(..., alias="member_scheme.name")
    window: str = Field(
        description="before: chưa đến kỳ; open: đang kiểm điểm; "
        "closed: hết hạn tự đánh giá, còn quyết định; locked: đã khóa"
    )

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_window(obj) -> str:
        return rules.window(obj.opens_on, obj.closes_on, locked=obj.locked, day=today()).value


class ProgressOut(Schema):
    total: int
    self_assessed: int
    proposed: int
    returned: int
    decided: int


class LevelCount(Schema):
    code: str
    name: str
    common_rank: int
    count: int


class QuotaOut(Schema):
    peer_group: str
    level: str = Field(..., alias="scheme.quota_level", description="Mức bị giới hạn")
    base_level: str = Field(..., alias="scheme.quota_base", description="Mức làm cơ sở tính tỷ lệ")
    capped: int = Field(description="Số đã quyết định ở mức bị giới hạn")
    base: int
    allowed: int


class RemedyOut(Schema):
    id: int
    text: str
    owner: str
    deadline: date
    status: str
    status_label: str
    evidence: str
    carried_from_id: int | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class RemedyGroupOut(Schema):
    id: int
    cycle_id: int
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    title: str
    shortcomings: list[str]
    remedies: list[RemedyOut]

    @staticmethod
    def resolve_shortcomings(obj) -> list[str]:
        return [s.text for s in obj.shortcomings.all()]


class CycleDetail(CycleOut):
    # Read from ``reads.CycleReport`` (a docstring would become the schema's description).
    progress_members: ProgressOut = Field(description="Đảng viên, trong phạm vi người gọi")
    progress_organisations: ProgressOut
    levels_members: list[LevelCount] = Field(description="Kết quả đã quyết định theo mức")
    levels_organisations: list[LevelCount]
    quotas: list[QuotaOut] = Field(description="Sử dụng tỷ lệ tối đa theo nhóm tương đồng")
    remedy_groups: list[RemedyGroupOut]
    open_remedies: list[RemedyOut] = Field(
        description="Giải pháp chưa xong từ các kỳ trước của tổ chức: cần báo cáo kỳ này"
    )
    may_manage: bool = Field(description="Người gọi được khóa, mở lại đợt này")


class EvaluationOut(Schema):
    id: int
    cycle_id: int
    year: int = Field(..., alias="cycle.year")
    subject: str = Field(..., alias="subject_kind", description="member hoặc org")
    member_id: int | None
    subject_org: str | None
    subject_name: str
    org: str = Field(
        ..., alias="org.code", description="Chi bộ của đảng viên, hoặc chính tổ chức được đánh giá"
    )
    org_name: str = Field(..., alias="org.name")
    peer_group: str
    state: str
    state_label: str
    scheme: str = Field(..., alias="scheme.code")
    self_level: LevelRef | None
    score_general: float | None
    score_tasks: float | None
    score_total: float | None
    proposed_level: LevelRef | None
    final_level: LevelRef | None
    decided_by: str | None
    decided_on: date | None
    decision_ref: str

    @staticmethod
    def resolve_subject_org(obj) -> str | None:
        return obj.subject_org.code if obj.subject_org_id else None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_score_total(obj) -> float | None:
        if obj.score_general is None or obj.score_tasks is None:
            return None
        return float(obj.score_general + obj.score_tasks)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.code if obj.decided_by_id else None


class ReviewStepOut(Schema):
    action: str
    level: LevelRef | None
    org: str | None
    note: str
    actor_name: str
    at: datetime

    @staticmethod
    def resolve_org(obj) -> str | None:
        return obj.org.code if obj.org_id else None


class EvaluationDetail(EvaluationOut):
    # Read from ``reads.EvaluationReport`` (a docstring would become the schema's description).
    self_comment: str
    residence_comment: str
    competent_body: OrgRef = Field(description="Cấp có thẩm quyền quyết định (quy tắc 24)")
    steps: list[ReviewStepOut]
    allowed_ops: list[str] = Field(description="Thao tác người gọi được thực hiện lúc này")


class StreakOut(Schema):
    rank: int = Field(description="Bậc quy đổi: 1 xuất sắc/tiêu biểu, 2 tốt/TSVM, 3 hoàn thành")
    label: str
    current: int = Field(description="Số năm liền đến năm tính")
    longest: int
    longest_end: int | None


class YearResult(Schema):
    year: int
    cycle_id: int
    cycle_kind: str
    cycle_org: str
    scheme: str
    evaluation_id: int
    state: str
    state_label: str
    level: LevelRef | None
    decided_by: str | None
    decided_on: date | None


class HistoryOut(Schema):
    subject: str
    member_id: int | None
    org: str | None
    name: str
    until: int | None = Field(description="Năm tính chuỗi năm liền")
    results: list[YearResult]
    streaks: list[StreakOut]


class HonourOut(Schema):
    member_id: int | None
    org: str | None = Field(description="Mã tổ chức được vinh danh, hoặc chi bộ của đảng viên")
    name: str
    current: int
    longest: int


class HonoursOut(Schema):
    org: str
    org_name: str = Field(description="Cấp ủy xét khen thưởng")
    year: int
    first_year: int
    years: int
    rank: int
    rank_label: str
    subject: str
    total: int
    items: list[HonourOut]


# ---------------------------------------------------------------- in


class CycleCreate(In):
    org: Code = Field(title="Tổ chức", description="Mã tổ chức (cấp ủy) tổ chức kiểm điểm")
    year: Year = Field(title="Năm")
    kind: PeriodKind = Field(PeriodKind.YEAR, title="Kỳ đánh giá")
    period_start: Day | None = Field(None, title="Từ ngày")
    period_end: Day | None = Field(None, title="Đến ngày")
    opens_on: Day | None = Field(
        None, title="Ngày bắt đầu kiểm điểm", description="Bắt đầu kiểm điểm"
    )
    closes_on: Day | None = Field(
        None, title="Hạn tự đánh giá và đề xuất", description="Hạn tự đánh giá và đề xuất"
    )


class ReviewReason(In):
    reason: str = Field(max_length=MAX_TEXT, title="Lý do")


class SelfAssessment(In):
    member_id: Id | None = Field(
        None, title="Mã đảng viên", description="Mặc định: chính người gọi"
    )
    org: Code | None = Field(
        None, title="Tổ chức", description="Mã tổ chức tự đánh giá (thay cho member_id)"
    )
    level: Code | None = Field(
        None, title="Mức xếp loại", description="Mã mức xếp loại (GET /reviews/schemes)"
    )
    score_general: Score | None = Field(None, title="Điểm tiêu chí chung")
    score_tasks: Score | None = Field(None, title="Điểm kết quả thực hiện nhiệm vụ")
    comment: str = Field("", max_length=MAX_TEXT, title="Tự nhận xét")
    residence_comment: str = Field("", max_length=MAX_TEXT, title="Nhận xét của chi bộ nơi cư trú")


class Proposal(In):
    level: Code | None = Field(None, title="Mức xếp loại")
    note: str = Field("", max_length=MAX_TEXT, title="Nhận xét")


class Decision(In):
    level: Code | None = Field(None, title="Mức xếp loại")
    decision_ref: str = Field("", max_length=400, title="Số quyết định")
    on: Day | None = Field(
        None, title="Ngày quyết định", description="Ngày quyết định; mặc định hôm nay"
    )


class RemedyIn(In):
    text: str = Field(max_length=MAX_TEXT, title="Giải pháp")
    owner: str = Field(max_length=800, title="Người chịu trách nhiệm")
    deadline: Day = Field(title="Thời hạn")


class RemedyGroupCreate(In):
    org: Code | None = Field(
        None, title="Tổ chức", description="Mặc định: tổ chức của đợt kiểm điểm"
    )
    title: str = Field(
        "", max_length=1200, title="Nhóm giải pháp", description="Tên nhóm giải pháp"
    )
    shortcomings: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        max_length=100, title="Hạn chế, khuyết điểm"
    )
    remedies: list[RemedyIn] = Field(max_length=100, title="Giải pháp")


class RemedyReport(In):
    status: RemedyStatus = Field(title="Tình trạng")
    evidence: str = Field("", max_length=MAX_TEXT, title="Kết quả, minh chứng")
