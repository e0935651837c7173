"""``dangbo report ORG --year Y [--quarter Q] [--kind K] [--format text|docx|pdf|xlsx] [-o FILE]``.

The report of the web's "Báo cáo" page from the command line: plain text on standard output
by default; a .docx, PDF or .xlsx into ``-o FILE`` (``-o -``: standard output, for a pipe).
ORG by its code or its name. ``--user`` counts within that person's scope (default: the
operator sees everything); ``--issue`` issues it as that person (``--number``, ``--date``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import scope
from dangbo.core.dates import parse_day
from dangbo.orgs.fields import resolve
from dangbo.reports import kinds, services

BINARY = ("docx", "pdf", "xlsx")


def operator():
    """The command line's viewer without ``--user``: the operator on the server, who sees
    every organisation (as ``dangbo stats`` does). Never saved, holds no grant."""
    user = get_user_model()(username="dangbo", is_superuser=True, is_active=True)
    user._dangbo_grants = []  # scope's per-request cache: no grant rows to read
    return user


class StderrProgress:
    """ "Đếm đảng viên: 12/25" on standard error, redrawn in place on a terminal, at most a
    line per tenth elsewhere."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        step = (100 if self.tty else 10) * done // total if total else 0
        if (phase, step) == self.last:
            return
        self.last = (phase, step)
        line = f"{phase or 'Đang lập'}: {done}/{total}" if total else (phase or "Đang lập")
        if self.tty:
            self.stream.write(f"\r\x1b[K{line}", ending="")
        else:
            self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.last[1] >= 0:
            self.stream.write("\r\x1b[K", ending="")
            self.stream.flush()


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Lập báo cáo của một tổ chức đảng cho một năm (hoặc một quý)."

    def add_arguments(self, parser):
        parser.add_argument("org", metavar="ORG", help="Tổ chức: mã (tam-duong) hoặc tên.")
        parser.add_argument("--year", required=True, metavar="NĂM", help="Năm của báo cáo.")
        parser.add_argument("--quarter", metavar="QUÝ", help="Quý (1–4), cho báo cáo quý.")
        parser.add_argument(
            "--kind", default="nam", metavar="LOẠI", help="Loại báo cáo (mặc định: nam)."
        )
        parser.add_argument(
            "--format",
            default="text",
            choices=services.FORMATS,
            help="text (mặc định, ra màn hình), docx, pdf hoặc xlsx (cần -o).",
        )
        parser.add_argument("-o", "--output", metavar="TỆP", help="Ghi vào tệp (“-”: ra stdout).")
        parser.add_argument(
            "--user", help="Lập trong phạm vi của người này (mặc định: toàn bộ dữ liệu)."
        )
        parser.add_argument(
            "--issue", action="store_true", help="Ban hành báo cáo (cần --user: người ban hành)."
        )
        parser.add_argument("--number", default="", help="Số của báo cáo khi ban hành (ví dụ 15).")
        parser.add_argument("--date", help="Ngày ban hành (dd/mm/yyyy; mặc định hôm nay).")
        parser.add_argument("--no-progress", action="store_true", help="Không in tiến độ.")

    def handle(self, *args, **options):
        viewer = self._viewer(options["user"])
        try:
            kind = services.kind_of(options["kind"])
            period = services.period_of(kind, options["year"], options["quarter"])
            fmt = services.format_of(kind, options["format"])
            org = resolve(viewer, options["org"], "ORG", scope.VIEW)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        output = options["output"]
        if fmt in BINARY and not output:
            raise CommandError(
                f"Định dạng {fmt} là tệp nhị phân: ghi vào tệp bằng -o TỆP "
                f"(ví dụ -o bao-cao.{services.SUFFIXES[fmt]}), "
                "hoặc -o - để chuyển qua ống lệnh."
            )
        if output == "-" and fmt in BINARY and sys.stdout.isatty():
            raise CommandError("Không in tệp nhị phân ra màn hình: dùng -o TỆP.")
        issued_on = None
        if options["issue"]:
            if not options["user"]:
                raise CommandError("--issue cần --user: người ban hành báo cáo.")
            if options["date"]:
                try:
                    issued_on = parse_day(options["date"], "--date")
                except ValidationError as exc:
                    raise CommandError(_messages(exc)) from None
        progress = kinds.no_progress if options["no_progress"] else StderrProgress(self.stderr)
        try:
            built = services.build(kind.key, org, period, viewer=viewer, progress=progress)
            if options["issue"]:
                report = services.issue(
                    built, actor=viewer, number=options["number"], issued_on=issued_on
                )
                built = services.numbered(built, report.number, report.issued_on)
            content, _type, _name = services.render(built, fmt)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Tổ chức nằm ngoài phạm vi của người dùng.") from None
        finally:
            if isinstance(progress, StderrProgress):
                progress.close()
        self._write(content, output)
        if options["issue"]:
            self.stderr.write(
                f"Đã ban hành: {report.title} (mã {report.pk}, mã băm {report.sha256})."
            )

    def _viewer(self, username: str | None):
        if not username:
            return operator()
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng “{username}”.") from None

    def _write(self, content: bytes | str, output: str | None) -> None:
        if not output:
            assert isinstance(content, str)
            self.stdout.write(content, ending="")
            return
        data = content.encode() if isinstance(content, str) else content
        if output == "-":
            self.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp “{output}”: {exc.strerror}.") from None
        self.stderr.write(f"Đã ghi {output} ({len(data):,} byte).".replace(",", "."))
