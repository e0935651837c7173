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

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

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
    require,
    scoped,
)
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.meetings.choices import MeetingKind
from dangbo.members.lookups import MemberRef, people, person
from dangbo.orgs.lookups import org_field, org_or_404

from . import permissions, queries, services
from .choices import (
    HANDLING_STATES,
    AssignmentRole,
    OpinionChannel,
    OpinionSource,
    OpinionState,
    PlanMode,
    PlanSelection,
    TargetPeriod,
)
from .models import (
    GroupTarget,
    Opinion,
    OpinionTopic,
    OversightAssignment,
    Visit,
    VisitAttendee,
    WorkingGroup,
)

router = Router(tags=["oversight"])

MAX_TEXT = services.MAX_TEXT * 2  # generous: the services give the exact limits
AssignmentId = Annotated[int, PathId("Mã phân công")]
GroupId = Annotated[int, PathId("Mã tổ công tác")]
VisitId = Annotated[int, PathId("Mã lần dự sinh hoạt")]
OpinionId = Annotated[int, PathId("Mã ý kiến")]

# ---------------------------------------------------------------- schemas


class AssignmentOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(..., alias="member.full_name")
    committee: str = Field(..., alias="committee.code")
    committee_name: str = Field(..., alias="committee.name")
    target: str = Field(..., alias="target.code")
    target_name: str = Field(..., alias="target.name")
    role: str
    role_label: str
    valid_from: date
    valid_to: date | None
    target_count: int = Field(description="Số lần dự sinh hoạt tối thiểu")
    target_period: str = Field(description="quarter: mỗi quý; year: mỗi năm")
    handed_over_from_id: int | None
    end_reason: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())


class OrgRow(Schema):
    id: int
    code: str
    name: str
    kind: str
    sector: str


class CoverageOut(Schema):
    org: str
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
    committee: Code = Field(description="Mã cấp ủy phân công")
    member_id: Id
    target: Code = Field(description="Mã tổ chức được phụ trách")
    valid_from: Day
    role: AssignmentRole = AssignmentRole.OVERSEE
    target_count: int = Field(1, ge=1, le=50)
    target_period: TargetPeriod = TargetPeriod.QUARTER


class Handover(In):
    to_member_id: Id
    on: Day = Field(description="Ngày người mới bắt đầu phụ trách")
    reason: str = Field(max_length=1200)


class AssignmentEnd(In):
    valid_to: Day
    reason: str = Field(max_length=1200)


class GroupOut(Schema):
    id: int
    committee: str = Field(..., alias="committee.code")
    committee_name: str = Field(..., alias="committee.name")
    name: str
    period_start: date
    period_end: date
    leader_id: int
    leader_name: str = Field(..., alias="leader.full_name")
    note: str
    target_count: int = Field(description="Số chi bộ trong kế hoạch")

    @staticmethod
    def resolve_target_count(obj) -> int:
        return obj.n_targets if hasattr(obj, "n_targets") else len(obj.plan)


class GroupTargetOut(Schema):
    org: str
    org_name: str
    planned_date: date | None
    visited: bool


class GroupDetail(GroupOut):
    members: list[MemberRef]
    targets: list[GroupTargetOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())

    @staticmethod
    def resolve_targets(obj) -> list:
        return obj.plan


class GroupCreate(In):
    committee: Code = Field(description="Mã cấp ủy lập tổ")
    name: str = Field(max_length=800)
    period_start: Day
    period_end: Day
    leader_id: Id
    member_ids: list[Id] = Field(default_factory=list, max_length=100)
    note: str = Field("", max_length=2000)


class GroupTargetIn(In):
    org: Code = Field(description="Mã chi bộ cần dự")
    planned_date: Day | None = None


class PlanIn(In):
    committee: Code
    group_ids: list[Id] = Field(max_length=100)
    selection: PlanSelection = PlanSelection.RESIDENTIAL
    mode: PlanMode = PlanMode.EACH


class PlanOut(Schema):
    planned: int = Field(description="Số chi bộ được đưa vào kế hoạch")
    groups: list[GroupOut]


class OpinionOut(Schema):
    """Never the submitter's identity: that is on the opinion's own page, by grant."""

    id: int
    received_on: date
    source: str
    source_label: str
    channel: str
    channel_label: str
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
    state_label: str
    assigned_to: str | None
    assigned_to_name: str | None
    deadline: date | None
    overdue: bool
    answer: str
    answered_on: date | None
    approved_by: str
    closed_on: date | None
    visit_id: int | None
    meeting_id: int | None

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_grassroots(obj) -> str | None:
        return obj.grassroots.code if obj.grassroots_id else None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_assigned_to(obj) -> str | None:
        return obj.assigned_to.code if obj.assigned_to_id else None

    @staticmethod
    def resolve_assigned_to_name(obj) -> str | None:
        return obj.assigned_to.name if obj.assigned_to_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


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
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class SubmitterOut(Schema):
    name: str
    contact: str


