"""A staff member walks the tree, finds a member without typing accents and records a step."""

import os

import pytest
from django.urls import reverse

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

pytestmark = pytest.mark.browser


def test_walkthrough(flushable_audit, live_server, world, browser_page):
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-test-123")
    page.click("button[type=submit].primary")
    page.wait_for_url(live_server.url + reverse("home:index"))  # each role's home

    page.click("text=Đảng bộ huyện Tam Dương")
    page.wait_for_url("**/to-chuc/tam-duong/")
    page.click("table.grid a >> text=Đảng bộ xã Kim Long")
    page.wait_for_url("**/to-chuc/kim-long/")
    page.click("table.grid a >> text=Chi bộ thôn Đồng Bông")
    page.wait_for_url("**/to-chuc/kl-thon-1/")
    assert page.locator("h1").inner_text() == "Chi bộ thôn Đồng Bông"
    assert page.locator("text=Lê Văn Bình").count() >= 1

    page.click("nav.main >> text=Đảng viên")
    page.fill("#id_q", "le van binh")
    page.click("form.search button[type=submit]")
    page.click("table.grid >> text=Lê Văn Bình")
    page.wait_for_url("**/dang-vien/*/")
    page.click("details.menu > summary")  # the grouped "Thao tác" menu
    page.click("text=Công nhận đảng viên chính thức")
    page.fill("#id_recognition_date", "05/06/2017")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**{reverse('members:detail', args=[world.members['binh'].pk])}")

    assert "Đã ghi việc công nhận đảng viên chính thức" in page.locator(".messages").inner_text()
    timeline = page.locator("ol.timeline").inner_text()
    assert "05/06/2017" in timeline and "Công nhận đảng viên chính thức" in timeline
    assert page.locator("h1 .status").inner_text() == "Đảng viên chính thức"

    world.members["binh"].refresh_from_db()
    assert world.members["binh"].status == "official"
    assert not [m for m in console if "Content Security Policy" in m], console
