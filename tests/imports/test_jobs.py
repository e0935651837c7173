"""A job's life beside its rows: stored rows stay bounded, cancelling frees them, a commit's
progress is "writing" until it has committed, and a job whose process died is found out."""

import json
import os
import time

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dangbo.imports import services
from dangbo.imports.models import ImportJob, ImportRow, JobState, RowState
from dangbo.members.models import Member

from .files import MEMBER_HEADER, dead_process_identity, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def member_row(n: int, *, cell="kl-thon-2", born="01/01/1990") -> list:
    return ["", f"Ngô Văn Mới {n}", "Nam", born, cell, f"8{n:07d}", "01/02/2015", "01/02/2016", ""]


def create(tmp_path, rows, name="dv.csv", actor=None):
    path = tmp_path / name
    (write_xlsx if name.endswith(".xlsx") else write_csv)(path, [MEMBER_HEADER, *rows])
    return services.create_job(actor=actor, kind="members", source=path, original_name=name)


def test_stored_rows_are_bounded_whatever_the_file(tmp_path, world):
    keep = services.KEEP_ROWS_PER_STATE
    wrong = keep + 700  # too young: an error each
    repeated = 300  # the same card twice, rows disagreeing: errors found by the second pass
    rows = [member_row(n, born="01/01/2015") for n in range(wrong)]
    # (a row repeated as is would be a "duplicate", not an error: each phone differs)
    rows += [[*member_row(90_000 + n % 150)[:8], f"09{n:08d}"] for n in range(repeated)]
    rows += [member_row(50_000 + n) for n in range(keep + 10)]  # good rows
    job = services.run(create(tmp_path, rows))
    assert job.counts[RowState.ERROR] == wrong + repeated
    assert job.counts[RowState.NEW] == keep + 10
    stored = ImportRow.objects.filter(job=job)
    assert stored.filter(state=RowState.ERROR).count() == keep
    # The repeated rows took slots of "new" before the second pass found them: fewer kept.
    assert stored.filter(state=RowState.NEW).count() == keep - repeated
    assert stored.count() <= keep * len(RowState.values)
    # The first rows of the file are the ones kept, so the page lists them in order.
    first = list(stored.filter(state=RowState.ERROR).values_list("row_no", flat=True)[:3])
    assert first == [2, 3, 4]


def test_a_commit_keeps_no_more_rows_than_a_preview(tmp_path, world):
    rows = [member_row(n) for n in range(services.KEEP_ROWS_PER_STATE + 50)]
    job = services.run(create(tmp_path, rows))
    job = services.run(job, commit=True)
    assert job.state == JobState.COMMITTED
    assert ImportRow.objects.filter(job=job).count() == services.KEEP_ROWS_PER_STATE
    assert job.counts[RowState.NEW] == services.KEEP_ROWS_PER_STATE + 50


def test_cancel_frees_the_stored_rows_and_the_upload(tmp_path, world):
    rows = [member_row(n, born="01/01/2015") for n in range(40)] + [member_row(100)]
    job = services.run(create(tmp_path, rows))
    assert ImportRow.objects.filter(job=job).count() == 41
    job = services.cancel(job, actor=None)
    assert job.state == JobState.CANCELLED
    assert not ImportRow.objects.filter(job=job).exists()
    assert not services.stored_path(job).exists()
    assert not services.progress_path(job).exists()
    with pytest.raises(Exception, match="Không hủy được"):
        services.cancel(job, actor=None)


def test_commit_progress_says_writing_until_committed(tmp_path, world):
    job = services.run(create(tmp_path, [member_row(n) for n in range(30)]))
    phases = []

    def follow(_progress) -> None:
        data = json.loads(services.progress_path(job).read_text())
        phases.append(data["phase"])
        # Inside the transaction: nothing may claim to be done yet.
        assert ImportJob.objects.get(pk=job.pk).state == JobState.RUNNING

    job = services.run(job, commit=True, progress=follow)
    assert phases and set(phases) == {services.WRITING}
    assert job.state == JobState.COMMITTED
    assert services.read_progress(job)["phase"] == services.COMMITTED


