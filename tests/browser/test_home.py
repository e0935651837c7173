"""Each role logs in and lands on its home, at a desk (1366 px) and on a phone (390 px):
its own sections, a menu of what it may open with the home marked current, nothing wider
than the screen; a 404 and a refused form (403) are Vietnamese pages inside the layout."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"

HOMES = {
    "staff": "Công tác tổ chức",
    "committee": "Cấp ủy viên",
    "secretary": "Bí thư chi bộ",
    "auditor": "Kiểm tra",
}


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
def test_each_role_lands_on_its_home(flushable_audit, live_server, world, browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for role, heading in HOMES.items():
        _login(page, live_server.url, role)
        assert page.locator("h1").first.inner_text() == "Việc cần làm"
        assert heading in page.locator("main h2").first.inner_text()
        current = page.locator('nav.main a[aria-current="page"]')
        # On a phone the menu is folded under "Chức năng: Trang chủ" (a <details>), not shown.
        assert current.count() == 1 and current.text_content() == "Trang chủ"
        assert "Trang chủ" in page.locator("details.site-menu > summary").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The skip link is the first stop of the keyboard, and it leads to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Bỏ qua đến nội dung chính"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "noi-dung"
        if role == "secretary":
            page.click("text=Ghi biên bản sinh hoạt")
            page.wait_for_url(live_server.url + reverse("meetings:create", args=["kl-thon-1"]))
        _logout(page)
    assert not errors, errors


def test_404_and_403_are_vietnamese_pages(flushable_audit, live_server, world, browser_page):
    page = browser_page
    _login(page, live_server.url, "huong")  # a member
    response = page.goto(live_server.url + "/khong-co-trang-nay/")
    assert response.status == 404
    main = page.locator("main").inner_text()
    assert "Không tìm thấy trang" in main and "Not Found" not in page.content()
    page.click("text=Về trang chủ")
    page.wait_for_url(live_server.url + reverse("home:index"))
    # A form whose security token went stale (another tab logged out and in again).
    page.context.clear_cookies()
    _login(page, live_server.url, "staff")
    page.goto(live_server.url + reverse("home:index"))
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])
    with page.expect_response(lambda r: r.url.endswith(reverse("logout"))) as answer:
        page.click("header.site form.logout button")
    assert answer.value.status == 403
    assert "Biểu mẫu đã hết hạn" in page.locator("main h1").inner_text()
    assert "Forbidden" not in page.content() and "CSRF" not in page.content()
