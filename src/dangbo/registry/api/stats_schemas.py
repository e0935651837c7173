"""The blocks higher apps add to an organisation's statistics in the API (issue 14): the
same figures ``dangbo stats`` prints (``programs.stats``, ``indicators.stats``), registered
through ``registry.stats_blocks``."""

from ninja import Field, Schema

from .schemas import OrgStats


class ProgramsStats(Schema):
    year: int
    programs: int = Field(description="Chương trình, kế hoạch của tổ chức và cấp dưới trong năm")
    tasks: int
    tasks_done: int
    tasks_overdue: int
    progress_pct: float | None = Field(description="Tiến độ chung (%), một chữ số thập phân")


class AdminReformStats(Schema):
    units: int = Field(description="Số xã, thị trấn")
    met: int | None = Field(description="Số đơn vị đạt (null: chưa đơn vị nào báo cáo năm này)")
    pct: float | None


class NtmStats(Schema):
    communes: int = Field(description="Số xã (không kể thị trấn)")
    met: int = Field(description="Số xã đạt chuẩn nông thôn mới tại ngày tính")
    set: str | None = Field(description="Mã bộ tiêu chí đang áp dụng")


class IndicatorsStats(Schema):
    year: int
    production_value_growth_pct: float | None = Field(
        description="Tăng trưởng giá trị sản xuất so với năm trước (%)"
    )
    admin_reform: AdminReformStats
    ntm: NtmStats


class OrgStatsWithBlocks(OrgStats):
    # Filled by the blocks registered in ``registry.stats_blocks`` (None if not registered).
    programs: ProgramsStats | None = None
    indicators: IndicatorsStats | None = None