def test_a_rolled_back_commit_never_says_done(tmp_path, world):
    job = services.run(create(tmp_path, [member_row(n) for n in range(30)]))
    # Someone takes one of the file's card numbers between the preview and the commit.
    taken = world.members["an"]
    Member.objects.filter(pk=taken.pk).update(card_number="80000007")
    job = services.run(job, commit=True)
    assert job.state == JobState.PREVIEWED and job.errors == 1
    assert services.read_progress(job)["phase"] == services.ROLLED_BACK
    assert not Member.objects.filter(full_name__startswith="Ngô Văn Mới").exists()


def test_a_job_whose_process_died_is_interrupted_and_its_task_failed(
    transactional_db, tmp_path, world, django_capture_on_commit_callbacks, settings
):
    # Transactional: the worker closes and reopens connections between tasks.
    settings.DANGBO = {**settings.DANGBO, "IMPORT_INLINE_BYTES": 0}
    job = services.run(create(tmp_path, [member_row(n) for n in range(5)]))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(job, commit=True)
    task = DBTaskResult.objects.get(pk=job.task_id)
    dead = dead_process_identity()
    task.claim(dead)  # the worker took it ...
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, owner=dead)  # ... died
    alive = services.run(create(tmp_path, [member_row(7)], name="b.csv"))
    ImportJob.objects.filter(pk=alive.pk).update(
        state=JobState.RUNNING, owner=services.process_identity()
    )

    assert services.recover() == [job.pk]  # the live one (this process) is left alone
    job.refresh_from_db()
    task.refresh_from_db()
    assert job.state == JobState.INTERRUPTED and job.get_state_display() == "Bị gián đoạn"
    assert "không có thay đổi nào được ghi" in job.problem
    assert task.status == "FAILED" and task.exception_class_path.endswith("Interrupted")
    assert ImportJob.objects.get(pk=alive.pk).state == JobState.RUNNING
    assert job.percent == 0

    # Run again from the stored upload: the commit goes to the worker and completes.
    with django_capture_on_commit_callbacks(execute=True):
        job = services.retry(job, actor=None)
    assert job.state == JobState.QUEUED and job.mode == "commit"
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.state == JobState.COMMITTED
    assert Member.objects.filter(full_name__startswith="Ngô Văn Mới").count() == 5


def test_only_an_interrupted_job_can_be_run_again(tmp_path, world):
    job = services.run(create(tmp_path, [member_row(1)]))
    with pytest.raises(Exception, match="Chỉ chạy lại được"):
        services.retry(job, actor=None)


def test_a_queued_job_can_be_cancelled_and_is_then_not_run(
    transactional_db, tmp_path, world, django_capture_on_commit_callbacks, settings
):
    settings.DANGBO = {**settings.DANGBO, "IMPORT_INLINE_BYTES": 0}
    job = create(tmp_path, [member_row(1)])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(job, commit=False, actor=None)
    assert job.state == JobState.QUEUED
    services.cancel(job, actor=None)
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert DBTaskResult.objects.get(pk=job.task_id).return_value["skipped"] is True


def test_a_job_run_on_another_host_is_judged_by_its_heartbeat(tmp_path, world):
    job = services.run(create(tmp_path, [member_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, owner="another-host|00000000|4242|123"
    )
    job.refresh_from_db()
    services.progress_path(job).write_text("{}")
    assert not services.is_stale(job)  # its heartbeat is fresh
    old = time.time() - services.STALE_AFTER - 5
    os.utime(services.progress_path(job), (old, old))
    assert services.is_stale(job)
    assert services.settle(job).state == JobState.INTERRUPTED


def test_process_identity_tells_the_living_from_the_dead():
    assert services.process_gone(services.process_identity()) is False
    assert services.process_gone(dead_process_identity()) is True
    assert services.process_gone("another-host|x|1|1") is None
    assert services.process_gone("serve") is None
    assert len(services.process_identity()) <= 64  # also a task worker's id


def test_xlsx_is_streamed_and_rows_keep_their_numbers(tmp_path, world):
    rows = [member_row(n) for n in range(3)]
    rows.insert(1, [None] * len(MEMBER_HEADER))  # a blank line inside the sheet
    job = services.run(create(tmp_path, rows, name="dv.xlsx"))
    assert job.counts[RowState.NEW] == 3
    assert list(ImportRow.objects.filter(job=job).values_list("row_no", flat=True)) == [2, 4, 5]
