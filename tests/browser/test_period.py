"""The "kỳ số liệu" in the header, in Chromium under the strict CSP, on a desktop and on a
390 px phone: a date typed there is kept on the next pages, a page's figures answer for it,
"Về hôm nay" goes back, and the header never makes the page scroll sideways."""

import pytest
from django.urls import reverse

from dangbo.core.dates import today

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"


def _open_period(page):
    """On a phone the period is one folded line ("Kỳ số liệu: 31/12/2016 ▾"); a tap opens the
    form. A desk shows the form itself."""
    summary = page.locator("details.period-box > summary")
    if summary.is_visible() and page.locator("details.period-box[open]").count() == 0:
        summary.click()


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: reverse("login") not in url)


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_period_is_chosen_once_and_kept(
    flushable_audit, live_server, world, browser_page, size
):
    page = browser_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("orgs:detail", args=["tam-duong"]))
    field = page.locator("#ky-so-lieu")
    _open_period(page)
    assert field.input_value() == f"{today():%d/%m/%Y}"
    assert "quá hạn xét công nhận" in page.content()  # today Bình is overdue
    assert field.get_attribute("inputmode") in (None, "text")  # a phone keyboard with "/"
    assert field.is_visible()
    field.fill("31.12.2016")  # read as every typed date is
    page.click("form.period button[type=submit]:not([name])")
    page.wait_for_load_state()
    assert page.locator("#ky-so-lieu").input_value() == "31/12/2016"
    # Bình (probationary since 01/06/2016) is not yet overdue on 31/12/2016.
    assert "quá hạn xét công nhận" not in page.content()
    page.goto(base + reverse("meetings:compliance") + "?to-chuc=kim-long")
    assert "tính đến 31/12/2016" in page.content()
    # The day is in view on every page, folded or not.
    assert "31/12/2016" in page.locator("details.period-box > summary").text_content()
    assert page.locator("#ky-so-lieu").input_value() == "31/12/2016"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size[0], f"the header overflows: {width} px"
    _open_period(page)
    page.click("form.period button[name=hom-nay]")
    page.wait_for_load_state()
    assert page.locator("#ky-so-lieu").input_value() == f"{today():%d/%m/%Y}"
    assert page.locator("form.period button[name=hom-nay]").count() == 0


def test_a_wrong_date_is_named_and_changes_nothing(
    flushable_audit, live_server, world, browser_page
):
    page = browser_page
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("members:list"))
    _open_period(page)
    page.fill("#ky-so-lieu", "31/02/2016")
    page.click("form.period button[type=submit]:not([name])")
    page.wait_for_load_state()
    assert "Kỳ số liệu: tháng 2/2016 không có ngày 31" in page.content()
    assert page.locator("#ky-so-lieu").input_value() == f"{today():%d/%m/%Y}"
