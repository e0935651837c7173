"""Charts of cell meetings (core.charts): a month × cell heatmap of meetings held in a year.

For a grassroots organisation (or a cell) a row is a cell and a square the number of regular
and thematic meetings it held that month. Above the grassroots (a district, a province) a row
per cell would be hundreds of rows: a row is then an organisation directly under it and a
square the share of its cells that held at least one meeting that month.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangbo.core import cache, charts
from dangbo.core.dates import today
from dangbo.orgs.choices import CELL_KINDS, OrgKind
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import active_q
from dangbo.registry.charts import chart_org, chart_year

from .choices import MeetingKind
from .models import Meeting
from .queries import cells_in

MAX_ROWS = 40  # rows drawn; the note says how many more there are
HELD_KINDS = (MeetingKind.REGULAR, MeetingKind.THEMATIC)


def _months(year: int) -> list[int]:
    now = today()
    if year < now.year:
        return list(range(1, 13))
    return list(range(1, now.month + 1)) if year == now.year else []


def _held(cell_ids: list[int], year: int):
    """(cell id, month, meetings) of regular and thematic meetings in ``year``: one query."""
    return (
        Meeting.objects.filter(org_id__in=cell_ids, date__year=year, kind__in=HELD_KINDS)
        .annotate(m=ExtractMonth("date"))
        .values_list("org_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    )


def heatmap(request, org=None, year=None, **_ignored) -> charts.Chart | None:
    found, y = chart_org(request, org), chart_year(year)
    if found is None or y is None:
        return None
    end = min(date(y, 12, 31), max(today(), date(y, 1, 1)))
    months = _months(y)
    if found.kind in CELL_KINDS or found.kind == OrgKind.GRASSROOTS_COMMITTEE:
        return _by_cell(found, y, end, months)
    # Above the grassroots the chart reads every cell of the subtree (300,000 at the national
    # root, 12 s): cached until the next change, per language (its labels are translated).
    return cache.versioned(
        ("chart", "meetings.heatmap", found.pk, found.path, y, end.isoformat(), get_language()),
        lambda: _by_child(found, y, end, months),
    )


def _title(y: int) -> str:
    return _("Sinh hoạt chi bộ theo tháng, năm %(y)s") % {"y": y}


def _note(total: int) -> tuple[str, ...]:
    if total <= MAX_ROWS:
        return ()
    return (_("Chỉ vẽ %(n)s trong số %(t)s dòng.") % {"n": MAX_ROWS, "t": total},)


def _by_cell(found: Organisation, y: int, end: date, months: list[int]) -> charts.Chart:
    cells = list(cells_in(found, end).order_by("path").values_list("pk", "name"))
    total = len(cells)
    cells = cells[:MAX_ROWS]
    held = {(o, m): n for o, m, n in _held([pk for pk, _n in cells], y)}
    return charts.Chart(
        charts.HEATMAP,
        _title(y),
        _(
            "%(org)s: số buổi sinh hoạt thường kỳ và chuyên đề mỗi chi bộ đã họp trong từng "
            "tháng; ô 0 là tháng chưa ghi buổi nào."
        )
        % {"org": found.name},
        tuple(f"T{m}" for m in months),
        tuple(charts.series(name, [held.get((pk, m), 0) for m in months]) for pk, name in cells),
        unit=_("buổi"),
        notes=_note(total),
    )


def _by_child(found: Organisation, y: int, end: date, months: list[int]) -> charts.Chart:
    children = list(
        Organisation.objects.filter(active_q(end), parent=found)
        .order_by("path")
        .values_list("path", "name")
    )
    cells = list(cells_in(found, end).values_list("pk", "path"))
    index = {path: i for i, (path, _name) in enumerate(children)}
    lengths = sorted({len(path) for path in index})
    owner: dict[int, int] = {}
    for pk, path in cells:  # the child whose path begins the cell's (a dict look-up each)
        for length in lengths:
            i = index.get(path[:length])
            if i is not None:
                owner[pk] = i
                break
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for cell_id, month, _n in _held(list(owner), y):
        counted[(owner[cell_id], month)] += 1
    size: dict[int, int] = defaultdict(int)
    for i in owner.values():
        size[i] += 1
    rows = [i for i in range(len(children)) if size[i]]
    total = len(rows)
    return charts.Chart(
        charts.HEATMAP,
        _title(y),
        _(
            "%(org)s: tỷ lệ chi bộ của mỗi tổ chức trực thuộc đã sinh hoạt (thường kỳ hoặc "
            "chuyên đề) trong từng tháng."
        )
        % {"org": found.name},
        tuple(f"T{m}" for m in months),
        tuple(
            charts.series(children[i][1], [100 * counted[(i, m)] / size[i] for m in months])
            for i in rows[:MAX_ROWS]
        ),
        unit=_("% chi bộ đã sinh hoạt"),
        percent=True,
        notes=_note(total),
    )


def register() -> None:
    charts.register("meetings.heatmap", heatmap)
