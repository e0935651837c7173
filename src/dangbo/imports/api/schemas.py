"""The imports router's request and response schemas."""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema

from dangbo.core.api import MAX_ID

JobId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã lần nhập")]
ImportKind = Literal["members", "orgs", "indicators"]


class JobOut(Schema):
    id: int
    kind: str
    state: str
    state_label: str
    original_name: str
    size: int
    sha256: str
    encoding: str
    notes: list[str]
    problem: str
    counts: dict[str, int]
    rows_done: int
    rows_total: int | None
    can_commit: bool
    created_at: datetime
    finished_at: datetime | None
    # The user's answers and overrides (the same keys as ``options``' request), what the
    # last run found in each sheet, and the questions a commit waits for.
    options: dict[str, Any]
    sheets: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    unanswered: list[str]

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_unanswered(obj) -> list[str]:
        return [q["key"] for q in obj.unanswered]


class RowOut(Schema):
    row_no: int
    sheet: str
    state: str
    action: str
    label: str
    messages: list[str]
    errors: list[str]
    warnings: list[str]
    inferred: dict[str, Any]  # errors, warnings: ImportRow's properties


RowNumbers = int | str | dict[str, int | str | None] | None


class OrgOverride(Schema):
    kind: str | None = Field(None, title="Loại tổ chức", max_length=40)
    sector: str | None = Field(None, title="Lĩnh vực", max_length=40)
    code: str | None = Field(None, title="Mã tổ chức", max_length=64)


class OptionsIn(Schema):
    """The corrections of a preview; a field left out is unchanged, null removes it."""

    sheets: list[str] | str | None = Field(
        None, title="Các trang cần đọc (danh sách, hoặc tên cách nhau bởi dấu phẩy)"
    )
    header_row: RowNumbers = Field(
        None, title="Dòng tiêu đề: số dòng, “Trang:số dòng” hoặc {trang: số dòng}"
    )
    last_row: RowNumbers = Field(
        None, title="Dòng cuối: số dòng, “Trang:số dòng” hoặc {trang: số dòng}"
    )
    unknown_recognition: Literal["official", "probationary"] | None = Field(
        None, title="Cách đọc đảng viên không có ngày chính thức (official hoặc probationary)"
    )
    parent: str | None = Field(
        None, title="Tổ chức cấp trên của danh sách (tên hoặc mã)", max_length=300
    )
    valid_from: str | None = Field(
        None, title="Ngày thành lập của các tổ chức trong danh sách (ngày/tháng/năm)", max_length=30
    )
    year: str | None = Field(
        None, title="Năm của số liệu chỉ tiêu (khi tệp không ghi năm)", max_length=4
    )
    orgs: dict[str, OrgOverride | None] | None = Field(
        None, title="Sửa loại, lĩnh vực, mã của tổ chức theo dòng (“12” hoặc “Trang:12”)"
    )


class RowFilter(Schema):
    state: Literal["new", "update", "unchanged", "warning", "error"] | None = Field(
        None, title="Kết quả dòng"
    )
    action: Literal["new", "update", "unchanged", "duplicate", "error"] | None = Field(
        None, title="Xử lý (error: các dòng lỗi)"
    )


class HeadQuery(Schema):
    sheet: str | None = Field(
        None, title="Tên trang (bỏ trống: trang đầu; tệp CSV: bỏ trống)", max_length=100
    )
    rows: int = Field(20, ge=1, le=50, title="Số dòng đầu cần xem")
