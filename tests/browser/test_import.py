"""An organisation officer imports a member roll: upload, watch the progress bar while the
worker runs, read the preview, commit — all under the strict CSP."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangbo.imports.models import ImportJob, JobState
from dangbo.members.models import Member

HEADER = (
    "STT,Họ và tên,Giới tính,Ngày sinh,Mã chi bộ,Số thẻ đảng viên,Ngày vào Đảng,Ngày chính thức"
)

pytestmark = pytest.mark.browser


def test_import_with_progress_and_commit(
    flushable_audit, live_server, world, browser_page, settings, tmp_path
):
    settings.DANGBO = {**settings.DANGBO, "IMPORT_INLINE_BYTES": 0}  # everything to the worker
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.on("dialog", lambda dialog: dialog.accept())
    path = tmp_path / "danh-sach.csv"
    path.write_text(
        f"{HEADER}\n1,Ngô Văn Mới,Nam,01/01/1990,kl-thon-2,87654321,01/02/2015,01/02/2016\n"
        "2,Lý Thị Năm,Nữ,05/06/85,kl-thon-1,,01/02/2015,01/02/2016\n",
        encoding="utf-8",
    )

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-test-123")
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + reverse("home:index"))  # each role's home
    page.click("nav.main >> text=Nhập dữ liệu")
    page.select_option("#id_kind", "members")
    page.set_input_files("#id_file", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_selector("progress#job-progress")
    job = ImportJob.objects.get()
    assert job.state == JobState.QUEUED

    call_command("worker", "--batch")  # the page polls, then reloads by itself
    page.wait_for_selector("text=Đã kiểm tra, chờ ghi")
    assert page.locator("ul.counts").inner_text().count("1") >= 2
    assert "hiểu là 05/06/1985" in page.locator("table.import-rows").inner_text()

    page.click("text=Ghi vào cơ sở dữ liệu")
    page.wait_for_selector("progress#job-progress")
    call_command("worker", "--batch")
    page.wait_for_selector("text=Đã ghi vào cơ sở dữ liệu")
    assert Member.objects.filter(card_number="87654321", org__code="kl-thon-2").exists()
    assert Member.objects.filter(full_name="Lý Thị Năm").exists()
    assert not [m for m in console if "Content Security Policy" in m], console
