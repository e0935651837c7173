"""The import pages: upload, preview, commit, progress, templates, and who may use them."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.imports.models import ImportJob, JobState
from dangbo.members.models import Member

from .files import MEMBER_HEADER, csv_bytes, dead_process_identity

pytestmark = pytest.mark.django_db

GOOD = [
    "",
    "Ngô Văn Mới",
    "Nam",
    "01/01/1990",
    "kl-thon-2",
    "87654321",
    "01/02/2015",
    "01/02/2016",
    "",
]


def upload(client, rows, *, name="dv.csv", kind="members"):
    data = io.BytesIO(csv_bytes([MEMBER_HEADER, *rows]))
    data.name = name
    return client.post(reverse("imports:index"), {"kind": kind, "file": data})


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def test_upload_preview_then_commit(client, world):
    login(client, world, "staff")
    response = upload(client, [GOOD])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:job", args=[job.pk]
    )
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Ngô Văn Mới (87654321)" in page and "Thêm mới: <strong>1</strong>" in page
    assert "Ghi vào cơ sở dữ liệu" in page
    assert not Member.objects.filter(card_number="87654321").exists()
    response = client.post(reverse("imports:commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.COMMITTED
    assert Member.objects.filter(card_number="87654321", org__code="kl-thon-2").exists()


def test_rows_with_errors_cannot_be_committed(client, world):
    login(client, world, "staff")
    upload(
        client, [["", "Bùi Văn Nhỏ", "Nam", "01/01/2000", "kl-thon-1", "", "01/06/2017", "", ""]]
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", args=[job.pk]), {"loc": "error"}).content.decode()
    assert "chưa đủ 18 tuổi" in page and "Ghi vào cơ sở dữ liệu" not in page
    client.post(reverse("imports:commit", args=[job.pk]))
    assert not Member.objects.filter(full_name="Bùi Văn Nhỏ").exists()


def test_a_garbage_file_gets_a_message_not_a_500(client, world):
    login(client, world, "staff")
    data = io.BytesIO(b"\x00\x01\x02" * 1000)
    data.name = "x.xlsx"
    response = client.post(reverse("imports:index"), {"kind": "members", "file": data})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "không phải là bảng tính" in page


def test_missing_file_and_bad_kind_name_the_field(client, world):
    login(client, world, "staff")
    response = client.post(reverse("imports:index"), {"kind": "members"})
    assert response.status_code == 400 and "Tệp: hãy chọn một tệp." in response.content.decode()
    data = io.BytesIO(b"a,b\n1,2\n")
    data.name = "x.csv"
    response = client.post(reverse("imports:index"), {"kind": "nothing", "file": data})
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_oversized_upload_is_refused_before_reading(client, world, settings):
    settings.DANGBO = {**settings.DANGBO, "IMPORT_MAX_BYTES": 1000}
    login(client, world, "staff")
    response = upload(client, [GOOD] * 3000)
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("sensitive_staff", 200),
        ("outsider", 200),
        ("committee", 404),
        ("secretary", 404),
        ("auditor", 404),
        ("member", 404),
        ("nobody", 404),
    ],
)
def test_who_may_import(client, world, who, status):
    login(client, world, who)
    assert client.get(reverse("imports:index")).status_code == status
    assert client.get(reverse("imports:template", args=["members"])).status_code == status


def test_a_job_is_seen_only_by_its_uploader(client, world):
    login(client, world, "staff")
    upload(client, [GOOD])
    job = ImportJob.objects.get()
    other = login(Client(), world, "admin")
    for name in ("imports:job", "imports:progress"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert other.post(reverse("imports:commit", args=[job.pk])).status_code == 404
    assert other.post(reverse("imports:cancel", args=[job.pk])).status_code == 404
    root = login(Client(), world, "root")
    assert root.get(reverse("imports:job", args=[job.pk])).status_code == 200


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    data = io.BytesIO(csv_bytes([MEMBER_HEADER, GOOD]))
    data.name = "dv.csv"
    response = client.post(reverse("imports:index"), {"kind": "members", "file": data})
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_templates_have_vietnamese_headers_an_example_and_respect_the_grant(client, world):
    login(client, world, "admin")
    response = client.get(reverse("imports:template", args=["members"]))
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.active[1]]
    example = [c.value for c in book.active[2]]
    assert header[:4] == ["Họ và tên (*)", "Giới tính (*)", "Ngày sinh (*)", "Chi bộ (*)"]
    assert "Số CCCD" in header and example[0] == "Nguyễn Thị Hương"
    assert example[header.index("Số thẻ đảng viên")] == "01234567"
    login(client, world, "staff")
    book = load_workbook(
        io.BytesIO(client.get(reverse("imports:template", args=["members"])).content)
    )
    assert "Số CCCD" not in [c.value for c in book.active[1]]
    book = load_workbook(io.BytesIO(client.get(reverse("imports:template", args=["orgs"])).content))
    assert [c.value for c in book.active[1]][0] == "Mã tổ chức (*)"


def test_the_filled_template_imports(client, world, tmp_path):
    """The example row of the template is a valid row once its cell code exists."""
    from dangbo.imports import services

    login(client, world, "admin")
    path = tmp_path / "mau.xlsx"
    path.write_bytes(client.get(reverse("imports:template", args=["members"])).content)
    job = services.create_job(
        actor=world.users["admin"], kind="members", source=path, original_name="mau.xlsx"
    )
    job = services.run(job, actor=world.users["admin"])
    assert job.counts["error"] == 0, list(job.rows.values_list("messages", flat=True))


def test_big_files_run_on_the_worker_with_progress(transactional_db, client, world, settings):
    # Transactional: the worker closes and reopens connections between tasks, as in production.
    settings.DANGBO = {**settings.DANGBO, "IMPORT_INLINE_BYTES": 0}
    login(client, world, "staff")
    upload(client, [GOOD])
    job = ImportJob.objects.get()
    assert job.state == JobState.QUEUED
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "<progress" in page and "data-progress-url" in page
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert progress["finished"] is False and progress["state"] == "queued"
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED and job.counts["new"] == 1
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert progress["finished"] is True and progress["done"] == 1
    client.post(reverse("imports:commit", args=[job.pk]))
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.state == JobState.COMMITTED
    assert Member.objects.filter(card_number="87654321").exists()


def test_cancel_removes_the_file_and_rows(client, world, settings):
    login(client, world, "staff")
    upload(client, [GOOD])
    job = ImportJob.objects.get()
    from dangbo.imports.services import stored_path

    assert stored_path(job).exists()
    client.post(reverse("imports:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and not job.rows.exists()
    assert not stored_path(job).exists()


def test_an_interrupted_job_says_so_and_can_be_cancelled(client, world, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from dangbo.imports import services

    login(client, world, "staff")
    upload(client, [GOOD])
    job = ImportJob.objects.get()
    # As a process killed mid-run leaves it: "running", owned by a process that is gone.
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        owner=dead_process_identity(),
    )
    services.progress_path(job).unlink(missing_ok=True)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "bị gián đoạn" in page and "<progress" not in page
    assert "Bị gián đoạn" in page and "Kiểm tra lại từ tệp đã tải lên" in page
    assert client.get(reverse("imports:progress", args=[job.pk])).json()["finished"] is True
    client.post(reverse("imports:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED


def test_a_running_job_cannot_be_cancelled(client, world):
    from django.utils import timezone

    login(client, world, "staff")
    upload(client, [GOOD])
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())
    from dangbo.imports import services

    services.progress_path(job).write_text('{"done": 1}')
    response = client.post(reverse("imports:cancel", args=[job.pk]), follow=True)
    assert "Không hủy được" in response.content.decode()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING
