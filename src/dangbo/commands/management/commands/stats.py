"""``dangbo stats ORG``: the organisation's statistics as of a date, for people or scripts.

The command prints whatever ``registry.queries.org_stats`` returns, so new figures added there
appear here without a change: JSON for scripts, an indented Vietnamese summary for people.
"""

import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from dangbo.indicators.stats import indicators_stats
from dangbo.orgs.choices import OrgKind, Sector
from dangbo.orgs.models import Organisation
from dangbo.oversight.choices import OpinionState
from dangbo.oversight.queries import oversight_stats
from dangbo.programs.stats import programs_stats
from dangbo.registry.queries import org_stats
from dangbo.reviews.queries import reviews_stats

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

# Labels for the keys org_stats returns today; unknown keys print as they are.
KEY_LABELS = {
    "org": "Tổ chức",
    "code": "Mã",
    "name": "Tên",
    "kind": "Loại",
    "as_of": "Tính đến ngày",
    "members": "Đảng viên",
    "total": "Tổng số",
    "official": "Chính thức",
    "probationary": "Dự bị",
    "female": "Nữ",
    "grassroots": "Tổ chức cơ sở đảng",
    "by_kind": "Theo loại",
    "by_sector": "Theo loại hình",
    "by_kind_sector": "Theo loại và loại hình",
    "sub_cells": "Chi bộ trực thuộc",
    "by_parent_sector": "Theo loại hình của đảng bộ cấp trên",
    "oversight": "Phụ trách, dự sinh hoạt, ý kiến",
    "year": "Năm",
    "sub_cells_visited": "Chi bộ trực thuộc được dự sinh hoạt",
    "cells_visited": "Chi bộ được dự sinh hoạt",
    "visits": "Lượt dự sinh hoạt",
    "visits_without_mandate": "Lượt dự ngoài phân công",
    "regular_meetings": "Buổi sinh hoạt thường kỳ",
    "thematic_meetings": "Buổi sinh hoạt chuyên đề",
    "cells_missing_regular_meeting": "Chi bộ thiếu sinh hoạt thường kỳ",
    "cells_missing_thematic_meeting": "Chi bộ thiếu sinh hoạt chuyên đề",
    "attendance_rate": "Tỷ lệ dự sinh hoạt (%)",
    "members_flagged_unexcused": "Đảng viên vắng không lý do từ 3 tháng",
    "opinions_by_state": "Ý kiến theo trạng thái",
    "opinions_total": "Tổng số ý kiến",
    "opinions_overdue": "Ý kiến quá hạn",
    "assignments": "Phân công phụ trách",
    "organisations_without_oversight": "Tổ chức chưa có người phụ trách",
    "reviews": "Đánh giá, xếp loại",
    "organisations_decided": "Tổ chức được cấp ủy xếp loại",
    "organisations_by_level": "Theo mức",
    "tsvm_or_exemplary": "Trong sạch vững mạnh (kể cả tiêu biểu)",
    "exemplary": "Trong đó tiêu biểu",
    "exemplary_5_years_running_cells": "Chi bộ tiêu biểu 5 năm liền",
    "excellent_5_years_running_members": "Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền",
    "members_decided": "Đảng viên được xếp loại",
    "programs": "Chương trình, kế hoạch công tác",
    "tasks": "Nhiệm vụ",
    "tasks_done": "Nhiệm vụ hoàn thành",
    "tasks_overdue": "Nhiệm vụ quá hạn",
    "progress_pct": "Tiến độ chung (%)",
    "indicators": "Chỉ tiêu",
    "production_value_growth_pct": "Tăng trưởng giá trị sản xuất so với năm trước (%)",
    "admin_reform": "Cải cách thủ tục hành chính",
    "units": "Số xã, thị trấn",
    "met": "Số đạt",
    "pct": "Tỷ lệ đạt (%)",
    "ntm": "Nông thôn mới",
    "communes": "Số xã",
    "set": "Bộ tiêu chí",
}
VALUE_LABELS = {**dict(OrgKind.choices), **dict(Sector.choices), **dict(OpinionState.choices)}


def parse_as_of(value: str) -> date:
    """ISO (2016-12-31) for scripts, dd/mm/yyyy (31/12/2016) as offices write it."""
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(
        f"--as-of: “{value}” không phải một ngày hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)."
    )


def format_number(value: int | float) -> str:
    """5470 → 5.470, the Vietnamese grouping."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _label(key) -> str:
    key = str(key)
    return KEY_LABELS.get(key) or str(VALUE_LABELS.get(key, key))


def _value(key, value) -> str:
    if key == "year" and isinstance(value, int):
        return str(value)  # 2016, not "2.016"
    if isinstance(value, int | float):
        return format_number(value)
    if value is None:
        return "—"
    if key == "as_of" and isinstance(value, str):
        try:
            return datetime.strptime(value, "%Y-%m-%d").strftime("%d/%m/%Y")
        except ValueError:
            return value
    if key == "kind" or key == "sector":
        return str(VALUE_LABELS.get(value, value))
    return str(value)


def _sections():
    """Blocks other apps add to an organisation's statistics (name, function(org, as_of))."""
    return [
        ("oversight", oversight_stats),
        ("reviews", reviews_stats),
        ("programs", programs_stats),
        ("indicators", indicators_stats),
    ]


def render_text(data, indent: int = 0) -> list[str]:
    """Nested dicts become indented "Nhãn: giá trị" lines; lists become bullets."""
    lines: list[str] = []
    pad = "  " * indent
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list):
                if not value:
                    lines.append(f"{pad}{_label(key)}: không có")
                    continue
                lines.append(f"{pad}{_label(key)}:")
                lines.extend(render_text(value, indent + 1))
            else:
                lines.append(f"{pad}{_label(key)}: {_value(key, value)}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict | list):
                lines.append(f"{pad}-")
                lines.extend(render_text(item, indent + 1))
            else:
                lines.append(f"{pad}- {_value('', item)}")
    else:
        lines.append(f"{pad}{_value('', data)}")
    return lines


class Command(BaseCommand):
    help = "Thống kê một tổ chức đảng (đảng viên, tổ chức cơ sở, chi bộ trực thuộc) tại một ngày."

    def add_arguments(self, parser):
        parser.add_argument("org", metavar="ORG", help="Mã tổ chức, ví dụ tam-duong.")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Tính đến ngày (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay.",
        )
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, **options):
        code = options["org"]
        on = parse_as_of(options["as_of"]) if options.get("as_of") else None
        org = Organisation.objects.filter(code=code.strip()).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{code}”.")
        data = org_stats(org, on)
        for key, section in _sections():
            data[key] = section(org, on)
        if options.get("json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write("\n".join(render_text(data)))
