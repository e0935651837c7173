"""``dangbo schemes``: the classification schemes, kept as data.

dangbo schemes list
dangbo schemes show CODE
dangbo schemes add FILE.json --doc-number 12-QĐ/TW --doc-issuer "Bộ Chính trị" --doc-date 2030-01-15
dangbo schemes quota CODE on|off [--rate 0.2] [--note "…"]
"""

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import context
from dangbo.core import services as core_services
from dangbo.core.errors import messages_of
from dangbo.reviews import services
from dangbo.reviews.models import Scheme


class Command(BaseCommand):
    help = "Các cách xếp loại chất lượng (dữ liệu): liệt kê, xem, thêm từ tệp JSON, bật/tắt tỷ lệ."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Liệt kê.")
        sub.add_parser("show", help="Xem một cách xếp loại.").add_argument("code")
        add = sub.add_parser("add", help="Thêm từ tệp JSON (mức, khung điểm, tỷ lệ).")
        add.add_argument("file")
        add.add_argument("--doc-number", required=True)
        add.add_argument("--doc-issuer", required=True)
        add.add_argument("--doc-date", required=True, help="YYYY-MM-DD")
        add.add_argument("--doc-kind", default="QDTW")
        quota = sub.add_parser("quota", help="Bật/tắt tỷ lệ tối đa.")
        quota.add_argument("code")
        quota.add_argument("state", choices=["on", "off"])
        quota.add_argument("--rate")
        quota.add_argument("--note", default="")

    def handle(self, *args, **options):
        token = context.bind(context.ActContext(channel="cli"))
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(m for msgs in messages_of(exc).values() for m in msgs)
            ) from exc
        finally:
            context.unbind(token)

    def _scheme(self, code: str) -> Scheme:
        scheme = Scheme.objects.filter(code=code).select_related("document").first()
        if scheme is None:
            raise CommandError(f"Không có cách xếp loại mã “{code}”.")
        return scheme

    def _list(self, options):
        for s in Scheme.objects.select_related("document"):
            years = f"{s.first_year}–{s.last_year or '…'}"
            quota = (
                f", tỷ lệ {s.quota_rate} {'bật' if s.quota_enabled else 'tắt'}"
                if s.quota_rate
                else ""
            )
            self.stdout.write(f"{s.code:18} {years:10} {s.name} ({s.document.number}{quota})")

    def _show(self, options):
        s = self._scheme(options["code"])
        self.stdout.write(f"{s.name} — {s.document} — {s.first_year}–{s.last_year or '…'}")
        for lv in s.levels.all():
            band = f"  [{lv.min_score}, {lv.max_score})" if lv.min_score is not None else ""
            self.stdout.write(
                f"  {lv.rank}. {lv.code:16} {lv.name} (bậc quy đổi {lv.common_rank}){band}"
            )
        if s.quota_note:
            self.stdout.write(f"  Tỷ lệ: {s.quota_note}")

    def _add(self, options):
        try:
            with open(options["file"], encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise CommandError(f"Tệp {options['file']}: không đọc được ({exc.strerror}).") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Tệp {options['file']}: không phải JSON hợp lệ (dòng {exc.lineno})."
            ) from exc
        if not isinstance(data, dict):
            raise CommandError(f"Tệp {options['file']}: cần một đối tượng JSON.")
        try:
            issued = datetime.strptime(options["doc_date"], "%Y-%m-%d").date()
        except ValueError as exc:
            raise CommandError("--doc-date: dạng YYYY-MM-DD.") from exc
        document = core_services.DocumentRef(
            number=options["doc_number"],
            issuer=options["doc_issuer"],
            issue_date=issued,
            kind=options["doc_kind"],
        )
        # The service registers the document with the scheme, or neither.
        scheme = services.add_scheme(actor=None, data=data, document=document)
        self.stdout.write(f"Đã thêm “{scheme.name}” ({scheme.levels.count()} mức).")

    def _quota(self, options):
        scheme = self._scheme(options["code"])
        services.set_quota(
            actor=None,
            scheme=scheme,
            enabled=options["state"] == "on",
            rate=options.get("rate"),
            note=options["note"],
        )
        self.stdout.write(
            f"Đã {'bật' if scheme.quota_enabled else 'tắt'} tỷ lệ của “{scheme.name}”."
        )
