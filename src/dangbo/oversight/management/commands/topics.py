"""``dangbo topics``: the list of opinion topics (land, infrastructure, …), kept as data.

dangbo topics list
dangbo topics add CODE "Tên lĩnh vực"
dangbo topics retire CODE      (kept for the opinions filed under it; `restore CODE` undoes)
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import context
from dangbo.core.errors import messages_of
from dangbo.oversight import services
from dangbo.oversight.models import OpinionTopic


class Command(BaseCommand):
    help = "Danh mục lĩnh vực ý kiến: liệt kê, thêm, ngừng dùng, dùng lại."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Liệt kê các lĩnh vực.")
        add = sub.add_parser("add", help="Thêm một lĩnh vực.")
        add.add_argument("code")
        add.add_argument("name")
        for name, text in (("retire", "Ngừng dùng một lĩnh vực."), ("restore", "Dùng lại.")):
            sub.add_parser(name, help=text).add_argument("code")

    def handle(self, *args, **options):
        token = context.bind(context.ActContext(channel="cli"))
        try:
            action = options["action"]
            if action == "list":
                for topic in OpinionTopic.objects.all():
                    state = "" if topic.active else "  (ngừng dùng)"
                    self.stdout.write(f"{topic.code:24} {topic.name}{state}")
            elif action == "add":
                topic = services.add_topic(actor=None, code=options["code"], name=options["name"])
                self.stdout.write(f"Đã thêm lĩnh vực “{topic.name}”.")
            else:
                topic = OpinionTopic.objects.filter(code=options["code"]).first()
                if topic is None:
                    raise CommandError(f"Không có lĩnh vực mã “{options['code']}”.")
                services.set_topic_active(actor=None, topic=topic, active=action == "restore")
                self.stdout.write("Đã cập nhật.")
        except ValidationError as exc:
            raise CommandError(
                "; ".join(m for msgs in messages_of(exc).values() for m in msgs)
            ) from exc
        finally:
            context.unbind(token)
