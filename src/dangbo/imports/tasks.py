"""Background imports: the same ``services.run``, queued through django-tasks."""

from django_tasks import task

from .models import ImportJob


@task()
def run_import(job_id: int, commit: bool = False) -> dict:
    from . import services

    job = ImportJob.objects.get(pk=job_id)
    job = services.run(job, commit=commit)
    return {"state": job.state, "counts": job.counts}
