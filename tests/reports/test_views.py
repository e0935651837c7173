"""The "Báo cáo" pages: choose, read, download (opened by their libraries), issue through
the form, the issued list and page with changes since, background runs, 404 out of scope,
CSRF."""

import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from dangbo.members.models import Member
from dangbo.reports import kinds, services
from dangbo.reports.models import IssuedReport, ReportRun
from tests.reports.issue_support import toy_kind  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("toy_kind")
QUERY = "loai=thu&to_chuc=tam-duong&nam=2016"


def client_for(world, role, **kw) -> Client:
    client = Client(**kw)
    client.force_login(world.users[role])
    return client


def test_the_index_offers_the_kinds_with_their_descriptions(world):
    html = client_for(world, "committee").get(reverse("reports:index")).content.decode()
    assert 'name="loai" value="thu"' in html and "Số đảng viên (thử)." in html
    assert "data-picker" in html  # the organisation is typed by name
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize(("role", "code"), [("committee", "tam-duong"), ("secretary", "kl-thon-1")])
def test_the_chooser_proposes_the_annual_report_of_ones_own_organisation(world, role, code):
    client = client_for(world, role)
    client.post(reverse("period"), {"ngay": "31/12/2016", "next": "/"})
    html = client.get(reverse("reports:index")).content.decode()
    assert re.search(r'value="nam"[^>]* checked', html)
    assert re.search(r'name="nam"[^>]*value="2016"', html)  # the session's year (December)
    picked = re.search(r'name="to_chuc"[^>]*value="([^"]*)"', html)
    assert picked and picked[1].startswith(world.org(code).name)
    # The report under the chooser keeps the header's period (its own period is the year's).
    html = client.get(reverse("reports:index"), {"loai": "thu", "to_chuc": code, "nam": "2016"})
    assert 'id="ky-so-lieu" name="ngay" value="31/12/2016"' in html.content.decode()
    client.post(reverse("period"), {"ngay": "30/06/2016", "next": "/"})
    html = client.get(reverse("reports:index")).content.decode()
    assert re.search(r'name="nam"[^>]*value="2015"', html)  # mid-year: the last year closed


def test_the_issue_form_proposes_the_date_as_people_write_it(world):
    from dangbo.core.dates import today

    html = client_for(world, "staff").get(reverse("reports:index") + "?" + QUERY).content
    field = re.search(r'<input[^>]*name="issued_on"[^>]*>', html.decode())
    assert field and f'value="{today():%d/%m/%Y}"' in field[0]  # not 2016-12-31


