"""The review router: schemes, cycles and their progress, each evaluation's approval chain
(self-assessment → proposal → decision), honours ("n years running"), per-subject history
with streaks, and self-criticism with remedies.

Every decision goes through ``permissions``. A cycle is visible to whoever sees its
organisation, or works (or is a member) somewhere inside it: a cell secretary takes part in
the district's review. An operation the caller may not perform on a visible cycle or
evaluation is a 404, like anything out of scope (the oversight router does the same); an
operation the caller has the authority for but that the evaluation's state, the window or
the lock does not allow reaches the service and comes back as its 422.
"""

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from django.db.models import Count, Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from dangbo.core import scope
from dangbo.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    Day,
    Id,
    In,
    PathId,
    Year,
    fields_as,
)
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.members.lookups import person
from dangbo.members.models import Member
from dangbo.orgs.lookups import OrgRef, org_field, org_or_404

from . import permissions, queries, services
from .choices import COMMON_RANKS, EvaluationState, PeriodKind, RemedyStatus
from .models import (
    Evaluation,
    EvaluationStep,
    Remedy,
    RemedyGroup,
    ReviewCycle,
    Scheme,
    SchemeLevel,
)

router = Router(tags=["reviews"])

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
SubjectKind = Literal["member", "org"]

# ---------------------------------------------------------------- schemas


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

    @staticmethod
    def resolve_min_score(obj) -> float | None:
        return None if obj.min_score is None else float(obj.min_score)

    @staticmethod
    def resolve_max_score(obj) -> float | None:
        return None if obj.max_score is None else float(obj.max_score)


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

    @staticmethod
    def resolve_quota_rate(obj) -> float | None:
        return None if obj.quota_rate is None else float(obj.quota_rate)

    @staticmethod
    def resolve_levels(obj) -> list:
        return list(obj.levels.all())


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
        if obj.locked:
            return "locked"
        day = today()
        if day < obj.opens_on:
            return "before"
        return "open" if day <= obj.closes_on else "closed"


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
    level: str = Field(description="Mức bị giới hạn")
    base_level: str = Field(description="Mức làm cơ sở tính tỷ lệ")
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

    @staticmethod
    def resolve_remedies(obj) -> list:
        return list(obj.remedies.all())


class CycleDetail(CycleOut):
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

    @staticmethod
    def resolve_remedy_groups(obj) -> list:
        return obj.visible_remedy_groups


