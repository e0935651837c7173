"""``dangbo worker``: run queued background tasks (big imports) from the database queue."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangbo.imports.services import process_identity
from dangbo.imports.tasks import recover_interrupted
from dangbo.privacy.tasks import start_daily_thread


class Command(BaseCommand):
    help = "Chạy các việc nền (nhập tệp lớn) đang chờ trong hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Chạy hết việc đang chờ rồi thoát."
        )

    def handle(self, *args, **options):
        marked = recover_interrupted()
        if marked:
            self.stdout.write(f"Đã đánh dấu {len(marked)} lần nhập bị gián đoạn.")
        # Personal data past its retention period: erased or anonymised once a day.
        if not options["batch"]:
            start_daily_thread()
        call_command(
            "db_worker",
            batch=options["batch"],
            reload=False,
            startup_delay=False,
            # Who runs each task, so that a later start can tell this process died.
            worker_id=process_identity(),
        )
