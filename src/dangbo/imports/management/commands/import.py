"""``dangbo import {orgs,members,indicators} FILE [--commit]``: preview (default) or commit."""

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core.errors import messages_of
from dangbo.core.text import vn_number
from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState, RowState
from dangbo.imports.options import in_file_order

STATE_LABELS = dict(RowState.choices)
# Each row's action, as the web preview names it ("" is a row with errors).
ACTION_LABELS = {
    "new": "Thêm mới",
    "update": "Cập nhật",
    "unchanged": "Không đổi",
    "duplicate": "Trùng",
    "": "Lỗi",
}
SHEET_STATUS = {
    "read": "đã đọc",
    "not_roll": "không phải danh sách",
    "empty": "trang trống",
    "unselected": "không chọn",
}
# The flag that answers each question a preview may ask.
QUESTION_FLAGS = {"unknown_recognition": "--unknown-recognition"}


class Command(BaseCommand):
    help = (
        "Nhập tổ chức đảng, đảng viên hoặc số liệu chỉ tiêu từ tệp .xlsx/.csv: xem trước, "
        "--commit để ghi."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["orgs", "members", "indicators"])
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
        parser.add_argument(
            "--sheet",
            action="append",
            metavar="TÊN",
            help="Chỉ đọc trang này của tệp (lặp lại cho nhiều trang); mặc định: mọi trang "
            "là danh sách.",
        )
        parser.add_argument(
            "--header-row",
            metavar="N|TRANG:N",
            action="append",
            help="Dòng tiêu đề cột (số dòng như Excel hiện), của trang đầu hoặc “Trang:N”.",
        )
        parser.add_argument(
            "--last-row",
            metavar="N|TRANG:N",
            action="append",
            help="Dòng cuối của danh sách; các dòng sau (tổng cộng, chữ ký) bị bỏ qua.",
        )
        parser.add_argument(
            "--unknown-recognition",
            metavar="official|probationary",
            help="Tệp không có cột Ngày chính thức: đảng viên vào Đảng hơn một năm là "
            "chính thức chưa rõ ngày (official) hay dự bị (probationary).",
        )
        parser.add_argument(
            "--parent",
            metavar="TÊN_HOẶC_MÃ",
            help="Danh sách tổ chức: tổ chức cấp trên của các tổ chức trong tệp.",
        )
        parser.add_argument(
            "--valid-from",
            metavar="NGÀY",
            help="Danh sách tổ chức không có cột Ngày thành lập: ngày thành lập chung "
            "(ngày/tháng/năm).",
        )

        parser.add_argument(
            "--year",
            metavar="NĂM",
            help="Số liệu chỉ tiêu: năm của số liệu khi tệp không có cột Năm và tiêu đề không "
            "ghi năm.",
        )

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
        self._set_options(job, options, actor)
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

    def _set_options(self, job, options, actor) -> None:
        """The flags, checked like the web's choices and kept on the job before it runs; a
        bad value stops here (exit 2) with the upload removed."""
        changes: dict = {}
        if options["sheet"]:
            changes["sheets"] = options["sheet"]
        for flag in ("header_row", "last_row"):
            if options[flag]:
                changes[flag] = options[flag]
        if options["unknown_recognition"] is not None:
            changes["unknown_recognition"] = options["unknown_recognition"]
        for flag in ("parent", "valid_from", "year"):
            if options[flag] is not None:
                changes[flag] = options[flag]
        if not changes:
            return
        try:
            # A bare row number is about the first sheet chosen with --sheet; a bad value
            # cancels the job (no upload left behind).
            services.configure(job, actor=actor, changes=changes)
        except ValidationError as exc:
            flags = {k: "--" + k.replace("_", "-") for k in changes}
            flags["sheets"] = "--sheet"
            lines = [
                f"{flags.get(field, '')}: {message}".lstrip(": ")
                for field, msgs in messages_of(exc).items()
                for message in msgs
            ]
            raise CommandError("\n".join(lines), returncode=2) from None

    def _report(self, job, options) -> None:
        out = self.stdout
        out.write(f"Tệp: {job.original_name} ({vn_number(job.size)} byte)")
        if job.encoding:
            out.write(f"Bảng mã: {job.encoding}")
        for note in job.notes:
            out.write(f"  • {note}")
        if job.problem:
            out.write(self.style.ERROR(job.problem))
        if len(job.sheets or []) > 1:
            out.write("Các trang trong tệp:")
            for sheet in job.sheets:
                status = SHEET_STATUS.get(sheet.get("status", ""), sheet.get("status", ""))
                rows = sheet.get("count") if sheet.get("count") is not None else sheet.get("rows")
                extra = f" — {sheet['reason']}" if sheet.get("reason") else ""
                shown = f", {vn_number(rows)} dòng" if rows is not None else ""
                out.write(f"  • {sheet.get('name', '')}: {status}{shown}{extra}")
        if job.counts:
            parts = [
                f"{STATE_LABELS[s]}: {vn_number(job.counts.get(s, 0))}" for s in RowState.values
            ]
            out.write("Kết quả: " + " · ".join(parts))
            out.write(
                "Xử lý: "
                + " · ".join(
                    f"{label}: {vn_number(job.actions.get(value, 0))}"
                    for value, label in ACTION_LABELS.items()
                )
            )
        rows = in_file_order(job, ImportRow.objects.filter(job=job).exclude(messages=[]))
        for shown, row in enumerate(rows.iterator()):
            if shown >= options["show"]:
                out.write("… (còn nữa; dùng --show N để xem thêm)")
                break
            where = f" (trang {row.sheet})" if row.sheet else ""
            action = ACTION_LABELS[""] if row.state == RowState.ERROR else row.action
            action = ACTION_LABELS.get(action, action)
            out.write(f"Dòng {row.row_no}{where} [{action}] {row.label}".rstrip())
            for message in row.errors:
                out.write(f"    [Lỗi] {message}")
            for message in row.warnings:
                out.write(f"    [Cảnh báo] {message}")
        if options["commit"] and job.unanswered:
            out.write(self.style.ERROR("Chưa ghi gì: tệp cần câu trả lời trước khi ghi."))
            for question in job.unanswered:
                count = question.get("count")
                said = count and vn_number(count) in question.get("text", "")
                counted = f" ({vn_number(count)} dòng)" if count and not said else ""
                out.write(f"  • {question.get('text', '')}{counted}")
                flag = QUESTION_FLAGS.get(question["key"], "--" + question["key"].replace("_", "-"))
                for value, label in question.get("choices", []):
                    out.write(f"      {flag} {value}   ({label})")
            out.write("Chạy lại lệnh với một trong các tùy chọn trên.")
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
