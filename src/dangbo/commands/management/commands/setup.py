"""``dangbo setup``: a first real install (not the demo) — the database, the top organisation
and its first administrator, through the audited services; refused once installed.

dangbo setup --org-name "Đảng bộ huyện Tam Dương" --parent-name "Đảng bộ tỉnh Vĩnh Phúc"
             --admin quantri [--name "Họ và tên"] [--kind district_committee] [--since 01/01/1997]
The password comes from DANGBO_NEW_PASSWORD or is asked twice.
"""

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dangbo.accounts import services
from dangbo.core import context
from dangbo.core.errors import messages_of
from dangbo.orgs.choices import OrgKind, Sector

from .stats import parse_as_of


class Command(BaseCommand):
    help = "Cài đặt lần đầu: tạo cơ sở dữ liệu, tổ chức cao nhất và người quản trị đầu tiên."

    def add_arguments(self, parser):
        parser.add_argument(
            "--org-name", required=True, help="Tên tổ chức cao nhất, ví dụ “Đảng bộ huyện X”."
        )
        parser.add_argument(
            "--kind",
            default=OrgKind.DISTRICT_COMMITTEE,
            choices=OrgKind.values,
            help="Loại tổ chức (mặc định district_committee: đảng bộ huyện).",
        )
        parser.add_argument(
            "--parent-name",
            default="",
            help="Tên tỉnh ủy cấp trên (bắt buộc với đảng bộ huyện, xã, cơ sở…).",
        )
        parser.add_argument(
            "--org-code", default="", help="Mã tổ chức (mặc định: viết từ tên, không dấu)."
        )
        parser.add_argument(
            "--sector",
            default=Sector.TERRITORIAL,
            choices=Sector.values,
            help="Loại hình (mặc định territorial).",
        )
        parser.add_argument(
            "--since",
            default="03/02/1930",
            help="Ngày thành lập (dd/mm/yyyy; mặc định 03/02/1930).",
        )
        parser.add_argument("--admin", required=True, help="Tên đăng nhập của người quản trị.")
        parser.add_argument("--name", default="", help="Họ và tên người quản trị.")

    def handle(self, *args, **options):
        since = parse_as_of(options["since"])
        if not os.environ.get("DANGBO_NEW_PASSWORD") and not sys.stdin.isatty():
            raise CommandError(
                "Mật khẩu người quản trị: đặt DANGBO_NEW_PASSWORD hoặc chạy trong một terminal."
            )
        call_command("migrate", interactive=False, verbosity=0)
        if services.installed():
            raise CommandError(
                "Đã cài đặt: cơ sở dữ liệu đã có tổ chức hoặc người quản trị; "
                "`dangbo setup` chỉ dùng một lần. Thêm người dùng bằng `dangbo user`."
            )
        password = self._password()
        token = context.bind(context.ActContext(channel="cli"))
        try:
            org, grant = services.install(
                actor=None,
                org_name=options["org_name"],
                org_code=options["org_code"],
                kind=options["kind"],
                sector=options["sector"],
                since=since,
                parent_name=options["parent_name"],
                username=options["admin"],
                password=password,
                full_name=options["name"],
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(m for msgs in messages_of(exc).values() for m in msgs)
            ) from exc
        finally:
            context.unbind(token)
        self.stdout.write(
            f"Đã tạo {org.name} (mã {org.code}) và người quản trị {grant.user.username} "
            f"(vai trò #{grant.pk}, được xem thông tin nhạy cảm).\n"
            "Chạy `dangbo serve` rồi đăng nhập; thêm người dùng ở trang “Người dùng” "
            "hoặc bằng `dangbo user`."
        )

    def _password(self) -> str:
        given = os.environ.get("DANGBO_NEW_PASSWORD")
        if given:
            return given
        first = getpass.getpass("Mật khẩu người quản trị: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return first
