"""``dangbo ntm``: the national new-rural criteria sets, kept as data.

dangbo ntm sets
dangbo ntm show CODE
dangbo ntm add-set FILE.json   (or FILE.yaml)

The file: {"code", "name", "document": {"number", "issuer", "date", "title"}, "valid_from",
"valid_to" (optional), "commune_groups", "verified", "note", "criteria": [{"number", "name",
"group", "verified"}]}. The set open before it is closed the day before it starts.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import context
from dangbo.core.errors import messages_of
from dangbo.indicators import ntm
from dangbo.indicators.models import NtmSet


def _read(name: str) -> object:
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp {name}: {exc.strerror}.") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:  # pragma: no cover - yaml ships with the install today
            raise CommandError("Tệp YAML: chưa cài thư viện đọc YAML; dùng tệp JSON.") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise CommandError(f"Tệp {name}: không phải YAML hợp lệ ({exc}).") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"Tệp {name}: không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno})."
        ) from exc


class Command(BaseCommand):
    help = "Các bộ tiêu chí quốc gia về nông thôn mới (dữ liệu): liệt kê, xem, thêm từ tệp."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sets", help="Liệt kê các bộ tiêu chí.")
        sub.add_parser("show", help="Xem một bộ tiêu chí.").add_argument("code")
        sub.add_parser("add-set", help="Thêm một bộ tiêu chí từ tệp JSON hoặc YAML.").add_argument(
            "file"
        )

    def handle(self, *args, **options):
        token = context.bind(context.ActContext(channel="cli"))
        try:
            action = options["action"]
            if action == "sets":
                self._sets()
            elif action == "show":
                self._show(options["code"])
            else:
                data = _read(options["file"])
                if not isinstance(data, dict):
                    raise CommandError("Tệp: cần một đối tượng (code, name, criteria…).")
                created = ntm.add_set(actor=None, data=data)
                self.stdout.write(
                    f"Đã thêm bộ tiêu chí {created.code}: {created.name} "
                    f"({created.criteria.count()} tiêu chí, áp dụng từ "
                    f"{created.valid_from:%d/%m/%Y})."
                )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {m}" for k, msgs in messages_of(exc).items() for m in msgs)
            ) from exc
        finally:
            context.unbind(token)

    def _sets(self) -> None:
        for s in ntm.all_sets():
            until = f"{s.valid_to:%d/%m/%Y}" if s.valid_to else "…"
            mark = "" if s.verified else " [chưa đối chiếu]"
            self.stdout.write(
                f"{s.code}\t{s.valid_from:%d/%m/%Y}–{until}\t{len(s.criteria.all())} tiêu chí"
                f"\t{s.document.number}\t{s.name}{mark}"
            )

    def _show(self, code: str) -> None:
        found = NtmSet.objects.filter(code=code).select_related("document").first()
        if found is None:
            raise CommandError(f"Không có bộ tiêu chí mã “{code}”.")
        self.stdout.write(f"{found.name} ({found.document.number}, {found.document.issuer})")
        if found.note:
            self.stdout.write(found.note)
        for c in found.criteria.order_by("number"):
            group = f" — {c.group_name}" if c.group_name else ""
            mark = "" if c.verified else " [chưa đối chiếu]"
            self.stdout.write(f"{c.number:>3}. {c.name}{group}{mark}")
