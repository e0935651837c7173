"""Pick by name in Chromium, under the strict CSP: organisation staff assign an opinion to a
commune by typing part of its name without accents ("kim lo"), choose it with the keyboard
in the type-ahead list (an ARIA combobox), submit, and the opinion is assigned to Đảng bộ xã
Kim Long. Then the same field without picking: a name typed in full still resolves."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.oversight import services
from dangbo.oversight.choices import OpinionChannel, OpinionState
from dangbo.oversight.models import OpinionTopic

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"


def _opinion(world, text):
    return services.record_opinion(
        actor=None,
        received_on=today() - timedelta(days=3),
        source="citizen",
        channel=OpinionChannel.STAFF,
        text=text,
        topic=OpinionTopic.objects.filter(active=True).order_by("position").first(),
        org=world.org("kl-thon-1"),
        received_by=world.org("tam-duong"),
    )


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + reverse("home:index"))


def test_staff_assign_an_opinion_by_typing_a_commune_name(
    flushable_audit, live_server, world, browser_page
):
    road = _opinion(world, "Đường liên thôn Đồng Bông xuống cấp.")
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("oversight:opinion", args=[road.pk]))

    field = page.locator("#id_assign-to_org")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.click()
    page.keyboard.type("kim lo", delay=40)
    listbox = page.locator("#" + field.get_attribute("aria-controls"))
    listbox.locator("[role=option]").first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    first = listbox.locator("[role=option]").first.inner_text()
    assert "Đảng bộ xã Kim Long" in first and "Đảng bộ huyện Tam Dương" in first
    status = page.locator(".picker [role=status]").first
    assert status.inner_text().startswith("1 kết quả")

    page.keyboard.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")  # picks; does not submit the form
    assert field.input_value() == "Đảng bộ xã Kim Long (Đảng bộ huyện Tam Dương)"
    assert field.get_attribute("aria-expanded") == "false"
    assert page.url.endswith(reverse("oversight:opinion", args=[road.pk]))

    page.fill("#id_assign-deadline", f"{today() + timedelta(days=30):%d/%m/%Y}")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.wait_for_selector("text=Đã giao ý kiến")
    road.refresh_from_db()
    assert road.state == OpinionState.ASSIGNED and road.assigned_to.code == "kim-long"
    assert "Đảng bộ xã Kim Long" in page.locator("main").inner_text()
    assert not [m for m in console if "Content Security Policy" in m], console


def test_a_full_name_typed_without_picking_resolves(
    flushable_audit, live_server, world, browser_page
):
    school = _opinion(world, "Trường học thiếu phòng.")
    page = browser_page
    base = live_server.url
    _login(page, base, "staff")
    page.goto(base + reverse("oversight:opinion", args=[school.pk]))
    page.fill("#id_assign-to_org", "dang bo thi tran hop hoa")
    page.keyboard.press("Tab")  # leaves the list unpicked: the text is sent as typed
    page.fill("#id_assign-deadline", f"{today() + timedelta(days=30):%d/%m/%Y}")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.wait_for_selector("text=Đã giao ý kiến")
    school.refresh_from_db()
    assert school.assigned_to.code == "hop-hoa"