class EvaluationOut(Schema):
    id: int
    cycle_id: int
    year: int = Field(..., alias="cycle.year")
    subject: str = Field(description="member hoặc org")
    member_id: int | None
    subject_org: str | None
    subject_name: str
    org: str = Field(description="Chi bộ của đảng viên, hoặc chính tổ chức được đánh giá")
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
    def resolve_subject(obj) -> str:
        return "member" if obj.member_id else "org"

    @staticmethod
    def resolve_subject_org(obj) -> str | None:
        return obj.subject_org.code if obj.subject_org_id else None

    @staticmethod
    def resolve_org(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_score_general(obj) -> float | None:
        return None if obj.score_general is None else float(obj.score_general)

    @staticmethod
    def resolve_score_tasks(obj) -> float | None:
        return None if obj.score_tasks is None else float(obj.score_tasks)

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
    self_comment: str
    residence_comment: str
    competent_body: OrgRef = Field(description="Cấp có thẩm quyền quyết định (quy tắc 24)")
    steps: list[ReviewStepOut]
    allowed_ops: list[str] = Field(description="Thao tác người gọi được thực hiện lúc này")

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


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


class CycleCreate(In):
    org: Code = Field(description="Mã tổ chức (cấp ủy) tổ chức kiểm điểm")
    year: Year
    kind: PeriodKind = PeriodKind.YEAR
    period_start: Day | None = None
    period_end: Day | None = None
    opens_on: Day | None = Field(None, description="Bắt đầu kiểm điểm")
    closes_on: Day | None = Field(None, description="Hạn tự đánh giá và đề xuất")


class ReviewReason(In):
    reason: str = Field(max_length=MAX_TEXT)


class SelfAssessment(In):
    member_id: Id | None = Field(None, description="Mặc định: chính người gọi")
    org: Code | None = Field(None, description="Mã tổ chức tự đánh giá (thay cho member_id)")
    level: Code | None = Field(None, description="Mã mức xếp loại (GET /reviews/schemes)")
    score_general: Score | None = None
    score_tasks: Score | None = None
    comment: str = Field("", max_length=MAX_TEXT)
    residence_comment: str = Field("", max_length=MAX_TEXT)


class Proposal(In):
    level: Code | None = None
    note: str = Field("", max_length=MAX_TEXT)


class Decision(In):
    level: Code | None = None
    decision_ref: str = Field("", max_length=400)
    on: Day | None = Field(None, description="Ngày quyết định; mặc định hôm nay")


class RemedyIn(In):
    text: str = Field(max_length=MAX_TEXT)
    owner: str = Field(max_length=800)
    deadline: Day


class RemedyGroupCreate(In):
    org: Code | None = Field(None, description="Mặc định: tổ chức của đợt kiểm điểm")
    title: str = Field("", max_length=1200, description="Tên nhóm giải pháp")
    shortcomings: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(max_length=100)
    remedies: list[RemedyIn] = Field(max_length=100)


class RemedyReport(In):
    status: RemedyStatus
    evidence: str = Field("", max_length=MAX_TEXT)


# ---------------------------------------------------------------- lookups

_CYCLE = ReviewCycle.objects.select_related("org", "org_scheme", "member_scheme")
_EVALUATION = Evaluation.objects.select_related(
    "cycle",
    "scheme",
    "member",
    "subject_org",
    "org",
    "self_level",
    "proposed_level",
    "final_level",
    "decided_by",
)


def _cycle(user, pk: int) -> ReviewCycle:
    found = permissions.visible_cycles(user, _CYCLE).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _evaluation(user, pk: int) -> Evaluation:
    found = _EVALUATION.filter(pk=pk).first()
    if found is None or not permissions.may_view(user, found):
        raise Http404
    return found


def _detail(user, pk: int) -> Evaluation:
    evaluation = (
        _EVALUATION.prefetch_related(
            Prefetch("steps", queryset=EvaluationStep.objects.select_related("level", "org"))
        )
        .filter(pk=pk)
        .get()
    )
    body = services.competent_body(evaluation)
    evaluation.competent_body = body
    evaluation.allowed_ops = [op for op in permissions.OPS if permissions.may(user, op, evaluation)]
    return evaluation


def _authorised(user, pk: int, op: str) -> Evaluation:
    """The evaluation if a request for ``op`` may reach the service
    (``permissions.may_attempt``): refused is a 404, like out of scope; with the authority
    but the wrong state, window or lock, or one's own case, the service's 422 follows."""
    evaluation = _evaluation(user, pk)
    if not permissions.may_attempt(user, op, evaluation):
        raise Http404
    return evaluation


def _level_code(level: str | None) -> str:
    if level is None or not level.strip():
        raise invalid("level", "Mức xếp loại: bắt buộc (mã mức, xem GET /reviews/schemes).")
    return level.strip()


def _score(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_SERVICE_FIELDS = {"subject_org": "org", "member": "member_id", "cycle": "cycle_id"}


def _group(pk: int) -> RemedyGroup:
    return (
        RemedyGroup.objects.select_related("org")
        .prefetch_related("shortcomings", "remedies")
        .get(pk=pk)
    )


# ---------------------------------------------------------------- schemes and cycles


@router.get("/schemes", response=list[SchemeOut], summary="Các cách xếp loại và văn bản quy định")
def list_schemes(request, subject: Literal["member", "organisation"] | None = None):
    """Levels, score bands and quotas are data, each scheme tied to its document."""
    qs = Scheme.objects.select_related("document").prefetch_related(
        Prefetch("levels", queryset=SchemeLevel.objects.order_by("rank"))
    )
    if subject:
        qs = qs.filter(subject=subject)
    return list(qs.order_by("subject", "first_year", "code"))


@router.get("/cycles", response={200: list[CycleOut], **READ_ERRORS}, summary="Đợt kiểm điểm")
@paginate(BoundedPagination)
def list_cycles(request, org: Code | None = None, year: Year | None = None):
    """``org``: the cycles it takes part in (its own, those of the organisations above it
    and of those below)."""
    qs = permissions.visible_cycles(request.auth, _CYCLE)
    if org:
        qs = qs.filter(queries.cycles_of(org_or_404(request.auth, org), below=True))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-period_end", "org__path", "id")


@router.post("/cycles", response={201: CycleOut, **WRITE_ERRORS}, summary="Mở đợt kiểm điểm")
def open_cycle(request, payload: CycleCreate):
    """Under the schemes in force that year (rule 21); the window defaults to mid-November
    to the end of January."""
    org = org_field(request.auth, payload.org, "org", "Tổ chức")
    cycle = services.open_cycle(
        actor=request.auth,
        org=org,
        year=payload.year,
        kind=payload.kind.value,
        period_start=payload.period_start,
        period_end=payload.period_end,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return 201, _CYCLE.get(pk=cycle.pk)


def _progress(rows) -> dict:
    counts = {s: 0 for s in EvaluationState.values}
    for state, n in rows:
        counts[state] = counts.get(state, 0) + n
    return {"total": sum(counts.values()), **counts}


def _cycle_detail(user, cycle: ReviewCycle) -> ReviewCycle:
    visible = permissions.visible_evaluations(user, Evaluation.objects.filter(cycle=cycle))
    members = visible.filter(member__isnull=False)
    orgs = visible.filter(subject_org__isnull=False)

    def by_state(qs):
        return qs.values_list("state").annotate(n=Count("id")).order_by()

    cycle.progress_members = _progress(by_state(members))
    cycle.progress_organisations = _progress(by_state(orgs))

    def levels(qs) -> list[dict]:
        rows = (
            qs.filter(state=EvaluationState.DECIDED)
            .values_list(
                "final_level__code",
                "final_level__name",
                "final_level__common_rank",
                "final_level__rank",
            )
            .annotate(n=Count("id"))
            .order_by("final_level__rank")
        )
        return [
            {"code": c, "name": name, "common_rank": common, "count": n}
            for c, name, common, _rank, n in rows
        ]

    cycle.levels_members = levels(members)
    cycle.levels_organisations = levels(orgs)
    full = permissions.cycle_access(user, cycle) == permissions.CycleAccess.FULL
    # Rule 23 counts the whole peer group: shown to those who see all of the cycle.
    cycle.quotas = [
        {
            "peer_group": use.peer_group,
            "level": use.scheme.quota_level,
            "base_level": use.scheme.quota_base,
            "capped": use.capped,
            "base": use.base,
            "allowed": use.allowed,
        }
        for use in (queries.quota_usage(cycle) if full else [])
    ]
    groups = (
        RemedyGroup.objects.filter(cycle=cycle)
        .select_related("org")
        .prefetch_related("shortcomings", "remedies")
        .order_by("org__path", "position", "id")
    )
    cycle.visible_remedy_groups = [g for g in groups if scope.covers(user, scope.VIEW, g.org)]
    cycle.open_remedies = list(services.open_remedies(cycle.org, cycle)) if full else []
    cycle.may_manage = permissions.may_manage_cycle(user, cycle)
    return cycle


@router.get(
    "/cycles/{cycle_id}",
    response={200: CycleDetail, **READ_ERRORS},
    summary="Đợt kiểm điểm: tiến độ, kết quả theo mức, tỷ lệ, khắc phục",
)
def get_cycle(request, cycle_id: CycleId):
    return _cycle_detail(request.auth, _cycle(request.auth, cycle_id))


def _managed(user, cycle_id: int) -> ReviewCycle:
    cycle = _cycle(user, cycle_id)
    if not permissions.may_manage_cycle(user, cycle):
        raise Http404
    return cycle


@router.post(
    "/cycles/{cycle_id}/lock",
    response={200: CycleDetail, **WRITE_ERRORS},
    summary="Khóa kết quả (khi mọi trường hợp đã có quyết định)",
)
def lock_cycle(request, cycle_id: CycleId):
    cycle = _managed(request.auth, cycle_id)
    with fields_as(_SERVICE_FIELDS):
        services.lock_cycle(actor=request.auth, cycle=cycle)
    return _cycle_detail(request.auth, _CYCLE.get(pk=cycle.pk))


@router.post(
    "/cycles/{cycle_id}/reopen",
    response={200: CycleDetail, **WRITE_ERRORS},
    summary="Mở lại đợt đã khóa (có lý do, ghi nhật ký)",
)
def reopen_cycle(request, cycle_id: CycleId, payload: ReviewReason):
    cycle = _managed(request.auth, cycle_id)
    with fields_as(_SERVICE_FIELDS):
        services.reopen_cycle(actor=request.auth, cycle=cycle, reason=payload.reason)
    return _cycle_detail(request.auth, _CYCLE.get(pk=cycle.pk))


@router.get(
    "/cycles/{cycle_id}/evaluations",
    response={200: list[EvaluationOut], **READ_ERRORS},
    summary="Các trường hợp đánh giá của đợt",
)
@paginate(BoundedPagination)
def list_evaluations(
    request,
    cycle_id: CycleId,
    state: EvaluationState | None = None,
    subject: SubjectKind | None = None,
    org: Code | None = None,
):
    """``org``: subjects in its subtree (members of its cells, organisations under it)."""
    cycle = _cycle(request.auth, cycle_id)
    qs = permissions.visible_evaluations(request.auth, Evaluation.objects.filter(cycle=cycle))
    if state:
        qs = qs.filter(state=state.value)
    if subject == "member":
        qs = qs.filter(member__isnull=False)
    elif subject == "org":
        qs = qs.filter(subject_org__isnull=False)
    if org:
        qs = qs.filter(org_or_404(request.auth, org).subtree_q("org__"))
    return _EVALUATION.filter(pk__in=qs.values("pk")).order_by(
        "org__path", "subject_org__path", "member__full_name", "id"
    )


@router.post(
    "/cycles/{cycle_id}/self-assessments",
    response={201: EvaluationDetail, **WRITE_ERRORS},
    summary="Tự đánh giá, xếp loại (mở hồ sơ đánh giá)",
)
def self_assess(request, cycle_id: CycleId, payload: SelfAssessment):
    """A member for themself (or the organisation's staff on their behalf), or an
    organisation (``org``); without either, the caller's own member record."""
    user = request.auth
    cycle = _cycle(user, cycle_id)
    if payload.member_id is not None and payload.org is not None:
        raise invalid("org", "Đối tượng: một đảng viên (member_id) hoặc một tổ chức (org).")
    member = subject_org = None
    if payload.org is not None:
        subject_org = org_field(user, payload.org, "org", "Tổ chức", scope.VIEW)
    elif payload.member_id is not None:
        member = person(user, payload.member_id, "member_id", "Đảng viên")
    else:
        member = permissions.own_member(user)
        if member is None:
            raise invalid("member_id", "Đảng viên: bắt buộc (hoặc chọn tổ chức).")
    if not permissions.may_self_assess(user, cycle, member=member, subject_org=subject_org):
        raise Http404
    level = _level_code(payload.level)
    with fields_as(_SERVICE_FIELDS):
        evaluation = services.self_assess(
            actor=user,
            cycle=cycle,
            level=level,
            member=member,
            subject_org=subject_org,
            score_general=_score(payload.score_general),
            score_tasks=_score(payload.score_tasks),
            comment=payload.comment,
            residence_comment=payload.residence_comment,
        )
    return 201, _detail(user, evaluation.pk)


# ---------------------------------------------------------------- evaluations


@router.get(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationDetail, **READ_ERRORS},
    summary="Kết quả đánh giá và các bước xét duyệt",
)
def get_evaluation(request, evaluation_id: EvaluationId):
    return _detail(request.auth, _evaluation(request.auth, evaluation_id).pk)


@router.post(
    "/evaluations/{evaluation_id}/propose",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="Đề xuất mức xếp loại (chi bộ; cấp trên với tổ chức)",
)
def propose(request, evaluation_id: EvaluationId, payload: Proposal):
    evaluation = _authorised(request.auth, evaluation_id, "propose")
    with fields_as(_SERVICE_FIELDS):
        services.propose(
            actor=request.auth,
            evaluation=evaluation,
            level=_level_code(payload.level),
            note=payload.note,
        )
    return _detail(request.auth, evaluation.pk)


@router.post(
    "/evaluations/{evaluation_id}/return",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="Trả lại đề xuất (có lý do)",
)
def return_evaluation(request, evaluation_id: EvaluationId, payload: ReviewReason):
    evaluation = _authorised(request.auth, evaluation_id, "return")
    with fields_as(_SERVICE_FIELDS):
        services.return_evaluation(actor=request.auth, evaluation=evaluation, reason=payload.reason)
    return _detail(request.auth, evaluation.pk)


@router.post(
    "/evaluations/{evaluation_id}/decide",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="Quyết định xếp loại (cấp có thẩm quyền; kiểm tra tỷ lệ và điều kiện)",
)
def decide(request, evaluation_id: EvaluationId, payload: Decision):
    """By the competent body (rule 24): the grassroots committee for its members, the
    superior's standing committee for an organisation."""
    evaluation = _authorised(request.auth, evaluation_id, "decide")
    with fields_as({**_SERVICE_FIELDS, "by_org": "level"}):
        services.decide(
            actor=request.auth,
            evaluation=evaluation,
            level=_level_code(payload.level),
            by_org=services.competent_body(evaluation),
            decision_ref=payload.decision_ref,
            on=payload.on,
        )
    return _detail(request.auth, evaluation.pk)


# ---------------------------------------------------------------- honours and history


@router.get(
    "/honours",
    response={200: HonoursOut, **READ_ERRORS},
    summary="Vinh danh: n năm liền ở một mức trở lên",
)
def honours(
    request,
    org: Code,
    year: Year | None = None,
    years: int = Query(5, ge=1, le=50),
    subject: SubjectKind = "org",
    rank: int = Query(1, ge=1, le=4),
):
    """From the stored final results (rule 25), across schemes by their common rank: e.g.
    ``years=5&rank=1&year=2016`` gives "exemplary (excellent) 5 years running 2012–2016"."""
    found = org_or_404(request.auth, org)
    year = year or queries.latest_year(found) or today().year
    members = subject == "member"
    rows = queries.honours(found, year, years, rank, members=members)
    items = []
    if members:
        cells = dict(
            Member.objects.filter(pk__in=[m.pk for m, _ in rows]).values_list("pk", "org__code")
        )
        items = [
            {
                "member_id": m.pk,
                "org": cells.get(m.pk),
                "name": m.full_name,
                "current": s.current,
                "longest": s.longest,
            }
            for m, s in rows
        ]
    else:
        items = [
            {
                "member_id": None,
                "org": o.code,
                "name": o.name,
                "current": s.current,
                "longest": s.longest,
            }
            for o, s in rows
        ]
    return {
        "org": found.code,
        "org_name": found.name,
        "year": year,
        "first_year": year - years + 1,
        "years": years,
        "rank": rank,
        "rank_label": str(COMMON_RANKS[rank]),
        "subject": subject,
        "total": len(items),
        "items": items,
    }


def _history(evaluations, until: int | None) -> tuple[list[dict], list[dict], int | None]:
    rows = list(
        evaluations.select_related("cycle__org", "scheme", "final_level", "decided_by").order_by(
            "cycle__year", "cycle__period_end", "id"
        )
    )
    years = queries.annual_ranks(
        (e.cycle.year, e.final_common_rank or 99)
        for e in rows
        if e.state == EvaluationState.DECIDED and e.cycle.kind == PeriodKind.YEAR
    )
    until = until or (max(years) if years else None)
    results = [
        {
            "year": e.cycle.year,
            "cycle_id": e.cycle_id,
            "cycle_kind": e.cycle.kind,
            "cycle_org": e.cycle.org.code,
            "scheme": e.scheme.code,
            "evaluation_id": e.pk,
            "state": e.state,
            "state_label": str(e.get_state_display()),
            "level": e.final_level,
            "decided_by": e.decided_by.code if e.decided_by_id else None,
            "decided_on": e.decided_on,
        }
        for e in rows
    ]
    streaks = []
    if until is not None:
        for rank in (1, 2, 3):
            s = queries.streak_of(years, rank, until)
            streaks.append(
                {
                    "rank": rank,
                    "label": str(COMMON_RANKS[rank]),
                    "current": s.current,
                    "longest": s.longest,
                    "longest_end": s.longest_end,
                }
            )
    return results, streaks, until


@router.get(
    "/members/{member_id}/history",
    response={200: HistoryOut, **READ_ERRORS},
    summary="Kết quả từng năm của đảng viên, số năm liền",
)
def member_history(request, member_id: MemberPathId, until: Year | None = None):
    member = scope.get_or_404(Member.objects.select_related("org"), request.auth, pk=member_id)
    results, streaks, until = _history(Evaluation.objects.filter(member=member), until)
    return {
        "subject": "member",
        "member_id": member.pk,
        "org": member.org.code,
        "name": member.full_name,
        "until": until,
        "results": results,
        "streaks": streaks,
    }


@router.get(
    "/orgs/{code}/history",
    response={200: HistoryOut, **READ_ERRORS},
    summary="Kết quả từng năm của tổ chức, số năm liền",
)
def org_history(request, code: Code, until: Year | None = None):
    org = org_or_404(request.auth, code)
    results, streaks, until = _history(Evaluation.objects.filter(subject_org=org), until)
    return {
        "subject": "org",
        "member_id": None,
        "org": org.code,
        "name": org.name,
        "until": until,
        "results": results,
        "streaks": streaks,
    }


# ---------------------------------------------------------------- self-criticism, remedies


@router.post(
    "/cycles/{cycle_id}/remedy-groups",
    response={201: RemedyGroupOut, **WRITE_ERRORS},
    summary="Hạn chế, khuyết điểm và nhóm giải pháp khắc phục",
)
def add_remedy_group(request, cycle_id: CycleId, payload: RemedyGroupCreate):
    user = request.auth
    cycle = _cycle(user, cycle_id)
    if payload.org is not None:
        org = org_field(user, payload.org, "org", "Tổ chức")
    else:
        if not permissions.may_manage_cycle(user, cycle):
            raise Http404
        org = cycle.org
    with fields_as(_SERVICE_FIELDS):
        group = services.add_remedy_group(
            actor=user,
            cycle=cycle,
            org=org,
            title=payload.title,
            shortcomings=payload.shortcomings,
            remedies=[r.model_dump() for r in payload.remedies],
        )
    return 201, _group(group.pk)


@router.post(
    "/remedies/{remedy_id}/report",
    response={200: RemedyOut, **WRITE_ERRORS},
    summary="Báo cáo thực hiện giải pháp (tình trạng, minh chứng)",
)
def report_remedy(request, remedy_id: RemedyId, payload: RemedyReport):
    remedy = Remedy.objects.select_related("group__org").filter(pk=remedy_id).first()
    if remedy is None or not scope.covers(request.auth, scope.CHANGE, remedy.group.org):
        raise Http404
    return services.report_remedy(
        actor=request.auth,
        remedy=remedy,
        status=payload.status.value,
        evidence=payload.evidence,
    )
