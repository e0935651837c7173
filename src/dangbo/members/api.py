"""The member router: search and read within scope, and the lifecycle through the services.

Sensitive fields (ethnicity, religion, ID number, health) appear only for callers with an
explicit grant, and each such read is written to the audit log; writing them needs the same
grant.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from dangbo.core import scope
from dangbo.core.api import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    BoundedPagination,
    Code,
    In,
    IsoDate,
    SearchText,
    for_change,
    model_text,
)
from dangbo.core.errors import invalid
from dangbo.core.modelfields import max_length_of
from dangbo.core.text import clean_text
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import Organisation

from . import queries, services
from .choices import ExemptionCategory, Gender, PoliticalTheory, Status, TemporaryReason
from .models import BadgeAward, Member, MemberEvent, PartyAgeInterruption
from .models import Exemption as ExemptionRecord

router = Router(tags=["members"])

MemberId = Annotated[int, Path(ge=1, le=MAX_ID)]
ExitKind = Literal["transferred_out", "struck_off", "expelled", "resigned", "deceased"]

# ---------------------------------------------------------------- schemas


class MemberOut(Schema):
    id: int
    full_name: str
    gender: str
    date_of_birth: date
    status: str
    status_label: str
    org: str = Field(description="Mã chi bộ sinh hoạt chính thức")
    org_name: str
    card_number: str
    admission_decision_date: date
    admission_ceremony_date: date
    official_recognition_date: date | None
    exit_date: date | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_org(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class BadgeDueOut(Schema):
    milestone: int
    milestone_date: date
    award_round: date
    early: bool


class SummaryOut(Schema):
    probation_end: date
    recognition_overdue: bool
    party_age: int | None
    badge_due: BadgeDueOut | None
    badges: list[int]
    age: int


class SensitiveOut(Schema):
    ethnicity: str
    religion: str
    id_number: str
    severe_illness: bool


class MemberDetail(MemberOut):
    birth_name: str
    aliases: str
    birthplace: str
    home_town: str
    permanent_address: str
    temporary_address: str
    phone: str
    education: str
    qualification: str
    political_theory: str
    languages: str
    occupation: str
    workplace: str
    record_number: str
    admission_vote_date: date | None
    summary: SummaryOut
    sensitive: SensitiveOut | None = Field(
        None,
        description="Chỉ có khi được cấp quyền xem thông tin nhạy cảm; mỗi lần đọc được ghi nhật ký",
    )


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    effective_date: date
    from_org: str | None
    to_org: str | None
    status_after: str
    decision_ref: str
    note: str
    data: dict[str, Any]
    recorded_at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_from_org(obj) -> str | None:
        return obj.from_org.code if obj.from_org_id else None

    @staticmethod
    def resolve_to_org(obj) -> str | None:
        return obj.to_org.code if obj.to_org_id else None


class BadgeOut(Schema):
    milestone: int
    award_date: date
    early: bool
    posthumous: bool
    badge_number: str


def _text(name: str, *, digits: bool = False):
    """A record field as the model defines it (length, label): ``dangbo.core.api.model_text``."""
    return model_text(Member, name, digits=digits)


class Profile(In):
    """Record fields; every one optional so that PATCH changes only what is sent."""

    full_name: _text("full_name") = None
    birth_name: _text("birth_name") = None
    aliases: _text("aliases") = None
    gender: Gender = None
    date_of_birth: IsoDate = None
    birthplace: _text("birthplace") = None
    home_town: _text("home_town") = None
    permanent_address: _text("permanent_address") = None
    temporary_address: _text("temporary_address") = None
    phone: _text("phone", digits=True) = None
    ethnicity: _text("ethnicity") = None
    religion: _text("religion") = None
    id_number: _text("id_number", digits=True) = None
    severe_illness: bool = None
    education: _text("education") = None
    qualification: _text("qualification") = None
    political_theory: PoliticalTheory = None
    languages: _text("languages") = None
    occupation: _text("occupation") = None
    workplace: _text("workplace") = None
    card_number: _text("card_number", digits=True) = None
    record_number: _text("record_number") = None


class Admission(Profile):
    org: Code = Field(description="Mã chi bộ kết nạp")
    full_name: _text("full_name")
    gender: Gender
    date_of_birth: IsoDate
    admission_vote_date: IsoDate | None = None
    admission_decision_date: IsoDate
    admission_ceremony_date: IsoDate


class TransferIn(Admission):
    org: Code = Field(description="Mã chi bộ tiếp nhận")
    effective_date: IsoDate = Field(description="Ngày tiếp nhận (bắt đầu sinh hoạt tại chi bộ)")
    official_recognition_date: IsoDate | None = Field(
        None, description="Ngày công nhận chính thức; để trống nếu còn dự bị"
    )
    decision_ref: model_text(MemberEvent, "decision_ref") = ""
    note: model_text(MemberEvent, "note", description="Chuyển đến từ đâu") = ""


class InterruptionIn(In):
    start: IsoDate
    end: IsoDate
    reason: model_text(PartyAgeInterruption, "reason")
    fee_backpaid: bool = False


class InterruptionOut(Schema):
    id: int
    start: date
    end: date
    reason: str
    fee_backpaid: bool
    party_age: int | None = Field(description="Tuổi đảng hôm nay, sau khi trừ thời gian gián đoạn")

    @staticmethod
    def resolve_start(obj) -> date:
        return obj.interrupted_from

    @staticmethod
    def resolve_end(obj) -> date:
        return obj.interrupted_to

    @staticmethod
    def resolve_party_age(obj) -> int | None:
        return queries.summary(obj.member)["party_age"]


class Recognition(In):
    recognition_date: IsoDate
    decision_ref: model_text(MemberEvent, "decision_ref") = ""


class Transfer(In):
    to_org: Code
    effective_date: IsoDate
    letter_no: str = Field("", max_length=100)
    note: model_text(MemberEvent, "note") = ""


class TemporaryTransfer(In):
    to_org: Code
    start: IsoDate
    planned_end: IsoDate
    reason: TemporaryReason
    extended: bool = False


class EndDate(In):
    end_date: IsoDate


class Exemption(In):
    category: ExemptionCategory
    start: IsoDate
    resolution_ref: model_text(ExemptionRecord, "resolution_ref") = ""


class Exit(In):
    kind: ExitKind
    effective_date: IsoDate
    decision_ref: model_text(MemberEvent, "decision_ref") = ""
    note: model_text(MemberEvent, "note") = ""


class Badge(In):
    milestone: int = Field(ge=1, le=200)
    award_date: IsoDate
    badge_number: model_text(BadgeAward, "badge_number") = ""


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
    q: SearchText | None = None,
    org: Code | None = None,
    status: Status | None = None,
):
    """``q`` folds accents ("nguyen thi huong" finds "Nguyễn Thị Hương") or matches an exact
    card (8 digits) or ID (12 digits) number; ``org`` takes the whole subtree."""
    qs = queries.visible_members(request.auth)
    if org:
        qs = qs.filter(org_or_404(request.auth, org).subtree_q("org__"))
    if status:
        qs = qs.filter(status=status.value)
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
            "Số quyết định",
            max_length=max_length_of(MemberEvent, "decision_ref"),
            required=False,
            field="decision_ref",
        ),
        note=clean_text(
            arrival["note"] or "",
            "Ghi chú",
            max_length=max_length_of(MemberEvent, "note"),
            required=False,
            field="note",
        ),
    )
    return 201, _fresh(member)


@router.get("/{id}", response={200: MemberDetail, **READ_ERRORS}, summary="Hồ sơ đảng viên")
def get_member(request, id: MemberId):
    member = _member(request.auth, id)
    member.sensitive = queries.sensitive_fields(request.auth, member, channel="api")
    member.summary = queries.summary(member, sensitive=member.sensitive is not None)
    return member


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
    """Recognise a probationary member as official (12 months after the ceremony)."""
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
    if not scope.can_view_sensitive(request.auth, member):
        badge.early = False  # an early award means severe illness: not for this reader
    return 201, badge


@router.post(
    "/{id}/interruptions",
    response={201: InterruptionOut, **WRITE_ERRORS},
    summary="Ghi gián đoạn sinh hoạt (điều chỉnh tuổi đảng)",
)
def record_interruption(request, id: MemberId, payload: InterruptionIn):
    member = _member(request.auth, id, scope.CHANGE)
    return 201, services.record_interruption(
        actor=request.auth,
        member=member,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        fee_backpaid=payload.fee_backpaid,
    )
