"""The new-rural pages: the board, a commune's assessment, recognition and revocation, the
sets — who may open them (out of scope 404, seen but not changeable 404 too), bad input 400."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.indicators import ntm, ntm_sets
from dangbo.indicators.models import NtmAssessment, NtmRecognition

pytestmark = pytest.mark.django_db

BOARD = reverse("indicators:ntm_board")


@pytest.fixture
def sets(world):
    ntm_sets.load()


def _as(client, world, key):
    client.force_login(world.users[key])
    return client


def test_the_board_shows_communes_criteria_and_totals(client, world, sets):
    ntm.assess(
        actor=None, org=world.org("kim-long"), year=2019, results={1: (True, ""), 2: (False, "")}
    )
    ntm.recognise(
        actor=None,
        org=world.org("kim-long"),
        document={"number": "3125/QĐ-UBND", "date": date(2019, 12, 20)},
    )
    page = _as(client, world, "committee").get(BOARD, {"to-chuc": "tam-duong", "nam": "2019"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "1/1 xã đạt chuẩn" in html
    assert "Đảng bộ xã </span>Kim Long" in html
    assert "Hợp Hòa" not in html  # a town
    assert "20/12/2019" in html
    assert "indicators/ntm.css" in html
    # A committee member sees but may not change: no link to the assessment.
    assert reverse("indicators:ntm_assess", args=["kim-long", 2019]) not in html
    staff = _as(client, world, "staff").get(BOARD, {"to-chuc": "tam-duong", "nam": "2019"})
    assert reverse("indicators:ntm_assess", args=["kim-long", 2019]) in staff.content.decode()


def test_the_board_out_of_scope_is_404_and_a_bad_year_falls_back(client, world, sets):
    c = _as(client, world, "outsider")
    assert c.get(BOARD, {"to-chuc": "tam-duong"}).status_code == 404
    assert c.get(BOARD, {"to-chuc": "vinh-tuong", "nam": "abc"}).status_code == 200
    assert _as(client, world, "nobody").get(BOARD).status_code == 404


def test_a_year_of_change_offers_both_sets(client, world, sets):
    page = _as(client, world, "staff").get(BOARD, {"to-chuc": "tam-duong", "nam": "2016"})
    html = page.content.decode()
    assert "qd491-2009" in html and "qd1980-2016" in html


def test_assess_page_records_and_redirects(client, world, sets):
    url = reverse("indicators:ntm_assess", args=["kim-long", 2019])
    c = _as(client, world, "sensitive_staff")  # the commune's own staff
    page = c.get(url)
    assert page.status_code == 200
    assert "Quốc phòng và An ninh" in page.content.decode()
    answer = c.post(url, {"bo": "qd1980-2016", "criterion_1": "dat", "evidence_1": "QĐ duyệt"})
    assert answer.status_code == 302
    row = NtmAssessment.objects.get(org=world.org("kim-long"), year=2019)
    assert row.met and row.evidence == "QĐ duyệt" and row.criterion.number == 1


def test_assess_page_scope(client, world, sets):
    url = reverse("indicators:ntm_assess", args=["vt-xa", 2019])
    assert _as(client, world, "sensitive_staff").get(url).status_code == 404
    url = reverse("indicators:ntm_assess", args=["kim-long", 2019])
    assert _as(client, world, "committee").get(url).status_code == 404
    assert _as(client, world, "staff").get(url).status_code == 200
    town = reverse("indicators:ntm_assess", args=["hop-hoa", 2019])
    assert _as(client, world, "staff").get(town).status_code == 404
    assert _as(client, world, "staff").get(url + "?bo=qd51-2025").status_code == 404
    early = reverse("indicators:ntm_assess", args=["kim-long", 2008])
    assert _as(client, world, "staff").get(early).status_code == 404


def test_assess_bad_input_is_400_naming_the_field(client, world, sets):
    url = reverse("indicators:ntm_assess", args=["kim-long", 2019])
    answer = _as(client, world, "staff").post(url, {"criterion_1": "dat", "evidence_1": "a\x00b"})
    assert answer.status_code == 400
    assert "Minh chứng" in answer.content.decode()
    assert not NtmAssessment.objects.exists()


def test_recognise_and_revoke_pages(client, world, sets):
    url = reverse("indicators:ntm_recognise", args=["kim-long"])
    c = _as(client, world, "staff")
    assert c.get(url).status_code == 200
    bad = c.post(url, {"document_number": "", "document_date": "31/02/2019"})
    assert bad.status_code == 400
    assert "Số quyết định" in bad.content.decode()
    answer = c.post(
        url,
        {
            "document_number": "3125/QĐ-UBND",
            "document_issuer": "UBND tỉnh Vĩnh Phúc",
            "document_date": "20/12/2019",
        },
    )
    assert answer.status_code == 302
    rec = NtmRecognition.objects.get()
    assert rec.recognised_on == date(2019, 12, 20) and rec.set.code == "qd1980-2016"
    page = c.get(url).content.decode()
    assert "3125/QĐ-UBND" in page
    revoke = reverse("indicators:ntm_revoke", args=[rec.pk])
    assert c.post(revoke, {"revoked_on": "01/01/2019"}).status_code == 400
    assert (
        c.post(revoke, {"revoked_on": "01/06/2021", "reason": "Không duy trì"}).status_code == 302
    )
    rec.refresh_from_db()
    assert rec.revoked_on == date(2021, 6, 1)
    assert _as(client, world, "outsider").get(revoke).status_code == 404
    assert _as(client, world, "committee").get(revoke).status_code == 404
    assert _as(client, world, "outsider").get(url).status_code == 404


def test_the_sets_page(client, world, sets):
    page = _as(client, world, "committee").get(reverse("indicators:ntm_sets"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "51/2025/QĐ-TTg" in html and "chưa đối chiếu nguồn" in html
    assert "Môi trường và an toàn thực phẩm" in html
    assert _as(client, world, "nobody").get(reverse("indicators:ntm_sets")).status_code == 404
