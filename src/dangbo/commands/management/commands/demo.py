"""``dangbo demo``: migrate, load a demo world once, print how to log in, serve.

Without options: the Tam Dương 2016 world (a district, ~5,500 members, demo logins).
With ``--national``: the whole Party on 30/06/2026 (``--scale 1`` ≈ 5.6 million members),
to see the system at full size.
"""

import os
import time
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dangbo.demo import loader, national, tamduong
from dangbo.orgs.choices import OrgKind


class Command(BaseCommand):
    help = "Tạo cơ sở dữ liệu, nạp dữ liệu mẫu (Tam Dương 2016 hoặc toàn Đảng) và chạy máy chủ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Chỉ nạp dữ liệu mẫu, không chạy máy chủ."
        )
        parser.add_argument("--host", default=None, help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=None, help="Cổng lắng nghe.")
        parser.add_argument(
            "--national",
            action="store_true",
            help="Nạp dữ liệu mẫu toàn Đảng (34 đảng bộ tỉnh, thành phố, năm 2026) "
            "thay cho Đảng bộ huyện Tam Dương.",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Tỷ lệ dữ liệu toàn Đảng: 1 ≈ 5,6 triệu đảng viên, 0.1 ≈ 560 nghìn (mặc định 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).",
        )

    def handle(self, *args, **options):
        if options["national"]:
            if options["scale"] <= 0:
                raise CommandError("--scale phải lớn hơn 0.")
            call_command("migrate", interactive=False, verbosity=0)
            self._national(options)
            keep_default_date(national.AS_OF, serving=not options["no_serve"])
        else:
            call_command("migrate", interactive=False, verbosity=0)
            keep_portal_org(loader.DISTRICT_CODE)
            self._tam_duong(options)
            keep_default_date(tamduong.AS_OF, serving=not options["no_serve"])
        if options["no_serve"]:
            return
        host = options["host"] or settings.DANGBO["SERVE_HOST"]
        port = options["port"] or settings.DANGBO["SERVE_PORT"]
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write("")
        self.stdout.write(f"Mở trình duyệt tại http://{shown}:{port}/")
        call_command("serve", host=host, port=port)

    def _tam_duong(self, options) -> None:
        started = time.perf_counter()
        if loader.load(seed=options["seed"]):
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

    def _national(self, options) -> None:
        seed = national.SEED if options["seed"] is None else options["seed"]
        self.stdout.write(
            f"Nạp dữ liệu mẫu toàn Đảng ({national.AS_OF:%d/%m/%Y}), tỷ lệ {options['scale']:g}, "
            f"hạt giống {seed}…"
        )
        counts = national.load_national(
            scale=options["scale"], seed=seed, progress=self.stdout.write
        )
        if counts["loaded"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nạp dữ liệu mẫu toàn Đảng trong {counts['elapsed']:.1f} giây."
                )
            )
        else:
            self.stdout.write("Dữ liệu mẫu toàn Đảng đã có sẵn (không nạp lại).")
        number = national._thousands
        self.stdout.write("")
        for kind in OrgKind:
            n = counts["organisations"].get(kind.value, 0)
            if n:
                self.stdout.write(f"  {str(kind.label):<36} {number(n):>10}")
        self.stdout.write(f"  {'Tổ chức cơ sở đảng':<36} {number(counts['grassroots']):>10}")
        self.stdout.write(f"  {'Chi bộ (cơ sở và trực thuộc)':<36} {number(counts['cells']):>10}")
        self.stdout.write(
            f"  {'Đảng viên đang sinh hoạt':<36} {number(counts['active_members']):>10}"
        )
        for status in ("official", "probationary"):
            n = counts["members"].get(status, 0)
            self.stdout.write(f"    {_STATUS[status]:<34} {number(n):>10}")
        left = counts["members_total"] - counts["active_members"]
        self.stdout.write(f"  {'Đã ra khỏi danh sách':<36} {number(left):>10}")
        self.stdout.write("")
        self.stdout.write(
            "Bộ dữ liệu này không tạo tài khoản: dùng `dangbo createsuperuser` để đăng nhập."
        )


_STATUS = {"official": "Chính thức", "probationary": "Dự bị"}


def keep_portal_org(code: str) -> None:
    """The demo's portal belongs to its district (not to the "Trung ương" above it): the code is
    kept in the data directory, where settings read it (``DANGBO_PORTAL_ORG`` still wins)."""
    if os.environ.get("DANGBO_PORTAL_ORG"):
        return
    path = settings.DATA_DIR / settings.PORTAL_ORG_FILE
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{code}\n", encoding="utf-8")
    settings.PORTAL["ORG"] = code


def keep_default_date(day: date, *, serving: bool) -> None:
    """The demo's pages open on the date of its data (Tam Dương: 31/12/2016), not on a today
    full of false alarms: the date is kept in the data directory, where settings read it at
    every start (``DANGBO_DEFAULT_DATE`` still wins), and the server this command starts next
    uses it at once (``serving``; without it this process's settings stay as they were)."""
    if os.environ.get("DANGBO_DEFAULT_DATE"):
        return
    path = settings.DATA_DIR / settings.DEFAULT_DATE_FILE
    if not path.exists():  # an existing one was read when this process started
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{day:%d/%m/%Y}\n", encoding="utf-8")
        if serving:
            settings.DANGBO["DEFAULT_DATE"] = day
