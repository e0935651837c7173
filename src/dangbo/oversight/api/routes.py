"""The oversight router: who oversees what, working groups and their plans, visits to cell
meetings, and the opinions heard followed to an answer.

Reading needs VIEW; assignments, groups and plans need CHANGE on the committee; visits and
staff-entered opinions need OVERSEE. An opinion's lifecycle is authorised by
``permissions.may_attempt`` (the committee that received it steers, the organisation it was
assigned to handles): an operation the caller may not perform is a 404, like anything out of
scope, while an operation the opinion's state does not allow is the service's 422. The
citizen's identity never appears in lists; on an opinion's page it needs a sensitive grant,
and each such read is logged.
"""

from collections.abc import Callable
from typing import Annotated, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    Day,
    Id,
    Year,
    fields_as,
    require,
    scoped,
)
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.members.lookups import people, person
from dangbo.orgs.lookups import org_field, org_or_404

from .. import permissions, queries, services
from ..choices import HANDLING_STATES, OpinionChannel, OpinionState
from ..models import (
    GroupTarget,
    Opinion,
    OpinionTopic,
    OversightAssignment,
    Visit,
    VisitAttendee,
    WorkingGroup,
)
from .schemas import (
    Answer,
    Assign,
    AssignmentCreate,
    AssignmentEnd,
    AssignmentId,
    AssignmentOut,
    CellCode,
    CoverageOut,
    DashboardOut,
    GroupCreate,
    GroupDetail,
    GroupId,
    GroupOut,
    GroupTargetIn,
    Handover,
    Note,
    OpinionCreate,
    OpinionDetail,
    OpinionFull,
    OpinionId,
    OpinionOut,
    PlanIn,
    PlanOut,
    Reason,
    TargetOut,
    TopicOut,
    VisitCreate,
    VisitId,
    VisitOut,
)

router = Router(tags=["oversight"])

# Query parameters, each with the label an error names it by.
OrgParam = Annotated[Code, Query(title="Tổ chức")]
AsOfParam = Annotated[Day | None, Query(title="Ngày tính")]

# ---------------------------------------------------------------- lookups

_ASSIGNMENT = OversightAssignment.objects.select_related("member", "committee", "target")
_GROUP = WorkingGroup.objects.select_related("committee", "leader")
_OPINION = Opinion.objects.select_related(
    "topic", "org", "grassroots", "received_by", "assigned_to"
)


def _assignment(user, pk: int) -> OversightAssignment:
    """Seen through the target or the committee; changed only by the committee's side."""
    assignment = scoped(_ASSIGNMENT, user, scope.VIEW, pk=pk)
    require(user, scope.CHANGE, assignment.committee)
    return assignment


def _group(user, pk: int, action: scope.Permission = scope.VIEW) -> WorkingGroup:
    group = scoped(_GROUP, user, scope.VIEW, pk=pk)
    if action != scope.VIEW:
        require(user, action, group.committee)
    return group


def _counted(groups: QuerySet[WorkingGroup]) -> QuerySet[WorkingGroup]:
    """Groups as ``GroupOut`` shows them: with the number of cells in their plan."""
    return groups.annotate(n_targets=Count("targets"))


def _group_detail(pk: int) -> WorkingGroup:
    """The group as ``GroupDetail`` shows it, read after any change."""
    return _counted(_GROUP.prefetch_related("members")).get(pk=pk)


def _topics(codes: list[str], field_of: Callable[[int], str]) -> dict[str, OpinionTopic]:
    found = {t.code: t for t in OpinionTopic.objects.filter(code__in=set(codes), active=True)}
    for i, code in enumerate(codes):
        if code not in found:
            raise invalid(
                field_of(i), f"Lĩnh vực: không có lĩnh vực mã “{code}” trong danh mục đang dùng."
            )
    return found


def _full(opinion_pk: int) -> Opinion:
    """The opinion with its history, as ``OpinionFull`` shows it."""
    return _OPINION.prefetch_related("steps__org").get(pk=opinion_pk)


# ---------------------------------------------------------------- coverage and assignments


@router.get(
    "/coverage",
    response={200: CoverageOut, **READ_ERRORS},
    summary="Tổ chức có người phụ trách, tại ngày",
)
def coverage(
    request,
    org: OrgParam,
    as_of: AsOfParam = None,
    level: Annotated[Literal["grassroots", "cells"], Query(title="Mức")] = "grassroots",
):
    """``grassroots``: grassroots organisations with an assignment on them; ``cells``: cells
    covered by an assignment on themselves or on the committee directly above."""
    return queries.coverage(org_or_404(request.auth, org), as_of or today(), level)


