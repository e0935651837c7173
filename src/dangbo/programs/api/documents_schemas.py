"""Request and response schemas of the document register's API."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Schema

from dangbo.core.api import MAX_ID, Code, Day, Id, In, SearchText, Year, model_text
from dangbo.core.models import LegalDocument

DocId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã văn bản")]
FileId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã tệp")]
KIND_HELP = "QD, QDTW, QC, HD, NQ, KL, CT, CTR, CV, KH, BC, TB, ND, LUAT, KHAC"


class RegisterQuery(Schema):
    q: SearchText | None = Field(None, title="Số hiệu, trích yếu (không cần dấu)")
    kind: Annotated[str, Field(max_length=8)] | None = Field(
        None, title="Loại văn bản", description=KIND_HELP
    )
    issuer: SearchText | None = Field(None, title="Cơ quan ban hành")
    body: Code | None = Field(None, title="Cấp ủy ban hành (mã tổ chức)")
    year: Year | None = Field(None, title="Năm ban hành")


class RegisterIn(In):
    number: model_text(LegalDocument, "number") = Field(title="Số hiệu")  # type: ignore[valid-type]
    kind: Annotated[str, Field(max_length=8)] = Field(title="Loại văn bản", description=KIND_HELP)
    issue_date: Day = Field(title="Ngày ban hành")
    issuer: model_text(LegalDocument, "issuer") = Field(  # type: ignore[valid-type]
        "", title="Cơ quan ban hành", description="Để trống thì lấy tên cấp ủy ban hành."
    )
    title: model_text(LegalDocument, "title") = Field("", title="Trích yếu")  # type: ignore[valid-type]
    body: Code | None = Field(None, title="Cấp ủy ban hành (mã tổ chức)")
    effective_from: Day | None = Field(None, title="Hiệu lực từ")
    effective_to: Day | None = Field(None, title="Hết hiệu lực")
    implements_id: Id | None = Field(None, title="Thực hiện văn bản (mã văn bản)")
    replaced_by_id: Id | None = Field(None, title="Được thay thế bởi (mã văn bản)")
    applies_to: list[Code] = Field([], max_length=500, title="Áp dụng cho (mã các tổ chức)")


class RegisterPatch(In):
    number: model_text(LegalDocument, "number") | None = Field(None, title="Số hiệu")  # type: ignore[valid-type]
    kind: Annotated[str, Field(max_length=8)] | None = Field(
        None, title="Loại văn bản", description=KIND_HELP
    )
    issue_date: Day | None = Field(None, title="Ngày ban hành")
    issuer: model_text(LegalDocument, "issuer") | None = Field(None, title="Cơ quan ban hành")  # type: ignore[valid-type]
    title: model_text(LegalDocument, "title") | None = Field(None, title="Trích yếu")  # type: ignore[valid-type]
    body: Code | None = Field(None, title="Cấp ủy ban hành (mã tổ chức; null: không có)")
    effective_from: Day | None = Field(None, title="Hiệu lực từ")
    effective_to: Day | None = Field(None, title="Hết hiệu lực")
    implements_id: Id | None = Field(None, title="Thực hiện văn bản (mã văn bản; null: bỏ)")
    replaced_by_id: Id | None = Field(None, title="Được thay thế bởi (mã văn bản; null: bỏ)")
    applies_to: list[Code] | None = Field(
        None, max_length=500, title="Áp dụng cho (mã các tổ chức; thay cả danh sách)"
    )


class DocRef(Schema):
    id: int
    number: str
    kind: str
    issue_date: date
    title: str
    issuer: str


class RegisterOut(DocRef):
    kind_label: str = Field(..., alias="get_kind_display")
    effective_from: date | None
    effective_to: date | None
    body: str | None = Field(None, alias="body.code")
    body_name: str | None = Field(None, alias="body.name")
    implements_id: int | None
    replaced_by_id: int | None
    recorded_at: datetime | None


class RegisterOrgOut(Schema):
    code: str
    name: str


class ProgramRef(Schema):
    id: int
    title: str
    kind: str
    org: str = Field(..., alias="org.code")
    org_name: str = Field(..., alias="org.name")
    start: date
    end: date


class FileOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class RegisterDetailOut(RegisterOut):
    chain: list[DocRef] = Field(
        ..., alias="_api_chain", description="Văn bản được thực hiện, lần lên cấp trên"
    )
    implemented_by: list[DocRef] = Field(
        ..., alias="_api_implemented_by", description="Văn bản thực hiện văn bản này"
    )
    implementing_programs: list[ProgramRef] = Field(
        ...,
        alias="_api_implementing_programs",
        description="Chương trình ban hành theo văn bản thực hiện văn bản này",
    )
    programs: list[ProgramRef] = Field(
        ..., alias="_api_programs", description="Chương trình ban hành theo văn bản này"
    )
    replaces: list[DocRef] = Field(..., alias="_api_replaces")
    replaced_by: DocRef | None = Field(None, alias="_api_replaced_by")
    applies_to: list[RegisterOrgOut] = Field(..., alias="_api_applies_to")
    files: list[FileOut] = Field(..., alias="_api_files")
