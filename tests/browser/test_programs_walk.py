"""Issue 14's walk on the demo: the commune's office (xakimlong, Kim Long) reports progress
on a task Kim Long leads and enters its new-rural assessment; then the district's office
(tochuc) sees the task's progress rolled up on the program's page and the NTM board
updated."""

import os
import re

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from dangbo.demo import loader
from dangbo.indicators.models import NtmAssessment
from dangbo.programs.models import ProgressReport, Task
from tests.support import FAST_HASHERS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

pytestmark = pytest.mark.browser

TASK = "Thí điểm bí thư chi bộ đồng thời là trưởng thôn ở xã Kim Long"
OBJECTIVE = "Sắp xếp, kiện toàn tổ chức bộ máy"
KL64 = "Chương trình hành động thực hiện Kết luận số 64-KL/TW"


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", loader.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(url + reverse("home:index"))


def _row(page, text, table="table.grid"):
    return page.locator(f"{table} tbody tr", has_text=text).first


def test_commune_reports_and_assesses_the_district_sees_it(
    flushable_audit, live_server, browser_page
):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        assert loader.load()
    task = Task.objects.get(title=TASK)
    objective = task.parent
    assert objective.title == OBJECTIVE
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    url = live_server.url

    # The commune's office: its programs, the KL 64 program, its own task.
    _login(page, url, "xakimlong")
    page.goto(url + reverse("programs:list"))
    page.click(f"a:has-text('{KL64}')")
    page.wait_for_url(f"**{reverse('programs:detail', args=[task.program_id])}*")
    page.click(f"table.grid a:has-text('{TASK}')")
    page.wait_for_url(f"**{reverse('programs:task', args=[task.pk])}*")
    page.fill("#id_period_end", "31/03/2017")
    page.fill("#id_percent", "90")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_text", "Đã thực hiện ở 9/10 thôn.")
    page.click("form[action$='/bao-cao/'] button[type=submit].primary")
    page.wait_for_load_state()
    report = ProgressReport.objects.filter(task=task).latest("id")
    assert report.percent == 90 and report.reported_by.username == "xakimlong"
    assert "Đã thực hiện ở 9/10 thôn." in page.content()

    # Its new-rural assessment for 2017, from the board.
    page.goto(url + reverse("indicators:ntm_board") + "?nam=2017")
    link = page.locator("table.ntm-board a:has-text('Kim Long')").first
    page.goto(url + link.get_attribute("href"))  # the commune's own row links to its form
    page.wait_for_url("**/nong-thon-moi/xa/kim-long/2017/danh-gia/**")
    page.check("input[name=criterion_1][value='dat']")
    page.fill("#id_evidence_1", "Quy hoạch xã được phê duyệt (minh họa).")
    page.check("input[name=criterion_2][value='khong-dat']")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/nong-thon-moi/**")
    assert "Đã ghi đánh giá nông thôn mới năm 2017" in page.locator(".messages").inner_text()
    saved = dict(
        NtmAssessment.objects.filter(org__code="kim-long", year=2017).values_list(
            "criterion__number", "met"
        )
    )
    assert saved == {1: True, 2: False}

    # The district's office sees both roll up.
    _login(page, url, "tochuc")
    page.goto(url + reverse("programs:detail", args=[task.program_id]))
    assert "90%" in _row(page, TASK).inner_text()
    # 1.1 done (weight 1), 1.2 at 85% (weight 2), 1.3 now at 90% (weight 1): 90%.
    assert re.search(r"\b90%", _row(page, OBJECTIVE).inner_text())
    page.goto(url + reverse("indicators:ntm_board") + "?nam=2017&to-chuc=tam-duong")
    kim_long = _row(page, "Kim Long", "table.ntm-board").inner_text()
    assert "1/" in kim_long and "27/12/2016" in kim_long
    assert not [m for m in console if "Content Security Policy" in m], console
