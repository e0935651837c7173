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

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from ninja import Path, Query, Router
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    Year,
    fields_as,
)
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.core.types import Actor
from dangbo.members.lookups import person
from dangbo.members.models import Member
from dangbo.orgs.lookups import org_field, org_or_404

from .. import permissions, queries, services
from ..choices import (
    COMMON_RANKS,
    EvaluationState,
    PeriodKind,
    ReviewOp,
    Subject,
    SubjectKind,
)
from ..models import Evaluation, Remedy, RemedyGroup, ReviewCycle, Scheme, SchemeLevel
from .reads import EVALUATIONS, cycle_report, evaluation_report
from .schemas import (
    CycleCreate,
    CycleDetail,
    CycleId,
    CycleOut,
    Decision,
    EvaluationDetail,
    EvaluationId,
    EvaluationOut,
    HistoryOut,
    HonoursOut,
    MemberPathId,
    Proposal,
    RemedyGroupCreate,
    RemedyGroupOut,
    RemedyId,
    RemedyOut,
    RemedyReport,
    ReviewReason,
    SchemeOut,
    SelfAssessment,
)

router = Router(tags=["reviews"])

# ---------------------------------------------------------------- lookups

_CYCLE = ReviewCycle.objects.select_related("org", "org_scheme", "member_scheme")


def _cycle(user: Actor, pk: int) -> ReviewCycle:
    found = permissions.visible_cycles(user, _CYCLE).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _evaluation(user: Actor, pk: int) -> Evaluation:
    found = EVALUATIONS.filter(pk=pk).first()
    if found is None or not permissions.may_view(user, found):
        raise Http404
    return found


def _authorised(user: Actor, pk: int, op: ReviewOp) -> Evaluation:
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
def list_schemes(
    request, subject: Annotated[Subject | None, Query(title="Đối tượng của cách xếp loại")] = None
):
    """Levels, score bands and quotas are data, each scheme tied to its document."""
    qs = Scheme.objects.select_related("document").prefetch_related(
        Prefetch("levels", queryset=SchemeLevel.objects.order_by("rank"))
    )
    if subject is not None:
        qs = qs.filter(subject=subject)
    return list(qs.order_by("subject", "first_year", "code"))


@router.get("/cycles", response={200: list[CycleOut], **READ_ERRORS}, summary="Đợt kiểm điểm")
@paginate(BoundedPagination)
def list_cycles(
    request,
    org: Annotated[Code | None, Query(title="Tổ chức")] = None,
    year: Annotated[Year | None, Query(title="Năm")] = None,
):
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


@router.get(
    "/cycles/{cycle_id}",
    response={200: CycleDetail, **READ_ERRORS},
    summary="Đợt kiểm điểm: tiến độ, kết quả theo mức, tỷ lệ, khắc phục",
)
def get_cycle(request, cycle_id: CycleId):
    return cycle_report(request.auth, _cycle(request.auth, cycle_id))


def _managed(user: Actor, cycle_id: int) -> ReviewCycle:
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
    return cycle_report(request.auth, _CYCLE.get(pk=cycle.pk))


@router.post(
    "/cycles/{cycle_id}/reopen",
    response={200: CycleDetail, **WRITE_ERRORS},
    summary="Mở lại đợt đã khóa (có lý do, ghi nhật ký)",
)
def reopen_cycle(request, cycle_id: CycleId, payload: ReviewReason):
    cycle = _managed(request.auth, cycle_id)
    with fields_as(_SERVICE_FIELDS):
        services.reopen_cycle(actor=request.auth, cycle=cycle, reason=payload.reason)
    return cycle_report(request.auth, _CYCLE.get(pk=cycle.pk))


@router.get(
    "/cycles/{cycle_id}/evaluations",
    response={200: list[EvaluationOut], **READ_ERRORS},
    summary="Các trường hợp đánh giá của đợt",
)
@paginate(BoundedPagination)
def list_evaluations(
    request,
    cycle_id: CycleId,
    state: Annotated[EvaluationState | None, Query(title="Trạng thái")] = None,
    subject: Annotated[SubjectKind | None, Query(title="Đối tượng")] = None,
    org: Annotated[Code | None, Query(title="Trong tổ chức")] = None,
):
    """``org``: subjects in its subtree (members of its cells, organisations under it)."""
    cycle = _cycle(request.auth, cycle_id)
    qs = permissions.visible_evaluations(request.auth, Evaluation.objects.filter(cycle=cycle))
    if state:
        qs = qs.filter(state=state.value)
    if subject is not None:
        qs = qs.filter(queries.subject_q(subject))
    if org:
        qs = qs.filter(org_or_404(request.auth, org).subtree_q("org__"))
    return EVALUATIONS.filter(pk__in=qs.values("pk")).order_by(
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
    return 201, evaluation_report(user, evaluation.pk)


# ---------------------------------------------------------------- evaluations


@router.get(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationDetail, **READ_ERRORS},
    summary="Kết quả đánh giá và các bước xét duyệt",
)
def get_evaluation(request, evaluation_id: EvaluationId):
    return evaluation_report(request.auth, _evaluation(request.auth, evaluation_id).pk)


