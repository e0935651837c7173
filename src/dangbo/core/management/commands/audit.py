"""``dangbo audit verify``: walk the audit log's hash chain, so tampering is found, not hidden.

Exit code 0 when the chain is whole, 1 with every broken entry listed otherwise: a cron job or
monitoring check can act on the exit code alone.
"""

from django.core.management.base import BaseCommand, CommandError

from dangbo.core import audit


class Command(BaseCommand):
    help = "Kiểm tra nhật ký thay đổi: chuỗi mã băm có còn toàn vẹn không."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["verify"],
            help="verify: kiểm tra toàn bộ chuỗi nhật ký.",
        )

    def handle(self, *args, **options):
        result = audit.verify()
        if result.ok:
            self.stdout.write(
                f"Chuỗi nhật ký toàn vẹn: {_count(result.checked)} bản ghi đã kiểm tra."
            )
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
