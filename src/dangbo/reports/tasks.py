"""The background build of a big report (``ReportRun``), run by the worker of ``dangbo serve``
or ``dangbo worker``; the run page shows its progress with the imports' progress bar."""

from django.db import transaction
from django_tasks import task

from . import services
from .kinds import Period
from .models import ReportRun


@task()
def build_report(run_id: int) -> dict:
    run = ReportRun.objects.select_related("org", "requested_by").get(pk=run_id)
    if run.state != ReportRun.State.QUEUED:
        return {"state": run.state, "skipped": True}
    run = services.run(run)
    return {"state": run.state}


def start_run(kind_key: str, org, period: Period, fmt: str, *, actor) -> ReportRun:
    """Queue a build of the report on the background worker (once the row is committed);
    the run page follows it."""
    run = services.create_run(kind_key, org, period, fmt, actor=actor)
    transaction.on_commit(lambda: build_report.enqueue(run.pk))
    return run