def test_the_report_reads_as_a_document_with_downloads(world):
    client = client_for(world, "committee")
    # People type the organisation's name, not its code.
    response = client.get(
        reverse("reports:index"), {"loai": "thu", "to_chuc": "tam duong", "nam": "2016"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Toàn đảng bộ có 6 đảng viên." in html and "ĐẢNG CỘNG SẢN VIỆT NAM" in html
    assert "Đảng bộ xã Kim Long" in html
    for fmt in ("docx", "pdf", "xlsx"):
        assert f"/bao-cao/tai/{fmt}/?{QUERY}".replace("&", "&amp;") in html
    assert 'id="ban-hanh"' not in html  # a committee member may not issue


def test_downloads_open_in_their_libraries(world):
    client = client_for(world, "staff")
    docx = client.get(f"/bao-cao/tai/docx/?{QUERY}")
    assert docx.status_code == 200
    assert 'filename="bao-cao-thu-2016-tam-duong.docx"' in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Toàn đảng bộ có 6 đảng viên." in text
    pdf = client.get(f"/bao-cao/tai/pdf/?{QUERY}")
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "6 đảng viên" in pdf_text
    xlsx = client.get(f"/bao-cao/tai/xlsx/?{QUERY}")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert "Đảng bộ xã Kim Long" in [
        c for r in book.worksheets[0].iter_rows(values_only=True) for c in r
    ]
    plain = client.get(f"/bao-cao/tai/text/?{QUERY}")
    assert plain.content.decode().startswith("BAN THƯỜNG VỤ ĐẢNG BỘ HUYỆN TAM DƯƠNG")


def test_bad_input_is_said_by_field_never_a_500(world):
    client = client_for(world, "staff")
    response = client.get(
        reverse("reports:index"), {"loai": "thu", "to_chuc": "tam-duong", "nam": "2016", "quy": "2"}
    )
    assert response.status_code == 400
    assert "Quý: “Báo cáo thử” là báo cáo năm" in response.content.decode()
    response = client.get(
        reverse("reports:index"), {"loai": "thu", "to_chuc": "khong co", "nam": "abc"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Năm: phải là số nguyên." in html
    assert "không tìm thấy tổ chức" in html
    assert client.get(f"/bao-cao/tai/exe/?{QUERY}").status_code == 404


def test_out_of_scope_is_404(world):
    outsider = client_for(world, "outsider")
    assert (
        outsider.get(
            reverse("reports:index"), {"loai": "thu", "to_chuc": "tam-duong", "nam": "2016"}
        ).status_code
        == 400
    )
    assert outsider.get(f"/bao-cao/tai/docx/?{QUERY}").status_code == 404
    nobody = client_for(world, "nobody")
    assert nobody.get(reverse("reports:index")).status_code == 404
    report = _issue_by_form(client_for(world, "staff"))
    assert outsider.get(reverse("reports:issued_detail", args=[report.pk])).status_code == 404
    file_pk = report.files.first().pk
    url = reverse("reports:issued_file", args=[report.pk, file_pk])
    assert outsider.get(url).status_code == 404
    assert "Số đảng viên" not in outsider.get(reverse("reports:issued")).content.decode()


def _issue_by_form(client, number="15"):
    response = client.post(
        f"/bao-cao/ban-hanh/?{QUERY}", {"number": number, "issued_on": "31/12/2016"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return IssuedReport.objects.get(pk=int(re.search(r"/(\d+)/$", response["Location"])[1]))


def test_issue_through_the_form_then_compare(world):
    client = client_for(world, "staff")
    html = client.get(
        reverse("reports:index"), {"loai": "thu", "to_chuc": "tam-duong", "nam": "2016"}
    ).content.decode()
    assert 'id="ban-hanh"' in html
    report = _issue_by_form(client)
    assert report.issued_on == date(2016, 12, 31) and report.issued_by == world.users["staff"]
    page = client.get(reverse("reports:issued_detail", args=[report.pk])).content.decode()
    assert report.sha256 in page and "Số 15-BC/HU" in page and "khớp với" in page
    for stored in report.files.all():
        download = client.get(reverse("reports:issued_file", args=[report.pk, stored.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content)[:2] in (b"PK", b"%P")
    listing = client.get(reverse("reports:issued")).content.decode()
    assert report.title in listing

    nothing = client.get(reverse("reports:issued_detail", args=[report.pk]), {"so-sanh": "1"})
    assert "Không có thay đổi" in nothing.content.decode()
    Member.objects.filter(pk=world.members["khanh"].pk).update(org=world.org("hh-tdp-1"))
    moved = client.get(reverse("reports:issued_detail", args=[report.pk]), {"so-sanh": "1"})
    html = moved.content.decode()
    assert "by_org.Chi bộ Tòa án nhân dân huyện" in html and "Hợp Hòa | 2" in html

    # The same number again: refused on the form, by field.
    again = client.post(f"/bao-cao/ban-hanh/?{QUERY}", {"number": "15", "issued_on": "31/12/2016"})
    assert again.status_code == 400
    assert "đã ban hành báo cáo số 15 năm 2016" in again.content.decode()
    assert IssuedReport.objects.count() == 1


def test_issuing_needs_change(world):
    response = client_for(world, "committee").post(
        f"/bao-cao/ban-hanh/?{QUERY}", {"number": "1", "issued_on": "31/12/2016"}
    )
    assert response.status_code == 403
    assert not IssuedReport.objects.exists()


def test_posts_need_csrf(world):
    client = client_for(world, "staff", enforce_csrf_checks=True)
    response = client.post(
        f"/bao-cao/ban-hanh/?{QUERY}", {"number": "1", "issued_on": "31/12/2016"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("reports:runs"),
            {"loai": "thu", "to_chuc": "tam-duong", "nam": "2016", "format": "docx"},
        ).status_code
        == 403
    )
    assert not IssuedReport.objects.exists() and not ReportRun.objects.exists()


def test_a_background_kind_runs_with_a_progress_bar(world, django_capture_on_commit_callbacks):
    client = client_for(world, "staff")
    page = client.get(
        reverse("reports:index"),
        {"loai": "thu-quy", "to_chuc": "tam-duong", "nam": "2016", "quy": "2"},
    ).content.decode()
    assert "chế độ nền" in page and "Toàn đảng bộ" not in page
    response = client.post(
        reverse("reports:runs"),
        {"loai": "thu-quy", "to_chuc": "tam-duong", "nam": "2016", "quy": "2", "format": "xlsx"},
    )
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("reports:run", args=[run.pk])
    html = client.get(response["Location"]).content.decode()
    assert "data-progress-url" in html and 'id="job-progress"' in html
    progress = client.get(reverse("reports:run_progress", args=[run.pk])).json()
    assert progress["finished"] is False and progress["state"] == "queued"
    services.run(run)
    progress = client.get(reverse("reports:run_progress", args=[run.pk])).json()
    assert progress["finished"] is True and progress["done"] == progress["total"]
    html = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "bao-cao-thu-quy-2016-q2-tam-duong.xlsx" in html
    download = client.get(reverse("reports:run_file", args=[run.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"
    # Somebody else's run is not theirs to follow.
    assert client_for(world, "admin").get(reverse("reports:run", args=[run.pk])).status_code == 404
    assert str(run.pk) in client.get(reverse("reports:runs")).content.decode()


REAL_KINDS = sorted(k.key for k in kinds.all_kinds() if k.key not in ("thu", "thu-quy"))


@pytest.mark.parametrize("key", REAL_KINDS)
def test_every_registered_kind_reads_issues_and_compares(world, key):
    """The machinery holds for every kind the catalogue registers: its page (or its
    background offer), issuing it (the .docx, PDF and .xlsx rendered) and no change after."""
    client = client_for(world, "staff")
    kind = kinds.get(key)
    query = {"loai": key, "to_chuc": "tam-duong", "nam": "2016"}
    if kind.quarterly:
        query["quy"] = "2"
    page = client.get(reverse("reports:index"), query)
    assert page.status_code == 200, page.content.decode()[:2000]
    issued = client.post(
        reverse("reports:issue") + "?" + urlencode(query), {"issued_on": "31/12/2016"}
    )
    assert issued.status_code == 302, issued.content.decode()[:2000]
    compared = client.get(issued["Location"], {"so-sanh": "1"}).content.decode()
    assert "Không có thay đổi" in compared


def test_a_big_organisation_goes_to_the_background(world, monkeypatch):
    monkeypatch.setattr(services, "BIG_ORG_MEMBERS", 5)  # the district has six
    client = client_for(world, "staff")
    district = client.get(
        reverse("reports:index"), {"loai": "thu", "to_chuc": "tam-duong", "nam": "2016"}
    ).content.decode()
    assert "chế độ nền" in district and "Toàn đảng bộ" not in district
    commune = client.get(
        reverse("reports:index"), {"loai": "thu", "to_chuc": "kim-long", "nam": "2016"}
    ).content.decode()
    assert "chế độ nền" not in commune, commune[-3000:]
    assert "Toàn đảng bộ có 4 đảng viên." in commune
