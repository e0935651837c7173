"""``dangbo import {orgs,members} FILE [--commit]``: preview (default) or commit a file."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangbo.core.text import vn_number
from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState, RowState

STATE_LABELS = dict(RowState.choices)


class Command(BaseCommand):
    help = "Nhập tổ chức đảng hoặc đảng viên từ tệp .xlsx/.csv: xem trước, --commit để ghi."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["orgs", "members"])
        parser.add_argument("file")
        parser.add_argument(
            "--commit", action="store_true", help="Ghi vào cơ sở dữ liệu (tất cả hoặc không)."
        )
        parser.add_argument(
            "--user", help="Người thực hiện (phạm vi và quyền của người đó); mặc định: hệ thống."
        )
        parser.add_argument(
            "--show", type=int, default=50, help="Số dòng lỗi/cảnh báo in ra (mặc định 50)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Không vẽ thanh tiến độ.")

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"Không có người dùng “{options['user']}”.") from None
        try:
            job = services.create_job(
                actor=actor,
                kind=options["kind"],
                source=options["file"],
                original_name=options["file"],
                max_bytes=0,
            )
        except FileNotFoundError:
            raise CommandError(f"Không tìm thấy tệp {options['file']}.") from None
        except IsADirectoryError:
            raise CommandError(f"{options['file']} là một thư mục, không phải tệp.") from None
        bar = None if options["no_progress"] else ProgressBar(self.stderr)
        job = services.run(job, commit=options["commit"], actor=actor, progress=bar)
        if bar:
            bar.close()
        self._report(job, options)
        if (
            job.state == JobState.FAILED
            or job.errors
            or (options["commit"] and job.state != JobState.COMMITTED)
        ):
            sys.exit(1)

    def _report(self, job, options) -> None:
        out = self.stdout
        out.write(f"Tệp: {job.original_name} ({vn_number(job.size)} byte)")
        if job.encoding:
            out.write(f"Bảng mã: {job.encoding}")
        for note in job.notes:
            out.write(f"  • {note}")
        if job.problem:
            out.write(self.style.ERROR(job.problem))
        if job.counts:
            parts = [
                f"{STATE_LABELS[s]}: {vn_number(job.counts.get(s, 0))}" for s in RowState.values
            ]
            out.write("Kết quả: " + " · ".join(parts))
        rows = ImportRow.objects.filter(job=job).exclude(messages=[]).order_by("row_no")
        for shown, row in enumerate(rows.iterator()):
            if shown >= options["show"]:
                out.write("… (còn nữa; dùng --show N để xem thêm)")
                break
            for message in row.messages:
                out.write(f"Dòng {row.row_no} [{STATE_LABELS[row.state]}]: {message}")
        if job.state == JobState.COMMITTED:
            out.write(self.style.SUCCESS(f"Đã ghi vào cơ sở dữ liệu (lần nhập #{job.pk})."))
        elif not options["commit"] and not job.problem:
            if job.errors:
                out.write(self.style.WARNING("Sửa các dòng lỗi rồi chạy lại; chưa ghi gì."))
            else:
                out.write("Xem trước xong, chưa ghi gì. Chạy lại với --commit để ghi.")


class ProgressBar:
    """rows, rows/s and ETA on one terminal line."""

    def __init__(self, stream):
        self.stream = stream
        self.drawn = False

    def __call__(self, p) -> None:
        width = 30
        share = min(1.0, p.done / p.total) if p.total else 0.0
        filled = int(width * share)
        eta = f"còn ~{_duration(p.eta)}" if p.eta is not None else ""
        total = f"/{vn_number(p.total)}" if p.total else ""
        line = (
            f"\r[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} "
            f"{vn_number(p.done)}{total} dòng · {vn_number(p.rate)} dòng/giây {eta}"
        )
        self.stream.write(line.ljust(100), ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} giờ {seconds % 3600 // 60} phút"
    if seconds >= 60:
        return f"{seconds // 60} phút {seconds % 60} giây"
    return f"{seconds} giây"
