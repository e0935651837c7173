"""The member router: search and read within scope, and the lifecycle through the services.

Sensitive fields (ethnicity, religion, ID number, health) appear only for callers with an
explicit grant, and each such read is written to the audit log; writing them needs the same
grant.
"""

from typing import Annotated

from ninja import Query, Router
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    SearchText,
    for_change,
)
from dangbo.core.errors import invalid
from dangbo.core.modelfields import label_of, max_length_of
from dangbo.core.text import clean_text
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import Organisation

from .. import queries, services
from ..choices import Status
from ..models import Member, MemberEvent
from .schemas import (
    Admission,
    Badge,
    BadgeOut,
    EndDate,
    EventOut,
    Exemption,
    Exit,
    InterruptionIn,
    InterruptionOut,
    MemberDetail,
    MemberId,
    MemberOut,
    Profile,
    Recognition,
    TemporaryTransfer,
    Transfer,
    TransferIn,
)

router = Router(tags=["members"])

# ---------------------------------------------------------------- helpers


def _values(payload: Profile) -> dict:
    """The fields the client sent, enums as their plain values."""
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if hasattr(value, "value"):
            data[key] = value.value
    return data


def _member(user, member_id: int, action: str = scope.VIEW) -> Member:
    qs = Member.objects.select_related("org")
    if action == scope.CHANGE:
        return for_change(qs, user, pk=member_id)
    return scope.get_or_404(qs, user, action, pk=member_id)


def _fresh(member: Member) -> Member:
    return Member.objects.select_related("org").get(pk=member.pk)


# ---------------------------------------------------------------- read


@router.get("/", response=list[MemberOut], summary="Tìm đảng viên trong phạm vi")
@paginate(BoundedPagination)
def list_members(
    request,
    q: Annotated[SearchText | None, Query(title="Từ khóa tìm kiếm")] = None,
    org: Annotated[Code | None, Query(title="Tổ chức")] = None,
    status: Annotated[Status | None, Query(title="Tình trạng")] = None,
    recognition_unknown: Annotated[
        bool | None, Query(title="Thiếu ngày công nhận chính thức")
    ] = None,
):
    """``q`` folds accents ("nguyen thi huong" finds "Nguyễn Thị Hương") or matches an exact
    card (8 digits) or ID (12 digits) number, typed with spaces or dots ("83.016532");
    ``org`` takes the whole subtree; ``recognition_unknown=true``: the official members
    whose recognition date is to be completed (``false``: every other one)."""
    qs = queries.visible_members(request.auth)
    if org:
        qs = qs.filter(org_or_404(request.auth, org).subtree_q("org__"))
    if status:
        qs = qs.filter(status=status.value)
    if recognition_unknown is not None:
        missing = queries.recognition_missing_q()
        qs = qs.filter(missing) if recognition_unknown else qs.exclude(missing)
    return queries.ordered(queries.search(qs, q, request.auth))


@router.post(
    "/transfer-in",
    response={201: MemberOut, **WRITE_ERRORS},
    summary="Tiếp nhận đảng viên từ nơi khác",
)
def transfer_in(request, payload: TransferIn):
    """A member arriving from outside the registry (another province, the armed forces…):
    the admission facts as recorded there, and the day they start in the cell."""
    org = org_field(request.auth, payload.org, "org", "Chi bộ")
    data = _values(payload)
    arrival = {
        k: data.pop(k, None)
        for k in (
            "admission_vote_date",
            "admission_decision_date",
            "admission_ceremony_date",
            "effective_date",
            "official_recognition_date",
            "decision_ref",
            "note",
        )
    }
    data.pop("org")
    member = services.transfer_in(
        actor=request.auth,
        org=org,
        data=data,
        effective_date=arrival["effective_date"],
        admission_decision_date=arrival["admission_decision_date"],
        admission_ceremony_date=arrival["admission_ceremony_date"],
        admission_vote_date=arrival["admission_vote_date"],
        official_recognition_date=arrival["official_recognition_date"],
        decision_ref=clean_text(
            arrival["decision_ref"] or "",
            label_of(MemberEvent, "decision_ref"),
            max_length=max_length_of(MemberEvent, "decision_ref"),
            required=False,
            field="decision_ref",
        ),
        note=clean_text(
            arrival["note"] or "",
            label_of(MemberEvent, "note"),
            max_length=max_length_of(MemberEvent, "note"),
            required=False,
            field="note",
        ),
    )
    return 201, _fresh(member)


@router.get("/{id}", response={200: MemberDetail, **READ_ERRORS}, summary="Hồ sơ đảng viên")
def get_member(request, id: MemberId):
    member = _member(request.auth, id)
    return MemberDetail.of(queries.member_file(request.auth, member, channel="api"))


@router.get("/{id}/timeline", response={200: list[EventOut], **READ_ERRORS})
def member_timeline(request, id: MemberId):
    member = _member(request.auth, id)
    allowed = queries.sensitive_fields(request.auth, member, channel="api") is not None  # logged
    return queries.timeline(member, sensitive=allowed)


# ---------------------------------------------------------------- lifecycle


