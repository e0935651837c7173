"""``dangbo indicators``: an indicator's table and entering one value from the command line.

dangbo indicators list
dangbo indicators show CODE ORG [--years 2015-2016]
dangbo indicators set CODE ORG YEAR VALUE [--source "Báo cáo thống kê"]
dangbo indicators target CODE ORG YEAR VALUE

ORG is the organisation's code; VALUE is written as people write it ("1.234,5", "12,5%",
"đạt"). Same queries and services as the pages and the API.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core import context
from dangbo.core.errors import messages_of
from dangbo.indicators import queries, rules, services
from dangbo.indicators.models import Indicator
from dangbo.orgs.models import Organisation

MAX_SPAN = 10


def _years(text: str) -> list[int]:
    first, _sep, last = text.partition("-")
    try:
        a, b = int(first), int(last or first)
    except ValueError:
        raise CommandError(f"--years: “{text}” không hợp lệ (ví dụ 2015-2016).") from None
    if not (1990 <= a <= b <= 2199) or b - a >= MAX_SPAN:
        raise CommandError(f"--years: từ 1990, năm đầu không sau năm cuối, tối đa {MAX_SPAN} năm.")
    return list(range(a, b + 1))


def _year(text: str) -> int:
    if not text.isdigit():
        raise CommandError(f"Năm: “{text}” không hợp lệ.")
    return int(text)


class Command(BaseCommand):
    help = "Chỉ tiêu: danh mục, bảng số liệu theo đơn vị và năm, nhập một số liệu, giao chỉ tiêu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Danh mục chỉ tiêu.")
        show = sub.add_parser("show", help="Bảng số liệu một chỉ tiêu: đơn vị trực thuộc × năm.")
        show.add_argument("code")
        show.add_argument("org")
        show.add_argument("--years", default="", help="Ví dụ 2015-2016 (mặc định: năm nay).")
        show.add_argument("--json", action="store_true", help="In dạng JSON.")
        for name, text in (("set", "Nhập một số liệu."), ("target", "Giao một chỉ tiêu.")):
            one = sub.add_parser(name, help=text)
            one.add_argument("code")
            one.add_argument("org")
            one.add_argument("year")
            one.add_argument("value")
            if name == "set":
                one.add_argument("--source", default="", help="Nguồn số liệu.")

    def handle(self, *args, **options):
        token = context.bind(context.ActContext(channel="cli"))
        try:
            action = options["action"]
            if action == "list":
                for ind in queries.indicators():
                    how = "tự động" if ind.computed else "nhập"
                    self.stdout.write(f"{ind.code:24} {ind.name} ({ind.unit}; {how})")
                return
            indicator = Indicator.objects.filter(code=options["code"]).first()
            if indicator is None:
                raise CommandError(f"Không có chỉ tiêu mã “{options['code']}”.")
            org = Organisation.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"Không có tổ chức mã “{options['org']}”.")
            if action == "show":
                self._show(indicator, org, options)
            elif action == "set":
                obs = services.record_value(
                    actor=None,
                    indicator=indicator,
                    org=org,
                    year=_year(options["year"]),
                    value=options["value"],
                    source=options["source"],
                )
                shown = rules.fmt_value(obs.value, indicator.decimals)
                self.stdout.write(
                    f"Đã ghi {indicator.name} năm {obs.year} của {org.name}: "
                    f"{shown} {indicator.unit}."
                )
            else:
                target = services.set_target(
                    actor=None,
                    indicator=indicator,
                    org=org,
                    year=_year(options["year"]),
                    value=options["value"],
                )
                shown = rules.fmt_value(target.value, indicator.decimals)
                self.stdout.write(
                    f"Đã giao {indicator.name} năm {target.year} cho {org.name}: "
                    f"{shown} {indicator.unit}."
                )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(m for msgs in messages_of(exc).values() for m in msgs)
            ) from exc
        finally:
            context.unbind(token)

    def _show(self, indicator, org, options):
        from dangbo.core.dates import today

        years = _years(options["years"]) if options["years"] else [today().year]
        table = queries.value_table(indicator, org, years)
        fmt = lambda v: rules.fmt_value(v, indicator.decimals)  # noqa: E731
        if options["json"]:

            def row(r):
                return {
                    "org": r.org.code,
                    "name": r.org.name,
                    "values": {
                        str(y): {
                            "value": None if c.value is None else str(c.value.normalize()),
                            "kind": c.kind,
                            "target": None if c.target is None else str(c.target.normalize()),
                            "direct": None if c.direct is None else str(c.direct.normalize()),
                            "rolled": None if c.rolled is None else str(c.rolled.normalize()),
                            "differs": c.differs,
                        }
                        for y, c in r.cells.items()
                    },
                }

            data = {
                "indicator": indicator.code,
                "unit": indicator.unit,
                "years": years,
                "org": row(table.own),
                "rows": [row(r) for r in table.rows],
                "hidden": table.hidden,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{indicator.name} ({indicator.unit}) — {org.name}")
        head = "".join(f"{y:>16}" for y in years)
        self.stdout.write(f"{'Đơn vị':40}{head}")
        for r in table.rows:
            cells = "".join(
                f"{fmt(c.value) + ('*' if c.kind == queries.ROLLED else ''):>16}"
                for c in r.cells.values()
            )
            self.stdout.write(f"{r.org.name[:39]:40}{cells}")
        if table.hidden:
            self.stdout.write(f"({table.hidden} đơn vị trực thuộc khác chưa có số liệu)")
        own = table.own.cells
        self.stdout.write(f"{'Cộng dồn':40}" + "".join(f"{fmt(own[y].rolled):>16}" for y in years))
        self.stdout.write(
            f"{'Nhập trực tiếp':40}" + "".join(f"{fmt(own[y].direct):>16}" for y in years)
        )
        for y in years:
            if own[y].differs:
                self.stdout.write(f"Năm {y}: số nhập trực tiếp khác số cộng dồn.")
            if own[y].target is not None:
                state = {True: "đạt", False: "chưa đạt", None: "chưa có số liệu"}[own[y].met]
                self.stdout.write(f"Năm {y}: chỉ tiêu giao {fmt(own[y].target)} — {state}.")
            if own[y].growth is not None:
                self.stdout.write(
                    f"Năm {y}: tăng {rules.fmt_value(own[y].growth, 1)}% so với năm trước."
                )
        self.stdout.write("(* cộng dồn từ các đơn vị trực thuộc)")
