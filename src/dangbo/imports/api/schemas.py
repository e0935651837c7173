"""The imports router's request and response schemas."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Path, Schema

from dangbo.core.api import MAX_ID

JobId = Annotated[int, Path(ge=1, le=MAX_ID, title="Mã lần nhập")]
ImportKind = Literal["members", "orgs"]


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

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class RowOut(Schema):
    row_no: int
    state: str
    action: str
    label: str
    messages: list[str]


class RowFilter(Schema):
    state: Literal["new", "update", "unchanged", "warning", "error"] | None = Field(
        None, title="Kết quả dòng"
    )
