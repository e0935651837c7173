"""The .docx of an official document, opened back with python-docx as Word would read it:
A4 and the margins of Hướng dẫn 36-HD/VPTW, Times New Roman for every script, the Party's
heading, type and summary, tables with STT and header rows repeated on every page, the
signature and "Nơi nhận", page numbers from page 2, and properties that say dangbo and the
body — never the library."""

import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from dangbo.core.office import OfficialDocument, Signature, to_docx, to_text
from dangbo.core.office.docx import MARGINS_MM
from tests.core.office.documents import (
    HOSTILE,
    ISSUER,
    RECIPIENTS,
    docx_lines,
    long_table,
    report,
    words,
)


def _open(doc: OfficialDocument):
    data = to_docx(doc)
    return data, Document(io.BytesIO(data))


def test_page_margins_and_fonts():
    _data, document = _open(report())
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    top, bottom = section.top_margin.mm, section.bottom_margin.mm
    left, right = section.left_margin.mm, section.right_margin.mm
    # Hướng dẫn 36: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
    assert 20 <= round(top) <= 25 and 20 <= round(bottom) <= 25
    assert 30 <= round(left) <= 35 and 15 <= round(right) <= 20
    assert round(right) == MARGINS_MM["right"]
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman", attr
    assert normal.paragraph_format.space_after == Pt(6)
    assert 1.0 <= normal.paragraph_format.line_spacing <= 1.5


def test_landscape():
    _data, document = _open(report(landscape=True))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_heading_type_and_summary():
    _data, document = _open(report())
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ĐẢNG BỘ TỈNH VĨNH PHÚC",
        "HUYỆN ỦY TAM DƯƠNG",
        "*",
        "Số 15-BC/HU",
    ]
    assert not left.paragraphs[0].runs[0].bold and left.paragraphs[1].runs[0].bold
    assert [p.text for p in right.paragraphs] == [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tam Dương, ngày 31 tháng 12 năm 2016",
    ]
    party, day = right.paragraphs
    assert party.runs[0].bold and party.runs[0].font.size == Pt(15)
    assert party._p.pPr.find(qn("w:pBdr")) is not None  # the rule under the title
    assert day.runs[0].italic and day.runs[0].font.size == Pt(14)
    # The date line fits its column (14 pt italic is ~2.3 mm a character): no wrap.
    assert right.width.mm >= len(day.text) * 2.3
    assert "tblBorders" in document.tables[0]._tbl.tblPr.xml

    texts = [p.text for p in document.paragraphs]
    kind = texts.index("BÁO CÁO")
    assert texts[kind + 1 : kind + 3] == ["Kết quả công tác xây dựng Đảng năm 2016", "-----"]
    title = document.paragraphs[kind]
    assert title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size in (Pt(15), Pt(16))
    assert "I. TÌNH HÌNH CHUNG" in texts  # a level-1 heading is upper-case


def test_body_paragraphs():
    _data, document = _open(report())
    body = [p for p in document.paragraphs if p.text.startswith("1. Năm 2016")][0]
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert 10 <= body.paragraph_format.first_line_indent.mm <= 12.7 + 0.1
    assert body.paragraph_format.space_after == Pt(6)
    # No manual line breaks: Word would justify a short line ending in one.
    assert "<w:br/>" not in document.element.body.xml
    assert "- 9/12 xã đạt chuẩn nông thôn mới" in [p.text for p in document.paragraphs]
    assert "Không có trường hợp nào." in [p.text for p in document.paragraphs]
    assert document.inline_shapes and "Hình 1. Đảng viên theo độ tuổi" in docx_lines(document)


