"""Issue 5's walk in Chromium, under the strict CSP: one member's path from self-assessment
to decision — she rates herself, her cell's secretary proposes, the commune committee's
staff decides, and she reads the decision."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.reviews import services
from dangbo.reviews.models import Evaluation

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + reverse("home:index"))  # each role's home


def _logout(page):
    page.click("header.site form button.link")
    page.wait_for_selector("#id_username")


def test_member_self_assessment_to_decision(flushable_audit, live_server, world, browser_page):
    year = today().year
    cycle = services.open_cycle(
        actor=None,
        org=world.org("kim-long"),
        year=year,
        opens_on=today() - timedelta(days=5),
        closes_on=today() + timedelta(days=20),
    )
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    base = live_server.url

    # Nguyễn Thị Hương rates herself (this year's scheme is QĐ 366's 100 points).
    _login(page, base, "huong")
    page.goto(base + reverse("reviews:cycle", args=[cycle.pk]))
    page.click("a.button:has-text('Tự đánh giá')")
    page.select_option("#id_level", "htt")
    page.fill("#id_score_general", "26")  # QĐ 366: 30 + 70 points; 80 is "good"
    page.fill("#id_score_tasks", "54")
    page.fill("#id_comment", "Hoàn thành tốt nhiệm vụ được giao; tham gia đầy đủ sinh hoạt.")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/danh-gia/ket-qua/*/")
    evaluation = Evaluation.objects.get(member=world.members["huong"])
    assert evaluation.state == "self_assessed" and evaluation.self_level.code == "htt"
    _logout(page)

    # Her cell's secretary proposes.
    _login(page, base, "secretary")
    page.goto(base + reverse("reviews:evaluation", args=[evaluation.pk]))
    page.select_option("#id_level", "htt")
    page.click(f"form[action$='/{evaluation.pk}/propose/'] button[type=submit]")
    page.wait_for_selector("text=Đã đề xuất")
    _logout(page)

    # The commune committee (the competent body for its members) decides.
    _login(page, base, "sensitive_staff")
    page.goto(base + reverse("reviews:evaluation", args=[evaluation.pk]))
    page.fill("#id_decision_ref", "15-QĐ/ĐU")
    page.click(f"form[action$='/{evaluation.pk}/decide/'] button[type=submit]")
    page.wait_for_selector("text=Đã quyết định")
    evaluation.refresh_from_db()
    assert evaluation.state == "decided" and evaluation.final_level.code == "htt"
    assert evaluation.decided_by.code == "kim-long"
    _logout(page)

    # She reads the decision.
    _login(page, base, "huong")
    page.goto(base + reverse("reviews:evaluation", args=[evaluation.pk]))
    text = page.locator("main").inner_text()
    assert "Đã quyết định" in text and "Hoàn thành tốt nhiệm vụ" in text
    assert "Đảng bộ xã Kim Long" in text
    assert [s.action for s in evaluation.steps.order_by("at", "id")] == [
        "self_assessed",
        "proposed",
        "decided",
    ]
    assert not [m for m in console if "Content Security Policy" in m], console
