"""Issue 12 on a 390 px phone in Chromium, under the strict CSP: the cell secretary records a
month's meeting with a date typed on a text keyboard and the big attendance choices (the reason
box appears only for "Vắng có lý do"); every role's main pages fit the screen and their buttons
take a thumb."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.meetings.models import Attendance, Meeting

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"
PHONE = {"width": 390, "height": 844}
THUMB = 44  # px: the smallest target a finger hits reliably (WCAG 2.5.5, Apple's HIG)


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: reverse("login") not in url)


def _box(locator) -> dict:
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return {w: r.width, h: r.height, font: parseFloat(getComputedStyle(el).fontSize)}; }"
    )


def test_secretary_records_a_month_on_a_phone(flushable_audit, live_server, world, browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    base = live_server.url
    _login(page, base, "secretary")

    page.goto(base + reverse("meetings:create", args=["kl-thon-1"]))
    day = page.locator("#id_ngay")
    # A date needs "/": the keyboard must be a text one, not a numeric keypad.
    assert day.get_attribute("inputmode") in (None, "text")
    assert _box(day)["font"] >= 16  # iOS zooms into smaller inputs
    day.fill("10/02/2016")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_selector("fieldset.attend")
    date_input = page.locator("#id_date")
    assert date_input.input_value() == "10/02/2016"
    assert date_input.get_attribute("inputmode") in (None, "text")
    page.fill("#id_topic", "Sinh hoạt thường kỳ tháng 2")
    page.select_option("#id_kind", "regular")

    huong, an = world.members["huong"], world.members["an"]
    rows = page.locator("fieldset.attend")
    assert rows.count() == 2  # Bình was admitted in June 2016
    excused = page.locator(f"input[name='trang-thai-{huong.pk}'][value='{S.EXCUSED}']")
    choice = page.locator("label.choice", has=excused)
    box = _box(choice)
    assert box["h"] >= THUMB and box["w"] >= THUMB and box["font"] >= 16, box
    reason = page.locator(f"input[name='ly-do-{huong.pk}']")
    assert reason.is_hidden()  # "Có mặt" by default: no reason asked
    choice.click()
    assert excused.is_checked()
    assert reason.is_visible()
    reason.fill("Đi công tác")
    page.locator("label.choice", has_text="Vắng không lý do").filter(
        has=page.locator(f"input[name='trang-thai-{an.pk}']")
    ).click()
    assert page.locator(f"input[name='ly-do-{an.pk}']").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button[type=submit].primary")
    page.wait_for_url("**/sinh-hoat/*/")

    assert "Đã ghi" in page.locator(".messages").inner_text()
    meeting = Meeting.objects.get(org=world.org("kl-thon-1"), date=date(2016, 2, 10))
    recorded = dict(meeting.attendance.values_list("member_id", "status"))
    assert recorded == {huong.pk: S.EXCUSED, an.pk: S.UNEXCUSED}
    assert Attendance.objects.get(meeting=meeting, member=huong).reason == "Đi công tác"
    shown = page.locator("main").inner_text()
    assert "Vắng có lý do" in shown and "Vắng không lý do" in shown

    # Back on the attendance page: the choices kept, the reason shown for the excused only.
    page.goto(base + reverse("meetings:attendance", args=[meeting.pk]))
    assert page.locator(f"input[name='trang-thai-{huong.pk}'][value='{S.EXCUSED}']").is_checked()
    assert page.locator(f"input[name='ly-do-{an.pk}']").is_hidden()
    assert page.locator(f"input[name='ly-do-{huong.pk}']").is_visible()
    assert not [m for m in console if "Content Security Policy" in m], console


MAIN_PAGES = [
    "/",
    reverse("orgs:tree"),
    reverse("orgs:list"),
    reverse("members:list"),
    reverse("meetings:compliance"),
    reverse("oversight:opinions"),
    reverse("oversight:targets"),
    reverse("reviews:cycles"),
]
ROLES = ["admin", "staff", "committee", "secretary", "auditor", "huong"]  # huong: a member

# What a thumb presses: the menu, buttons and the links dressed as buttons.
TARGETS = (
    "nav.main a, main button, main .button, main input[type=submit], main label.choice, "
    "header.site button, details.site-menu > summary, details.period-box > summary"
)


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_fit_a_phone(flushable_audit, live_server, world, browser_page, role):
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    _login(page, base, role)
    problems = []
    for path in MAIN_PAGES:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: {width} px wide")
        small = page.evaluate(
            """([sel, min]) => Array.from(document.querySelectorAll(sel)).filter(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && r.height > 0 && (r.height < min - 0.5);
              }).map(el => (el.textContent || el.value || el.tagName).trim().slice(0, 30)
                           + " " + Math.round(el.getBoundingClientRect().height) + "px")""",
            [TARGETS, THUMB],
        )
        if small:
            problems.append(f"{path}: small targets {small}")
        tiny_inputs = page.evaluate(
            """() => Array.from(document.querySelectorAll('main input:not([type=checkbox])'
              + ':not([type=radio]):not([type=hidden]), main select, main textarea'))
              .filter(el => parseFloat(getComputedStyle(el).fontSize) < 16)
              .map(el => el.name)"""
        )
        if tiny_inputs:
            problems.append(f"{path}: inputs under 16 px {tiny_inputs}")
    assert not problems, problems


def test_stacked_table_keeps_its_headers(flushable_audit, live_server, world, browser_page):
    """At 390 px a table.grid stacks; each value is preceded by its column's header."""
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("members:list"))
    table = page.locator("table.grid").first
    header = table.locator("thead th").first.inner_text().strip()
    cell = table.locator("tbody tr td").first
    assert cell.get_attribute("data-label") == header
    before = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert header in before
    assert table.locator("thead").is_hidden()
    # Wide screen: an ordinary table, headers on top and nothing drawn before the cells.
    page.set_viewport_size({"width": 1366, "height": 768})
    assert table.locator("thead").is_visible()
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == "none"


