"""``dangbo worker``: run queued background tasks (big imports) from the database queue."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy các việc nền (nhập tệp lớn) đang chờ trong hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Chạy hết việc đang chờ rồi thoát."
        )

    def handle(self, *args, **options):
        call_command("db_worker", batch=options["batch"], reload=False, startup_delay=False)
