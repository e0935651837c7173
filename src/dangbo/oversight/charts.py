"""Charts of oversight (core.charts): open opinions by topic, commune and age; targets of
attendance met per quarter."""

from datetime import date

from django.utils.translation import gettext as _

from dangbo.core import charts
from dangbo.core.dates import today
from dangbo.registry.charts import chart_day, chart_org, chart_year

from . import queries

TOP = 12  # topics or communes drawn; the rest summed in one bar


def board(request, org, on) -> queries.Dashboard:
    """One dashboard per request and organisation: the charts of a page and its own figures
    share it (request None: computed, not kept)."""
    if request is None:
        return queries.dashboard(org, on)
    memo = request.__dict__.setdefault("_oversight_boards", {})
    key = (org.pk, on)
    if key not in memo:
        memo[key] = queries.dashboard(org, on)
    return memo[key]


def _counted(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if len(rows) <= TOP:
        return rows
    rest = sum(n for _name, n in rows[TOP - 1 :])
    return [*rows[: TOP - 1], (_("Các mục khác"), rest)]


def _opinions(request, org, day, what: str) -> charts.Chart | None:
    found, on = chart_org(request, org), chart_day(day)
    if found is None or on is None:
        return None
    found_board = board(request, found, on)
    if what == "topic":
        rows = _counted([(c.name or "—", c.count) for c in found_board.by_topic])
        title = _("Ý kiến đang theo dõi theo lĩnh vực")
    elif what == "commune":
        rows = _counted([(c.name or _("Ngoài cơ sở"), c.count) for c in found_board.by_commune])
        title = _("Ý kiến đang theo dõi theo cơ sở")
    else:
        rows = [(c.name, c.count) for c in found_board.by_age]
        title = _("Ý kiến đang theo dõi theo thời gian kể từ khi nhận")
    return charts.Chart(
        charts.BAR,
        title,
        _("%(org)s, ngày %(d)s: %(n)s ý kiến chưa xử lý xong.")
        % {"org": found.name, "d": f"{on:%d/%m/%Y}", "n": found_board.open_total},
        tuple(name for name, _n in rows),
        (charts.series(_("Ý kiến"), [n for _name, n in rows]),),
        unit=_("ý kiến"),
    )


def by_topic(request, org=None, day=None, **_ignored):
    return _opinions(request, org, day, "topic")


def by_commune(request, org=None, day=None, **_ignored):
    return _opinions(request, org, day, "commune")


def by_age(request, org=None, day=None, **_ignored):
    return _opinions(request, org, day, "age")


def targets_met(request, org=None, year=None, **_ignored) -> charts.Chart | None:
    """Rule 19 per quarter: of the committee members' quarterly targets of attending cell
    meetings, how many were met, missed, or still running."""
    found, y = chart_org(request, org), chart_year(year)
    if found is None or y is None:
        return None
    rows = queries.targets(found, y, min(today(), date(y, 12, 31)))
    met, missed, running = [0] * 4, [0] * 4, [0] * 4
    for row in rows:
        if len(row.cells) != 4:
            continue  # a yearly target: not a quarter's
        for q, cell in enumerate(row.cells):
            if cell.state == "met":
                met[q] += 1
            elif cell.state == "missed":
                missed[q] += 1
            elif cell.state == "open":
                running[q] += 1
    return charts.Chart(
        charts.STACKED,
        _("Chỉ tiêu dự sinh hoạt chi bộ theo quý, năm %(y)s") % {"y": y},
        _(
            "%(org)s: chỉ tiêu theo quý của cấp ủy viên được phân công — đạt, chưa đạt, đang thực hiện."
        )
        % {"org": found.name},
        tuple(_("Quý %(q)s") % {"q": q} for q in ("I", "II", "III", "IV")),
        (
            charts.series(_("Đạt"), met),
            charts.series(_("Không đạt"), missed),
            charts.series(_("Đang thực hiện"), running),
        ),
        unit=_("chỉ tiêu"),
        share=True,
    )


def register() -> None:
    charts.register("oversight.topics", by_topic)
    charts.register("oversight.communes", by_commune)
    charts.register("oversight.age", by_age)
    charts.register("oversight.targets", targets_met)
