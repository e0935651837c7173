"""``dangbo demo``: migrate, load the Tam Dương 2016 demo world once, print logins, serve."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Tạo cơ sở dữ liệu, nạp dữ liệu mẫu Đảng bộ huyện Tam Dương (2016) và chạy máy chủ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Chỉ nạp dữ liệu mẫu, không chạy máy chủ."
        )
        parser.add_argument("--host", default=None, help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=None, help="Cổng lắng nghe.")

    def handle(self, *args, **options):
        from dangbo.demo import loader

        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        if loader.load():
            elapsed = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nạp dữ liệu mẫu Đảng bộ huyện Tam Dương (31/12/2016) "
                    f"trong {elapsed:.1f} giây."
                )
            )
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn (không nạp lại).")
        self.stdout.write("")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {loader.DEMO_PASSWORD}):")
        rows = loader.demo_users()
        width = max(len(u) for u, _, _ in rows)
        role_width = max(len(r) for _, r, _ in rows)
        for username, role, scope in rows:
            self.stdout.write(f"  {username:<{width}}  {role:<{role_width}}  {scope}")
        if options["no_serve"]:
            return
        host = options["host"] or settings.DANGBO["SERVE_HOST"]
        port = options["port"] or settings.DANGBO["SERVE_PORT"]
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write("")
        self.stdout.write(f"Mở trình duyệt tại http://{shown}:{port}/")
        call_command("serve", host=host, port=port)