@router.get(
    "/assignments",
    response={200: list[AssignmentOut], **READ_ERRORS},
    summary="Phân công phụ trách",
)
@paginate(BoundedPagination)
def list_assignments(
    request,
    org: Annotated[Code | None, Query(title="Tổ chức")] = None,
    member_id: Annotated[Id | None, Query(title="Mã đảng viên")] = None,
    as_of: AsOfParam = None,
):
    """``org``: assignments whose target is in its subtree; ``as_of``: only those in force
    that day."""
    qs = scope.restrict(_ASSIGNMENT, request.auth)
    if org:
        qs = qs.filter(org_or_404(request.auth, org).subtree_q("target__"))
    if member_id:
        qs = qs.filter(member_id=member_id)
    if as_of:
        qs = qs.filter(valid_from__lte=as_of).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=as_of)
        )
    return qs.order_by("target__path", "valid_from", "id")


@router.post(
    "/assignments", response={201: AssignmentOut, **WRITE_ERRORS}, summary="Phân công phụ trách"
)
def create_assignment(request, payload: AssignmentCreate):
    """The member must hold a seat on the committee on ``valid_from``; the target must be
    below the committee."""
    committee = org_field(request.auth, payload.committee, "committee", "Cấp ủy phân công")
    target = org_field(request.auth, payload.target, "target", "Tổ chức được phụ trách", scope.VIEW)
    member = person(request.auth, payload.member_id, "member_id", "Cấp ủy viên")
    with fields_as({"member": "member_id"}):
        assignment = services.assign_oversight(
            actor=request.auth,
            member=member,
            committee=committee,
            target=target,
            valid_from=payload.valid_from,
            role=payload.role.value,
            target_count=payload.target_count,
            target_period=payload.target_period.value,
        )
    return 201, _ASSIGNMENT.get(pk=assignment.pk)


@router.post(
    "/assignments/{assignment_id}/handover",
    response={201: AssignmentOut, **WRITE_ERRORS},
    summary="Bàn giao phụ trách cho người khác",
)
def handover(request, assignment_id: AssignmentId, payload: Handover):
    """The current holder's assignment ends the day before ``on``; the successor's starts
    on ``on`` with the same target and frequency. Returns the successor's assignment."""
    assignment = _assignment(request.auth, assignment_id)
    to_member = person(request.auth, payload.to_member_id, "to_member_id", "Người nhận bàn giao")
    names = {
        "to_member": "to_member_id",
        "member": "to_member_id",
        "target": "to_member_id",
        "valid_to": "on",
        "valid_from": "on",
    }
    with fields_as(names):
        successor = services.hand_over(
            actor=request.auth,
            assignment=assignment,
            to_member=to_member,
            on=payload.on,
            reason=payload.reason,
        )
    return 201, _ASSIGNMENT.get(pk=successor.pk)


@router.post(
    "/assignments/{assignment_id}/end",
    response={200: AssignmentOut, **WRITE_ERRORS},
    summary="Kết thúc phân công",
)
def end_assignment(request, assignment_id: AssignmentId, payload: AssignmentEnd):
    assignment = _assignment(request.auth, assignment_id)
    services.end_assignment(
        actor=request.auth,
        assignment=assignment,
        valid_to=payload.valid_to,
        reason=payload.reason,
    )
    return _ASSIGNMENT.get(pk=assignment.pk)


@router.get(
    "/targets",
    response={200: list[TargetOut], **READ_ERRORS},
    summary="Chỉ tiêu dự sinh hoạt: đạt, chưa đạt theo người và quý",
)
def targets(request, org: OrgParam, year: Annotated[Year | None, Query(title="Năm")] = None):
    return queries.targets(org_or_404(request.auth, org), year or today().year, today())


# ---------------------------------------------------------------- working groups


@router.get("/groups", response={200: list[GroupOut], **READ_ERRORS}, summary="Tổ công tác")
@paginate(BoundedPagination)
def list_groups(
    request,
    org: Annotated[Code | None, Query(title="Tổ chức")] = None,
    on: Annotated[Day | None, Query(title="Ngày hoạt động")] = None,
):
    """``org``: groups set up by committees in its subtree; ``on``: groups active that day."""
    qs = _counted(scope.restrict(_GROUP, request.auth))
    if org:
        qs = qs.filter(org_or_404(request.auth, org).subtree_q("committee__"))
    if on:
        qs = qs.filter(period_start__lte=on, period_end__gte=on)
    return qs.order_by("-period_start", "name", "id")


