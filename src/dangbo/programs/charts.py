"""Charts of programs (core.charts): each program's progress, the percentage its own page
shows (queries.program_percent)."""

from collections import defaultdict

from django.utils.translation import gettext as _

from dangbo.core import charts
from dangbo.registry.charts import chart_day, chart_org

from .models import Task
from .queries import program_percent, progress_as_of
from .stats import programs_in_force

MAX_PROGRAMS = 15


def progress(request, org=None, day=None, **_ignored) -> charts.Chart | None:
    found, on = chart_org(request, org), chart_day(day)
    if found is None or on is None:
        return None
    programs = list(
        programs_in_force(found, on)
        .order_by("start", "pk")
        .values_list("pk", "title")[: MAX_PROGRAMS + 1]
    )
    more = len(programs) > MAX_PROGRAMS
    programs = programs[:MAX_PROGRAMS]
    tasks = list(
        Task.objects.filter(program__in=[pk for pk, _t in programs]).only(
            "id", "parent_id", "weight", "program_id"
        )
    )
    done = progress_as_of([t.pk for t in tasks], on) if tasks else {}
    by_program = defaultdict(list)
    for task in tasks:
        by_program[task.program_id].append(task)
    values = [
        float(program_percent(by_program[pk], done)) if by_program[pk] else None
        for pk, _t in programs
    ]
    return charts.Chart(
        charts.PROGRESS,
        _("Tiến độ các chương trình"),
        _("%(org)s, ngày %(d)s: phần trăm hoàn thành của mỗi chương trình đang thực hiện.")
        % {"org": found.name, "d": f"{on:%d/%m/%Y}"},
        tuple(title for _pk, title in programs),
        (charts.series(_("Tiến độ"), values),),
        percent=True,
        notes=(_("Chỉ vẽ %(n)s chương trình đầu tiên.") % {"n": MAX_PROGRAMS},) if more else (),
    )


def register() -> None:
    charts.register("programs.progress", progress)