@router.post("/", response={201: MemberOut, **WRITE_ERRORS}, summary="Kết nạp đảng viên")
def admit(request, payload: Admission):
    org = org_field(request.auth, payload.org, "org", "Chi bộ")
    data = _values(payload)
    dates = {
        k: data.pop(k, None)
        for k in ("admission_vote_date", "admission_decision_date", "admission_ceremony_date")
    }
    data.pop("org")
    member = services.admit_member(
        actor=request.auth,
        org=org,
        data=data,
        admission_decision_date=dates["admission_decision_date"],
        admission_ceremony_date=dates["admission_ceremony_date"],
        admission_vote_date=dates["admission_vote_date"],
    )
    return 201, _fresh(member)


@router.patch("/{id}", response={200: MemberOut, **WRITE_ERRORS}, summary="Sửa hồ sơ")
def update(request, id: MemberId, payload: Profile):
    member = _member(request.auth, id, scope.CHANGE)
    data = _values(payload)
    return _fresh(services.update_member(actor=request.auth, member=member, data=data))


@router.post("/{id}/recognise", response={200: MemberOut, **WRITE_ERRORS})
def recognise(request, id: MemberId, payload: Recognition):
    """Recognise a probationary member as official (12 months after the ceremony); for an
    official member whose recognition date is not known (``recognition_unknown``), record
    that date (the same checks) and clear the flag."""
    member = _member(request.auth, id, scope.CHANGE)
    return _fresh(
        services.recognise_official(
            actor=request.auth,
            member=member,
            recognition_date=payload.recognition_date,
            decision_ref=payload.decision_ref,
        )
    )


@router.post("/{id}/transfer", response={200: MemberOut, **WRITE_ERRORS})
def transfer(request, id: MemberId, payload: Transfer):
    """Official transfer to another cell; the destination must be in the caller's scope."""
    member = _member(request.auth, id, scope.CHANGE)
    to_org = org_field(request.auth, payload.to_org, "to_org", "Chi bộ chuyển đến")
    return _fresh(
        services.transfer_member(
            actor=request.auth,
            member=member,
            to_org=to_org,
            effective_date=payload.effective_date,
            letter_no=payload.letter_no,
            note=payload.note,
        )
    )


@router.post("/{id}/temporary-transfer", response={200: MemberOut, **WRITE_ERRORS})
def temporary_transfer(request, id: MemberId, payload: TemporaryTransfer):
    """Temporary activity elsewhere; the host cell may lie outside the caller's scope (a
    member who goes to study in another province), so any existing cell is accepted."""
    member = _member(request.auth, id, scope.CHANGE)
    to_org = Organisation.objects.filter(code=payload.to_org).first()
    if to_org is None:
        raise invalid(
            "to_org", f"Chi bộ sinh hoạt tạm thời: không có tổ chức mã “{payload.to_org}”."
        )
    services.temporary_transfer(
        actor=request.auth,
        member=member,
        to_org=to_org,
        start=payload.start,
        planned_end=payload.planned_end,
        reason=payload.reason.value,
        extended=payload.extended,
    )
    return _fresh(member)


@router.post("/{id}/end-temporary", response={200: MemberOut, **WRITE_ERRORS})
def end_temporary(request, id: MemberId, payload: EndDate):
    member = _member(request.auth, id, scope.CHANGE)
    services.end_temporary_transfer(actor=request.auth, member=member, end_date=payload.end_date)
    return _fresh(member)


@router.post("/{id}/exempt", response={200: MemberOut, **WRITE_ERRORS})
def exempt(request, id: MemberId, payload: Exemption):
    member = _member(request.auth, id, scope.CHANGE)
    services.exempt_member(
        actor=request.auth,
        member=member,
        category=payload.category.value,
        start=payload.start,
        resolution_ref=payload.resolution_ref,
    )
    return _fresh(member)


@router.post("/{id}/end-exemption", response={200: MemberOut, **WRITE_ERRORS})
def end_exemption(request, id: MemberId, payload: EndDate):
    member = _member(request.auth, id, scope.CHANGE)
    services.end_exemption(actor=request.auth, member=member, end_date=payload.end_date)
    return _fresh(member)


@router.post("/{id}/exit", response={200: MemberOut, **WRITE_ERRORS})
def exit_(request, id: MemberId, payload: Exit):
    """Leave the roll: transferred out, struck off, expelled, resigned or deceased."""
    member = _member(request.auth, id, scope.CHANGE)
    return _fresh(
        services.end_membership(
            actor=request.auth,
            member=member,
            kind=payload.kind,
            effective_date=payload.effective_date,
            decision_ref=payload.decision_ref,
            note=payload.note,
        )
    )


@router.post("/{id}/badges", response={201: BadgeOut, **WRITE_ERRORS}, summary="Trao Huy hiệu")
def award_badge(request, id: MemberId, payload: Badge):
    member = _member(request.auth, id, scope.CHANGE)
    badge = services.award_badge(
        actor=request.auth,
        member=member,
        milestone=payload.milestone,
        award_date=payload.award_date,
        badge_number=payload.badge_number,
    )
    # An early award means severe illness: shown only to a reader holding the grant.
    return 201, queries.badge_row(badge, sensitive=scope.can_view_sensitive(request.auth, member))


@router.post(
    "/{id}/interruptions",
    response={201: InterruptionOut, **WRITE_ERRORS},
    summary="Ghi gián đoạn sinh hoạt (điều chỉnh tuổi đảng)",
)
def record_interruption(request, id: MemberId, payload: InterruptionIn):
    member = _member(request.auth, id, scope.CHANGE)
    interruption = services.record_interruption(
        actor=request.auth,
        member=member,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        fee_backpaid=payload.fee_backpaid,
    )
    return 201, queries.interruption_row(interruption)
