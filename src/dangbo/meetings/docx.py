"""The minutes of a cell meeting (biên bản) as an ``OfficialDocument``: the cell as issuer
under its superior, "BIÊN BẢN" and the meeting as its summary, numbered sections, and the
signatures of the secretary (left) and the chair (right). ``core.office`` writes the .docx
and the PDF from it (A4, Times New Roman, the format of Hướng dẫn 36-HD/VPTW).

A line says nothing rather than "0 đồng chí"; a superior who attended is named with their
post; names are those of the meeting's date."""

import re
from datetime import date

from dangbo.core import office
from dangbo.core.office import Heading, Issuer, OfficialDocument, Paragraph, Signature
from dangbo.orgs.choices import Title
from dangbo.orgs.models import Position
from dangbo.orgs.queries import names_on, parent_on

from .choices import AttendanceStatus, MeetingKind

CONTENT_TYPE = office.DOCX_TYPE
PDF_TYPE = office.PDF_TYPE
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


def _time(value) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else DOTS


def _para(text: str) -> Paragraph:
    return Paragraph(text)


def _paragraphs(text: str, empty: str) -> list[Paragraph]:
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    return [Paragraph(line) for line in lines or [empty]]


def _names(rows, with_reason: bool = False) -> str:
    parts = []
    for row in rows:
        name = f"đồng chí {row.member.full_name}"
        if with_reason and row.reason:
            name += f" ({row.reason})"
        parts.append(name)
    return ", ".join(parts)


def _subtitle(meeting) -> str:
    if meeting.kind == MeetingKind.REGULAR:
        return f"Sinh hoạt chi bộ thường kỳ tháng {meeting.date:%m/%Y}"
    if meeting.kind == MeetingKind.THEMATIC:
        return f"Sinh hoạt chi bộ chuyên đề “{meeting.topic}”"
    return f"{meeting.get_kind_display()} ngày {meeting.date:%d/%m/%Y}"


def _attendance(attendance: list) -> list[Paragraph]:
    """Counts and names; a status no one had is left out (no "0 đồng chí" lines)."""
    if not attendance:
        return [_para("Chưa ghi điểm danh.")]
    by_status: dict[str, list] = {s: [] for s in AttendanceStatus.values}
    for row in attendance:
        by_status[row.status].append(row)
    official = sum(r.official for r in attendance)
    probation = len(attendance) - official
    split = f"chính thức: {official}, dự bị: {probation}" if probation else "đều là chính thức"
    out = [_para(f"Tổng số đảng viên được triệu tập: {len(attendance)} đồng chí ({split}).")]
    present = len(by_status[AttendanceStatus.PRESENT])
    out.append(_para(f"Có mặt: {present} đồng chí." if present else "Có mặt: không có."))
    for status, label, reasons in (
        (AttendanceStatus.EXCUSED, "Vắng có lý do", True),
        (AttendanceStatus.UNEXCUSED, "Vắng không lý do", False),
        (AttendanceStatus.EXEMPTED, "Miễn sinh hoạt", False),
        (AttendanceStatus.TEMPORARILY_AWAY, "Chuyển sinh hoạt tạm thời", False),
    ):
        rows = by_status[status]
        if rows:
            names = _names(rows, with_reason=reasons)
            out.append(_para(f"{label}: {len(rows)} đồng chí — {names}."))
    return out