class OpinionDetail(OpinionFull):
    submitter: SubmitterOut | None = Field(
        None,
        description="Chỉ có khi được cấp quyền xem thông tin nhạy cảm; mỗi lần đọc được ghi nhật ký",
    )
    submitter_hidden: bool = Field(
        description="Có thông tin người nêu nhưng người gọi không được xem"
    )


class OpinionFields(In):
    source: OpinionSource
    topic: Code = Field(description="Mã lĩnh vực (GET /oversight/topics)")
    text: str = Field(max_length=MAX_TEXT)
    place: str = Field("", max_length=1200)
    submitter_name: str = Field("", max_length=480, description="Không bắt buộc; nhạy cảm")
    submitter_contact: str = Field(
        "", max_length=800, description="Chỉ lưu khi người nêu đồng ý (consent)"
    )
    consent: bool = False


class OpinionCreate(OpinionFields):
    received_by: Code = Field(description="Mã cấp ủy tiếp nhận và theo dõi")
    org: Code = Field(description="Mã tổ chức liên quan")
    received_on: Day


class VisitCreate(In):
    cell: Code = Field(description="Mã chi bộ được dự sinh hoạt")
    date: Day
    kind: MeetingKind = MeetingKind.REGULAR
    meeting_topic: str = Field(
        "", max_length=1200, description="Chủ đề, khi mở sổ buổi sinh hoạt chuyên đề chưa ghi"
    )
    attendee_ids: list[Id] = Field(min_length=1, max_length=50)
    group_id: Id | None = None
    received_by: Code | None = Field(
        None, description="Cấp ủy theo dõi các ý kiến; mặc định: cấp ủy của tổ hoặc phân công"
    )
    notes: str = Field("", max_length=MAX_TEXT)
    opinions: list[OpinionFields] = Field(default_factory=list, max_length=50)


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
    attendees: list["AttendeeOut"]
    opinions: list[OpinionOut]
    created_at: datetime

    @staticmethod
    def resolve_group_name(obj) -> str | None:
        return obj.group.name if obj.group_id else None

    @staticmethod
    def resolve_attendees(obj) -> list:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_opinions(obj) -> list:
        return list(obj.opinions.all())


class AttendeeOut(Schema):
    member_id: int
    full_name: str = Field(..., alias="member.full_name")
    assignment_id: int | None = Field(description="Phân công mà lần dự này được tính")


VisitOut.model_rebuild()


class Note(In):
    note: str = Field("", max_length=MAX_TEXT)
    on: Day | None = Field(None, description="Ngày thực hiện; mặc định hôm nay")


class Assign(Note):
    to_org: Code = Field(description="Mã tổ chức được giao xử lý")
    deadline: Day


class Answer(In):
    answer: str = Field(max_length=MAX_TEXT)
    approved_by: str = Field(max_length=800)
    on: Day | None = None


class Reason(In):
    reason: str = Field(max_length=MAX_TEXT)
    on: Day | None = None


class Counted(Schema):
    name: str | None
    count: int


class CommuneCounted(Counted):
    code: str | None  # the grassroots organisation: names repeat across communes


class DashboardOut(Schema):
    org: str
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


def _group_detail(group: WorkingGroup) -> WorkingGroup:
    visited = set(Visit.objects.filter(group=group).values_list("org_id", flat=True))
    group.plan = [
        {
            "org": t.org.code,
            "org_name": t.org.name,
            "planned_date": t.planned_date,
            "visited": t.org_id in visited,
        }
        for t in GroupTarget.objects.filter(group=group)
        .select_related("org")
        .order_by("planned_date", "org__path")
    ]
    return group


def _group(user, pk: int, action: str = scope.VIEW) -> WorkingGroup:
    group = scoped(_GROUP.prefetch_related("members"), user, scope.VIEW, pk=pk)
    if action != scope.VIEW:
        require(user, action, group.committee)
    return group


def _topics(codes: list[str], field_of) -> dict[str, OpinionTopic]:
    found = {t.code: t for t in OpinionTopic.objects.filter(code__in=set(codes), active=True)}
    for i, code in enumerate(codes):
        if code not in found:
            raise invalid(
                field_of(i), f"Lĩnh vực: không có lĩnh vực mã “{code}” trong danh mục đang dùng."
            )
    return found


def _full(opinion_pk: int, user) -> Opinion:
    opinion = _OPINION.prefetch_related("steps__org").get(pk=opinion_pk)
    opinion.allowed_ops = permissions.allowed_ops(user, opinion)
    return opinion


# ---------------------------------------------------------------- coverage and assignments


@router.get(
    "/coverage",
    response={200: CoverageOut, **READ_ERRORS},
    summary="Tổ chức có người phụ trách, tại ngày",
)
def coverage(
    request,
    org: Code,
    as_of: Query[Day | None] = None,
    level: Literal["grassroots", "cells"] = "grassroots",
):
    """``grassroots``: grassroots organisations with an assignment on them; ``cells``: cells
    covered by an assignment on themselves or on the committee directly above."""
    found = org_or_404(request.auth, org)
    result = queries.coverage(found, as_of or today(), level)
    data = vars(result)
    data["uncovered"] = [{**row, "id": row["pk"]} for row in result.uncovered]
    return {"org": found.code, **data}


