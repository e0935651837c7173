"""The PDF of an official document (WeasyPrint over the same document's HTML), read back
with pypdf: A4, the same words in the same order as the .docx and the text rendering, the
header row on every page a table runs over, properties that say dangbo and the body, and
nothing fetched from the web."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from dangbo.core.office import Figure, Paragraph, to_docx, to_pdf, to_text
from dangbo.core.office.html import render as html
from tests.core.office.documents import (
    HOSTILE,
    docx_lines,
    long_table,
    pdf_words,
    png,
    report,
    words,
)


def test_a4_and_properties():
    reader = PdfReader(io.BytesIO(to_pdf(report())))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) <= 1 and abs(float(box.height) - 842) <= 1
    meta = reader.metadata
    assert meta["/Title"] == "Báo cáo Kết quả công tác xây dựng Đảng năm 2016"
    assert meta["/Author"] == "Huyện ủy Tam Dương"
    assert meta["/Creator"] == "dangbo" and meta["/Producer"] == "dangbo"
    assert "WeasyPrint" not in str(meta)


def test_landscape():
    reader = PdfReader(io.BytesIO(to_pdf(report(landscape=True))))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_same_words_as_the_docx_and_the_text():
    doc = report(paragraphs=8, rows=5)  # over two pages: page numbers from page 2
    data = to_pdf(doc)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    in_docx = words(" ".join(docx_lines(Document(io.BytesIO(to_docx(doc))))))
    assert pdf_words(data) == words(to_text(doc)) == in_docx


def test_page_numbers_from_page_two():
    reader = PdfReader(io.BytesIO(to_pdf(report(paragraphs=8))))
    first, second = (p.extract_text().split() for p in reader.pages[:2])
    assert "2" in (second[0], second[-1])
    assert "1" not in (first[0], first[-1])


def test_header_row_repeats_on_every_page():
    reader = PdfReader(io.BytesIO(to_pdf(long_table(80))))
    table_pages = [p.extract_text() for p in reader.pages][:-1]  # the last is after a break
    assert len(table_pages) >= 2
    for text in table_pages:
        assert "STT" in text and "Số liệu" in text and "Tổ chức đảng" in text


def test_hostile_text_still_renders():
    doc = report(summary=HOSTILE, blocks=(Paragraph(HOSTILE),), keywords=(HOSTILE,))
    reader = PdfReader(io.BytesIO(to_pdf(doc)))
    text = reader.pages[0].extract_text()
    assert "<b>&amp;</b>" in text and "=1+1" in text
    assert "<b>" not in html(doc).replace("&lt;b&gt;", "")


def test_nothing_is_fetched_from_the_web():
    from dangbo.core.office.pdf import _fetcher

    fetcher = _fetcher()
    for url in ("http://example.com/a.png", "https://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed"):
            fetcher.fetch(url)
    # A figure's SVG pointing at the web still renders, without it.
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><image xlink:href="http://example.com/x.png" width="10" '
        'height="10"/><rect width="5" height="5"/></svg>'
    )
    doc = report(blocks=(Figure(png=png(), svg=svg, caption="Hình 2"),))
    assert "Hình 2" in PdfReader(io.BytesIO(to_pdf(doc))).pages[0].extract_text()


def test_the_html_has_no_inline_style():
    markup = html(report())
    assert "style=" not in markup and "<script" not in markup
    assert '<meta name="author" content="Huyện ủy Tam Dương">' in markup
