"""A member's path in Chromium, at a desk and on a phone, under the strict CSP: log in, land
on "Trang của tôi" (their own record, their own ID number included), send an opinion, see it
listed as theirs; then the cell's secretary finds it among the cell's opinions."""

import pytest
from django.urls import reverse

from dangbo.oversight.models import Opinion

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + reverse("home:index"))


def _logout(page):
    """On a phone "Đăng xuất" is in the folded menu with the user's name; a desk shows it."""
    summary = page.locator("details.site-menu > summary")
    if summary.is_visible():
        summary.click()
    page.click("header.site form.logout button")
    page.wait_for_selector("#id_username")


@pytest.mark.parametrize("width", [1366, 390])
def test_member_sends_an_opinion_and_the_secretary_sees_it(
    flushable_audit, live_server, world, browser_page, width
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    base = live_server.url

    _login(page, base, "huong")
    assert page.locator("h1").first.inner_text() == "Trang của tôi"
    record = page.locator("section", has=page.locator("h2", has_text="Hồ sơ của tôi"))
    assert "026180001234" in record.inner_text()  # her own ID number, no grant needed
    assert "Kinh" in record.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.click("a.button:has-text('Gửi ý kiến')")  # from "Việc của tôi" to the form
    page.select_option("#id_topic", label="Hạ tầng, giao thông, xây dựng")
    page.fill("#id_text", "Đề nghị sửa cống thoát nước đầu thôn trước mùa mưa.")
    page.click("#gui-y-kien button[type=submit]")
    page.wait_for_url(base + reverse("oversight:my_opinions"))
    opinion = Opinion.objects.get()
    assert f"Đã gửi ý kiến #{opinion.pk}" in page.locator("main").inner_text()
    listed = page.locator("table.grid tbody tr").first.inner_text()
    assert "Đề nghị sửa cống thoát nước" in listed and "Mới tiếp nhận" in listed
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _logout(page)

    _login(page, base, "secretary")
    page.goto(base + reverse("oversight:opinions"))  # the cell's opinions by default
    assert "Chi bộ thôn Đồng Bông" in page.locator("h1").inner_text()
    page.click("text=Đề nghị sửa cống thoát nước đầu thôn trước mùa mưa.")
    page.wait_for_url(base + reverse("oversight:opinion", args=[opinion.pk]))
    main = page.locator("main").inner_text()
    assert "Mới tiếp nhận" in main and "Đảng viên" in main
    # who sent it is sensitive: not without the grant, nor as the history's first actor
    assert "Nguyễn Thị Hương" not in main and "huong" not in main
    assert "Đảng viên gửi qua Trang của tôi" in main
    assert not errors, errors