@router.get(
    "/assignments",
    response={200: list[AssignmentOut], **READ_ERRORS},
    summary="Phân công phụ trách",
)
@paginate(BoundedPagination)
def list_assignments(
    request,
    org: Code | None = None,
    member_id: Id | None = None,
    as_of: Query[Day | None] = None,
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
def targets(request, org: Code, year: Year | None = None):
    found = org_or_404(request.auth, org)
    rows = queries.targets(found, year or today().year, today())
    out = []
    for row in rows:
        quarters = [None] if row.assignment.target_period == TargetPeriod.YEAR else [1, 2, 3, 4]
        out.append(
            {
                "assignment": row.assignment,
                "periods": [
                    {"quarter": q, "done": done, "target": target, "state": state}
                    for q, (done, target, state) in zip(quarters, row.cells, strict=True)
                ],
            }
        )
    return out


# ---------------------------------------------------------------- working groups


@router.get("/groups", response={200: list[GroupOut], **READ_ERRORS}, summary="Tổ công tác")
@paginate(BoundedPagination)
def list_groups(request, org: Code | None = None, on: Query[Day | None] = None):
    """``org``: groups set up by committees in its subtree; ``on``: groups active that day."""
    qs = scope.restrict(_GROUP, request.auth).annotate(n_targets=Count("targets"))
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
    return 201, _group_detail(_GROUP.prefetch_related("members").get(pk=group.pk))


@router.get(
    "/groups/{group_id}",
    response={200: GroupDetail, **READ_ERRORS},
    summary="Tổ công tác và kế hoạch dự sinh hoạt",
)
def get_group(request, group_id: GroupId):
    return _group_detail(_group(request.auth, group_id))


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
    return 201, _group_detail(group)


@router.delete(
    "/groups/{group_id}/targets/{org}",
    response={200: GroupDetail, **WRITE_ERRORS},
    summary="Bỏ chi bộ khỏi kế hoạch của tổ",
)
def remove_target(request, group_id: GroupId, org: Code):
    group = _group(request.auth, group_id, scope.CHANGE)
    target = GroupTarget.objects.select_related("org", "group").filter(group=group, org__code=org)
    found = target.first()
    if found is None:
        raise Http404
    services.remove_group_target(actor=request.auth, target=found)
    return _group_detail(group)


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
    rows = _GROUP.filter(pk__in=wanted).annotate(n_targets=Count("targets")).order_by("name", "id")
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
    org: Code | None = None,
    state: OpinionState | None = None,
    topic: Code | None = None,
    overdue: bool | None = None,
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
    return 201, _full(opinion.pk, user)


@router.get(
    "/opinions/dashboard",
    response={200: DashboardOut, **READ_ERRORS},
    summary="Ý kiến chưa xong theo lĩnh vực, xã, thời gian; ý kiến quá hạn",
)
def dashboard(request, org: Code, as_of: Query[Day | None] = None):
    found = org_or_404(request.auth, org)
    data = queries.dashboard(found, as_of or today())
    return {
        **data,
        "org": found.code,
        "by_state": dict(data["by_state"]),
        "by_topic": [{"name": n, "count": c} for n, c in data["by_topic"]],
        "by_commune": [
            {"code": code, "name": n or "—", "count": c} for code, n, c in data["by_commune"]
        ],
        "by_age": [{"name": n, "count": c} for n, c in data["by_age"]],
    }


@router.get("/opinions/{opinion_id}", response={200: OpinionDetail, **READ_ERRORS})
def get_opinion(request, opinion_id: OpinionId):
    """With its history. The submitter's name and contact only with a sensitive grant over
    where it was heard or the committee that received it; each such read is logged."""
    found = scoped(Opinion.objects.all(), request.auth, scope.VIEW, pk=opinion_id)
    opinion = _full(found.pk, request.auth)
    submitter = permissions.submitter(request.auth, opinion, channel="api")
    opinion.submitter = submitter or None
    opinion.submitter_hidden = submitter is None
    return opinion


def _authorised(user, opinion_id: int, op: str) -> Opinion:
    """The opinion if a request for ``op`` may reach the service
    (``permissions.may_attempt``); refused is 404 like out of scope."""
    opinion = scoped(_OPINION, user, scope.VIEW, pk=opinion_id)
    if not permissions.may_attempt(user, op, opinion):
        raise Http404
    return opinion


def _steer(request, opinion_id: int, op: str, call):
    opinion = _authorised(request.auth, opinion_id, op)
    call(opinion)
    return _full(opinion.pk, request.auth)


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
    return _full(opinion.pk, request.auth)


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
def topics(request, include_retired: bool = False):
    qs = OpinionTopic.objects.all() if include_retired else OpinionTopic.objects.filter(active=True)
    return list(qs.order_by("position", "name"))
