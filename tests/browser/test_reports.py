"""The district's office issues the 2016 report in Chromium, on the demo: tochuc opens
"Báo cáo" from the menu, picks the annual report, types the district's NAME in the
organisation picker, reads the report, issues it (number and date) and downloads the issued
.docx and PDF; both files, opened by their libraries, carry the number line and the date
line. Then the report page on a 390 px phone does not scroll sideways."""

import io
import os
import re

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from dangbo.demo import loader
from dangbo.reports.models import IssuedReport
from tests.support import FAST_HASHERS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

pytestmark = pytest.mark.browser

DISTRICT = "Đảng bộ huyện Tam Dương"
NUMBER_LINE = "Số 21-BC/HU"
DATE_LINE = "Tam Dương, ngày 10 tháng 01 năm 2017"
PHONE = {"width": 390, "height": 844}


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", loader.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(url + reverse("home:index"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def docx_text(content: bytes) -> str:
    """Every text of the .docx: its paragraphs and its tables' cells (the header of a Party
    document is a table: the issuing body left, the Party's name right), its page headers."""
    document = Document(io.BytesIO(content))
    parts: list[str] = []

    def cells(tables) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    parts.extend(p.text for p in document.paragraphs)
    cells(document.tables)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        cells(section.header.tables)
    return _flat("\n".join(parts))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return _flat("\n".join(page.extract_text() or "" for page in reader.pages))


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    assert path is not None, info.value.failure()
    with open(path, "rb") as f:
        return f.read()


def test_the_office_issues_the_2016_report_and_downloads_it(
    flushable_audit, live_server, browser_page
):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        assert loader.load()
    page = browser_page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.on("dialog", lambda dialog: dialog.accept())  # "Ban hành báo cáo này?"
    url = live_server.url
    _login(page, url, "tochuc")

    # "Báo cáo" from the site menu; the annual report of the district, picked by its name.
    page.click("nav.main a:has-text('Báo cáo')")
    page.wait_for_url(f"**{reverse('reports:index')}")
    page.check("input[name=loai][value=nam]")
    field = page.locator("#id_to_chuc")
    assert field.get_attribute("role") == "combobox"
    assert field.input_value().startswith(DISTRICT)  # one's own organisation, proposed
    field.fill("")  # another one is typed by its name
    field.click()
    page.keyboard.type("huyen tam duong", delay=30)
    listbox = page.locator("#" + field.get_attribute("aria-controls"))
    option = listbox.locator("[role=option]", has_text=DISTRICT).first
    option.wait_for()
    option.click()
    assert field.input_value().startswith(DISTRICT)
    page.fill("#id_nam", "2016")
    page.click("form[method=get] button[type=submit].primary")
    page.wait_for_selector("#ban-hanh")
    assert "loai=nam" in page.url and "nam=2016" in page.url
    heading = page.locator("h1").inner_text()
    assert DISTRICT in heading and "2016" in heading, heading
    main = page.locator("main").inner_text()
    assert "đảng viên" in main and "TÌNH HÌNH TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN" in main.upper()

    # Issue it: number 21, dated 10/01/2017 (the demo issued its number 15 on 31/12/2016).
    page.fill("#id_number", "21")
    page.fill("#id_issued_on", "10/01/2017")
    page.click("#ban-hanh button[type=submit].primary")
    # the issued report's page (three files rendered first); the form's #ban-hanh stays on
    page.wait_for_url(re.compile(r".*/da-ban-hanh/\d+/(#.*)?$"), timeout=60000)
    issued = IssuedReport.objects.get(number="21")
    assert (issued.kind, issued.org.code, issued.year) == ("nam", "tam-duong", 2016)
    assert issued.issued_by.username == "tochuc"
    facts = page.locator("dl.facts").inner_text()
    assert "10/01/2017" in facts and "21" in facts

    # The issued files: the .docx and the PDF, each with the number and the date lines.
    links = page.locator("nav.report-downloads a")
    docx = _download(page, links.filter(has_text=".docx").first)
    pdf = _download(page, links.filter(has_text=".pdf").first)
    words = docx_text(docx)
    assert NUMBER_LINE in words and DATE_LINE in words, words[:600]
    assert pdf.startswith(b"%PDF-")
    read = pdf_text(pdf)
    assert NUMBER_LINE in read and DATE_LINE in read, read[:600]
    assert DISTRICT.upper() in words.upper() and "BÁO CÁO" in words
    assert not [m for m in console if "Content Security Policy" in m], console

    # The same report's page on a phone: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.goto(url + reverse("reports:index") + "?loai=nam&to_chuc=tam-duong&nam=2016")
    page.wait_for_selector("#ban-hanh")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), width
    page.goto(url + reverse("reports:issued_detail", args=[issued.pk]))
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), width