def test_table_stt_widths_and_repeated_header():
    _data, document = _open(report())
    grid = document.tables[1]
    header = [c.text for c in grid.rows[0].cells]
    assert header == ["STT", "Tổ chức đảng", "Đảng viên", "Tỷ lệ", "Ngày"]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in grid.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None  # rows never split
    first = [c.text for c in grid.rows[1].cells]
    assert first == ["1", "Chi bộ thôn số 1", "1.037", "13,5%", "31/12/2016"]
    assert grid.rows[1].cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert grid.rows[1].cells[2].paragraphs[0].runs[0].font.size in (Pt(12), Pt(13))
    totals = grid.rows[-1]
    assert [c.text for c in totals.cells][1:3] == ["Tổng cộng", "5.470"]
    assert all(r.bold for c in totals.cells for p in c.paragraphs for r in p.runs)
    widths = [round(int(c.get(qn("w:w"))) / 56.7) for c in grid._tbl.tblGrid]
    assert widths == [11, 60, 25, 20, 30]
    assert grid._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_grouped_header_two_rows_merged():
    _data, document = _open(long_table(5))
    grid = document.tables[1]
    top = grid.rows[0]._tr
    bottom = grid.rows[1]._tr
    assert top.trPr.find(qn("w:tblHeader")) is not None
    assert bottom.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in grid.rows[0].cells] == [
        "STT",
        "Tổ chức đảng",
        "Số liệu",
        "Số liệu",  # one cell spanning two columns
        "Ngày",
    ]
    assert [c.text for c in grid.rows[1].cells][2:4] == ["Đảng viên", "Tỷ lệ"]
    assert grid.rows[0].cells[0]._tc is grid.rows[1].cells[0]._tc or "vMerge" in top.xml


def test_signature_recipients_and_page_numbers():
    _data, document = _open(report())
    left, right = document.tables[-1].rows[0].cells
    to = [p for p in left.paragraphs if p.text]
    assert to[0].text == "Nơi nhận:" and to[0].runs[0].underline
    assert [p.text for p in to[1:]] == [
        "- Tỉnh ủy Vĩnh Phúc (b/c),",
        "- Các đồng chí Huyện ủy viên,",
        "- Lưu Văn phòng Huyện ủy.",
    ]
    assert to[1].runs[0].font.size == Pt(12)
    signed = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signed] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Bình"]
    assert all(p.runs[0].bold for p in signed)
    assert len(right.paragraphs) > len(signed)  # room to sign

    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in section.first_page_header._element.xml


def test_two_signatures():
    doc = report(
        signature=Signature(post="Chủ trì", name="Nguyễn Thị Hương"),
        second_signature=Signature(post="Thư ký", name="Trần Văn An"),
        recipients=(),
    )
    _data, document = _open(doc)
    left, right = document.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["THƯ KÝ", "Trần Văn An"]
    assert [p.text for p in right.paragraphs if p.text] == ["CHỦ TRÌ", "Nguyễn Thị Hương"]


def test_blank_number_and_date():
    doc = report(number="", day=None, period_year=2016)
    _data, document = _open(doc)
    cells = document.tables[0].rows[0].cells
    assert cells[0].paragraphs[-1].text == "Số       -BC/HU"
    assert cells[1].paragraphs[-1].text == "Tam Dương, ngày     tháng     năm 2016"


def test_properties_say_dangbo_and_the_body():
    data, document = _open(report())
    props = document.core_properties
    assert props.author == ISSUER.name
    assert props.last_modified_by == "dangbo"
    assert props.title == "Báo cáo Kết quả công tác xây dựng Đảng năm 2016"
    assert "báo cáo" in props.keywords
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            content = z.read(name).lower()
            assert b"python-docx" not in content, name
            assert b"macintosh" not in content, name
        assert b"<Application>dangbo</Application>" in z.read("docProps/app.xml")
    # The same document renders to the same bytes (its date, not the clock, in the file).
    assert to_docx(report()) == data


def test_same_words_as_the_text_rendering():
    doc = report(rows=5)
    _data, document = _open(doc)
    assert words(" ".join(docx_lines(document))) == words(to_text(doc))
    doc = long_table(5)
    _data, document = _open(doc)
    assert words(" ".join(docx_lines(document))) == words(to_text(doc))


def test_hostile_text_still_opens():
    doc = report(
        summary=HOSTILE,
        issuer=ISSUER.__class__(name=HOSTILE, place=HOSTILE, symbol="HU"),
        signature=Signature(on_behalf=HOSTILE, post=HOSTILE, name=HOSTILE),
        recipients=(HOSTILE, *RECIPIENTS),
        keywords=(HOSTILE,),
        title=HOSTILE,
    )
    data, document = _open(doc)
    text = "\n".join(docx_lines(document))
    assert "<b>&amp;</b>" in text and "\x00" not in text and "=1+1" in text
    assert document.core_properties.author.startswith("Tên có")
