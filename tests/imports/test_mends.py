"""Issue-13 review mends: one options service for API and CLI, action counts over every row,
row errors/warnings as properties, the notes of a many-sheet file folded."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.imports import services
from dangbo.imports.models import ImportJob, ImportRow, JobState

from .files import CELL_HEADER, write_csv

pytestmark = pytest.mark.django_db


def _roll(tmp_path, n: int, *, bad: int = 0):
    rows = [
        [str(i), f"Hà Văn Số {i}", "Nam", "15/05/1976", "kl-thon-1", "01/02/2015", "01/02/2016"]
        for i in range(1, n + 1)
    ]
    for i in range(bad):
        rows[i][3] = "4"  # not a date: an error on its row
    path = tmp_path / "roll.csv"
    write_csv(path, [CELL_HEADER, *rows])
    return path


def test_action_counts_cover_rows_beyond_those_kept(tmp_path, world, monkeypatch, client):
    monkeypatch.setattr(services, "KEEP_ROWS_PER_STATE", 3)
    actor = world.users["admin"]
    path = _roll(tmp_path, 7, bad=2)
    job = services.create_job(actor=actor, kind="members", source=path, original_name="roll.csv")
    job = services.run(job, actor=actor)
    assert job.counts["new"] == 5 and job.counts["error"] == 2
    assert ImportRow.objects.filter(job=job, action="new").count() == 3  # kept
    assert job.actions == {"new": 5, "": 2}  # every row
    client.force_login(actor)
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Thêm mới: <strong>5</strong>" in html


def test_row_errors_then_warnings(world, tmp_path):
    job = services.create_job(
        actor=None, kind="members", source=_roll(tmp_path, 1), original_name="roll.csv"
    )
    row = ImportRow(job=job, row_no=2, state="error", messages=["a", "b"], error_count=1)
    assert row.errors == ["a"] and row.warnings == ["b"]
    warned = ImportRow(job=job, row_no=3, state="warning", messages=["c"])
    assert warned.errors == [] and warned.warnings == ["c"]


def test_configure_saves_checked_options_without_running(world, tmp_path):
    actor = world.users["admin"]
    job = services.create_job(
        actor=actor, kind="members", source=_roll(tmp_path, 2), original_name="roll.csv"
    )
    job = services.configure(job, actor=actor, changes={"unknown_recognition": "official"})
    job.refresh_from_db()
    assert job.options == {"unknown_recognition": "official"}
    assert job.state == JobState.UPLOADED and not job.rows.exists()


def test_configure_refuses_every_bad_field_and_cancels_a_fresh_job(world, tmp_path):
    actor = world.users["admin"]
    job = services.create_job(
        actor=actor, kind="members", source=_roll(tmp_path, 2), original_name="roll.csv"
    )
    with pytest.raises(ValidationError) as caught:
        services.configure(
            job, actor=actor, changes={"unknown_recognition": "maybe", "header_row": "x"}
        )
    fields = caught.value.message_dict
    assert fields["unknown_recognition"][0].startswith("Cách đọc đảng viên")
    assert fields["header_row"][0].startswith("Dòng tiêu đề")
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.options == {}
    assert not services.stored_path(job).exists()


def test_configure_on_a_previewed_job_keeps_it(world, tmp_path):
    actor = world.users["admin"]
    job = services.create_job(
        actor=actor, kind="members", source=_roll(tmp_path, 2), original_name="roll.csv"
    )
    job = services.run(job, actor=actor)
    with pytest.raises(ValidationError):
        services.configure(job, actor=actor, changes={"header_row": "99"})
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED and job.options == {}


def test_many_notes_fold_into_details(client, world, tmp_path):
    actor = world.users["admin"]
    job = services.create_job(
        actor=actor, kind="members", source=_roll(tmp_path, 1), original_name="roll.csv"
    )
    job = services.run(job, actor=actor)
    client.force_login(actor)
    url = reverse("imports:job", args=[job.pk])
    ImportJob.objects.filter(pk=job.pk).update(notes=[f"Trang “T{i}”: trống" for i in range(3)])
    assert "notes-fold" not in client.get(url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(notes=[f"Trang “T{i}”: trống" for i in range(9)])
    html = client.get(url).content.decode()
    assert '<details class="notes-fold"><summary>9 ghi chú về tệp</summary>' in html
