"""Charts of reviews (core.charts): the year's results by level, with percentages, over the
years — for members and for organisations, on the common ladder that compares schemes."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dangbo.core import charts
from dangbo.registry.charts import chart_org, chart_year

from .choices import COMMON_RANKS, EvaluationState, PeriodKind
from .models import Evaluation

YEARS = 5


def results_by_year(org, until: int, *, members: bool) -> dict[int, dict[int, int]]:
    """{year: {common rank: decided annual results}} of the subtree, the last YEARS years."""
    inside = (
        Q(org__path__gte=org.path, org__path__lt=org.subtree_upper, member__isnull=False)
        if members
        else Q(
            subject_org__path__gte=org.path,
            subject_org__path__lt=org.subtree_upper,
            subject_org__isnull=False,
        )
    )
    found: dict[int, dict[int, int]] = {y: {} for y in range(until - YEARS + 1, until + 1)}
    for year, rank, n in (
        Evaluation.objects.filter(
            inside,
            state=EvaluationState.DECIDED,
            cycle__kind=PeriodKind.YEAR,
            cycle__year__gt=until - YEARS,
            cycle__year__lte=until,
            final_common_rank__isnull=False,
        )
        .values_list("cycle__year", "final_common_rank")
        .annotate(n=Count("id"))
        .order_by()
    ):
        found[year][rank] = n
    return found


def levels(request, org=None, year=None, subject="dang-vien", **_ignored):
    found, y = chart_org(request, org), chart_year(year)
    if found is None or y is None or subject not in ("dang-vien", "to-chuc"):
        return None
    members = subject == "dang-vien"
    data = results_by_year(found, y, members=members)
    years = sorted(y for y, ranks in data.items() if ranks) or [y]
    return charts.Chart(
        charts.STACKED,
        _("Kết quả xếp loại đảng viên qua các năm")
        if members
        else _("Kết quả xếp loại tổ chức đảng qua các năm"),
        _("%(org)s: số %(who)s theo mức xếp loại cuối năm và tỷ lệ của mỗi mức.")
        % {"org": found.name, "who": _("đảng viên") if members else _("tổ chức đảng")},
        tuple(str(year) for year in years),
        tuple(
            charts.series(str(label), [data.get(year, {}).get(rank, 0) for year in years])
            for rank, label in COMMON_RANKS.items()
        ),
        unit=_("đảng viên") if members else _("tổ chức"),
        share=True,
    )


def register() -> None:
    charts.register("reviews.levels", levels)
