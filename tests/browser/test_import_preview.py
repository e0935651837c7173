"""A roll whose first row looks like a header (a list of the form's column names above the
real table): the preview reads the wrong row, the person opens the header-row picker, picks
the right row, and the preview runs again and recognises the members — without JavaScript
needed, and on a phone without sideways scrolling of the page."""

import os

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dangbo.imports.models import ImportJob, JobState

pytestmark = pytest.mark.browser

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Mã chi bộ",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
]
MEMBERS = [
    ["1", "Ngô Văn Mới", "Nam", "01/01/1990", "kl-thon-2", "87654321", "01/02/2015", "01/02/2016"],
    ["2", "Lý Thị Năm", "Nữ", "05/06/1985", "kl-thon-1", "", "01/02/2015", "01/02/2016"],
]
SHOTS = os.environ.get("DANGBO_SHOTS")  # a directory: keep screenshots of the page there


def fooling_roll(path):
    """Row 1 lists more known column names (in another order) than the table's own header,
    row 4."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(
        [
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Số thẻ đảng viên",
            "Mã chi bộ",
            "Ngày vào Đảng",
            "Ngày chính thức",
            "Điện thoại",
            "Quê quán",
            "Nơi ở hiện nay",
        ]
    )
    sheet.append(["Các cột trên ghi theo mẫu của Ban Tổ chức; danh sách đảng viên chi bộ ở dưới"])
    sheet.append([])
    sheet.append(HEADER)
    for row in MEMBERS:
        sheet.append(row)
    book.save(path)
    return path


def no_page_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_user_corrects_the_header_row(
    flushable_audit, live_server, world, browser_page, tmp_path
):
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-test-123")
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + reverse("home:index"))
    page.goto(live_server.url + reverse("imports:index"))
    page.select_option("#id_kind", "members")
    page.set_input_files("#id_file", str(fooling_roll(tmp_path / "danh-sach.xlsx")))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#header-picker")
    job = ImportJob.objects.get()
    assert job.sheets[0]["header_row"] == 1  # fooled by the list of column names
    assert job.state == JobState.FAILED or job.counts.get("new", 0) < 2, job.counts

    picker = page.locator("details#header-picker")
    if picker.get_attribute("open") is None:
        page.click("details#header-picker > summary")
    grid = page.locator("table.head-grid")
    assert "Các cột trên ghi theo mẫu" in grid.inner_text()  # the sheet's own rows
    page.check("#hr-4")
    page.click("text=Kiểm tra lại với dòng tiêu đề này")
    page.wait_for_selector("text=Đã lưu lựa chọn và kiểm tra lại tệp")
    rows = page.locator("table.import-rows").inner_text()
    assert "Ngô Văn Mới (87654321)" in rows and "Lý Thị Năm" in rows
    assert "Thêm mới" in rows
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED and job.options["header_row"] == {"Danh sách": 4}
    assert job.counts["new"] == 2 and job.sheets[0]["header_row"] == 4
    assert page.locator("text=Ghi vào cơ sở dữ liệu").count() == 1
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("imports:job", args=[job.pk]) + "?tieu-de=Danh sách")
    assert no_page_scroll(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "job-1366.png"), full_page=True)

    # A phone: the grid scrolls inside its box, never the page.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("imports:job", args=[job.pk]) + "?tieu-de=Danh sách")
    assert page.locator("details#header-picker[open]").count() == 1
    assert no_page_scroll(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "job-390.png"), full_page=True)
    assert not [m for m in console if "Content Security Policy" in m], console
