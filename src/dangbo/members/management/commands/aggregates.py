"""``dangbo aggregates check|rebuild``: the per-organisation member counts behind the fast
statistics, compared with a recount (exit 1 on a difference) or rebuilt from it."""

import sys
import time

from django.core.management.base import BaseCommand

from dangbo.core.text import vn_number
from dangbo.members import aggregates


class Command(BaseCommand):
    help = "Kiểm tra hoặc tính lại bảng tổng hợp số đảng viên theo tổ chức."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args, action, **options):
        started = time.perf_counter()
        if action == "rebuild":
            rows = aggregates.rebuild()
            self.stdout.write(
                f"Đã tính lại bảng tổng hợp: {vn_number(rows)} dòng trong "
                f"{vn_number(time.perf_counter() - started, 1)} giây."
            )
            return
        result = aggregates.check()
        if result.ok:
            self.stdout.write(
                f"Bảng tổng hợp khớp với số đếm lại ({vn_number(result.rows)} dòng, "
                f"{vn_number(time.perf_counter() - started, 1)} giây)."
            )
            return
        self.stdout.write(self.style.ERROR("Bảng tổng hợp KHÔNG khớp với số đếm lại:"))
        for problem in result.problems:
            self.stdout.write(f"  {problem}")
        self.stdout.write("Chạy “dangbo aggregates rebuild” để tính lại.")
        sys.exit(1)
