"""axe-core on each role's main pages in Chromium: no "serious" or "critical" violation
(contrast AA, labelled controls, landmarks, names of buttons and links…).

axe comes from the pinned test extra ``axe-playwright-python`` (pyproject.toml), which ships
axe.min.js: nothing is fetched from the Internet and nothing is vendored into the repository.
It is injected with ``page.evaluate`` — a DevTools evaluation, which the strict CSP (no inline
script) does not block, unlike a <script> tag."""

import json

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import reverse

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"
BLOCKING = ("serious", "critical")

MAIN_PAGES = [
    "/",
    reverse("orgs:tree"),
    reverse("orgs:list"),
    reverse("members:list"),
    reverse("meetings:compliance"),
    reverse("oversight:mine"),
    reverse("oversight:opinions"),
    reverse("oversight:targets"),
    reverse("reviews:cycles"),
    # issue 14: the register, programs, partners, indicators, the new-rural board
    reverse("home:direction"),
    reverse("documents:list"),
    reverse("programs:list"),
    reverse("programs:partners"),
    reverse("indicators:list"),
    reverse("indicators:ntm_board"),
    reverse("indicators:ntm_sets"),
    # issue 15: the reports, the district's annual report of 2016, the issued ones
    reverse("reports:index"),
    reverse("reports:index") + "?loai=nam&to_chuc=tam-duong&nam=2016",
    reverse("reports:issued"),
]
ROLES = ["admin", "staff", "committee", "secretary", "auditor", "huong"]  # huong: a member


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: reverse("login") not in url)


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it stands, WCAG 2.x A/AA and best practices."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def blocking(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(json.dumps(n["target"]) for n in v["nodes"][:5])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def test_axe_is_the_packaged_engine(live_server, browser_page):
    """The engine runs and sees a violation when there is one (the test can fail)."""
    page = browser_page
    page.goto(live_server.url + reverse("login"))
    page.evaluate(
        "() => { const b = document.createElement('button');"
        " document.querySelector('main').appendChild(b); }"
    )  # a button with no name: axe's "button-name", critical
    found = axe_violations(page)
    assert any(v["id"] == "button-name" for v in found), found
    assert page.evaluate("axe.version").startswith("4.")


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_serious_violations(
    flushable_audit, live_server, world, browser_page, role
):
    page = browser_page
    base = live_server.url
    _login(page, base, role)
    problems = {}
    # and the pages of one organisation and one member, where the operations menu lives
    pages = [
        *MAIN_PAGES,
        reverse("orgs:detail", args=["kim-long"]),
        reverse("members:detail", args=[world.members["huong"].pk]),
    ]
    for path in pages:
        response = page.goto(base + path)
        found = blocking(axe_violations(page))
        if response.status == 200 and not page.locator("nav.main a").count():
            found.append("the site menu is empty")
        if found:
            problems[path] = found
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_meeting_pages_on_a_phone_have_no_serious_violations(
    flushable_audit, live_server, world, browser_page
):
    """The secretary's phone path: recording a meeting and its attendance at 390 px."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    _login(page, base, "secretary")
    page.goto(base + reverse("meetings:create", args=["kl-thon-1"]) + "?ngay=10/02/2016")
    page.wait_for_selector("fieldset.attend")
    found = blocking(axe_violations(page))
    assert not found, found