def posts_on(member_ids: list[int], on: date) -> dict[int, str]:
    """Each member's highest post held on ``on``, with its body ("Ủy viên Ban Thường vụ,
    Đảng bộ huyện Tam Dương"): how a superior who attended is named."""
    rank = {value: i for i, value in enumerate(Title.values)}
    found: dict[int, tuple[int, str]] = {}
    rows = (
        Position.objects.filter(member_id__in=member_ids, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .select_related("org")
        .order_by("id")
    )
    names = names_on(list({p.org_id: p.org for p in rows}.values()), on) if rows else {}
    for p in rows:
        r = rank.get(p.title, len(rank))
        if p.member_id not in found or r < found[p.member_id][0]:
            post = f"{Title(p.title).label}, {names.get(p.org_id, p.org.name)}"
            found[p.member_id] = (r, post)
    return {k: v[1] for k, v in found.items()}


def _visits(visits: list, on: date) -> list[Paragraph]:
    if not visits:
        return [_para("Không có.")]
    ids = [a.member_id for v in visits for a in v.attendees.all()]
    posts = posts_on(ids, on) if ids else {}
    out = []
    for visit in visits:
        names = "; ".join(
            f"đồng chí {a.member.full_name}"
            + (f", {posts[a.member_id]}" if a.member_id in posts else "")
            for a in visit.attendees.all()
        )
        text = names or DOTS
        if visit.group is not None:
            text += f" (tổ công tác: {visit.group.name})"
        if visit.without_mandate:
            text += " — ngoài phân công"
        out.append(_para(text + "."))
    return out


def _votes(votes: list) -> list[Paragraph]:
    if not votes:
        return [_para("Không có nội dung biểu quyết.")]
    out = []
    for v in votes:
        result = "thông qua" if v.passed else "không thông qua"
        out.append(
            _para(
                f"{v.motion} — tán thành {v.yes}/{v.denominator} đồng chí, không tán thành "
                f"{v.no}, không biểu quyết {v.abstain}; kết quả: {result}."
            )
        )
    return out


def document(meeting, *, attendance: list, votes: list, visits: list) -> OfficialDocument:
    """The minutes of ``meeting``: names as they were on the meeting's date."""
    org = meeting.org
    parent = parent_on(org, meeting.date) or org.parent
    names = names_on([o for o in (org, parent) if o is not None], meeting.date)
    cell_name = names[org.pk]
    parent_name = names.get(parent.pk) if parent is not None else None
    place = place_of(parent_name or cell_name)

    blocks: list = [Heading("1. Thời gian, địa điểm", 2)]
    blocks.append(
        _para(f"Thời gian: bắt đầu lúc {_time(meeting.start_time)}, ngày {meeting.date:%d/%m/%Y}.")
    )
    where = ", ".join(locality(n) for n in (cell_name, parent_name) if n)
    blocks.append(_para(f"Địa điểm: {where}."))
    blocks.append(_para(f"Hình thức: {meeting.get_mode_display()}."))
    if meeting.kind != MeetingKind.REGULAR and meeting.topic:
        blocks.append(_para(f"Chủ đề: {meeting.topic}"))
    elif meeting.topic:
        blocks.append(_para(f"Nội dung chính: {meeting.topic}"))
    blocks.append(Heading("2. Thành phần", 2))
    blocks.extend(_attendance(attendance))
    blocks.append(Heading("3. Chủ trì", 2))
    blocks.append(_para(f"Đồng chí {meeting.chair.full_name}." if meeting.chair else DOTS))
    blocks.append(Heading("4. Thư ký", 2))
    blocks.append(_para(f"Đồng chí {meeting.secretary.full_name}." if meeting.secretary else DOTS))
    blocks.append(Heading("5. Đại biểu cấp trên dự", 2))
    blocks.extend(_visits(visits, meeting.date))
    blocks.append(Heading("6. Nội dung", 2))
    blocks.extend(_paragraphs(meeting.minutes, "(Chưa ghi diễn biến.)"))
    blocks.append(Heading("7. Biểu quyết", 2))
    blocks.extend(_votes(votes))
    blocks.append(Heading("8. Nghị quyết, kết luận", 2))
    if meeting.resolution_ref:
        blocks.append(_para(f"Số nghị quyết: {meeting.resolution_ref}"))
    blocks.extend(_paragraphs(meeting.resolution, "(Chưa ghi.)"))
    blocks.append(
        _para(
            f"Buổi sinh hoạt kết thúc lúc {_time(meeting.end_time)} cùng ngày. Biên bản đã được "
            "đọc lại trước chi bộ và được các đồng chí dự họp nhất trí thông qua."
        )
    )
    person = meeting.secretary
    chair = meeting.chair
    return OfficialDocument(
        issuer=Issuer(
            name=_upper_with("CHI BỘ", cell_name),
            superior=_upper_with("ĐẢNG BỘ", parent_name) if parent_name else "",
            place=place,
        ),
        kind="BIÊN BẢN",
        day=meeting.date,
        summary=_subtitle(meeting),
        blocks=tuple(blocks),
        second_signature=Signature(post="THƯ KÝ", name=person.full_name if person else ""),
        signature=Signature(post="CHỦ TRÌ", name=chair.full_name if chair else ""),
        title=f"Biên bản {_subtitle(meeting)[0].lower()}{_subtitle(meeting)[1:]}",
        keywords=("biên bản", "sinh hoạt chi bộ", cell_name),
    )


def minutes(meeting, *, attendance: list, votes: list, visits: list) -> bytes:
    """The .docx bytes of ``meeting``'s minutes."""
    doc = document(meeting, attendance=attendance, votes=votes, visits=visits)
    return office.to_docx(doc)


def minutes_pdf(meeting, *, attendance: list, votes: list, visits: list) -> bytes:
    """The PDF of the same minutes."""
    doc = document(meeting, attendance=attendance, votes=votes, visits=visits)
    return office.to_pdf(doc)
