"""The annual report (kind "nam") on the Tam Dương demo: every figure of the article restated
from the data, and the same builder reading naturally for a commune and a cell."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from dangbo.orgs.models import Organisation
from dangbo.reports import annual, kinds
from dangbo.reports.kinds import Period
from tests.demo import article
from tests.support import built_for_module, load_demo

YEAR = Period(article.REVIEW_YEAR)
NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(%?)")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module in a transaction rolled back after it."""
    with built_for_module(django_db_blocker, load_demo):
        yield


def numbers(text: str) -> list[Decimal]:
    """Every number the text states, read the Vietnamese way (5.470 → 5470, 10,6 → 10.6)."""
    found = []
    for whole, frac, _pct in NUMBER.findall(text):
        value = Decimal(whole.replace(".", "") + (f".{frac}" if frac else ""))
        found.append(value)
    return found


def user(name):
    return get_user_model().objects.get(username=name)


def report(code, viewer="tochuc", **kw):
    org = Organisation.objects.get(code=code)
    return kinds.get("nam").build(org, YEAR, viewer=user(viewer), **kw)


@pytest.fixture
def district(demo, db):
    return report("tam-duong", day=article.PUBLISHED)


def test_numbers_are_read_the_vietnamese_way():
    assert numbers("trên 5.470 đảng viên, 9/12 xã, tăng 10,6%") == [
        Decimal(5470),
        Decimal(9),
        Decimal(12),
        Decimal("10.6"),
    ]


def test_every_article_figure_is_restated(district):
    text = district.text
    stated = numbers(text)
    wanted = [
        article.MEMBERS_OVER,
        article.GRASSROOTS,
        article.COMMUNE_COMMITTEES,
        article.AGENCY_COMMITTEES,
        article.GRASSROOTS_CELLS,
        article.SUB_CELLS,
        article.COMMUNE_SUB_CELLS,
        article.AGENCY_SUB_CELLS,
        article.TSVM_OR_EXEMPLARY,
        article.EXEMPLARY_5_YEARS_CELLS,
        article.EXCELLENT_5_YEARS_MEMBERS,
        int(article.ADMIN_REFORM_SHARE_OF_COMMUNES * 100),
        int(article.GROWTH_2016_OVER_2015_ABOVE * 100),
        *article.NEW_RURAL_COMMUNES,
        article.STREAK_YEARS[0],
        article.STREAK_YEARS[-1],
    ]
    for figure in wanted:
        assert Decimal(figure) in stated, figure
    # Each figure in its place, as the article says it.
    flat = " ".join(text.split())
    assert f"trên {5470:,}".replace(",", ".") + " đảng viên" in flat
    assert (
        "50 tổ chức cơ sở đảng, gồm 13 đảng bộ xã, thị trấn, 4 đảng bộ cơ quan và 33 chi bộ" in flat
    )
    assert "246 chi bộ trực thuộc đảng bộ cơ sở" in flat
    assert "223 chi bộ thuộc 13 đảng bộ xã, thị trấn; 23 chi bộ thuộc 4 đảng bộ cơ quan" in flat
    assert "thực hiện ở 100% xã, thị trấn" in flat
    assert re.search(r"\b25 chi, đảng bộ được Ban Thường vụ Huyện ủy Tam Dương công nhận", flat)
    assert re.search(r"\b2 chi bộ [^.]*tiêu biểu 5 năm liền \(2012–2016\)", flat)
    assert re.search(r"\b26 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền \(2012–2016\)", flat)
    assert "tăng trên 10% so với năm 2015" in flat
    n, of = article.NEW_RURAL_COMMUNES
    assert f"{n}/{of} xã đạt chuẩn nông thôn mới" in flat


def test_figures_are_named_and_json_able(district):
    import json

    f = district.figures
    json.dumps(f)
    assert f["members_said"] == article.MEMBERS_OVER and f["members"] > article.MEMBERS_OVER
    assert f["grassroots"] == article.GRASSROOTS
    assert f["grassroots_territorial_committees"] == article.COMMUNE_COMMITTEES
    assert f["grassroots_other_committees"] == article.AGENCY_COMMITTEES
    assert f["grassroots_cells"] == article.GRASSROOTS_CELLS
    assert f["sub_cells"] == article.SUB_CELLS
    assert f["sub_cells_territorial"] == article.COMMUNE_SUB_CELLS
    assert f["sub_cells_other"] == article.AGENCY_SUB_CELLS
    assert f["tsvm_or_exemplary"] == article.TSVM_OR_EXEMPLARY
    assert f["exemplary_5_years_cells"] == article.EXEMPLARY_5_YEARS_CELLS
    assert f["excellent_5_years_members"] == article.EXCELLENT_5_YEARS_MEMBERS
    assert f["growth_pct"] > article.GROWTH_2016_OVER_2015_ABOVE * 100
    assert f["admin_reform_met"] == f["admin_reform_units"]
    assert (f["ntm_met_on_day"], f["ntm_communes"]) == article.NEW_RURAL_COMMUNES


