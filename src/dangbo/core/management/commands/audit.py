"""``dangbo audit verify`` / ``dangbo audit head``: walk the audit log's hash chain and hold it
against the checkpoints kept outside the database, so tampering is found, not hidden.

Exit code 0 when the chain is whole, 1 with every problem listed otherwise: a cron job or
monitoring check can act on the exit code alone. A whole chain's head is appended to the
witness file (DANGBO_AUDIT_WITNESS); ``--print-head`` prints it for an auditor to keep
elsewhere, ``--witness FILE`` holds the log against such a copy too.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.core import audit


class Command(BaseCommand):
    help = "Kiểm tra nhật ký thay đổi: chuỗi mã băm có còn toàn vẹn, có khớp mốc kiểm tra không."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["verify", "head"],
            help=(
                "verify: kiểm tra toàn bộ chuỗi nhật ký và so với các mốc kiểm tra; "
                "head: in mốc hiện tại (bản ghi cuối, mã băm, số bản ghi) mà không kiểm tra."
            ),
        )
        parser.add_argument(
            "--witness",
            action="append",
            default=[],
            metavar="TỆP",
            help="Tệp mốc kiểm tra do kiểm tra viên giữ (có thể nêu nhiều lần).",
        )
        parser.add_argument(
            "--print-head",
            action="store_true",
            help="Khi chuỗi toàn vẹn, in mốc hiện tại (một dòng JSON) để lưu giữ nơi khác.",
        )

    def handle(self, *args, **options):
        if options["action"] == "head":
            head = audit.current_head()
            if head is None:
                raise CommandError("Nhật ký trống: chưa có mốc để in.", returncode=1)
            self.stdout.write(head.line())
            return
        witnesses = [Path(name) for name in options["witness"]]
        for path in witnesses:
            if not path.is_file():
                raise CommandError(f"--witness: không có tệp mốc kiểm tra “{path}”.", returncode=2)
        result = audit.verify(witnesses, checkpoint=True)
        if result.ok:
            self.stdout.write(
                f"Chuỗi nhật ký toàn vẹn: {_count(result.checked)} bản ghi đã kiểm tra."
            )
            if options["print_head"] and result.head is not None:
                self.stdout.write(result.head.line())
            return
        for problem in result.problems:
            self.stderr.write(f"- {problem}")
        raise CommandError(
            f"Chuỗi nhật ký KHÔNG toàn vẹn: {_count(len(result.problems))} lỗi trong "
            f"{_count(result.checked)} bản ghi đã kiểm tra.",
            returncode=1,
        )


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")