@router.post(
    "/evaluations/{evaluation_id}/propose",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="Đề xuất mức xếp loại (chi bộ; cấp trên với tổ chức)",
)
def propose(request, evaluation_id: EvaluationId, payload: Proposal):
    evaluation = _authorised(request.auth, evaluation_id, ReviewOp.PROPOSE)
    with fields_as(_SERVICE_FIELDS):
        services.propose(
            actor=request.auth,
            evaluation=evaluation,
            level=_level_code(payload.level),
            note=payload.note,
        )
    return evaluation_report(request.auth, evaluation.pk)


@router.post(
    "/evaluations/{evaluation_id}/return",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="Trả lại đề xuất (có lý do)",
)
def return_evaluation(request, evaluation_id: EvaluationId, payload: ReviewReason):
    evaluation = _authorised(request.auth, evaluation_id, ReviewOp.RETURN)
    with fields_as(_SERVICE_FIELDS):
        services.return_evaluation(actor=request.auth, evaluation=evaluation, reason=payload.reason)
    return evaluation_report(request.auth, evaluation.pk)


@router.post(
    "/evaluations/{evaluation_id}/decide",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="Quyết định xếp loại (cấp có thẩm quyền; kiểm tra tỷ lệ và điều kiện)",
)
def decide(request, evaluation_id: EvaluationId, payload: Decision):
    """By the competent body (rule 24): the grassroots committee for its members, the
    superior's standing committee for an organisation."""
    evaluation = _authorised(request.auth, evaluation_id, ReviewOp.DECIDE)
    with fields_as({**_SERVICE_FIELDS, "by_org": "level"}):
        services.decide(
            actor=request.auth,
            evaluation=evaluation,
            level=_level_code(payload.level),
            by_org=services.competent_body(evaluation),
            decision_ref=payload.decision_ref,
            on=payload.on,
        )
    return evaluation_report(request.auth, evaluation.pk)


# ---------------------------------------------------------------- honours and history


@router.get(
    "/honours",
    response={200: HonoursOut, **READ_ERRORS},
    summary="Vinh danh: n năm liền ở một mức trở lên",
)
def honours(
    request,
    org: Annotated[Code, Query(title="Cấp ủy xét khen thưởng")],
    year: Annotated[Year | None, Query(title="Năm")] = None,
    years: Annotated[int, Query(ge=1, le=50, title="Số năm liền")] = 5,
    subject: Annotated[SubjectKind, Query(title="Đối tượng")] = SubjectKind.ORG,
    rank: Annotated[int, Query(ge=1, le=4, title="Bậc xếp loại")] = 1,
):
    """From the stored final results (rule 25), across schemes by their common rank: e.g.
    ``years=5&rank=1&year=2016`` gives "exemplary (excellent) 5 years running 2012–2016"."""
    found = org_or_404(request.auth, org)
    year = year or queries.latest_year(found) or today().year
    members = subject == SubjectKind.MEMBER
    rows = queries.honours(found, year, years, rank, members=members)
    items = []
    for obj, streak in rows:
        if isinstance(obj, Member):
            item = {"member_id": obj.pk, "org": obj.org.code, "name": obj.full_name}
        else:
            item = {"member_id": None, "org": obj.code, "name": obj.name}
        items.append({**item, "current": streak.current, "longest": streak.longest})
    return {
        "org": found.code,
        "org_name": found.name,
        "year": year,
        "first_year": year - years + 1,
        "years": years,
        "rank": rank,
        "rank_label": str(COMMON_RANKS[rank]),
        "subject": subject.value,
        "total": len(items),
        "items": items,
    }


def _history(
    evaluations: QuerySet[Evaluation], until: int | None
) -> tuple[list[dict], list[dict], int | None]:
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
def member_history(
    request,
    member_id: MemberPathId,
    until: Annotated[Year | None, Query(title="Tính đến năm")] = None,
):
    member = scope.get_or_404(Member.objects.select_related("org"), request.auth, pk=member_id)
    results, streaks, until = _history(Evaluation.objects.filter(member=member), until)
    return {
        "subject": SubjectKind.MEMBER.value,
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
def org_history(
    request,
    code: Annotated[Code, Path(title="Mã tổ chức")],
    until: Annotated[Year | None, Query(title="Tính đến năm")] = None,
):
    org = org_or_404(request.auth, code)
    results, streaks, until = _history(Evaluation.objects.filter(subject_org=org), until)
    return {
        "subject": SubjectKind.ORG.value,
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
