"""An .xlsx typed in legacy fonts: the font of each column decides how its text is read.

".VnTime" cells hold TCVN3, ".VnTimeH" cells TCVN3 drawn in capitals (the bytes are lower-case
codes: the name is stored in capitals, as the office saw and printed it), "VNI-Times" cells
VNI. A cell typed in Unicode among them stays as it is.
"""

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from dangbo.core import legacy
from dangbo.imports import fonts, services
from dangbo.imports.models import ImportRow
from dangbo.members.models import Member

from .files import MEMBER_HEADER

pytestmark = pytest.mark.django_db

HEADER = [*MEMBER_HEADER, "Quê quán"]
NAMES = ["Hoàng Thị Quỳnh", "Nguyễn Đình Nhuận", "Lưu Thị Ngọc Ánh", "Vũ Văn Kỳ"]
TOWNS = ["Nghệ An", "Thanh Hóa", "Xã Nghĩa Giang", "Hà Tĩnh"]
UNICODE_NAME, UNICODE_TOWN = "Trần Văn Ưng", "Hà Nội"


def _row(name: str, town: str) -> list:
    return ["", name, "Nữ", "01/01/1990", "kl-thon-2", "", "01/02/2015", "01/02/2016", "", town]


def write_roll(path, font: str, typed: list[tuple[str, str]], *, unicode_row=True):
    """The header in Times New Roman, each data cell in ``font``; a last row typed in
    Unicode (in Times New Roman, as a later clerk added it)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(name="Times New Roman")
    rows = [_row(n, t) for n, t in typed]
    if unicode_row:
        rows.append(_row(UNICODE_NAME, UNICODE_TOWN))
    for r, row in enumerate(rows, start=2):
        sheet.append(row)
        unicode = unicode_row and r == len(rows) + 1
        for cell in sheet[r]:
            cell.font = Font(name="Times New Roman" if unicode else font)
    book.save(path)
    return path


def _import(path, world):
    actor = world.users["admin"]
    job = services.create_job(actor=actor, kind="members", source=path, original_name=path.name)
    job = services.run(job, actor=actor)
    return job, actor


CASES = [
    # (font, encoding the cells are typed in, what is stored)
    (".VnTime", "tcvn3", lambda s: s),
    (".VnArial", "tcvn3", lambda s: s),
    (".VnTimeH", "tcvn3_caps", str.upper),
    (".VnArialH", "tcvn3_caps", str.upper),
    ("VNI-Times", "vni", lambda s: s),
    ("VNI-Helve", "vni", lambda s: s),
]


@pytest.mark.parametrize(("font", "encoding", "stored"), CASES)
def test_names_in_a_legacy_font_are_imported_exactly(tmp_path, world, font, encoding, stored):
    typed = [
        (legacy.from_unicode(n, encoding), legacy.from_unicode(t, encoding))
        for n, t in zip(NAMES, TOWNS, strict=True)
    ]
    path = write_roll(tmp_path / "roll.xlsx", font, typed)
    job, actor = _import(path, world)
    label = legacy.LEGACY_LABELS[encoding]
    assert any("Họ và tên" in n and label in n for n in job.notes), job.notes
    assert any("Quê quán" in n and label in n for n in job.notes), job.notes
    rows = list(ImportRow.objects.filter(job=job).order_by("row_no"))
    assert len(rows) == len(NAMES) + 1
    assert all(r.state != "error" for r in rows), [r.messages for r in rows]
    assert not any("chuyển từ mã" in m for m in rows[-1].messages)  # the Unicode row
    services.run(job, commit=True, actor=actor)
    members = dict(
        Member.objects.filter(org__code="kl-thon-2").values_list("full_name", "home_town")
    )
    for name, town in zip(NAMES, TOWNS, strict=True):
        assert members.get(stored(name)) == stored(town), members
    assert members[UNICODE_NAME] == UNICODE_TOWN


def test_the_font_decides_cells_that_alone_are_unclear(tmp_path, world):
    """ "Vò" alone is Unicode "vò" or TCVN3 "Vũ", "Thanh Hãa" Unicode or TCVN3; in a column of
    one or two such cells no guess is possible, the font says TCVN3."""
    typed = [("Vò V\xa8n Kú", "Thanh Hãa")]
    path = write_roll(tmp_path / "one.xlsx", ".VnTime", typed, unicode_row=False)
    assert legacy.detect_column(["Thanh Hãa"]) is None
    job, actor = _import(path, world)
    services.run(job, commit=True, actor=actor)
    member = Member.objects.get(full_name="Vũ Văn Kỳ")
    assert member.home_town == "Thanh Hóa"


def test_capitals_font_in_a_title_case_column(tmp_path, world):
    """.VnTimeH typists type lower-case codes; what prints is capitals: stored in capitals."""
    typed = [("nguyÔn ®×nh nhuËn", "nghÖ an"), ("hoµng thÞ qu\xfanh", "thanh hãa")]
    path = write_roll(tmp_path / "caps.xlsx", ".VnTimeH", typed, unicode_row=False)
    job, actor = _import(path, world)
    services.run(job, commit=True, actor=actor)
    names = set(Member.objects.values_list("full_name", flat=True))
    assert {"NGUYỄN ĐÌNH NHUẬN", "HOÀNG THỊ QUỲNH"} <= names


def test_a_unicode_font_leaves_the_guess(tmp_path, world):
    """Legacy text in a Unicode font (a copy that lost its font) is still recognised."""
    typed = [
        (legacy.from_unicode(n, "tcvn3"), legacy.from_unicode(t, "tcvn3"))
        for n, t in zip(NAMES, TOWNS, strict=True)
    ]
    path = write_roll(tmp_path / "lost.xlsx", "Times New Roman", typed)
    job, actor = _import(path, world)
    services.run(job, commit=True, actor=actor)
    stored = set(Member.objects.values_list("full_name", flat=True))
    assert set(NAMES) | {UNICODE_NAME} <= stored


# --- fonts.py ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".VnTime", ("tcvn3", False)),
        (".VnTimeH", ("tcvn3", True)),
        (".VnArial", ("tcvn3", False)),
        (".VnArialH", ("tcvn3", True)),
        (".VnArial NarrowH", ("tcvn3", True)),
        (".VnCentury Schoolbook", ("tcvn3", False)),
        ("VnTime", ("tcvn3", False)),
        ("VnTimeH", ("tcvn3", True)),
        ("VNI-Times", ("vni", False)),
        ("VNI-Helve", ("vni", False)),
        ("VNI-Top", ("vni", False)),
        ("Times New Roman", (None, False)),
        ("VNtimes new roman", (None, False)),
        ("Arial", (None, False)),
        ("Calibri", (None, False)),
        ("", (None, False)),
        (None, (None, False)),
    ],
)
def test_font_encoding(name, expected):
    assert fonts.font_encoding(name) == expected


def test_column_fonts_and_headers_in_a_capitals_font(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "DS"
    sheet.append(["STT", "hä vµ tªn", "quª qu¸n"])
    sheet.append([1, "NguyÔn V¨n An", "NghÖ An"])
    for cell in sheet[1][1:]:
        cell.font = Font(name=".VnTimeH")
    sheet["B2"].font = Font(name=".VnTime")
    sheet["C2"].font = Font(name="VNI-Times")
    path = tmp_path / "h.xlsx"
    book.save(path)
    header_fonts = fonts.column_fonts(path, "DS", 1, 1)
    assert header_fonts == {0: "Calibri", 1: ".VnTimeH", 2: ".VnTimeH"}
    assert fonts.column_fonts(path, "", 2, 2) == {1: ".VnTime", 2: "VNI-Times"}
    assert [
        fonts.fix_in_font(h, header_fonts.get(i))[0]
        for i, h in enumerate(["STT", "hä vµ tªn", "quª qu¸n"])
    ] == ["STT", "HỌ VÀ TÊN", "QUÊ QUÁN"]
    assert fonts.fix_in_font("Hä vµ tªn", None) == ("Họ và tên", "tcvn3")  # guessed
    # Never raises: another sheet, another format, a missing file.
    assert fonts.column_fonts(path, "Khác", 1, 5) == {}
    csv = tmp_path / "a.csv"
    csv.write_text("a,b\n")
    assert fonts.column_fonts(csv, "", 1, 5) == {}
    assert fonts.column_fonts(tmp_path / "missing.xlsx", "", 1, 5) == {}
    assert fonts.column_fonts(path, "", 5, 1) == {}


def test_an_ascii_column_in_a_legacy_font_is_not_said_converted(tmp_path, world):
    """A whole sheet is often typed in .VnTime: a column with nothing but ASCII ("Kon Tum")
    gets no "converted" note."""
    typed = [(legacy.from_unicode(n, "tcvn3"), "Kon Tum") for n in NAMES]
    path = write_roll(tmp_path / "ascii.xlsx", ".VnTime", typed, unicode_row=False)
    job, _actor = _import(path, world)
    assert any("Họ và tên" in n and "TCVN3" in n for n in job.notes), job.notes
    assert not any("Quê quán" in n and "TCVN3" in n for n in job.notes), job.notes


def test_names_in_a_capitals_font_without_fonts_in_the_file(tmp_path, world):
    """An .xls or a CSV keeps no font here: a column of names typed in lower-case TCVN3
    codes can only be a ".VnTimeH" column (nobody types names in lower case)."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("DS")
    rows = [HEADER] + [
        _row(legacy.from_unicode(n, "tcvn3_caps"), legacy.from_unicode(t, "tcvn3"))
        for n, t in zip(NAMES, TOWNS, strict=True)
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "caps.xls"
    book.save(str(path))
    job, actor = _import(path, world)
    assert any("Họ và tên" in n and "phông chữ hoa" in n for n in job.notes), job.notes
    services.run(job, commit=True, actor=actor)
    members = dict(
        Member.objects.filter(org__code="kl-thon-2").values_list("full_name", "home_town")
    )
    for name, town in zip(NAMES, TOWNS, strict=True):
        assert members.get(name.upper()) == town, members


def test_lower_case_names_only_when_every_cell_is():
    assert legacy.typed_in_capitals_font(["nguyÔn v¨n an", "hoµng thÞ qu\xfanh"])
    assert not legacy.typed_in_capitals_font(["NguyÔn V¨n An", "hoµng thÞ qu\xfanh"])
    assert not legacy.typed_in_capitals_font(["nguyÔn v¨n an"])  # one cell says little
    assert not legacy.typed_in_capitals_font(["§Æng v¨n an", "hoµng thÞ"])  # § is "Đ"


def test_the_encoding_of_title_rows_from_their_fonts(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["®¶ng bé x· kim long"])
    sheet.append(["danh s¸ch ®¶ng viªn"])
    sheet.append(["STT", "Hä vµ tªn"])
    for row in (1, 2):
        sheet.cell(row=row, column=1).font = Font(name=".VnTimeH")
    sheet.cell(row=3, column=2).font = Font(name=".VnTime")
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert fonts.rows_encoding(path, "", 1, 2) == "tcvn3_caps"
    assert legacy.fix_as("danh s¸ch ®¶ng viªn", "tcvn3_caps")[0] == "DANH SÁCH ĐẢNG VIÊN"
    assert fonts.rows_encoding(path, "", 3, 3) == "tcvn3"  # "STT" (Calibri) tells nothing
    assert fonts.rows_encoding(path, "", 1, 3) == "tcvn3_caps"  # 2 of 3
    sheet["B3"].font = Font(name="Times New Roman")
    book.save(path)
    assert fonts.rows_encoding(path, "", 3, 3) is None
    assert fonts.rows_encoding(path, "Khác", 1, 2) is None
    assert fonts.rows_encoding(tmp_path / "none.xlsx", "", 1, 2) is None


def test_ascii_names_in_a_capitals_font(tmp_path, world):
    """Names of the highlands are often ASCII: in ".VnTimeH" they print in capitals too."""
    typed = [("sung a pao", "ha giang"), ("giang a sinh", "lao cai")]
    path = write_roll(tmp_path / "ascii-caps.xlsx", ".VnTimeH", typed, unicode_row=False)
    job, actor = _import(path, world)
    services.run(job, commit=True, actor=actor)
    members = dict(
        Member.objects.filter(org__code="kl-thon-2").values_list("full_name", "home_town")
    )
    assert members["SUNG A PAO"] == "HA GIANG" and members["GIANG A SINH"] == "LAO CAI"
