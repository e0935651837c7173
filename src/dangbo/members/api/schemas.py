"""The member router's request and response schemas.

Every request field carries the Vietnamese title an error names it by; record fields take
theirs, and their lengths, from the model (``model_text``, ``label_of``).
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema

from dangbo.core.api import MAX_ID, Code, In, IsoDate, model_text
from dangbo.core.modelfields import label_of

from ..choices import ExemptionCategory, Gender, PoliticalTheory, TemporaryReason
from ..models import BadgeAward, Member, MemberEvent, PartyAgeInterruption
from ..models import Exemption as ExemptionRecord
from ..queries import MemberFile

# Titled like ``core.api.PathId``, without the description it would add to the document.
MemberId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã đảng viên")]
ExitKind = Literal["transferred_out", "struck_off", "expelled", "resigned", "deceased"]


# ---------------------------------------------------------------- responses


class MemberOut(Schema):
    id: int
    full_name: str
    gender: str
    date_of_birth: date
    status: str
    status_label: str = Field(alias="get_status_display")
    org: str = Field(alias="org.code", description="Mã chi bộ sinh hoạt chính thức")
    org_name: str = Field(alias="org.name")
    card_number: str
    admission_decision_date: date
    admission_ceremony_date: date
    official_recognition_date: date | None
    recognition_unknown: bool = Field(
        description="Đảng viên chính thức chưa rõ ngày công nhận chính thức (cần bổ sung)"
    )
    exit_date: date | None


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


class MemberRecord(MemberOut):
    # The member's own columns: the detail without what is derived or guarded.

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


class MemberDetail(MemberRecord):
    summary: SummaryOut
    sensitive: SensitiveOut | None = Field(
        None,
        description="Chỉ có khi được cấp quyền xem thông tin nhạy cảm; mỗi lần đọc được ghi nhật ký",
    )

    @classmethod
    def of(cls, record: MemberFile) -> "MemberDetail":
        """The read model as the response: the member's columns, its summary, and the
        sensitive fields only when the reader holds the grant."""
        columns = MemberRecord.model_validate(record.member).model_dump(by_alias=True)
        return cls.model_validate(
            {**columns, "summary": record.summary, "sensitive": record.sensitive}
        )


class EventOut(Schema):
    # A ``queries.TimelineEntry`` (no docstring: it would become the schema's description).

    id: int
    kind: str
    kind_label: str
    effective_date: date
    from_org: str | None = Field(alias="from_code")
    to_org: str | None = Field(alias="to_code")
    status_after: str
    decision_ref: str
    note: str
    data: dict[str, Any]
    recorded_at: datetime


class BadgeOut(Schema):
    # A ``queries.BadgeRow`` (no docstring: it would become the schema's description).

    milestone: int
    award_date: date
    early: bool
    posthumous: bool
    badge_number: str


class InterruptionOut(Schema):
    # A ``queries.InterruptionRow`` (no docstring: it would become the schema's description).

    id: int
    start: date
    end: date
    reason: str
    fee_backpaid: bool
    party_age: int | None = Field(description="Tuổi đảng hôm nay, sau khi trừ thời gian gián đoạn")


# ---------------------------------------------------------------- requests


def _text(name: str, *, digits: bool = False):
    """A record field as the model defines it (length, label): ``dangbo.core.api.model_text``."""
    return model_text(Member, name, digits=digits)


def _label(name: str) -> str:
    """A record field's label as the model writes it ("Ngày sinh")."""
    return label_of(Member, name)


