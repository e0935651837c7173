"""``dangbo user``: people and their roles from the shell, through the audited services.

dangbo user create USERNAME [--name "Họ và tên"]   (password from DANGBO_NEW_PASSWORD or a prompt)
dangbo user grant USERNAME ROLE ORG [--sensitive]
dangbo user end GRANT_ID
dangbo user list [USERNAME]
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import context, services
from dangbo.core.choices import Role
from dangbo.core.errors import messages_of
from dangbo.core.models import RoleGrant
from dangbo.orgs.models import Organisation


def _fail(exc: ValidationError) -> CommandError:
    return CommandError("; ".join(m for msgs in messages_of(exc).values() for m in msgs))


class Command(BaseCommand):
    help = "Tạo người dùng, cấp và kết thúc vai trò."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Tạo người dùng.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="Họ và tên.")
        grant = sub.add_parser("grant", help="Cấp vai trò trên một tổ chức (và cấp dưới).")
        grant.add_argument("username")
        grant.add_argument("role", choices=Role.values)
        grant.add_argument("org", help="Mã tổ chức.")
        grant.add_argument("--sensitive", action="store_true", help="Được xem thông tin nhạy cảm.")
        end = sub.add_parser("end", help="Kết thúc một vai trò (theo số).")
        end.add_argument("grant_id", type=int)
        listing = sub.add_parser("list", help="Liệt kê vai trò.")
        listing.add_argument("username", nargs="?")

    def handle(self, *args, **options):
        token = context.bind(context.ActContext(channel="cli"))
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise _fail(exc) from exc
        finally:
            context.unbind(token)

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        return user

    def _create(self, options):
        password = os.environ.get("DANGBO_NEW_PASSWORD") or getpass.getpass("Mật khẩu: ")
        user = services.create_user(
            actor=None, username=options["username"], password=password, full_name=options["name"]
        )
        self.stdout.write(f"Đã tạo người dùng {user.username}.")

    def _grant(self, options):
        org = Organisation.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{options['org']}”.")
        grant = services.grant_role(
            actor=None,
            user=self._user(options["username"]),
            role=options["role"],
            org=org,
            can_view_sensitive=options["sensitive"],
        )
        self.stdout.write(f"Đã cấp vai trò #{grant.pk}: {grant}.")

    def _end(self, options):
        grant = RoleGrant.objects.filter(pk=options["grant_id"]).select_related("user").first()
        if grant is None:
            raise CommandError(f"Không có vai trò số {options['grant_id']}.")
        services.end_grant(actor=None, grant=grant)
        self.stdout.write(f"Đã kết thúc vai trò #{grant.pk}.")

    def _list(self, options):
        grants = RoleGrant.objects.select_related("user", "org").order_by("user__username", "id")
        if options["username"]:
            grants = grants.filter(user=self._user(options["username"]))
        for g in grants:
            until = f" đến {g.valid_to:%d/%m/%Y}" if g.valid_to else ""
            flag = " · nhạy cảm" if g.can_view_sensitive else ""
            self.stdout.write(
                f"#{g.pk}  {g.user.username}  {g.get_role_display()}  {g.org}"
                f"  từ {g.valid_from:%d/%m/%Y}{until}{flag}"
            )
