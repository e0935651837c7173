"""The .docx rendering of an ``OfficialDocument`` (python-docx), in the format of Hướng dẫn
36-HD/VPTW (03/4/2018): A4, Times New Roman, the two-column heading, the type and summary,
the body, the signature and "Nơi nhận". docs/documents.md lists each rule and its clause.

Every run's text goes through ``values.printable`` (inside ``values.cell_text`` too): the
file must open whatever the database holds. python-docx's own template names the library in
the file's properties; those are rewritten so that the file says dangbo and the body."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import (
    Bullets,
    Figure,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Signature,
    Table,
)
from .values import cell_text, date_line, header_rows, number_line, printable

FONT = "Times New Roman"
BODY = Pt(14)
CELL = Pt(13)
SMALL = Pt(12)
# Hướng dẫn 36 §III.1.3: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4_MM = (210, 297)
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
PARTY_WIDTH_MM = 65.2  # the title's printed width at 15 pt bold (Times metrics): its rule's
CELL_PADDING_MM = 3.8  # Word's default left + right cell margins (0.19 cm each)
STT_MM = 11.0
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
APPLICATION = "dangbo"


def render(doc: OfficialDocument) -> bytes:
    document = Document()
    _styles(document)
    width = _page(document, doc.landscape)
    _heading_block(document, doc, width)
    _title(document, doc)
    for block in doc.blocks:
        _block(document, block, width)
    _closing(document, doc, width)
    _properties(document, doc)
    out = io.BytesIO()
    document.save(out)
    day = doc.day
    stamp = (day.year, day.month, day.day, 0, 0, 0) if day else None
    return _rewrite_app(out.getvalue(), stamp)


def text_width_mm(landscape: bool = False) -> float:
    """The width of the text block: the page less the left and right margins."""
    page = A4_MM[1] if landscape else A4_MM[0]
    return page - MARGINS_MM["left"] - MARGINS_MM["right"]


def date_width_mm(line: str) -> float:
    """The right column's width: the date line (14 pt italic, ~0.47 em a character) must not
    wrap, and the column holds the 65 mm title."""
    return max(80.0, len(line) * 0.47 * 14 * 25.4 / 72 + CELL_PADDING_MM + 2)


# -- page and styles ------------------------------------------------------------------------


def _fonts(element) -> None:
    """Times New Roman for every script, so that Word substitutes nothing."""
    if hasattr(element, "get_or_add_rPr"):
        rpr = element.get_or_add_rPr()
    else:  # w:rPrDefault: a plain element holding (or lacking) its w:rPr
        rpr = element.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            element.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(document) -> None:
    for name in ("Normal", "Table Grid", "Header"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        style.font.name = FONT
        _fonts(style.element)
    normal = document.styles["Normal"]
    normal.font.size = BODY
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)  # §III.1.4: at least 6 pt between paragraphs
    fmt.line_spacing = 1.15  # single to 1.5 lines
    # The document defaults (rPrDefault) name the theme fonts; point them at Times too.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            _fonts(rpr_default)


def _page(document, landscape: bool) -> float:
    section = document.sections[0]
    short, long = Mm(A4_MM[0]), Mm(A4_MM[1])
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short, long
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # §III.1.6: page numbers at the top centre, from the second page.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph)
    section.first_page_header.paragraphs[0].text = ""
    return text_width_mm(landscape)


def _page_field(paragraph) -> None:
    def char(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        run.font.size = BODY

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    char("separate")
    paragraph.add_run("2").font.size = BODY
    char("end")


# -- small builders -------------------------------------------------------------------------


def _para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: Pt | None = None,
    align: str = "center",
    after: float = 0,
    before: float = 0,
    indent_mm: float = 0,
    keep: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)
    if keep:
        fmt.keep_with_next = True
    if text:
        run = paragraph.add_run(printable(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size is not None:
            run.font.size = size
    return paragraph


def _first(cell):
    """A new cell holds one empty paragraph: use it for the first line, then add."""
    added = {"first": True}

    class _Cell:
        def add_paragraph(self):
            if added["first"]:
                added["first"] = False
                return cell.paragraphs[0]
            return cell.add_paragraph()

    return _Cell()


def _borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    _insert_tbl_pr(tbl_pr, borders)


def _insert_tbl_pr(tbl_pr, element) -> None:
    """tblPr's children have a schema order; Word calls a file damaged otherwise."""
    order = [
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
    ]
    name = element.tag.rsplit("}", 1)[1]
    later = {qn(f"w:{t}") for t in order[order.index(name) + 1 :]}
    for child in tbl_pr:
        if child.tag == element.tag:
            tbl_pr.remove(child)
    successor = next((child for child in tbl_pr if child.tag in later), None)
    if successor is None:
        tbl_pr.append(element)
    else:
        successor.addprevious(element)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _insert_tbl_pr(table._tbl.tblPr, layout)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    total.set(qn("w:type"), "dxa")
    _insert_tbl_pr(table._tbl.tblPr, total)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(width * 56.7)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _row_flag(row, flag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(f"w:{flag}")
    tr_pr.append(el)


def _rule_under(paragraph, indent_mm: float) -> None:
    """A bottom border as long as the title (§II.1: the rule under "ĐẢNG CỘNG SẢN VIỆT NAM"
    is the title's length): the paragraph is narrowed by indents on both sides."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(max(indent_mm, 0))
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # pPr's schema order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl,
    # numPr, suppressLineNumbers, pBdr, shd, tabs, suppressAutoHyphens, kinsoku, …, spacing,
    # ind, …, jc: pBdr goes before spacing/ind/jc.
    later = {qn(f"w:{t}") for t in ("shd", "tabs", "suppressAutoHyphens", "spacing", "ind", "jc")}
    successor = next((child for child in p_pr if child.tag in later), None)
    if successor is None:
        p_pr.append(borders)
    else:
        successor.addprevious(borders)


# -- the heading, title and closing ---------------------------------------------------------


def _heading_block(document, doc: OfficialDocument, width: float) -> None:
    """§II.1–4: issuer top left with "*" and the number under it; the Party's title top
    right with its rule, the place and date under it."""
    line = date_line(doc)
    right_w = min(date_width_mm(line), width - 50)
    left_w = width - right_w
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(table)
    _widths(table, [left_w, right_w])
    left, right = (_first(c) for c in table.rows[0].cells)
    if doc.issuer.superior:
        _para(left, doc.issuer.superior.upper(), size=BODY)
    _para(left, doc.issuer.name.upper(), bold=True, size=BODY)
    _para(left, "*", size=BODY)
    number = number_line(doc)
    if number:
        _para(left, number, size=BODY)
    title = _para(right, PARTY, bold=True, size=Pt(15), after=6)
    _rule_under(title, (right_w - CELL_PADDING_MM - PARTY_WIDTH_MM) / 2 - 1)
    _para(right, line, italic=True, size=BODY)


def _title(document, doc: OfficialDocument) -> None:
    """§II.5: the type (upper, bold, 15–16) and the summary (bold, 14) centred, a short
    dash line under them."""
    if doc.kind:
        _para(document, doc.kind.upper(), bold=True, size=Pt(16), before=18, keep=True)
    if doc.summary:
        _para(document, doc.summary, bold=True, size=BODY, keep=True)
    if doc.kind or doc.summary:
        _para(document, "-----", size=BODY, after=12)


def _block(document, block: Any, width: float) -> None:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 3)
        text = block.text.upper() if level == 1 else block.text
        _para(
            document,
            text,
            bold=True,
            italic=level == 3,
            size=BODY,
            align="justify",
            after=6,
            before=6,
            indent_mm=12.7,
            keep=True,
        )
    elif isinstance(block, Paragraph):
        # One paragraph a line: a manual line break would make Word justify a short line.
        for line in [part for part in block.text.split("\n") if part.strip()] or [""]:
            _para(
                document,
                line,
                bold=block.bold,
                italic=block.italic,
                size=BODY,
                align=block.align,
                after=6,
                indent_mm=12.7 if block.indent else 0,
            )
    elif isinstance(block, Bullets):
        for item in block.items:
            _para(
                document,
                f"{block.mark} {item}",
                size=BODY,
                align="justify",
                after=6,
                indent_mm=12.7,
            )
    elif isinstance(block, Table):
        _table(document, block, width)
    elif isinstance(block, Figure):
        paragraph = _para(document, align="center", keep=True)
        paragraph.add_run().add_picture(io.BytesIO(block.png), width=Mm(min(block.width_mm, width)))
        _para(document, block.caption, italic=True, size=CELL, after=6)
    elif isinstance(block, PageBreak):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table_widths(table: Table, width: float) -> list[float]:
    """The printed widths (mm), "STT" first; scaled down to the text block if wider."""
    widths = ([STT_MM] if table.numbered else []) + [c.width_mm for c in table.columns]
    total = sum(widths)
    if total > width:
        widths = [w * width / total for w in widths]
    return widths


def _table(document, table: Table, width: float) -> None:
    if table.caption:
        _para(document, table.caption, bold=True, size=BODY, after=6, keep=True)
    if not table.rows:
        _para(document, table.empty, italic=True, size=BODY, align="left", after=6, indent_mm=12.7)
        return
    widths = table_widths(table, width)
    heads = header_rows(table)
    n_cols = len(widths)
    grid = document.add_table(rows=len(heads), cols=n_cols)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # The header: merged cells for groups and for columns spanning both rows.
    taken: set[tuple[int, int]] = set()
    for r, head in enumerate(heads):
        c = 0
        for label, span, down in head:
            while (r, c) in taken:
                c += 1
            cell = grid.cell(r, c)
            if span > 1 or down > 1:
                cell = cell.merge(grid.cell(r + down - 1, c + span - 1))
            for rr in range(r, r + down):
                for cc in range(c, c + span):
                    taken.add((rr, cc))
            _cell(cell, label, "center", bold=True)
            c += span
    for row in grid.rows:
        _row_flag(row, "cantSplit")
        _row_flag(row, "tblHeader")  # §III: the header repeats on every page
    aligns = (["center"] if table.numbered else []) + [_align(c) for c in table.columns]
    for n, values in enumerate(table.rows, start=1):
        texts = [cell_text(v, c.kind) for v, c in zip(values, table.columns, strict=False)]
        _data_row(grid, ([str(n)] if table.numbered else []) + texts, aligns)
    if table.totals is not None:
        texts = [cell_text(v, c.kind) for v, c in zip(table.totals, table.columns, strict=False)]
        _data_row(grid, ([""] if table.numbered else []) + texts, aligns, bold=True)
    _widths(grid, widths)
    _para(document, after=6)


def _align(column) -> str:
    if column.kind in ("int", "number", "pct"):
        return "right"
    return "left" if column.align == "justify" else column.align


def _data_row(grid, texts: list[str], aligns: list[str], *, bold: bool = False) -> None:
    row = grid.add_row()
    _row_flag(row, "cantSplit")  # a row never splits across pages
    for cell, text, align in zip(row.cells, texts, aligns, strict=False):
        _cell(cell, text, align, bold=bold)


def _cell(cell, text: str, align: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.alignment = _ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Mm(0)
    if text:
        run = paragraph.add_run(printable(text))
        run.bold = bold
        run.font.size = CELL


def _signature_lines(container, signature: Signature) -> None:
    """§II.7: "T/M BAN THƯỜNG VỤ" and the post upper and bold, room to sign, the name bold."""
    if signature.on_behalf:
        _para(container, signature.on_behalf.upper(), bold=True, size=BODY, keep=True)
    if signature.post:
        _para(container, signature.post.upper(), bold=True, size=BODY, keep=True)
    for _i in range(4):
        _para(container, size=BODY, keep=True)
    if signature.name:
        _para(container, signature.name, bold=True, size=BODY)


def _recipients(container, recipients: tuple[str, ...]) -> None:
    """§II.9: "Nơi nhận:" (14, underlined), then each recipient (12) as "- X," and the last
    ending with "."."""
    _para(container, "Nơi nhận:", underline=True, size=BODY, align="left", keep=True)
    last = len(recipients) - 1
    for i, name in enumerate(recipients):
        _para(container, f"- {name}{'.' if i == last else ','}", size=SMALL, align="left")


def _closing(document, doc: OfficialDocument, width: float) -> None:
    if doc.signature is None and doc.second_signature is None and not doc.recipients:
        return
    _para(document, size=BODY, keep=True)
    half = width / 2
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(table)
    _widths(table, [half, half])
    _row_flag(table.rows[0], "cantSplit")
    left, right = (_first(c) for c in table.rows[0].cells)
    if doc.second_signature is not None:
        # Minutes: the secretary left, the chair right; "Nơi nhận" under them, left.
        _signature_lines(left, doc.second_signature)
        if doc.signature is not None:
            _signature_lines(right, doc.signature)
        if doc.recipients:
            _para(document, size=BODY)
            _recipients(document, doc.recipients)
        return
    if doc.recipients:
        _recipients(left, doc.recipients)
    else:
        _para(left, size=BODY)
    if doc.signature is not None:
        _signature_lines(right, doc.signature)


# -- the file's properties ------------------------------------------------------------------


def document_title(doc: OfficialDocument) -> str:
    return doc.title or " ".join(p for p in (doc.kind.capitalize(), doc.summary) if p)


def _properties(document, doc: OfficialDocument) -> None:
    props = document.core_properties
    # The document's own date when it has one: the same document renders to the same bytes.
    if doc.day is not None:
        now = datetime(doc.day.year, doc.day.month, doc.day.day)  # noqa: DTZ001 - a date
    else:
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.author = printable(doc.issuer.name)
    props.last_modified_by = APPLICATION
    props.title = printable(document_title(doc))
    props.subject = printable(doc.summary)
    props.keywords = printable(", ".join(doc.keywords))
    props.comments = printable(f"{number_line(doc)} · {date_line(doc)}".strip(" ·"))
    props.category = printable(doc.kind)
    props.created = props.modified = now
    props.revision = 1


_APP = re.compile(rb"<Application>.*?</Application>", re.S)
_TEMPLATE = re.compile(rb"<Template>.*?</Template>", re.S)


def _rewrite_app(data: bytes, stamp: tuple[int, int, int, int, int, int] | None) -> bytes:
    """docProps/app.xml comes from python-docx's template ("Microsoft Macintosh Word"):
    it says dangbo instead. The parts are stamped with the document's date when it has one,
    so that the same document is the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                content = _APP.sub(b"<Application>dangbo</Application>", content)
                content = _TEMPLATE.sub(b"<Template></Template>", content)
            if stamp is not None:
                info.date_time = stamp
            dst.writestr(info, content)
    return out.getvalue()
