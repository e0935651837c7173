"""Honour lists ("n years running") as .xlsx, .docx and PDF: the same rows and title as the
page. The documents are a "DANH SÁCH" issued by the granting committee (``core.office``: A4,
the Party's heading, number line, date line, a table with sized columns and STT repeated on
every page, "T/M BAN THƯỜNG VỤ / BÍ THƯ", "Nơi nhận"); the workbook goes through
``office.sheet`` (title above the header, typed numbers).

A list of people is a disclosure: the views write one audit entry before any file. Every
text goes through ``core.text.writable`` in the renderers: the files open whatever the
database holds."""

import re
from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse

from dangbo.core import office
from dangbo.core.dates import today
from dangbo.core.office import Column, Issuer, OfficialDocument, Signature, Table, sheet
from dangbo.orgs.choices import OrgKind, Title
from dangbo.orgs.models import Organisation, Position

DOCX_TYPE = office.DOCX_TYPE


@dataclass(frozen=True)
class HonourRow:
    name: str
    place: str  # the member's cell, the organisation's superior
    years: int
    first_year: int
    last_year: int
    longest: int


def _labels(members: bool) -> tuple[str, str]:
    return ("Họ và tên", "Chi bộ") if members else ("Tổ chức đảng", "Trực thuộc")


def xlsx(rows: list[HonourRow], *, title: str, body: str, members: bool, filename: str, user=None):
    """The title and the granting body above the header; years and counts are numbers; who
    printed it in the footer."""
    who = ((user.get_full_name() or "").strip() or user.get_username()) if user else ""
    name, place = _labels(members)
    columns = (
        sheet.Col(name, lambda r: r.name, width=30),
        sheet.Col(place, lambda r: r.place, width=30),
        sheet.Col("Số năm liền", lambda r: r.years, "int", width=10),
        sheet.Col("Từ năm", lambda r: r.first_year, format="0", kind="int", width=9),
        sheet.Col("Đến năm", lambda r: r.last_year, format="0", kind="int", width=9),
        sheet.Col("Dài nhất", lambda r: r.longest, "int", width=9),
    )
    spec = sheet.Sheet(
        title=title,
        columns=columns,
        rows=rows,
        subtitle=f"{body} · lập ngày {today():%d/%m/%Y}",
        name="Vinh danh",
        scope=body,
        user=who,
    )
    return sheet.response([spec], filename, title=title, author=body)


# -- the document ---------------------------------------------------------------------------

# The same mapping as reports.annual.committee_of (reports sits above reviews, so it cannot
# be imported here): the committee's name, its symbol and how it signs.
_COMMITTEES = (
    ("Đảng bộ thành phố ", "Thành ủy", "TU"),
    ("Đảng bộ tỉnh ", "Tỉnh ủy", "TU"),
    ("Đảng bộ huyện ", "Huyện ủy", "HU"),
    ("Đảng bộ quận ", "Quận ủy", "QU"),
    ("Đảng bộ thị xã ", "Thị ủy", "TU"),
)
_STANDING = (
    OrgKind.CENTRAL,
    OrgKind.PROVINCE_COMMITTEE,
    OrgKind.DISTRICT_COMMITTEE,
    OrgKind.COMMUNE_COMMITTEE,
    OrgKind.BLOC_COMMITTEE,
)
_CELLS = (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL, OrgKind.PARTY_GROUP)


def committee(org: Organisation) -> tuple[str, str, str]:
    """(name, symbol, on behalf): "Huyện ủy Tam Dương", "HU", "T/M BAN THƯỜNG VỤ"; "Đảng ủy
    xã Kim Long", "ĐU"; a cell issues as itself ("CB", "T/M CHI BỘ")."""
    name = org.name
    if org.kind in _CELLS:
        return name, "CB", "T/M CHI BỘ"
    for prefix, word, symbol in _COMMITTEES:
        if name.startswith(prefix):
            return f"{word} {name[len(prefix) :]}", symbol, "T/M BAN THƯỜNG VỤ"
    rest = name.removeprefix("Đảng bộ ").strip()
    on_behalf = "T/M BAN THƯỜNG VỤ" if org.kind in _STANDING else "T/M ĐẢNG ỦY"
    return f"Đảng ủy {rest}", "ĐU", on_behalf


def place(org: Organisation) -> str:
    """The place of the date line: the locality of the organisation's name."""
    rest = re.sub(r"^(đảng bộ|chi bộ)\s+", "", org.name, flags=re.IGNORECASE)
    rest = re.sub(
        r"^(tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường|thôn|tổ dân phố)\s+",
        "",
        rest,
        flags=re.IGNORECASE,
    )
    return rest.strip() or org.name


def secretary(org: Organisation, on: date) -> str:
    """The name of the organisation's secretary on ``on``; "" when none is recorded (the
    signature is then left blank for the office to fill in)."""
    position = (
        Position.objects.filter(org=org, title=Title.SECRETARY, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .select_related("member")
        .order_by("-valid_from", "-id")
        .first()
    )
    return position.member.full_name if position is not None else ""


def document(rows: list[HonourRow], *, org: Organisation, title: str, members: bool):
    """The list as a Party document issued by ``org``'s committee, dated today."""
    day = today()
    issuer, symbol, on_behalf = committee(org)
    superior = committee(org.parent)[0] if org.parent is not None else ""
    cell = org.kind in _CELLS
    name, place_label = _labels(members)
    table = Table(
        columns=(
            Column(name, 50),
            Column(place_label, 45),
            Column("Số năm liền", 16, "center", "int"),
            Column("Từ năm", 14, "center"),
            Column("Đến năm", 14, "center"),
            Column("Dài nhất", 14, "center", "int"),
        ),
        rows=tuple(
            (r.name, r.place, r.years, str(r.first_year), str(r.last_year), r.longest) for r in rows
        ),
    )
    recipients = ([f"{superior} (b/c)"] if superior else []) + [
        "Các tổ chức đảng trực thuộc" if not cell else "Các đảng viên trong chi bộ",
        f"Lưu Văn phòng {issuer}" if not cell else "Lưu Chi bộ",
    ]
    return OfficialDocument(
        issuer=Issuer(name=issuer, superior=superior, place=place(org), symbol=symbol),
        kind="DANH SÁCH",
        kind_code="DS",
        day=day,
        summary=title,
        blocks=(table,),
        signature=Signature(
            on_behalf=on_behalf,
            post="BÍ THƯ",
            name=secretary(org, day),
        ),
        recipients=tuple(recipients),
        title=f"Danh sách {title[0].lower()}{title[1:]}" if title else "Danh sách",
        keywords=("danh sách", "vinh danh", "năm liền"),
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def docx(rows: list[HonourRow], *, org: Organisation, title: str, members: bool, filename: str):
    doc = document(rows, org=org, title=title, members=members)
    return _download(office.to_docx(doc), office.DOCX_TYPE, filename)


def pdf(rows: list[HonourRow], *, org: Organisation, title: str, members: bool, filename: str):
    doc = document(rows, org=org, title=title, members=members)
    return _download(office.to_pdf(doc), office.PDF_TYPE, filename)
