"""Request and response schemas of the indicators' values API. Every request field carries
the Vietnamese ``title`` an error names it by. Values are sent as people write them
("1.234,5", "12,5%", "đạt") or as JSON numbers and booleans: the service reads them."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from dangbo.core.api import Code, In, Year

from ..choices import Aggregation, Direction, ValueType

RawValue = bool | int | Decimal | str


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    value_type: str
    direction: str
    aggregation: str
    threshold: Decimal | None
    min_value: Decimal | None
    max_value: Decimal | None
    decimals: int
    computed: str = Field(description="khóa cách tính tự động; rỗng: nhập tay")
    document_number: str | None = Field(None, alias="document.number")
    document_date: date | None = Field(None, alias="document.issue_date")
    description: str


class CellOut(Schema):
    year: int
    value: Decimal | None
    kind: str = Field(description="entered: nhập; rolled: cộng dồn; computed: tự động; rỗng")
    source: str
    target: Decimal | None
    met: bool | None = Field(description="đạt chỉ tiêu giao (theo chiều tốt); null: chưa có")
    direct: Decimal | None = Field(description="số nhập (hoặc tính) cho chính đơn vị")
    rolled: Decimal | None = Field(description="cộng dồn từ các đơn vị trực thuộc")
    differs: bool = Field(description="số nhập trực tiếp khác số cộng dồn")
    growth: Decimal | None = Field(None, description="% tăng so với năm trước (dòng của đơn vị)")


class IndicatorRowOut(Schema):
    org: str
    org_name: str
    cells: list[CellOut]


class TableOut(Schema):
    indicator: IndicatorOut
    org: str
    org_name: str
    years: list[int]
    own: IndicatorRowOut
    rows: list[IndicatorRowOut]
    hidden: int = Field(description="đơn vị trực thuộc không có số liệu, không liệt kê")


class ValueIn(In):
    indicator: Code = Field(..., title="Mã chỉ tiêu")
    value: RawValue = Field(..., title="Giá trị")


class ValuesIn(In):
    org: Code = Field(..., title="Đơn vị")
    year: Year = Field(..., title="Năm")
    source: str = Field("", max_length=300, title="Nguồn số liệu")
    values: list[ValueIn] = Field(..., min_length=1, max_length=500, title="Các giá trị")


class CountsOut(Schema):
    new: int
    updated: int
    unchanged: int


class TargetsIn(In):
    org: Code = Field(..., title="Đơn vị")
    year: Year = Field(..., title="Năm")
    targets: list[ValueIn] = Field(..., min_length=1, max_length=500, title="Các chỉ tiêu giao")


class TargetsOut(Schema):
    changed: int


class IndicatorIn(In):
    code: str = Field(..., max_length=64, title="Mã chỉ tiêu")
    name: str = Field(..., max_length=300, title="Tên chỉ tiêu")
    unit: str = Field(..., max_length=40, title="Đơn vị tính")
    value_type: ValueType = Field(ValueType.NUMBER, title="Kiểu giá trị")
    direction: Direction = Field(Direction.UP, title="Chiều tốt")
    aggregation: Aggregation = Field(Aggregation.SUM, title="Cách cộng dồn")
    threshold: RawValue | None = Field(None, title="Ngưỡng đạt")
    min_value: RawValue | None = Field(None, title="Giá trị nhỏ nhất")
    max_value: RawValue | None = Field(None, title="Giá trị lớn nhất")
    decimals: int = Field(0, ge=0, le=4, title="Số chữ số thập phân")
    description: str = Field("", max_length=5000, title="Mô tả")


class OverviewOut(Schema):
    indicator: str = Field(..., alias="indicator.code")
    name: str = Field(..., alias="indicator.name")
    unit: str = Field(..., alias="indicator.unit")
    value: Decimal | None
    kind: str = Field(description="entered: nhập; rolled: cộng dồn; computed: tự động; rỗng")
    target: Decimal | None
    met: bool | None
    differs: bool = Field(description="số nhập trực tiếp khác số cộng dồn")
