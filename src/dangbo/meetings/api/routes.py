"""The cell-meeting router: compliance, the meetings a cell recorded, attendance and votes.

Reading needs VIEW on the cell; recording needs MEETINGS (admin, organisation staff, the
cell's secretary)."""

from datetime import date
from typing import Annotated

from django.db.models import Prefetch
from ninja import Query, Router
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    Day,
    PathId,
    Year,
    fields_as,
    require,
    scoped,
)
from dangbo.core.dates import fmt, today
from dangbo.core.errors import invalid
from dangbo.members.models import Member
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import Organisation

from .. import queries, services
from ..choices import AttendanceStatus
from ..models import Attendance, Meeting, Vote
from .schemas import (
    AttendanceIn,
    AttendanceSet,
    ComplianceOut,
    MeetingCreate,
    MeetingDetail,
    MeetingOut,
    RosterOut,
    VoteIn,
    VoteOut,
)

router = Router(tags=["meetings"])


def _detail(pk: int, user) -> Meeting:
    """The meeting with its rows; absence reasons only for a reader with the sensitive grant
    over the cell (others get ``reason: null``, the status still says "Vắng có lý do")."""
    attendance = Attendance.objects.select_related("member").order_by("member__sort_key", "id")
    # The guests are oversight's visits, recorded against the meeting: reached through that
    # reverse relation (its model from the relation itself), so meetings never imports
    # oversight, the layer above it.
    visit_model = Meeting.visits.rel.related_model
    guest_model = visit_model.attendees.rel.related_model
    guests = guest_model.objects.select_related("member").order_by("id")
    meeting = (
        Meeting.objects.select_related("org", "chair", "secretary")
        .prefetch_related(
            Prefetch("attendance", queryset=attendance, to_attr="attendance_rows"),
            "votes",
            Prefetch(
                "visits",
                queryset=visit_model.objects.select_related("group")
                .order_by("id")
                .prefetch_related(Prefetch("attendees", queryset=guests)),
            ),
        )
        .get(pk=pk)
    )
    if services.hide_reasons(meeting.attendance_rows, user, meeting.org):
        for row in meeting.attendance_rows:
            row.reason = None
    return meeting


def _meeting(user, pk: int, action: str = scope.VIEW) -> Meeting:
    meeting = scoped(Meeting.objects.select_related("org"), user, scope.VIEW, pk=pk)
    if action != scope.VIEW:
        require(user, action, meeting.org)
    return meeting


def _attendance(user, org: Organisation, day: date, rows: list[AttendanceIn] | None) -> dict | None:
    """The service's ``{member id: (status, reason)}``. Anyone not summoned on that day is
    refused here, by id, and named only when the caller may see them."""
    if rows is None:
        return None
    out: dict[int, tuple[str, str]] = {}
    for row in rows:
        if row.member_id in out:
            raise invalid("attendance", f"Điểm danh: đảng viên mã {row.member_id} có hai dòng.")
        out[row.member_id] = (row.status.value, row.reason)
    if day > today() or day < org.valid_from:
        return out  # the service names the date as the problem
    summoned = {e.member.pk for e in services.roster(org, day)}
    unknown = [pk for pk in out if pk not in summoned]
    if unknown:
        names = dict(
            scope.restrict(Member.objects.filter(pk__in=unknown[:5]), user).values_list(
                "pk", "full_name"
            )
        )
        who = ", ".join(names.get(pk, f"đảng viên mã {pk}") for pk in unknown[:5])
        raise invalid(
            "attendance", f"Điểm danh: {who} không sinh hoạt ở {org.name} vào ngày {fmt(day)}."
        )
    return out


def _officer(org: Organisation, day: date, member_id: int | None, field: str, label: str):
    """Chair and secretary come from the cell's roster of that day."""
    if member_id is None:
        return None
    for entry in services.roster(org, day):
        if entry.member.pk == member_id:
            return entry.member
    raise invalid(
        field,
        f"{label}: đảng viên mã {member_id} không sinh hoạt ở {org.name} vào ngày {fmt(day)}.",
    )


@router.get(
    "/compliance",
    response={200: ComplianceOut, **READ_ERRORS},
    summary="Việc sinh hoạt chi bộ theo quy định, tính đến ngày",
)
def compliance(
    request,
    org: Annotated[Code, Query(title="Tổ chức")],
    as_of: Annotated[Day | None, Query(title="Ngày tính")] = None,
):
    """Rule 17 (a regular meeting each month, a thematic one each quarter) and rule 13
    (members absent without reason in three months of the year) over ``org``'s cells."""
    found = org_or_404(request.auth, org)
    result = queries.compliance(found, as_of or today())
    flagged = [f["member_id"] for f in result.flagged_members]
    visible = set(
        scope.restrict(Member.objects.filter(pk__in=flagged), request.auth).values_list(
            "pk", flat=True
        )
    )
    for row in result.flagged_members:
        if row["member_id"] not in visible:  # moved out of scope since: not where to
            row["org_code"] = row["org_name"] = ""
    return {"org": found.code, "org_name": found.name, **vars(result)}