def test_without_javascript_a_phone_table_scrolls_in_place(
    flushable_audit, live_server, world, browser_page
):
    """No script, no labels: the table is not stacked but keeps its headers and scrolls inside
    itself, so the page still does not scroll sideways."""
    page = browser_page
    context = page.context.browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        nojs = context.new_page()
        base = live_server.url
        nojs.goto(base + reverse("login"))
        nojs.fill("#id_username", "staff")
        nojs.fill("#id_password", PASSWORD)
        nojs.click("button[type=submit].primary")
        nojs.wait_for_url(lambda url: reverse("login") not in url)
        nojs.goto(base + reverse("members:list"))
        assert nojs.locator("table.grid thead").first.is_visible()
        assert nojs.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_download_says_it_is_working(flushable_audit, live_server, world, browser_page):
    """Exports can take seconds: the link says so in a live region, refuses a second click,
    and says when the file has come (the answer's dangbo_tai cookie)."""
    page = browser_page
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("members:list"))
    link = page.locator("main a[href*='xuat.csv']")
    status = page.locator(".busy-status[role=status][aria-live=polite]")
    with page.expect_download() as download:
        link.click()
        assert status.inner_text() == "Đang chuẩn bị tệp…"
        assert link.get_attribute("aria-disabled") == "true"
    assert download.value.suggested_filename.endswith(".csv")
    expect(status).to_have_text("Đã tải xong tệp.")
    assert link.get_attribute("aria-disabled") is None


def test_the_menu_folds_on_a_phone(flushable_audit, live_server, world, browser_page):
    """One tap on "Chức năng" opens the menu on a phone (a <details>, no script); a desk
    screen shows it always."""
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("members:list"))
    summary = page.locator("details.site-menu > summary")
    assert "Đảng viên" in summary.inner_text()  # the section one is in
    link = page.locator("nav.main a", has_text="Sinh hoạt chi bộ")
    assert link.is_hidden()
    summary.click()
    assert link.is_visible() and _box(link)["h"] >= THUMB
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    link.click()
    page.wait_for_url(f"**{reverse('meetings:compliance')}")
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.locator("nav.main a", has_text="Đảng viên").is_visible()
    assert summary.is_hidden()


@pytest.mark.parametrize("role", ["staff", "secretary", "huong"])
def test_the_header_is_compact_on_a_phone(flushable_audit, live_server, world, browser_page, role):
    """Folded, the header is two lines (brand and menu; the period's day) and the day stays in
    view; a tap opens the period's date box; the user's name and "Đăng xuất" are in the menu."""
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    _login(page, base, role)
    page.goto(base + reverse("orgs:tree"))
    header = page.locator("header.site")
    assert _box(header)["h"] <= 130, _box(header)
    period = page.locator("details.period-box > summary")
    expect(period).to_contain_text("Kỳ số liệu")
    day = page.locator("#ky-so-lieu")
    assert day.input_value() in period.inner_text()  # the day shown while folded
    assert day.is_hidden() and page.locator("header.site .username").is_hidden()
    assert _box(period)["h"] >= THUMB
    period.focus()
    page.keyboard.press("Enter")  # a keyboard opens it as a finger does
    assert day.is_visible() and _box(day)["h"] >= THUMB and _box(day)["font"] >= 16
    page.locator("details.period-box > summary").click()  # folds again
    assert day.is_hidden()
    page.click("details.site-menu > summary")
    assert page.locator("header.site .username").is_visible()
    logout = page.locator("header.site form.logout button")
    assert logout.is_visible() and _box(logout)["h"] >= THUMB
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # At a desk the form and the user are in view without a tap.
    page.set_viewport_size({"width": 1366, "height": 768})
    assert day.is_visible() and logout.is_visible() and period.is_hidden()


def test_without_javascript_the_folded_period_still_changes(
    flushable_audit, live_server, world, browser_page
):
    """The folded period is a <details>, not a script: without JavaScript a phone opens it,
    types a day and sees it on the folded line of the next page."""
    page = browser_page
    context = page.context.browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        nojs = context.new_page()
        base = live_server.url
        _login(nojs, base, "staff")
        nojs.goto(base + reverse("members:list"))
        assert _box(nojs.locator("header.site"))["h"] <= 130
        nojs.click("details.period-box > summary")
        nojs.fill("#ky-so-lieu", "31/12/2016")
        nojs.press("#ky-so-lieu", "Enter")
        nojs.wait_for_load_state()
        assert "31/12/2016" in nojs.locator("details.period-box > summary").inner_text()
        assert nojs.locator("#ky-so-lieu").is_hidden()  # folded again on the next page
    finally:
        context.close()
