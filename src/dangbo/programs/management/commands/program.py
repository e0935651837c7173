"""``dangbo program``: programs and their progress from the command line (the server's
operator sees every organisation, like the other commands).

dangbo program list ORG [--year 2026] [--as-of 31/12/2026]   programs of ORG and below it
dangbo program show ID [--as-of 31/12/2026]                   the tree with its progress
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core.dates import parse_day, today
from dangbo.orgs.models import Organisation
from dangbo.programs import queries
from dangbo.programs.models import Program


def _day(raw: str | None):
    if not raw:
        return today()
    try:
        return parse_day(raw, "--as-of")
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc


def _org(text: str) -> Organisation:
    found = Organisation.objects.filter(code=text).first()
    if found is None:
        named = list(Organisation.objects.filter(name__iexact=text.strip())[:2])
        if len(named) == 1:
            found = named[0]
    if found is None:
        raise CommandError(f"Không có tổ chức “{text}” (gõ mã hoặc đúng tên tổ chức).")
    return found


def _flags(progress) -> str:
    if progress.overdue:
        return "  [QUÁ HẠN]"
    if progress.at_risk:
        return "  [NGUY CƠ CHẬM]"
    return ""


class Command(BaseCommand):
    help = "Chương trình, kế hoạch: liệt kê, xem cây nhiệm vụ với tiến độ."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Các chương trình của một cấp ủy (và cấp dưới).")
        listing.add_argument("org", help="Mã hoặc tên tổ chức")
        listing.add_argument("--year", type=int, help="Năm (chương trình đang thực hiện)")
        listing.add_argument("--as-of", dest="as_of", help="Tính đến ngày (dd/mm/yyyy)")
        show = sub.add_parser("show", help="Cây nhiệm vụ của một chương trình, với tiến độ.")
        show.add_argument("id", type=int, help="Mã chương trình")
        show.add_argument("--as-of", dest="as_of", help="Tính đến ngày (dd/mm/yyyy)")

    def handle(self, *args, **options):
        as_of = _day(options.get("as_of"))
        if options["action"] == "list":
            org = _org(options["org"])
            programs = Program.objects.filter(org.subtree_q("org__"))
            if options.get("year"):
                year = options["year"]
                programs = programs.filter(start__year__lte=year, end__year__gte=year)
            rows = queries.program_rows(programs, as_of)
            if not rows:
                self.stdout.write("Chưa có chương trình nào.")
            for r in rows:
                p = r.program
                self.stdout.write(
                    f"{p.pk:>6}  {r.percent_text:>5}  {p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}  "
                    f"{p.title}  ({p.org.name}; {r.tasks} nhiệm vụ, {r.overdue} quá hạn, "
                    f"{r.at_risk} nguy cơ chậm)"
                )
            return
        program = Program.objects.select_related("org").filter(pk=options["id"]).first()
        if program is None:
            raise CommandError(f"Không có chương trình mã {options['id']}.")
        tree = queries.program_tree(program, as_of)
        self.stdout.write(f"{program.title} — {program.org.name}")
        self.stdout.write(f"Tiến độ chung tính đến {as_of:%d/%m/%Y}: {tree.percent_text}")
        for row in tree.rows:
            indent = "  " * row.depth
            deadline = f"  hạn {row.deadline:%d/%m/%Y}" if row.deadline else ""
            self.stdout.write(
                f"{indent}{row.number:<8} {row.progress.percent_text:>5}  {row.task.title}"
                f"  — {row.lead or '—'}{deadline}  ({row.progress.status_label}){_flags(row.progress)}"
            )
