"""``dangbo token create USERNAME [--name N]`` / ``revoke ID`` / ``list``: API keys from the shell.

The clear key is printed once on creation; only its hash is stored.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import context
from dangbo.core.errors import messages_of
from dangbo.core.models import ApiToken
from dangbo.core.services import issue_token, revoke_token


def _fail(exc: ValidationError) -> CommandError:
    lines = [m for msgs in messages_of(exc).values() for m in msgs]
    return CommandError("; ".join(lines))


class Command(BaseCommand):
    help = "Cấp, thu hồi và liệt kê khóa API."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Cấp khóa mới cho một người dùng.")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="Tên gợi nhớ của khóa.")
        revoke = sub.add_parser("revoke", help="Thu hồi một khóa theo số.")
        revoke.add_argument("token_id", type=int)
        sub.add_parser("list", help="Liệt kê các khóa (không hiện khóa).")

    def handle(self, *args, **options):
        token = context.bind(context.ActContext(channel="cli"))
        try:
            getattr(self, f"_{options['action']}")(options)
        finally:
            context.unbind(token)

    def _create(self, options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        try:
            key = issue_token(actor=None, user=user, name=options["name"])
        except ValidationError as exc:
            raise _fail(exc) from exc
        self.stdout.write(key)
        self.stderr.write("Lưu khóa này ngay: nó sẽ không được hiện lại.")

    def _revoke(self, options):
        try:
            revoked = revoke_token(actor=None, token_id=options["token_id"])
        except ValidationError as exc:
            raise _fail(exc) from exc
        self.stdout.write(f"Đã thu hồi khóa {revoked.pk} ({revoked.prefix}…).")

    def _list(self, options):
        rows = ApiToken.objects.select_related("user").order_by("id")
        for t in rows:
            state = "đã thu hồi" if t.revoked_at else "đang dùng"
            used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "-"
            self.stdout.write(
                f"{t.pk}\t{t.prefix}…\t{t.user.get_username()}\t{t.name}\t{state}\t{used}"
            )