def test_new_rural_count_is_said_at_the_year_end_and_on_the_report_day(demo, db):
    """The 9th commune is recognised in February 2017 (demo.indicators): a report dated
    31/12/2016 says 8/12 and nothing more; one dated after says both, each with its date."""
    at_end = " ".join(report("tam-duong").text.split())
    assert "Đến ngày 31/12/2016, toàn huyện có 8/12 xã đạt chuẩn nông thôn mới." in at_end
    assert "9/12" not in at_end
    later = " ".join(report("tam-duong", day=article.PUBLISHED).text.split())
    assert "8/12 xã" in later and "(20/03/2017), đã có 9/12 xã" in later


def test_document_parts(district):
    doc = district.document
    assert doc.issuer.name == "Huyện ủy Tam Dương"
    assert doc.issuer.superior == "Tỉnh ủy Vĩnh Phúc"
    assert (doc.issuer.symbol, doc.issuer.place) == ("HU", "Tam Dương")
    assert (doc.kind, doc.kind_code) == ("BÁO CÁO", "BC")
    assert doc.summary == "Kết quả lãnh đạo, chỉ đạo công tác xây dựng Đảng năm 2016"
    assert doc.signature.on_behalf == "T/M BAN THƯỜNG VỤ" and doc.signature.post == "BÍ THƯ"
    assert doc.signature.name
    assert doc.recipients == (
        "Tỉnh ủy Vĩnh Phúc (b/c)",
        "Các đồng chí Huyện ủy viên",
        "Các chi, đảng bộ trực thuộc",
        "Lưu Văn phòng Huyện ủy",
    )
    headings = [b.text for b in doc.blocks if type(b).__name__ == "Heading"]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V", "VI"]
    assert report("tam-duong").document.day == date(2016, 12, 31)


ZERO_COUNT = re.compile(r"(?<![\d.,/])0 (?!%)\w")


@pytest.mark.parametrize(
    ("code", "issuer", "symbol", "on_behalf"),
    [
        ("kim-long", "Đảng ủy xã Kim Long", "ĐU", "T/M ĐẢNG ỦY"),
        ("kim-long-dong-bong", "Chi bộ thôn Đồng Bông", "CB", "T/M CHI BỘ"),
        ("toa-an", "Chi bộ Tòa án nhân dân huyện", "CB", "T/M CHI BỘ"),
    ],
)
def test_commune_and_cell_read_without_zero_counts(demo, db, code, issuer, symbol, on_behalf):
    built = report(code)
    text = built.text
    assert not ZERO_COUNT.search(text), ZERO_COUNT.search(text)
    assert "(0%)" not in text and "0 chi bộ" not in text
    doc = built.document
    assert (doc.issuer.name, doc.issuer.symbol, doc.signature.on_behalf) == (
        issuer,
        symbol,
        on_behalf,
    )
    assert "Các chi, đảng bộ trực thuộc" not in doc.recipients
    assert "tổ chức cơ sở đảng" not in text  # a commune speaks of its cells


def test_province_speaks_of_the_province(demo, db):
    built = report("vinh-phuc", viewer="quantri")
    doc = built.document
    assert doc.issuer.name == "Tỉnh ủy Vĩnh Phúc" and doc.issuer.symbol == "TU"
    assert "Toàn tỉnh có" in built.text


def test_a_viewer_who_does_not_cover_the_org_is_refused(demo, db):
    with pytest.raises(PermissionDenied):
        report("tam-duong", viewer="xakimlong")


def test_committee_words_come_from_one_mapping(demo, db):
    org = Organisation.objects.get(code="tam-duong")
    assert annual.committee_of(org).name == "Huyện ủy Tam Dương"
    assert annual.committee_of(org.parent).name == "Tỉnh ủy Vĩnh Phúc"


def test_tables_come_as_sheets_and_the_formats_open(district):
    from io import BytesIO

    import docx
    import openpyxl

    from dangbo.core.office import to_docx
    from dangbo.core.office.sheet import workbook

    captions = [s.title for s in district.sheets]
    assert "TỔ CHỨC CƠ SỞ ĐẢNG THEO LOẠI VÀ LOẠI HÌNH" in captions
    assert any("THEO QUÝ" in c for c in captions)
    out = BytesIO()
    workbook(district.sheets, out, title="Báo cáo năm 2016", author="Huyện ủy Tam Dương")
    book = openpyxl.load_workbook(BytesIO(out.getvalue()))
    assert len(book.worksheets) == len(district.sheets)
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert article.GRASSROOTS in values
    text = "\n".join(p.text for p in docx.Document(BytesIO(to_docx(district.document))).paragraphs)
    assert "trên 5.470 đảng viên" in text
