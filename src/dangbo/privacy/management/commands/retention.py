"""``dangbo retention``: erase or anonymise the personal data whose retention period is over.

dangbo retention                  run every activity's step, as of now
dangbo retention --dry-run        count what would be erased, change nothing
dangbo retention --at 2031-01-01  as of a given day (00:00, Vietnam time)
dangbo retention --register       print the register of processing activities

An operator runs it daily (cron or a systemd timer; see ``dangbo.privacy.tasks``).
"""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangbo.core import context
from dangbo.core.dates import parse_day

from ... import queries, services


class Command(BaseCommand):
    help = (
        "Xóa, ẩn danh dữ liệu cá nhân đã hết thời hạn lưu (chạy hằng ngày); "
        "--register in sổ theo dõi hoạt động xử lý dữ liệu cá nhân."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ đếm, không xóa hay ẩn danh gì."
        )
        parser.add_argument(
            "--register",
            action="store_true",
            help="In sổ theo dõi hoạt động xử lý dữ liệu cá nhân rồi thoát.",
        )
        parser.add_argument(
            "--at",
            metavar="NGÀY",
            help="Tính đến ngày này (dd/mm/yyyy hoặc yyyy-mm-dd; mặc định: bây giờ).",
        )

    def handle(self, *args, **options):
        if options["register"]:
            self._register()
            return
        now = None
        if options["at"]:
            try:
                day = parse_day(options["at"], "--at")
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            now = timezone.make_aware(datetime.combine(day, time.min))
        token = context.bind(context.ActContext(channel="cli"))
        try:
            run = services.run_retention(actor=None, now=now, dry_run=options["dry_run"])
        finally:
            context.unbind(token)
        when = timezone.localtime(run.at)
        head = "Chạy thử (không thay đổi gì)" if run.dry_run else "Đã chạy"
        self.stdout.write(f"{head}, tính đến {when:%H:%M %d/%m/%Y}:")
        for code, n in run.counts.items():
            self.stdout.write(f"  {code:32} {n}")
        for code, error in run.failures.items():
            self.stdout.write(f"  {code:32} LỖI ({error})")
        self.stdout.write(f"Tổng: {run.total} bản ghi.")
        if run.failures:
            raise CommandError(f"{len(run.failures)} bước bị lỗi; xem nhật ký máy chủ.")

    def _register(self):
        rows = queries.register_rows()
        self.stdout.write(f"Sổ theo dõi hoạt động xử lý dữ liệu cá nhân ({len(rows)} hoạt động)")
        for row in rows:
            self.stdout.write("")
            self.stdout.write(f"[{row.code}] {row.name}")
            for label, value in row.facts():
                self.stdout.write(f"  {label}: {value}")
