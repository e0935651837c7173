"""Request and response schemas of the reports API (names prefixed "Report": one OpenAPI
component per class across the project)."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Path, Schema

from dangbo.core.api import MAX_ID, Code, Day, In, Year

ReportKindKey = Annotated[str, Path(max_length=20, title="Loại báo cáo")]
IssuedId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã báo cáo đã ban hành")]
ReportFileId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã tệp")]
Quarter = Annotated[int, Field(ge=1, le=4)]


class ReportKindOut(Schema):
    key: str = Field(title="Mã loại")
    label: str = Field(title="Tên loại")
    description: str = Field(title="Mô tả")
    quarterly: bool = Field(title="Báo cáo quý")
    background: bool = Field(title="Lập ở chế độ nền trên trang web")
    formats: list[str] = Field(title="Định dạng")


class ReportQuery(Schema):
    org: Code = Field(title="Tổ chức (mã)")
    year: Year = Field(title="Năm")
    quarter: Quarter | None = Field(None, title="Quý (1–4; chỉ cho báo cáo quý)")


class ReportBuiltOut(Schema):
    kind: str = Field(title="Loại báo cáo")
    org: str = Field(title="Tổ chức (mã)")
    org_name: str = Field(title="Tổ chức")
    year: int = Field(title="Năm")
    quarter: int | None = Field(title="Quý")
    period: str = Field(title="Kỳ báo cáo")
    title: str = Field(title="Tiêu đề")
    figures: dict[str, Any] = Field(title="Số liệu")
    text: str = Field(title="Nội dung")


class ReportIssueIn(In):
    org: Code = Field(title="Tổ chức (mã)")
    year: Year = Field(title="Năm")
    quarter: Quarter | None = Field(None, title="Quý (1–4; chỉ cho báo cáo quý)")
    number: Annotated[str, Field(max_length=30)] = Field(
        "", title="Số", description="Số của văn bản (ví dụ 15); để trống: ghi tay sau."
    )
    issued_on: Day | None = Field(None, title="Ngày ban hành", description="Mặc định: hôm nay.")


class ReportIssuedQuery(Schema):
    org: Code | None = Field(None, title="Tổ chức (mã; cả các tổ chức trực thuộc)")
    kind: Annotated[str, Field(max_length=20)] | None = Field(None, title="Loại báo cáo")
    year: Year | None = Field(None, title="Năm")


class ReportFileOut(Schema):
    id: int = Field(title="Mã tệp")
    name: str = Field(title="Tên tệp")
    content_type: str = Field(title="Kiểu nội dung")
    size: int = Field(title="Dung lượng (byte)")
    sha256: str = Field(title="Mã băm SHA-256")


class ReportIssuedOut(Schema):
    id: int = Field(title="Mã")
    kind: str = Field(title="Loại báo cáo")
    org: str = Field(title="Tổ chức (mã)")
    org_name: str = Field(title="Tổ chức")
    year: int = Field(title="Năm")
    quarter: int | None = Field(title="Quý")
    number: str = Field(title="Số")
    title: str = Field(title="Tiêu đề")
    issued_on: date = Field(title="Ngày ban hành")
    issued_at: datetime = Field(title="Ghi lúc")
    issued_by: str = Field(title="Người ban hành")
    sha256: str = Field(title="Mã băm SHA-256")


class ReportIssuedDetailOut(ReportIssuedOut):
    figures: dict[str, Any] = Field(title="Số liệu")
    text: str = Field(title="Nội dung")
    files: list[ReportFileOut] = Field(title="Tệp")
    intact: bool = Field(title="Khớp mã băm")


class ReportFigureChangeOut(Schema):
    key: str = Field(title="Số liệu")
    label: str = Field(title="Tên số liệu")
    change: str = Field(title="Thay đổi (added, removed, changed)")
    old: Any = Field(title="Khi ban hành")
    new: Any = Field(title="Hôm nay")


class ReportChangesOut(Schema):
    unchanged: bool = Field(title="Không có thay đổi")
    figures: list[ReportFigureChangeOut] = Field(title="Số liệu thay đổi")
    diff: list[str] = Field(title="Nội dung thay đổi (unified diff)")