@router.post("/groups", response={201: GroupDetail, **WRITE_ERRORS}, summary="Lập tổ công tác")
def create_group(request, payload: GroupCreate):
    committee = org_field(request.auth, payload.committee, "committee", "Cấp ủy")
    leader = person(request.auth, payload.leader_id, "leader_id", "Tổ trưởng")
    members = people(request.auth, payload.member_ids, "member_ids", "Thành viên")
    with fields_as({"leader": "leader_id", "members": "member_ids"}):
        group = services.create_working_group(
            actor=request.auth,
            committee=committee,
            name=payload.name,
            period_start=payload.period_start,
            period_end=payload.period_end,
            leader=leader,
            members=members,
            note=payload.note,
        )
    return 201, _group_detail(group.pk)


@router.get(
    "/groups/{group_id}",
    response={200: GroupDetail, **READ_ERRORS},
    summary="Tổ công tác và kế hoạch dự sinh hoạt",
)
def get_group(request, group_id: GroupId):
    return _group_detail(_group(request.auth, group_id).pk)


@router.post(
    "/groups/{group_id}/targets",
    response={201: GroupDetail, **WRITE_ERRORS},
    summary="Thêm chi bộ vào kế hoạch của tổ",
)
def add_target(request, group_id: GroupId, payload: GroupTargetIn):
    group = _group(request.auth, group_id, scope.CHANGE)
    org = org_field(request.auth, payload.org, "org", "Chi bộ", scope.VIEW)
    services.add_group_target(
        actor=request.auth, group=group, org=org, planned_date=payload.planned_date
    )
    return 201, _group_detail(group.pk)


@router.delete(
    "/groups/{group_id}/targets/{org}",
    response={200: GroupDetail, **WRITE_ERRORS},
    summary="Bỏ chi bộ khỏi kế hoạch của tổ",
)
def remove_target(request, group_id: GroupId, org: CellCode):
    group = _group(request.auth, group_id, scope.CHANGE)
    target = GroupTarget.objects.select_related("org", "group").filter(group=group, org__code=org)
    found = target.first()
    if found is None:
        raise Http404
    services.remove_group_target(actor=request.auth, target=found)
    return _group_detail(group.pk)


@router.post(
    "/plans",
    response={201: PlanOut, **WRITE_ERRORS},
    summary="Lập kế hoạch: chia các chi bộ cần dự cho các tổ",
)
def generate_plan(request, payload: PlanIn):
    """Every selected cell not yet planned for the groups' (common) period goes to one
    group, spread evenly; the plan stays editable."""
    committee = org_field(request.auth, payload.committee, "committee", "Cấp ủy")
    wanted = list(dict.fromkeys(payload.group_ids))
    groups = {g.pk: g for g in scope.restrict(_GROUP, request.auth).filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in groups]
    if missing:
        raise invalid(
            "group_ids", f"Tổ công tác: không có tổ mã {', '.join(missing[:5])} trong phạm vi."
        )
    with fields_as({"groups": "group_ids"}):
        planned = services.generate_plan(
            actor=request.auth,
            committee=committee,
            groups=[groups[pk] for pk in wanted],
            selection=payload.selection.value,
            mode=payload.mode.value,
        )
    rows = _counted(_GROUP.filter(pk__in=wanted)).order_by("name", "id")
    return 201, {"planned": planned, "groups": list(rows)}


# ---------------------------------------------------------------- visits


def _visit(pk: int) -> Visit:
    return (
        Visit.objects.select_related("org", "group", "meeting")
        .prefetch_related(
            Prefetch("attendees", queryset=VisitAttendee.objects.select_related("member")),
            Prefetch("opinions", queryset=_OPINION.order_by("id")),
        )
        .get(pk=pk)
    )


