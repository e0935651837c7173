"""The background build of a big report (``ReportRun``), run by the worker of ``dangbo serve``
or ``dangbo worker``; the run page shows its progress with the imports' progress bar."""

from django_tasks import task

from . import services
from .models import ReportRun


@task()
def build_report(run_id: int) -> dict:
    run = ReportRun.objects.select_related("org", "requested_by").get(pk=run_id)
    if run.state != ReportRun.State.QUEUED:
        return {"state": run.state, "skipped": True}
    run = services.run(run)
    return {"state": run.state}
