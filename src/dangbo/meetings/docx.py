"""The minutes of a cell meeting as a Word document, in the customary layout of Party
documents: the two-column heading (issuing organisation left, "ĐẢNG CỘNG SẢN VIỆT NAM" and
place and date right), a centred title, numbered sections and the signatures of the
secretary and the chair. Times New Roman, A4, margins 2/2/3/2 cm.

Every run's text goes through ``core.text.writable``: the minutes must open whatever the
database holds (text stored before input was normalised, or by raw SQL)."""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangbo.core.text import writable
from dangbo.orgs.queries import names_on, parent_on

from .choices import AttendanceStatus, MeetingKind

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BODY_SIZE = Pt(14)
HEADING_SIZE = Pt(13)
DOTS = "…" * 20

_PLACE_PREFIX = re.compile(
    r"^(đảng bộ|chi bộ)\s+(tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường|thôn|"
    r"tổ dân phố|khu phố|bản|ấp|làng|xóm|khu)?\s*",
    re.IGNORECASE,
)


def _upper_with(prefix: str, name: str) -> str:
    """ "Đảng bộ xã Kim Long" → "ĐẢNG BỘ XÃ KIM LONG"; a bare name gains the prefix."""
    text = name.upper()
    return text if text.startswith(prefix) else f"{prefix} {text}"


def locality(name: str) -> str:
    """ "Chi bộ thôn Đồng Bông" → "thôn Đồng Bông": the unit without the Party body."""
    return re.sub(r"^(đảng bộ|chi bộ)\s+", "", name, flags=re.IGNORECASE).strip() or name


def place_of(name: str) -> str:
    """The place written before the date: the locality in an organisation's name."""
    return _PLACE_PREFIX.sub("", name).strip() or name


