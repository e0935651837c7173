"""Charts of cell meetings (core.charts): a month × cell heatmap of meetings held in a year."""

from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from dangbo.core import charts
from dangbo.core.dates import today
from dangbo.registry.charts import chart_org, chart_year

from .choices import MeetingKind
from .models import Meeting
from .queries import cells_in

MAX_ROWS = 40  # cells drawn; the table and the note say how many more there are


def heatmap(request, org=None, year=None, **_ignored) -> charts.Chart | None:
    """Regular and thematic meetings held, per cell and month: a blank month stands out."""
    found, y = chart_org(request, org), chart_year(year)
    if found is None or y is None:
        return None
    end = min(date(y, 12, 31), max(today(), date(y, 1, 1)))
    cells = list(cells_in(found, end).order_by("path").values_list("pk", "name")[: MAX_ROWS + 1])
    more = len(cells) > MAX_ROWS
    cells = cells[:MAX_ROWS]
    held: dict[tuple[int, int], int] = {}
    for org_id, month, n in (
        Meeting.objects.filter(
            org_id__in=[pk for pk, _n in cells],
            date__year=y,
            kind__in=(MeetingKind.REGULAR, MeetingKind.THEMATIC),
        )
        .annotate(m=ExtractMonth("date"))
        .values_list("org_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        held[(org_id, month)] = n
    months = range(1, 13) if y < today().year else range(1, max(1, today().month) + 1)
    if y > today().year:
        months = range(1, 1)
    notes = ()
    if more:
        notes = (_("Chỉ vẽ %(n)s chi bộ đầu tiên.") % {"n": MAX_ROWS},)
    return charts.Chart(
        charts.HEATMAP,
        _("Sinh hoạt chi bộ theo tháng, năm %(y)s") % {"y": y},
        _(
            "%(org)s: số buổi sinh hoạt thường kỳ và chuyên đề mỗi chi bộ đã họp trong từng "
            "tháng; ô 0 là tháng chưa ghi buổi nào."
        )
        % {"org": found.name},
        tuple(f"T{m}" for m in months),
        tuple(charts.series(name, [held.get((pk, m), 0) for m in months]) for pk, name in cells),
        unit=_("buổi"),
        notes=notes,
    )


def register() -> None:
    charts.register("meetings.heatmap", heatmap)
