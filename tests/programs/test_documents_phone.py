"""The register on a 390 px phone under the strict CSP: the list, a document and the register
form fit the screen (no sideways scrolling of the page) and nothing is refused by the CSP."""

import io
from datetime import date

import pytest
from django.urls import reverse

from dangbo.programs import documents

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-test-123")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: reverse("login") not in url)


def test_register_pages_fit_a_phone(
    flushable_audit, live_server, world, browser_page, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    top = documents.register(
        actor=None,
        number="64-KL/TW",
        kind="KL",
        issuer="Bộ Chính trị",
        issue_date=date(2023, 2, 28),
        title="Kết luận về tiếp tục đổi mới, hoàn thiện hệ thống chính trị giai đoạn 2023-2030",
    )
    doc = documents.register(
        actor=None,
        number="12-CTr/HU",
        kind="CTR",
        issue_date=date(2023, 5, 10),
        title="Chương trình hành động thực hiện Kết luận số 64-KL/TW của Bộ Chính trị",
        body=world.org("tam-duong"),
        implements=top,
        applies_to=[world.org("kim-long"), world.org("hop-hoa")],
        uploads=[(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "Chương trình hành động số 12.pdf")],
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    base = live_server.url
    _login(page, base, "staff")
    for url in (
        reverse("documents:list") + "?q=ket+luan+64",
        reverse("documents:detail", args=[doc.pk]),
        reverse("documents:create"),
        reverse("documents:edit", args=[doc.pk]),
    ):
        page.goto(base + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (url, width)
    page.goto(base + reverse("documents:create"))
    page.fill("#id_implements", "kl 64")
    page.wait_for_selector("[role=listbox] [role=option]")
    assert not [m for m in console if "Content Security Policy" in m], console