def _fonts(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = BODY_SIZE
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.line_spacing = 1.15


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"})
        borders.append(el)
    # The schema orders tblPr's children: borders go before these, or Word calls the file
    # damaged.
    later = {
        qn(f"w:{t}")
        for t in (
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
            "tblCaption",
            "tblDescription",
            "tblPrChange",
        )
    }
    successor = next((child for child in tbl_pr if child.tag in later), None)
    if successor is None:
        tbl_pr.append(borders)
    else:
        successor.addprevious(borders)


def _line(
    cell_or_doc,
    text: str,
    *,
    bold=False,
    italic=False,
    underline=False,
    size=None,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    first=False,
):
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(writable(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = size
    return paragraph


def _heading(doc, number: int, title: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.add_run(writable(f"{number}. {title}")).bold = True


def _para(doc, text: str, *, label: str | None = None):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)
    if label:
        paragraph.add_run(writable(label)).bold = True
    paragraph.add_run(writable(text))
    return paragraph


def _paragraphs(doc, text: str, empty: str) -> None:
    lines = [line for line in (text or "").split("\n") if line.strip()]
    for line in lines or [empty]:
        _para(doc, line)


def _time(value) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else DOTS


def _names(rows, with_reason: bool = False) -> str:
    parts = []
    for row in rows:
        name = f"đồng chí {row.member.full_name}"
        if with_reason and row.reason:
            name += f" ({row.reason})"
        parts.append(name)
    return "; ".join(parts)


def _subtitle(meeting) -> str:
    if meeting.kind == MeetingKind.REGULAR:
        return f"SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {meeting.date:%m/%Y}"
    if meeting.kind == MeetingKind.THEMATIC:
        return f"SINH HOẠT CHI BỘ CHUYÊN ĐỀ: {meeting.topic.upper()}"
    return f"{meeting.get_kind_display().upper()} NGÀY {meeting.date:%d/%m/%Y}"


def _header(doc, meeting, cell_name: str, parent_name: str | None, place: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(8.5)
    first = True
    if parent_name:
        _line(left, _upper_with("ĐẢNG BỘ", parent_name), size=HEADING_SIZE, first=True)
        first = False
    _line(left, _upper_with("CHI BỘ", cell_name), bold=True, size=HEADING_SIZE, first=first)
    _line(left, "*", size=HEADING_SIZE)
    _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=Pt(14), first=True)
    d = meeting.date
    _line(right, f"{place}, ngày {d:%d} tháng {d:%m} năm {d:%Y}", italic=True, size=Pt(14))


def _attendance(doc, attendance: list) -> None:
    by_status: dict[str, list] = {s: [] for s in AttendanceStatus.values}
    for row in attendance:
        by_status[row.status].append(row)
    if not attendance:
        _para(doc, "Chưa ghi điểm danh.")
        return
    official = sum(r.official for r in attendance)
    _para(
        doc,
        f"{len(attendance)} đồng chí (chính thức: {official}, dự bị: {len(attendance) - official}).",
        label="Tổng số đảng viên được triệu tập: ",
    )
    _para(doc, f"{len(by_status[AttendanceStatus.PRESENT])} đồng chí.", label="Có mặt: ")
    for status, label, reasons in (
        (AttendanceStatus.EXCUSED, "Vắng có lý do: ", True),
        (AttendanceStatus.UNEXCUSED, "Vắng không lý do: ", False),
        (AttendanceStatus.EXEMPTED, "Miễn sinh hoạt: ", False),
        (AttendanceStatus.TEMPORARILY_AWAY, "Chuyển sinh hoạt tạm thời: ", False),
    ):
        rows = by_status[status]
        text = f"{len(rows)} đồng chí"
        if rows:
            text += f": {_names(rows, with_reason=reasons)}"
        _para(doc, text + ".", label=label)


def _visits(doc, visits: list) -> None:
    if not visits:
        _para(doc, "Không có.")
        return
    for visit in visits:
        names = ", ".join(f"đồng chí {a.member.full_name}" for a in visit.attendees.all())
        text = names or DOTS
        if visit.group is not None:
            text += f" (tổ công tác: {visit.group.name})"
        if visit.without_mandate:
            text += " — ngoài phân công"
        _para(doc, text + ".")


def _votes(doc, votes: list) -> None:
    if not votes:
        _para(doc, "Không có nội dung biểu quyết.")
        return
    for v in votes:
        result = "thông qua" if v.passed else "không thông qua"
        _para(
            doc,
            f"tán thành {v.yes}/{v.denominator} đồng chí, không tán thành {v.no}, "
            f"không biểu quyết {v.abstain}; kết quả: {result}.",
            label=f"{v.motion}: ",
        )


def _signatures(doc, meeting) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    for cell, title, person in zip(
        table.rows[0].cells,
        ("THƯ KÝ", "CHỦ TRÌ"),
        (meeting.secretary, meeting.chair),
        strict=True,
    ):
        _line(cell, title, bold=True, first=True)
        _line(cell, "(Ký, ghi rõ họ tên)", italic=True, size=HEADING_SIZE)
        for _i in range(3):
            _line(cell, "")
        _line(cell, person.full_name if person else "", bold=True)


def minutes(meeting, *, attendance: list, votes: list, visits: list) -> bytes:
    """The .docx bytes of ``meeting``'s minutes: names as they were on the meeting's date."""
    org = meeting.org
    parent = parent_on(org, meeting.date) or org.parent
    names = names_on([o for o in (org, parent) if o is not None], meeting.date)
    cell_name = names[org.pk]
    parent_name = names.get(parent.pk) if parent is not None else None
    place = place_of(parent_name or cell_name)

    doc = Document()
    _fonts(doc)
    _page(doc)
    _header(doc, meeting, cell_name, parent_name, place)
    doc.add_paragraph()
    _line(doc, "BIÊN BẢN", bold=True, size=Pt(15))
    _line(doc, _subtitle(meeting), bold=True)
    doc.add_paragraph()

    _heading(doc, 1, "Thời gian, địa điểm")
    _para(
        doc,
        f"bắt đầu lúc {_time(meeting.start_time)}, ngày {meeting.date:%d/%m/%Y}.",
        label="Thời gian: ",
    )
    where = ", ".join(locality(n) for n in (cell_name, parent_name) if n)
    _para(doc, f"{where}.", label="Địa điểm: ")
    _para(doc, f"{meeting.get_mode_display()}.", label="Hình thức: ")
    if meeting.kind != MeetingKind.REGULAR and meeting.topic:
        _para(doc, meeting.topic, label="Chủ đề: ")
    elif meeting.topic:
        _para(doc, meeting.topic, label="Nội dung chính: ")

    _heading(doc, 2, "Thành phần")
    _attendance(doc, attendance)
    _heading(doc, 3, "Chủ trì")
    _para(doc, f"đồng chí {meeting.chair.full_name}." if meeting.chair else DOTS)
    _heading(doc, 4, "Thư ký")
    _para(doc, f"đồng chí {meeting.secretary.full_name}." if meeting.secretary else DOTS)
    _heading(doc, 5, "Đại biểu cấp trên dự")
    _visits(doc, visits)
    _heading(doc, 6, "Nội dung")
    _paragraphs(doc, meeting.minutes, "(Chưa ghi diễn biến.)")
    _heading(doc, 7, "Biểu quyết")
    _votes(doc, votes)
    _heading(doc, 8, "Nghị quyết / kết luận")
    if meeting.resolution_ref:
        _para(doc, meeting.resolution_ref, label="Số nghị quyết: ")
    _paragraphs(doc, meeting.resolution, "(Chưa ghi.)")

    end = _time(meeting.end_time)
    _para(
        doc,
        f"Buổi sinh hoạt kết thúc lúc {end} cùng ngày. Biên bản đã được đọc lại trước "
        "chi bộ và được các đồng chí dự họp nhất trí thông qua.",
    )
    _signatures(doc, meeting)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