class Profile(In):
    """Record fields; every one optional so that PATCH changes only what is sent."""

    full_name: _text("full_name") = None
    birth_name: _text("birth_name") = None
    aliases: _text("aliases") = None
    gender: Gender = Field(None, title=_label("gender"))
    date_of_birth: IsoDate = Field(None, title=_label("date_of_birth"))
    birthplace: _text("birthplace") = None
    home_town: _text("home_town") = None
    permanent_address: _text("permanent_address") = None
    temporary_address: _text("temporary_address") = None
    phone: _text("phone", digits=True) = None
    ethnicity: _text("ethnicity") = None
    religion: _text("religion") = None
    id_number: _text("id_number", digits=True) = None
    severe_illness: bool = Field(None, title=_label("severe_illness"))
    education: _text("education") = None
    qualification: _text("qualification") = None
    political_theory: PoliticalTheory = Field(None, title=_label("political_theory"))
    languages: _text("languages") = None
    occupation: _text("occupation") = None
    workplace: _text("workplace") = None
    card_number: _text("card_number", digits=True) = None
    record_number: _text("record_number") = None


class Admission(Profile):
    org: Code = Field(title="Chi bộ", description="Mã chi bộ kết nạp")
    full_name: _text("full_name")
    gender: Gender = Field(title=_label("gender"))
    date_of_birth: IsoDate = Field(title=_label("date_of_birth"))
    admission_vote_date: IsoDate | None = Field(None, title=_label("admission_vote_date"))
    admission_decision_date: IsoDate = Field(title=_label("admission_decision_date"))
    admission_ceremony_date: IsoDate = Field(title=_label("admission_ceremony_date"))


class TransferIn(Admission):
    org: Code = Field(title="Chi bộ", description="Mã chi bộ tiếp nhận")
    effective_date: IsoDate = Field(
        title="Ngày tiếp nhận", description="Ngày tiếp nhận (bắt đầu sinh hoạt tại chi bộ)"
    )
    official_recognition_date: IsoDate | None = Field(
        None,
        title=_label("official_recognition_date"),
        description="Ngày công nhận chính thức; để trống nếu còn dự bị",
    )
    decision_ref: model_text(MemberEvent, "decision_ref") = ""
    note: model_text(MemberEvent, "note", description="Chuyển đến từ đâu") = ""


class InterruptionIn(In):
    start: IsoDate = Field(title=label_of(PartyAgeInterruption, "interrupted_from"))
    end: IsoDate = Field(title=label_of(PartyAgeInterruption, "interrupted_to"))
    reason: model_text(PartyAgeInterruption, "reason")
    fee_backpaid: bool = Field(False, title=label_of(PartyAgeInterruption, "fee_backpaid"))


class Recognition(In):
    recognition_date: IsoDate = Field(title=_label("official_recognition_date"))
    decision_ref: model_text(MemberEvent, "decision_ref") = ""


class Transfer(In):
    to_org: Code = Field(title="Chi bộ chuyển đến")
    effective_date: IsoDate = Field(title="Ngày chuyển")
    letter_no: str = Field("", max_length=100, title="Số giấy giới thiệu")
    note: model_text(MemberEvent, "note") = ""


class TemporaryTransfer(In):
    to_org: Code = Field(title="Chi bộ sinh hoạt tạm thời")
    start: IsoDate = Field(title="Ngày bắt đầu")
    planned_end: IsoDate = Field(title="Ngày kết thúc dự kiến")
    reason: TemporaryReason = Field(title="Lý do")
    extended: bool = Field(False, title="Được gia hạn")


class EndDate(In):
    end_date: IsoDate = Field(title="Ngày kết thúc")


class Exemption(In):
    category: ExemptionCategory = Field(title="Lý do miễn")
    start: IsoDate = Field(title="Ngày bắt đầu miễn")
    resolution_ref: model_text(ExemptionRecord, "resolution_ref") = ""


class Exit(In):
    kind: ExitKind = Field(title="Loại sự kiện")
    effective_date: IsoDate = Field(title="Ngày hiệu lực")
    decision_ref: model_text(MemberEvent, "decision_ref") = ""
    note: model_text(MemberEvent, "note") = ""


class Badge(In):
    milestone: int = Field(ge=1, le=200, title="Mốc huy hiệu")
    award_date: IsoDate = Field(title=label_of(BadgeAward, "award_date"))
    badge_number: model_text(BadgeAward, "badge_number") = ""
