"""Forms that forgive, in Chromium under the strict CSP: an incomplete admission comes back
with every problem listed at the top, the focus on that list (forms.js), and each link
moving the focus into its field — at desktop and phone sizes."""

import pytest
from django.urls import reverse

from dangbo.members.models import Member

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("header.site .who", state="attached")  # folded in a phone's menu


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_incomplete_admission_shows_every_error_at_the_top(
    flushable_audit, live_server, world, browser_page, width, height
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("members:admit", args=["kl-thon-1"]))
    assert page.eval_on_selector("#id_gender", "el => el.value") == ""  # nothing preselected

    # Three mistakes: no name, a day February does not have, the card of another member;
    # gender left unchosen.
    page.fill("#id_date_of_birth", "31/02/1990")
    page.fill("#id_card_number", "12345678")
    page.fill("#id_admission_decision_date", "01032016")  # typed without "/": accepted
    page.fill("#id_admission_ceremony_date", "1/3/16")
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-error-summary]")

    summary = page.locator("[data-error-summary]")
    assert summary.locator("h2").inner_text() == "Có 4 lỗi cần sửa"
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#id_full_name",
        "#id_gender",
        "#id_date_of_birth",
        "#id_card_number",
    ]
    assert "tháng 2/1990 không có ngày 31" in summary.inner_text()
    # The focus is on the summary, and the summary is on screen without scrolling.
    page.wait_for_function(
        "document.activeElement && document.activeElement.dataset.errorSummary !== undefined"
    )
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < height
    # The dates typed without "/" were read and kept as dates.
    assert page.input_value("#id_admission_decision_date") == "01/03/2016"
    assert page.input_value("#id_admission_ceremony_date") == "01/03/2016"

    # Each link moves the focus into its field.
    for name in ("card_number", "date_of_birth", "full_name"):
        summary.locator(f"a[href='#id_{name}']").click()
        page.wait_for_function(
            f"document.activeElement && document.activeElement.id === 'id_{name}'"
        )
        field = page.locator(f"#id_{name}")
        assert field.get_attribute("aria-invalid") == "true"
        assert field.get_attribute("aria-describedby") == f"id_{name}_error"

    # Fixed in one more round: nothing was held back for a second one.
    page.fill("#id_full_name", "Ngô Văn Mới")
    page.select_option("#id_gender", "M")
    page.fill("#id_date_of_birth", "28/02/1990")
    page.fill("#id_card_number", "87654321")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Đã ghi việc kết nạp")
    assert Member.objects.filter(full_name="Ngô Văn Mới", card_number="87654321").exists()
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