@router.post(
    "/visits",
    response={201: VisitOut, **WRITE_ERRORS},
    summary="Ghi lần dự sinh hoạt chi bộ và các ý kiến nghe được",
)
def record_visit(request, payload: VisitCreate):
    """All or nothing: the visit, the meeting record if the cell has none that day, and
    each opinion heard. A visit by someone with no assignment or plan for the cell is
    accepted and marked ``without_mandate``. Without ``received_by`` the opinions go to the
    working group's committee, else to that of the most specific assignment an attendee
    came under, else to the highest committee above the cell the caller oversees, else to
    the committee directly above the cell."""
    user = request.auth
    cell = org_field(user, payload.cell, "cell", "Chi bộ được dự", scope.OVERSEE)
    attendees = people(user, payload.attendee_ids, "attendee_ids", "Người dự")
    group = None
    if payload.group_id is not None:
        group = queries.visit_groups(user, cell).filter(pk=payload.group_id).first()
        if group is None:
            raise invalid(
                "group_id", f"Tổ công tác: không có tổ mã {payload.group_id} trong phạm vi."
            )
    received_by = org_field(
        user, payload.received_by, "received_by", "Cấp ủy tiếp nhận", scope.OVERSEE
    )
    topics = _topics([o.topic for o in payload.opinions], lambda i: f"opinions.{i}.topic")
    with fields_as({"attendees": "attendee_ids", "group": "group_id", "org": "cell"}):
        visit = services.record_visit(
            actor=user,
            cell=cell,
            day=payload.date,
            attendees=attendees,
            group=group,
            notes=payload.notes,
            kind=payload.kind.value,
            meeting_topic=payload.meeting_topic,
            received_by=received_by,
            opinions=[
                services.Heard(
                    source=item.source.value,
                    topic=topics[item.topic],
                    text=item.text,
                    place=item.place,
                    submitter_name=item.submitter_name,
                    submitter_contact=item.submitter_contact,
                    consent=item.consent,
                )
                for item in payload.opinions
            ],
        )
    return 201, _visit(visit.pk)


@router.get(
    "/visits/{visit_id}", response={200: VisitOut, **READ_ERRORS}, summary="Lần dự sinh hoạt"
)
def get_visit(request, visit_id: VisitId):
    return _visit(scoped(Visit.objects.all(), request.auth, scope.VIEW, pk=visit_id).pk)


# ---------------------------------------------------------------- opinions


@router.get("/opinions", response={200: list[OpinionOut], **READ_ERRORS}, summary="Ý kiến")
@paginate(BoundedPagination)
def list_opinions(
    request,
    org: Annotated[Code | None, Query(title="Tổ chức")] = None,
    state: Annotated[OpinionState | None, Query(title="Trạng thái")] = None,
    topic: Annotated[Code | None, Query(title="Lĩnh vực")] = None,
    overdue: Annotated[bool | None, Query(title="Quá hạn")] = None,
):
    """``org``: opinions about its subtree, or received or handled there; ``overdue``:
    being handled past the deadline. The submitter's identity is never listed."""
    qs = scope.restrict(Opinion.objects.all(), request.auth)
    if org:
        qs = qs & queries.opinions_in(org_or_404(request.auth, org))
    if state:
        qs = qs.filter(state=state.value)
    if topic:
        qs = qs.filter(topic__code=topic)
    if overdue is not None:
        late = Q(state__in=HANDLING_STATES, deadline__lt=today())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.select_related("topic", "org", "grassroots", "received_by", "assigned_to").order_by(
        "-received_on", "-id"
    )


@router.post(
    "/opinions",
    response={201: OpinionFull, **WRITE_ERRORS},
    summary="Nhập ý kiến (cán bộ tiếp nhận)",
)
def create_opinion(request, payload: OpinionCreate):
    """An opinion heard by phone, in a letter, at a reception; ``org`` must lie within
    ``received_by``. A contact is kept only with the submitter's consent."""
    user = request.auth
    received_by = org_field(
        user, payload.received_by, "received_by", "Cấp ủy tiếp nhận", scope.OVERSEE
    )
    org = org_field(user, payload.org, "org", "Tổ chức liên quan", scope.VIEW)
    topic = _topics([payload.topic], lambda i: "topic")[payload.topic]
    opinion = services.record_opinion(
        actor=user,
        received_on=payload.received_on,
        source=payload.source.value,
        channel=OpinionChannel.STAFF,
        text=payload.text,
        topic=topic,
        org=org,
        received_by=received_by,
        place=payload.place,
        submitter_name=payload.submitter_name,
        submitter_contact=payload.submitter_contact,
        consent=payload.consent,
    )
    return 201, _full(opinion.pk)


@router.get(
    "/opinions/dashboard",
    response={200: DashboardOut, **READ_ERRORS},
    summary="Ý kiến chưa xong theo lĩnh vực, xã, thời gian; ý kiến quá hạn",
)
def dashboard(request, org: OrgParam, as_of: AsOfParam = None):
    return queries.dashboard(org_or_404(request.auth, org), as_of or today())


