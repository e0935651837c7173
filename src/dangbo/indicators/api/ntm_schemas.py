"""Request and response shapes of the new-rural API. Every request field has a Vietnamese
title (a 422 names it)."""

from datetime import date

from ninja import Field, Schema

from dangbo.core.api import Code, Day, In, Year

from ..ntm import MAX_EVIDENCE

SetCode = str


class NtmOrgRef(Schema):
    code: str
    name: str


class NtmDocumentOut(Schema):
    number: str
    issuer: str
    issue_date: date


class NtmCriterionOut(Schema):
    number: int
    name: str
    group_name: str
    verified: bool


class NtmSetOut(Schema):
    code: str
    name: str
    document: NtmDocumentOut
    valid_from: date
    valid_to: date | None
    commune_groups: int
    verified: bool
    note: str
    criteria: list[NtmCriterionOut]


class NtmBoardRowOut(Schema):
    commune: NtmOrgRef
    results: list[bool | None]  # per criterion, in the board's order: met, not, unknown
    met: int
    recognised_on: date | None


class NtmBoardOut(Schema):
    org: NtmOrgRef
    year: int
    as_of: date
    set: str | None
    sets: list[str]
    criteria: list[NtmCriterionOut]
    rows: list[NtmBoardRowOut]
    criterion_met: list[int]
    communes: int
    recognised: int
    totals: str


class NtmSummaryOut(Schema):
    org: NtmOrgRef
    day: date
    communes: int
    met: int
    set: str | None


class NtmResultIn(In):
    number: int = Field(ge=1, le=999, title="Số thứ tự tiêu chí")
    met: bool | None = Field(
        title="Đạt", description="true: đạt; false: chưa đạt; null: xóa kết quả đã ghi"
    )
    evidence: str = Field("", max_length=MAX_EVIDENCE, title="Minh chứng")


class NtmAssessIn(In):
    org: Code = Field(title="Xã", description="Mã tổ chức đảng của xã")
    year: Year = Field(title="Năm")
    set: str | None = Field(
        None,
        max_length=40,
        title="Bộ tiêu chí",
        description="Mã bộ tiêu chí; mặc định: bộ áp dụng cuối năm (năm có hai bộ mới cần)",
    )
    results: list[NtmResultIn] = Field(max_length=200, title="Kết quả từng tiêu chí")


class NtmAssessOut(Schema):
    org: NtmOrgRef
    year: int
    set: str
    criteria: int
    met: int
    changed: int


class NtmRecogniseIn(In):
    org: Code = Field(title="Xã", description="Mã tổ chức đảng của xã")
    document_number: str = Field(max_length=64, title="Số quyết định công nhận")
    document_issuer: str | None = Field(
        None, max_length=200, title="Cơ quan ban hành", description="Mặc định: UBND tỉnh Vĩnh Phúc"
    )
    document_date: Day = Field(title="Ngày quyết định")
    recognised_on: Day | None = Field(
        None, title="Ngày công nhận", description="Mặc định: ngày của quyết định"
    )
    set: str | None = Field(
        None,
        max_length=40,
        title="Bộ tiêu chí",
        description="Mã bộ tiêu chí; mặc định: bộ áp dụng vào ngày công nhận",
    )


class NtmRevokeIn(In):
    revoked_on: Day = Field(title="Ngày thu hồi")
    reason: str = Field("", max_length=MAX_EVIDENCE, title="Lý do thu hồi")


class NtmRecognitionOut(Schema):
    id: int
    org: NtmOrgRef
    set: str
    recognised_on: date
    revoked_on: date | None
    document: NtmDocumentOut