@router.get(
    "/", response={200: list[MeetingOut], **READ_ERRORS}, summary="Buổi sinh hoạt của chi bộ"
)
@paginate(BoundedPagination)
def list_meetings(
    request,
    org: Annotated[Code, Query(title="Chi bộ")],
    year: Annotated[Year | None, Query(title="Năm")] = None,
):
    cell = org_or_404(request.auth, org)
    return queries.meetings_of(cell, year).select_related("org")


@router.post("/", response={201: MeetingDetail, **WRITE_ERRORS}, summary="Ghi buổi sinh hoạt")
def create_meeting(request, payload: MeetingCreate):
    """Needs the right to record the cell's meetings; attendance and officers must be on the
    cell's roster that day."""
    cell = org_field(request.auth, payload.org, "org", "Chi bộ", scope.MEETINGS)
    valid_day = payload.date <= today() and payload.date >= cell.valid_from
    chair = secretary = None
    if valid_day:
        chair = _officer(cell, payload.date, payload.chair_id, "chair_id", "Chủ trì")
        secretary = _officer(cell, payload.date, payload.secretary_id, "secretary_id", "Thư ký")
    attendance = _attendance(request.auth, cell, payload.date, payload.attendance)
    data = payload.model_dump(include=set(services.MEETING_FIELDS))
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
    with fields_as({"chair": "chair_id", "secretary": "secretary_id"}):
        meeting = services.record_meeting(
            actor=request.auth,
            org=cell,
            day=payload.date,
            data=data,
            attendance=attendance,
            chair=chair,
            secretary=secretary,
        )
    return 201, _detail(meeting.pk, request.auth)


@router.get(
    "/{meeting_id}", response={200: MeetingDetail, **READ_ERRORS}, summary="Chi tiết buổi sinh hoạt"
)
def get_meeting(request, meeting_id: Annotated[int, PathId("Mã buổi sinh hoạt")]):
    """With attendance, votes, and the superiors who attended (visits)."""
    return _detail(_meeting(request.auth, meeting_id).pk, request.auth)


@router.put(
    "/{meeting_id}/attendance",
    response={200: MeetingDetail, **WRITE_ERRORS},
    summary="Điểm danh (thay toàn bộ)",
)
def set_attendance(
    request, meeting_id: Annotated[int, PathId("Mã buổi sinh hoạt")], payload: AttendanceSet
):
    """Every summoned member gets a row; those not named take their default status."""
    meeting = _meeting(request.auth, meeting_id, scope.MEETINGS)
    attendance = _attendance(request.auth, meeting.org, meeting.date, payload.attendance)
    with fields_as({}):
        services.set_attendance(actor=request.auth, meeting=meeting, attendance=attendance)
    return _detail(meeting.pk, request.auth)


@router.post(
    "/{meeting_id}/votes", response={201: VoteOut, **WRITE_ERRORS}, summary="Ghi kết quả biểu quyết"
)
def record_vote(request, meeting_id: Annotated[int, PathId("Mã buổi sinh hoạt")], payload: VoteIn):
    """The denominator is computed from the attendance (official members summoned, less
    those excused, exempted or away); passed means more than half of it voted yes."""
    meeting = _meeting(request.auth, meeting_id, scope.MEETINGS)
    vote: Vote = services.record_vote(
        actor=request.auth,
        meeting=meeting,
        motion=payload.motion,
        yes=payload.yes,
        no=payload.no,
        abstain=payload.abstain,
    )
    return 201, vote


@router.get(
    "/{meeting_id}/roster",
    response={200: list[RosterOut], **READ_ERRORS},
    summary="Danh sách triệu tập, với tình trạng mặc định",
)
def roster(request, meeting_id: Annotated[int, PathId("Mã buổi sinh hoạt")]):
    meeting = _meeting(request.auth, meeting_id)
    recorded = dict(meeting.attendance.values_list("member_id", "status"))
    return [
        {
            "member_id": e.member.pk,
            "full_name": e.member.full_name,
            "official": e.official,
            "guest": e.guest,
            "default_status": str(e.default_status),
            "default_status_label": str(AttendanceStatus(e.default_status).label),
            "recorded_status": recorded.get(e.member.pk),
        }
        for e in services.roster(meeting.org, meeting.date)
    ]