@router.get("/opinions/{opinion_id}", response={200: OpinionDetail, **READ_ERRORS})
def get_opinion(request, opinion_id: OpinionId):
    """With its history. The submitter's name and contact only with a sensitive grant over
    where it was heard or the committee that received it; each such read is logged."""
    found = scoped(Opinion.objects.all(), request.auth, scope.VIEW, pk=opinion_id)
    return _full(found.pk)  # OpinionDetail reads (and logs) the submitter


def _authorised(user, opinion_id: int, op: str) -> Opinion:
    """The opinion if a request for ``op`` may reach the service
    (``permissions.may_attempt``); refused is 404 like out of scope."""
    opinion = scoped(_OPINION, user, scope.VIEW, pk=opinion_id)
    if not permissions.may_attempt(user, op, opinion):
        raise Http404
    return opinion


def _steer(request, opinion_id: int, op: str, call: Callable[[Opinion], object]) -> Opinion:
    opinion = _authorised(request.auth, opinion_id, op)
    call(opinion)
    return _full(opinion.pk)


@router.post(
    "/opinions/{opinion_id}/assign",
    response={200: OpinionFull, **WRITE_ERRORS},
    summary="Giao tổ chức xử lý, có hạn",
)
def assign_opinion(request, opinion_id: OpinionId, payload: Assign):
    opinion = _authorised(request.auth, opinion_id, "assign")
    to_org = org_field(request.auth, payload.to_org, "to_org", "Giao cho", scope.VIEW)
    services.assign_opinion(
        actor=request.auth,
        opinion=opinion,
        to_org=to_org,
        deadline=payload.deadline,
        note=payload.note,
        on=payload.on,
    )
    return _full(opinion.pk)


@router.post(
    "/opinions/{opinion_id}/start",
    response={200: OpinionFull, **WRITE_ERRORS},
    summary="Nhận xử lý",
)
def start_opinion(request, opinion_id: OpinionId, payload: Note):
    return _steer(
        request,
        opinion_id,
        "start",
        lambda o: services.start_opinion(
            actor=request.auth, opinion=o, note=payload.note, on=payload.on
        ),
    )


@router.post(
    "/opinions/{opinion_id}/answer",
    response={200: OpinionFull, **WRITE_ERRORS},
    summary="Trả lời (nội dung, người duyệt)",
)
def answer_opinion(request, opinion_id: OpinionId, payload: Answer):
    return _steer(
        request,
        opinion_id,
        "answer",
        lambda o: services.answer_opinion(
            actor=request.auth,
            opinion=o,
            answer=payload.answer,
            approved_by=payload.approved_by,
            on=payload.on,
        ),
    )


def _with_reason(op: str, service, summary: str):
    @router.post(
        f"/opinions/{{opinion_id}}/{op}",
        response={200: OpinionFull, **WRITE_ERRORS},
        summary=summary,
        operation_id=f"oversight_{op}_opinion",
    )
    def endpoint(request, opinion_id: OpinionId, payload: Reason):
        return _steer(
            request,
            opinion_id,
            op,
            lambda o: service(actor=request.auth, opinion=o, reason=payload.reason, on=payload.on),
        )

    endpoint.__name__ = f"{op}_opinion"
    return endpoint


return_opinion = _with_reason("return", services.return_opinion, "Trả lại (có lý do)")
escalate_opinion = _with_reason(
    "escalate", services.escalate_opinion, "Đề nghị cấp trên xử lý (có lý do)"
)
reopen_opinion = _with_reason("reopen", services.reopen_opinion, "Chưa đạt, xử lý lại (có lý do)")


@router.post(
    "/opinions/{opinion_id}/close",
    response={200: OpinionFull, **WRITE_ERRORS},
    summary="Kết thúc (ý kiến chưa trả lời cần ghi lý do)",
)
def close_opinion(request, opinion_id: OpinionId, payload: Note):
    return _steer(
        request,
        opinion_id,
        "close",
        lambda o: services.close_opinion(
            actor=request.auth, opinion=o, note=payload.note, on=payload.on
        ),
    )


@router.get("/topics", response=list[TopicOut], summary="Danh mục lĩnh vực ý kiến")
def topics(
    request,
    include_retired: Annotated[bool, Query(title="Gồm lĩnh vực thôi dùng")] = False,
):
    qs = OpinionTopic.objects.all() if include_retired else OpinionTopic.objects.filter(active=True)
    return list(qs.order_by("position", "name"))
