"""Party rolls as offices keep them, written by code: the test files of issue 13.

What real rolls look like (from the Party's own forms and the lists offices publish; header
names only, nothing copied beyond them):

* Mẫu 7-HSĐV "Sổ danh sách đảng viên": a numbered row under the header, 14 columns — "Số
  TT", "Họ và tên / Họ và tên khai sinh", "Nam, nữ, dân tộc, tôn giáo", "Quê quán", "Văn
  hóa, lý luận, CMNV, ngoại ngữ", "Nghề nghiệp trước khi vào Đảng, nghề nghiệp hiện nay",
  "Ngày vào Đảng, ngày chính thức", "Số thẻ đảng viên, số lý lịch đảng viên, số Huy hiệu
  Đảng", "Ngày chuyển đi", "Ngày chuyển đến", "Ngày từ trần", "Ghi chú".
* Mẫu 2-HSĐV "Phiếu đảng viên" (one person a form): "Họ và tên đang dùng", "Họ và tên khai
  sinh", "Số thẻ đảng viên", "Số lý lịch", "Ngày vào Đảng", "Ngày chính thức", "Trình độ:
  giáo dục phổ thông, chuyên môn nghiệp vụ, lý luận chính trị", "Nơi ở hiện nay". The lists
  a commune keeps borrow these names.
* Every official paper starts with the same title block: the committee above on the left
  ("ĐẢNG BỘ HUYỆN …" / "ĐẢNG ỦY XÃ …" / "*"), "ĐẢNG CỘNG SẢN VIỆT NAM" on the right over the
  place and date ("Kim Long, ngày … tháng … năm …"), then the title ("DANH SÁCH ĐẢNG VIÊN",
  often the cell's name under it) merged across the table; it ends with the totals
  ("Tổng cộng"), "Người lập biểu", "T/M CHI ỦY" or "T/M ĐẢNG ỦY" over "BÍ THƯ", "(Ký, ghi
  rõ họ tên)", the signers' names and a "Ghi chú:" line.
* Lists for statistics (Hướng dẫn 11-HD/BTCTW "biểu thống kê") tick columns with "x" under
  merged parents: "Giới tính" over "Nam"/"Nữ", "Trình độ" over "Văn hóa"/"Chuyên môn"/"Lý
  luận chính trị" (itself over "Sơ cấp"/"Trung cấp"/"Cao cấp"); a "Ngày sinh" over
  "Nam"/"Nữ" holds the date under the member's gender.
* Workbooks hold one sheet per cell plus a summary sheet ("Tổng hợp") that is not a roll;
  others list everyone with a heading row per cell ("I. Chi bộ thôn …").
* Files typed before Unicode use the .VnTime / .VnTimeH fonts (TCVN3, "ABC") or VNI-Times
  (VNI): the cells hold the legacy bytes as Latin-1 look-alikes; CSV saved from them are
  8-bit (the same bytes), or Windows-1258.

* What else offices do to a roll: the name over two columns (family and middle names, then
  the given name), "Ngày vào Đảng" over "Dự bị" / "Chính thức", header text wrapped inside
  its cells, a cell's name merged down over its members, each cell's list pasted under the
  previous one, a row of hints ("(ngày/tháng/năm)") under the header, age columns, empty
  bordered rows far below the footer, a hidden sheet of lookup lists; dates typed as
  "15.05.76", "21.5.2016", "2023-10-24", date cells or bare serials in one column; card
  and ID numbers typed into General cells (leading zeros lost) or as "83.016532 044798"
  (card and record number in one cell); names pasted in NFD, with stray spaces, or with
  the look-alike "Ð" (U+00D0).

This module writes such rolls from a list of member dicts (see ``MEMBERS``) in a ``Layout``
(see ``LAYOUTS``, one per shape above), to .xlsx (openpyxl), .xls (xlwt), .ods (odfpy) or a
CSV/text export: ``write(path, layout, members, encoding=…)``; the format follows the path's
suffix, the encoding is "unicode", "tcvn3" (.VnTime, .VnTimeH for words in capitals) or
"vni" (VNI-Times), for a CSV also "cp1258", "utf-8", "semicolon" or "utf-16" (.txt).
``write_grids`` writes any sheets (``Grid``), e.g. ``member_form`` (a Phiếu đảng viên).
"""

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from dangbo.core import legacy

from .files import to_cp1258

TODAY = date.today()
EXCEL_EPOCH = date(1899, 12, 30)

# -- the members -------------------------------------------------------------------------
# name: what must be stored; typed: how the file spells it (a look-alike "Ð"), when not name.
# cell: the cell's name as the office writes it; code: the cell it must resolve to.
MEMBERS: list[dict] = [
    {
        "name": "Lê Văn Hùng",
        "gender": "Nam",
        "born": date(1960, 5, 12),
        "cell": "Chi bộ thôn Đồng Bông",
        "code": "kl-thon-1",
        "card": "83.016532 044798",  # card 83016532, record (số lý lịch) 044798
        "admitted": date(1989, 5, 19),
        "official": date(1990, 5, 19),
        "education": "10/10",
        "theory": "Trung cấp",
        "qualification": "Trung cấp nông nghiệp",
        "home_town": "Kim Long, Tam Dương",
        "phone": "0912 345 678",
    },
    {
        "name": "Đỗ Thị Quỳnh",
        "gender": "Nữ",
        "born": date(1975, 8, 3),
        "cell": "Chi bộ thôn Gia Du",
        "code": "kl-thon-2",
        "admitted": date(2001, 9, 2),
        "official": date(2002, 9, 2),
        "education": "12/12",
        "theory": "Sơ cấp",
        "home_town": "Nghệ An",
    },
    {
        "name": "Khuất Quang Giảng",
        "typed": unicodedata.normalize("NFD", "Khuất Quang Giảng"),  # pasted from the web
        "gender": "Nam",
        "born": date(1968, 11, 30),
        "cell": "Chi bộ thôn Quỳnh Lâm",
        "code": "kl-thon-3",
        "card": "01234003",
        "admitted": date(1995, 2, 3),
        "official": date(1996, 2, 3),
        "education": "12/12",
        "theory": "Cao cấp",
        "qualification": "Kỹ sư thủy lợi",
        "home_town": "Thanh Hóa",
    },
    {
        "name": "Nguyễn Thị Ánh Tuyết",
        "gender": "Nữ",
        "born": date(1984, 1, 21),
        "cell": "Chi bộ thôn Đồng Bông",
        "code": "kl-thon-1",
        "admitted": date(2010, 3, 26),
        "official": date(2011, 3, 26),
        "education": "12/12",
        "qualification": "Cử nhân kế toán",
    },
    {
        "name": "Lưu Văn Kỳ",
        "typed": " Lưu Văn  Kỳ ",  # spaces as typed
        "gender": "Nam",
        "born": date(1952, 12, 19),
        "cell": "Chi bộ thôn Gia Du",
        "code": "kl-thon-2",
        "admitted": date(1976, 7, 27),
        "official": date(1977, 7, 27),
        "education": "7/10",
        "theory": "Sơ cấp",
        "home_town": "Hưng Yên",
    },
    {
        "name": "Vũ Thị Mỹ Hạnh",
        "gender": "Nữ",
        "born": date(1990, 6, 15),
        "cell": "Chi bộ thôn Quỳnh Lâm",
        "code": "kl-thon-3",
        "id_number": "026190001122",
        "admitted": date(2016, 5, 21),
        "official": date(2017, 5, 21),
        "education": "12/12",
        "theory": "Sơ cấp",
        "qualification": "Cao đẳng sư phạm",
    },
    {
        "name": "Nguyễn Đình Nhuận",
        "typed": "Nguyễn \u00d0ình Nhuận",  # Icelandic Ð, as old keyboards put it in
        "gender": "Nam",
        "born": date(1971, 4, 9),
        "cell": "Chi bộ thôn Đồng Bông",
        "code": "kl-thon-1",
        "admitted": date(1998, 12, 22),
        "official": date(1999, 12, 22),
        "education": "12/12",
    },
    {
        "name": "Hà Thị Ngọc Diệp",
        "gender": "Nữ",
        "born": date(1999, 10, 24),
        "cell": "Chi bộ thôn Gia Du",
        "code": "kl-thon-2",
        "admitted": TODAY - timedelta(days=120),  # still probationary: no recognition yet
        "official": None,
        "education": "12/12",
        "qualification": "Đại học",
    },
]


def many_members(count: int) -> list[dict]:
    """``count`` members over the three cells, deterministic, with namesakes (the same name
    in the same cell, born in another year) as every large commune has."""
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    middles = ["Văn", "Thị", "Quang", "Đức", "Thị Thu", "Minh"]
    givens = ["An", "Bình", "Quỳnh", "Giang", "Hùng", "Thủy", "Kỳ", "Yến", "Nguyệt", "Dũng"]
    codes = list(CELLS)
    members = []
    for i in range(count):
        name = f"{families[i % 10]} {middles[i % 6]} {givens[(i // 3) % 10]}"
        born = date(1950 + (i * 7) % 50, 1 + i % 12, 1 + (i * 5) % 28)
        admitted = date(born.year + 22, 1 + (i * 3) % 12, 1 + i % 28)
        members.append(
            {
                "name": name,
                "gender": "Nữ" if "Thị" in name else "Nam",
                "born": born,
                "cell": CELLS[codes[i % 3]],
                "code": codes[i % 3],
                "admitted": admitted,
                "official": date(admitted.year + 1, admitted.month, admitted.day),
                "education": "12/12",
            }
        )
    return members


# The cells of the members above (the tests create "Chi bộ thôn Quỳnh Lâm").
CELLS = {"kl-thon-1": "Chi bộ thôn Đồng Bông", "kl-thon-2": "Chi bộ thôn Gia Du"}
CELLS["kl-thon-3"] = "Chi bộ thôn Quỳnh Lâm"


# -- how offices type dates ----------------------------------------------------------------
def _typed_date(day: date | None, style: int, *, text_only: bool):
    """One of the ways a date reaches a cell; ``style`` picks it (cycled by member)."""
    if day is None:
        return None
    styles = [
        lambda d: d.strftime("%d/%m/%Y"),  # 03/08/1975
        lambda d: f"{d.day}.{d.month}.{d.year}",  # 21.5.2016
        lambda d: d,  # a date cell
        lambda d: d.isoformat(),  # 2023-10-24
        lambda d: (d - EXCEL_EPOCH).days,  # a serial: the cell lost its date format
        lambda d: d.strftime("%d.%m.%y") if d.year < 2000 else d.strftime("%d-%m-%Y"),
    ]
    value = styles[style % len(styles)](day)
    if text_only and not isinstance(value, str):  # CSV: what the sheet showed
        value = day.strftime("%d/%m/%Y")
    return value


# -- layouts -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """A column: its header cells from the top header row down (a shorter path spans the
    rows below it), and the member's value (``m["_no"]`` is the row's number)."""

    path: tuple[str, ...]
    value: Callable[[dict], object]
    date: bool = False


def _text(key: str) -> Callable[[dict], object]:
    return lambda m: m.get(key) or None


def _tick(key: str, wanted: str) -> Callable[[dict], object]:
    return lambda m: "x" if m.get(key) == wanted else None


def _date_under_gender(wanted: str) -> Callable[[dict], object]:
    return lambda m: m["born"] if m["gender"] == wanted else None


NO = Col(("STT",), lambda m: m["_no"])
NAME = Col(("Họ và tên",), lambda m: m.get("typed", m["name"]))
GENDER = Col(("Giới tính",), _text("gender"))
BORN = Col(("Ngày sinh",), lambda m: m["born"], date=True)
CELL = Col(("Chi bộ",), _text("cell"))
ADMITTED = Col(("Ngày vào Đảng",), lambda m: m["admitted"], date=True)
OFFICIAL = Col(("Ngày chính thức",), lambda m: m["official"], date=True)
NOTE = Col(("Ghi chú",), lambda m: None)


def _card_only(m: dict) -> object:
    return (m.get("card") or "").split(" ")[0] or None


def _as_number(value: object) -> object:
    """Digits typed into a General cell: Excel keeps a number, without leading zeros."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


THEORY_ABBREVIATIONS = {"Sơ cấp": "SC", "Trung cấp": "TC", "Cao cấp": "CC"}


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Col, ...]
    # The column-number row: "paren" (1) (2) …, "plain" 1 2 3, "letters" A B 1 2 …, "" none.
    numbers: str = "paren"
    title: bool = True
    footer: bool = True
    closing: str = ""  # the footer's first line instead of "Tổng cộng: N đảng viên"
    groups: str = ""  # a heading row before each group: "cell" ("I. Chi bộ thôn …"), "status"
    per_cell: bool = False  # one sheet per cell (its name in the sheet name and title)
    summary: bool = False  # a "Tổng hợp" sheet (counts per cell): not a roll
    catalog: bool = False  # a hidden "Danh mục" sheet of lookup lists (templates have one)
    stacked: bool = False  # one sheet, one block per cell under the other (title, header…)
    offset: bool = False  # the table starts in column B (column A left narrow and empty)
    merge_down: str = ""  # the column (by header) whose cell is merged over a group's rows
    padding: int = 0  # empty rows with borders under the footer, as templates leave them

    @property
    def has_status(self) -> bool:
        """Each member ticked "Chính thức" or "Dự bị": the file says the status."""
        return any(c.path[0] == "Đảng viên" for c in self.columns)

    @property
    def only_workbooks(self) -> bool:
        """A CSV cannot hold this layout (several sheets, merged data cells)."""
        return self.per_cell or bool(self.merge_down)

    @property
    def header_rows(self) -> int:
        return max(len(c.path) for c in self.columns)

    @property
    def has_recognition(self) -> bool:
        return any(c.value is OFFICIAL.value for c in self.columns)

    def group(self, member: dict) -> str:
        if self.groups == "status":
            return "ĐẢNG VIÊN CHÍNH THỨC" if member["official"] else "ĐẢNG VIÊN DỰ BỊ"
        return member["cell"] if self.groups else ""


LAYOUTS = {
    # One header row, the plain numbers 1 2 3 under it.
    "mot-dong": Layout(
        "mot-dong",
        (
            NO,
            NAME,
            GENDER,
            BORN,
            CELL,
            Col(("Số thẻ đảng viên",), lambda m: _as_number(_card_only(m))),
            ADMITTED,
            OFFICIAL,
            Col(("Trình độ văn hóa",), _text("education")),
            Col(("Trình độ LLCT",), _text("theory")),
            Col(("Điện thoại",), _text("phone")),
            NOTE,
        ),
        numbers="plain",
    ),
    # The "trích ngang" list: a merged "Ngày sinh" over "Nam" / "Nữ" holding the date under
    # the member's gender, "Trình độ" over three text columns, the form's header names.
    "trich-ngang": Layout(
        "trich-ngang",
        (
            Col(("TT",), lambda m: m["_no"]),
            Col(("Họ tên đang dùng",), NAME.value),
            Col(("Ngày sinh", "Nam"), _date_under_gender("Nam"), date=True),
            Col(("Ngày sinh", "Nữ"), _date_under_gender("Nữ"), date=True),
            Col(("Quê quán",), _text("home_town")),
            Col(("Tên chi bộ",), _text("cell")),
            Col(("Ngày kết nạp Đảng",), ADMITTED.value, date=True),
            OFFICIAL,
            Col(("Số thẻ đảng viên/Số lý lịch",), _text("card")),
            Col(("Trình độ", "Văn hóa"), _text("education")),
            Col(("Trình độ", "Chuyên môn"), _text("qualification")),
            Col(("Trình độ", "LLCT"), lambda m: THEORY_ABBREVIATIONS.get(m.get("theory"))),
            Col(("SĐT",), _text("phone")),
            NOTE,
        ),
    ),
    # Three header rows of tick columns ("x"), as in the statistics forms.
    "ba-dong-danh-dau": Layout(
        "ba-dong-danh-dau",
        (
            NO,
            Col(("Họ và tên",), NAME.value),
            Col(("Giới tính", "Nam"), _tick("gender", "Nam")),
            Col(("Giới tính", "Nữ"), _tick("gender", "Nữ")),
            Col(("Ngày tháng năm sinh",), BORN.value, date=True),
            Col(("Chi bộ sinh hoạt",), _text("cell")),
            ADMITTED,
            OFFICIAL,
            Col(("Trình độ", "Văn hóa"), _text("education")),
            Col(("Trình độ", "Lý luận chính trị", "Sơ cấp"), _tick("theory", "Sơ cấp")),
            Col(("Trình độ", "Lý luận chính trị", "Trung cấp"), _tick("theory", "Trung cấp")),
            Col(("Trình độ", "Lý luận chính trị", "Cao cấp"), _tick("theory", "Cao cấp")),
            Col(("Trình độ", "Chuyên môn"), _text("qualification")),
            Col(("Số CMND/CCCD",), lambda m: _as_number(m.get("id_number"))),
            NOTE,
        ),
        numbers="plain",
    ),
    # Everyone in one list under a heading row per cell; no cell column and no "Ngày chính
    # thức" column (the import asks how to read members admitted long ago).
    "theo-chi-bo": Layout(
        "theo-chi-bo",
        (
            NO,
            NAME,
            Col(("Nam/Nữ",), _text("gender")),
            BORN,
            Col(("Ngày vào Đảng",), ADMITTED.value, date=True),
            Col(("Số thẻ đảng viên",), _card_only),
            Col(("Số CCCD",), _text("id_number")),
            Col(("Quê quán",), _text("home_town")),
            NOTE,
        ),
        groups="cell",
    ),
    # What a members database program exports: no title, no footer, one header row of the
    # program's names; the cell by its short name with the commune in its own column.
    "phan-mem-xuat": Layout(
        "phan-mem-xuat",
        (
            Col(("Số thẻ",), _card_only),
            Col(("Họ và tên",), NAME.value),
            Col(("Ngày sinh",), BORN.value, date=True),
            Col(("Giới tính",), _text("gender")),
            Col(("Dân tộc",), lambda m: m.get("ethnicity", "Kinh")),
            Col(("Tôn giáo",), lambda m: m.get("religion", "Không")),
            Col(("Chi bộ",), lambda m: m["cell"].removeprefix("Chi bộ thôn ")),
            Col(("Đảng bộ",), lambda m: "Xã Kim Long"),
            Col(("Ngày vào Đảng",), ADMITTED.value, date=True),
            Col(("Ngày chính thức",), OFFICIAL.value, date=True),
            Col(("Số CCCD",), _text("id_number")),
            Col(("Trình độ chuyên môn",), _text("qualification")),
        ),
        numbers="",
        title=False,
        footer=False,
    ),
    # Official members, then probationary ones, each under a heading row; the table starts
    # in column B; header text wrapped inside its cells; a statistics form's "A B 1 2 3 …".
    "chinh-thuc-du-bi": Layout(
        "chinh-thuc-du-bi",
        (
            NO,
            NAME,
            Col(("Giới\ntính",), _text("gender")),
            Col(("Ngày, tháng,\nnăm sinh",), BORN.value, date=True),
            Col(("Quê quán",), _text("home_town")),
            Col(("Chi bộ\nsinh hoạt",), _text("cell")),
            Col(("Ngày\nvào Đảng",), ADMITTED.value, date=True),
            Col(("Ngày\nchính thức",), OFFICIAL.value, date=True),
            Col(("Số thẻ\nđảng viên",), _card_only),
            NOTE,
        ),
        numbers="letters",
        groups="status",
        offset=True,
        closing="Danh sách này có {count} đồng chí./.",
    ),
    # The cell's name in one cell merged down over its members' rows; an age column (not
    # imported); cells with borders left empty far below the footer.
    "o-chi-bo-gop": Layout(
        "o-chi-bo-gop",
        (
            NO,
            NAME,
            Col(("Chi bộ",), _text("cell")),
            GENDER,
            BORN,
            Col(("Tuổi đời",), lambda m: TODAY.year - m["born"].year),
            ADMITTED,
            OFFICIAL,
            Col(("Tuổi Đảng",), lambda m: TODAY.year - m["admitted"].year),
            NOTE,
        ),
        merge_down="Chi bộ",
        padding=120,
    ),
    # The name in two columns (family and middle names, then the given name: lists are
    # sorted by it) under "Họ và tên"; "Ngày vào Đảng" over "Dự bị" / "Chính thức".
    "ho-ten-hai-cot": Layout(
        "ho-ten-hai-cot",
        (
            NO,
            Col(("Họ và tên", "Họ và đệm"), lambda m: m["name"].rsplit(" ", 1)[0]),
            Col(("Họ và tên", "Tên"), lambda m: m["name"].rsplit(" ", 1)[1]),
            Col(("Ngày sinh", "Nam"), _date_under_gender("Nam"), date=True),
            Col(("Ngày sinh", "Nữ"), _date_under_gender("Nữ"), date=True),
            Col(("Chi bộ",), _text("cell")),
            Col(("Ngày vào Đảng", "Dự bị"), ADMITTED.value, date=True),
            Col(("Ngày vào Đảng", "Chính thức"), OFFICIAL.value, date=True),
            Col(("Số thẻ đảng viên",), _card_only),
            NOTE,
        ),
    ),
    # The same with "Họ và tên" one header cell merged over both name columns.
    "ho-ten-o-gop": Layout(
        "ho-ten-o-gop",
        (
            NO,
            Col(("Họ và tên",), lambda m: m["name"].rsplit(" ", 1)[0]),
            Col(("Họ và tên",), lambda m: m["name"].rsplit(" ", 1)[1]),
            GENDER,
            BORN,
            CELL,
            ADMITTED,
            OFFICIAL,
            NOTE,
        ),
        numbers="plain",
    ),
    # The wide roll of a commune: 37 numbered columns, tick groups the importer knows
    # (gender, ethnicity, religion, theory) and many it does not (badges, evaluations).
    "rong-37-cot": Layout(
        "rong-37-cot",
        (
            NO,
            NAME,
            Col(("Giới tính", "Nam"), _tick("gender", "Nam")),
            Col(("Giới tính", "Nữ"), _tick("gender", "Nữ")),
            BORN,
            Col(("Dân tộc", "Kinh"), lambda m: "x"),
            Col(("Dân tộc", "Khác"), lambda m: None),
            Col(("Tôn giáo", "Không"), lambda m: "x"),
            Col(("Tôn giáo", "Có"), lambda m: None),
            Col(("Quê quán",), _text("home_town")),
            CELL,
            ADMITTED,
            OFFICIAL,
            Col(("Giáo dục phổ thông", "THCS"), lambda m: "x" if m["education"] < "12" else None),
            Col(("Giáo dục phổ thông", "THPT"), lambda m: "x" if m["education"] >= "12" else None),
            Col(("Chuyên môn", "Trung cấp"), lambda m: None),
            Col(("Chuyên môn", "Cao đẳng"), lambda m: None),
            Col(("Chuyên môn", "Đại học"), lambda m: None),
            Col(("Chuyên môn", "Trên đại học"), lambda m: None),
            Col(("Lý luận chính trị", "Sơ cấp"), _tick("theory", "Sơ cấp")),
            Col(("Lý luận chính trị", "Trung cấp"), _tick("theory", "Trung cấp")),
            Col(("Lý luận chính trị", "Cao cấp"), _tick("theory", "Cao cấp")),
            Col(("Huy hiệu Đảng", "30 năm"), lambda m: "x" if m["admitted"].year < 1996 else None),
            Col(("Huy hiệu Đảng", "40 năm"), lambda m: "x" if m["admitted"].year < 1986 else None),
            Col(("Huy hiệu Đảng", "45 năm"), lambda m: None),
            Col(("Chức vụ Đảng",), lambda m: "Bí thư chi bộ" if m["_no"] == 1 else None),
            Col(("Chức vụ chính quyền, đoàn thể",), lambda m: None),
            Col(("Xếp loại năm trước", "HTXSNV"), lambda m: "x" if m["_no"] % 3 == 0 else None),
            Col(("Xếp loại năm trước", "HTTNV"), lambda m: "x" if m["_no"] % 3 else None),
            Col(("Nghề nghiệp",), lambda m: "Hưu trí" if m["born"].year < 1965 else "Nông dân"),
            Col(("Miễn sinh hoạt",), lambda m: "x" if m["born"].year < 1955 else None),
            Col(("Đi làm ăn xa",), lambda m: None),
            Col(("Số điện thoại",), _text("phone")),
            Col(("Số CCCD",), _text("id_number")),
            Col(("Số thẻ đảng viên",), _card_only),
            Col(("Đảng viên mới kết nạp",), lambda m: "x" if m["official"] is None else None),
            NOTE,
        ),
    ),
    # A template made by the office: a row of hints under the header row.
    "mau-co-huong-dan": Layout(
        "mau-co-huong-dan",
        (
            NO,
            Col(("Họ và tên", "(ghi đầy đủ, có dấu)"), NAME.value),
            Col(("Giới tính", "(Nam/Nữ)"), _text("gender")),
            Col(("Ngày sinh", "(ngày/tháng/năm)"), BORN.value, date=True),
            Col(("Chi bộ", "(tên chi bộ)"), _text("cell")),
            Col(("Ngày vào Đảng", "(ngày/tháng/năm)"), ADMITTED.value, date=True),
            Col(("Ngày chính thức", "(ngày/tháng/năm)"), OFFICIAL.value, date=True),
            Col(("Số CCCD", "(12 chữ số)"), _text("id_number")),
        ),
        numbers="",
    ),
    # The birth date in three columns under "Ngày, tháng, năm sinh", as the paper forms.
    "ngay-sinh-ba-cot": Layout(
        "ngay-sinh-ba-cot",
        (
            NO,
            NAME,
            GENDER,
            Col(("Ngày, tháng, năm sinh", "Ngày"), lambda m: m["born"].day),
            Col(("Ngày, tháng, năm sinh", "Tháng"), lambda m: m["born"].month),
            Col(("Ngày, tháng, năm sinh", "Năm"), lambda m: m["born"].year),
            CELL,
            ADMITTED,
            OFFICIAL,
        ),
        numbers="plain",
    ),
    # No recognition date, but each member ticked under "Đảng viên" as "Chính thức" or
    # "Dự bị".
    "tick-chinh-thuc": Layout(
        "tick-chinh-thuc",
        (
            NO,
            NAME,
            GENDER,
            BORN,
            CELL,
            ADMITTED,
            Col(("Đảng viên", "Chính thức"), lambda m: "x" if m["official"] else None),
            Col(("Đảng viên", "Dự bị"), lambda m: None if m["official"] else "x"),
            NOTE,
        ),
    ),
    # Each cell's list pasted under the previous one on a single sheet.
    "khoi-noi-tiep": Layout(
        "khoi-noi-tiep",
        (NO, NAME, GENDER, BORN, CELL, ADMITTED, OFFICIAL, Col(("Quê quán",), _text("home_town"))),
        stacked=True,
    ),
    # One sheet per cell, named in the sheet's name and title; a summary sheet first.
    "moi-chi-bo-mot-trang": Layout(
        "moi-chi-bo-mot-trang",
        (
            NO,
            NAME,
            GENDER,
            BORN,
            ADMITTED,
            OFFICIAL,
            Col(("Trình độ", "Văn hóa"), _text("education")),
            Col(("Trình độ", "LLCT"), _text("theory")),
            NOTE,
        ),
        per_cell=True,
        summary=True,
        catalog=True,
    ),
}


# -- the grid: what a sheet shows, format-free ---------------------------------------------
@dataclass
class Grid:
    """A sheet: its cells row by row (0-based), merged ranges (r1, c1, r2, c2 inclusive)
    and, for the tests, the 1-based row numbers of each part."""

    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    header_row: int = 0  # first header row (1-based)
    data_rows: list[int] = field(default_factory=list)  # the members' rows
    members: list[dict] = field(default_factory=list)
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)  # a cell's own font
    hidden: bool = False

    def add(self, cells: list, width: int, *, merge: bool = False) -> int:
        self.rows.append(list(cells) + [None] * (width - len(cells)))
        if merge:
            self.merges.append((len(self.rows) - 1, 0, len(self.rows) - 1, width - 1))
        return len(self.rows)


def _title(grid: Grid, width: int, subtitle: str) -> None:
    half = width // 2
    top = [
        ("ĐẢNG BỘ HUYỆN TAM DƯƠNG", "ĐẢNG CỘNG SẢN VIỆT NAM"),
        ("ĐẢNG ỦY XÃ KIM LONG", ""),
        ("*", f"Kim Long, ngày 15 tháng {TODAY.month} năm {TODAY.year}"),
    ]
    for left, right in top:
        cells = [left] + [None] * (half - 1) + [right or None]
        row = grid.add(cells, width) - 1
        grid.merges.append((row, 0, row, half - 1))
        grid.merges.append((row, half, row, width - 1))
    grid.add([], width)
    grid.add(["DANH SÁCH ĐẢNG VIÊN"], width, merge=True)
    grid.add([subtitle], width, merge=True)
    grid.add([], width)


def _header(grid: Grid, columns: tuple[Col, ...], depth: int) -> None:
    """The header rows: a shorter path spans the rows below it, a parent spans its
    children, and neighbours with the same whole path share one merged cell (a name
    written over two columns)."""
    width = len(columns)
    first = len(grid.rows)
    grid.header_row = first + 1

    def same(i: int, j: int, level: int) -> bool:
        return 0 <= j < width and columns[i].path[: level + 1] == columns[j].path[: level + 1]

    for level in range(depth):
        cells = []
        for i, col in enumerate(columns):
            shown = level < len(col.path) and not (
                same(i, i - 1, level)
                and (level < len(col.path) - 1 or col.path == columns[i - 1].path)
            )
            cells.append(col.path[level] if shown else None)
        grid.add(cells, width)
    for i, col in enumerate(columns):
        for level in range(len(col.path)):
            if same(i, i - 1, level):
                continue
            last = i
            while same(i, last + 1, level):
                last += 1
            bottom = level if level < len(col.path) - 1 else depth - 1
            if last > i or bottom > level:
                grid.merges.append((first + level, i, first + bottom, last))


def _footer(grid: Grid, width: int, count: int, signer: str, closing: str = "") -> None:
    half = width // 2
    grid.add([], width)
    grid.add([None, closing.format(count=count) or f"Tổng cộng: {count} đảng viên"], width)
    grid.add([], width)
    grid.add([None, "Người lập biểu"] + [None] * (half - 2) + [signer], width)
    grid.add([None, "(Ký, ghi rõ họ tên)"] + [None] * (half - 2) + ["BÍ THƯ"], width)
    grid.add([], width)
    grid.add([None, "Phan Văn Lập"] + [None] * (half - 2) + ["Trần Quốc Bình"], width)
    grid.add(["Ghi chú: danh sách xếp theo chi bộ; ngày tháng ghi theo hồ sơ."], width)


def _roll(name: str, layout: Layout, members: list[dict], subtitle: str, text_only: bool):
    columns, width = layout.columns, len(layout.columns)
    grid = Grid(name, members=members)
    if layout.title:
        _title(grid, width, subtitle)
    _header(grid, columns, layout.header_rows)
    if layout.numbers == "letters":
        grid.add(["A", "B"] + list(range(1, width - 1)), width)
    elif layout.numbers:
        numbers = [f"({i})" if layout.numbers == "paren" else i for i in range(1, width + 1)]
        grid.add(numbers, width)
    group = None
    for number, member in enumerate(members, start=1):
        if layout.groups and layout.group(member) != group:
            if group is not None:
                grid.add([], width)  # a blank row between groups: not the end of the list
            group = layout.group(member)
            roman = ["I", "II", "III", "IV", "V"][
                len({layout.group(m) for m in members[:number]}) - 1
            ]
            grid.add([f"{roman}. {group}"], width, merge=True)
        m = {**member, "_no": number}
        cells = []
        for col in columns:
            value = col.value(m)
            if col.date and isinstance(value, date):
                value = _typed_date(value, number + columns.index(col), text_only=text_only)
            cells.append(value)
        grid.data_rows.append(grid.add(cells, width))
    if layout.footer:
        signer = "T/M CHI ỦY" if layout.per_cell else "T/M ĐẢNG ỦY"
        _footer(grid, width, len(members), signer, layout.closing)
    if layout.merge_down:
        _merge_down(grid, [c.path[0] for c in columns].index(layout.merge_down))
    grid.rows += [[None] * width for _ in range(layout.padding)]
    if layout.offset:
        grid.rows = [[None, *row] for row in grid.rows]
        grid.merges = [(r1, c1 + 1, r2, c2 + 1) for r1, c1, r2, c2 in grid.merges]
    return grid


def _merge_down(grid: Grid, column: int) -> None:
    """Runs of the same value in ``column`` of the data rows become one merged cell."""
    runs: list[list[int]] = []
    for row in grid.data_rows:
        value = grid.rows[row - 1][column]
        if runs and grid.rows[runs[-1][0] - 1][column] == value and runs[-1][-1] == row - 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    for run in runs:
        for row in run[1:]:
            grid.rows[row - 1][column] = None
        if len(run) > 1:
            grid.merges.append((run[0] - 1, column, run[-1] - 1, column))


def _summary(members: list[dict]) -> Grid:
    grid = Grid("Tổng hợp")
    grid.add(["BIỂU TỔNG HỢP SỐ LƯỢNG ĐẢNG VIÊN"], 5, merge=True)
    grid.add([], 5)
    grid.add(["STT", "Chi bộ", "Số đảng viên", "Nam", "Nữ"], 5)
    cells = list(dict.fromkeys(m["cell"] for m in members))
    for number, cell in enumerate(cells, start=1):
        mine = [m for m in members if m["cell"] == cell]
        women = sum(m["gender"] == "Nữ" for m in mine)
        grid.add([number, cell, len(mine), len(mine) - women, women], 5)
    grid.add([None, "Cộng", len(members)], 5)
    return grid


def member_form(member: dict) -> Grid:
    """A "Phiếu đảng viên" (form 2-HSĐV) kept as a sheet: one person, a label and its value
    on each line — a form, not a roll."""
    grid = Grid("Phiếu đảng viên")
    day = "%d/%m/%Y"
    lines = [
        ["ĐẢNG BỘ XÃ KIM LONG", None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
        [member["cell"].upper()],
        [],
        ["PHIẾU ĐẢNG VIÊN"],
        ["1) Họ và tên đang dùng:", member["name"], "Nam, nữ:", member["gender"]],
        ["2) Họ và tên khai sinh:", member["name"]],
        ["3) Sinh ngày:", member["born"].strftime(day)],
        ["4) Quê quán:", member.get("home_town", "")],
        ["5) Ngày vào Đảng:", member["admitted"].strftime(day), "Tại chi bộ:", member["cell"]],
        ["6) Ngày chính thức:", member["official"].strftime(day) if member["official"] else ""],
        ["7) Số thẻ đảng viên:", member.get("card", "")],
        ["8) Trình độ văn hóa:", member.get("education", "")],
        [],
        [None, None, "Ngày 15 tháng 3 năm 2024"],
        [None, None, "NGƯỜI KHAI"],
        [None, None, "(Ký, ghi rõ họ tên)"],
    ]
    for line in lines:
        grid.add(line, 4)
    return grid


def _catalog() -> Grid:
    """The lookup lists a template keeps on a hidden sheet (for drop-downs)."""
    grid = Grid("Danh mục", hidden=True)
    grid.add(["Mã", "Tên chi bộ", "Dân tộc", "Tôn giáo", "Lý luận chính trị"], 5)
    theory = ["Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"]
    for number, code in enumerate(CELLS):
        grid.add([code, CELLS[code], ["Kinh", "Tày", "Nùng"][number], "Không", theory[number]], 5)
    return grid


def _stacked(layout: Layout, members: list[dict], text_only: bool) -> Grid:
    """The cells' lists pasted one under the other on one sheet: the title block once, then
    per cell its heading line, header, number row, members and "Cộng" line."""
    width = len(layout.columns)
    grid = Grid("Danh sách", members=members)
    _title(grid, width, "TOÀN ĐẢNG BỘ")
    block_layout = replace(layout, title=False, footer=False, stacked=False)
    for cell in dict.fromkeys(m["cell"] for m in members):
        mine = [m for m in members if m["cell"] == cell]
        grid.add([f"DANH SÁCH ĐẢNG VIÊN {cell.upper()}"], width, merge=True)
        block = _roll(grid.name, block_layout, mine, "", text_only)
        block.add([None, f"Cộng: {len(mine)} đảng viên"], width)
        block.add([], width)
        block.add([], width)
        shift = len(grid.rows)
        grid.rows += block.rows
        grid.merges += [(r1 + shift, c1, r2 + shift, c2) for r1, c1, r2, c2 in block.merges]
        grid.data_rows += [row + shift for row in block.data_rows]
        grid.header_row = grid.header_row or block.header_row + shift
    _footer(grid, width, len(members), "T/M ĐẢNG ỦY")
    return grid


def sheets(layout: Layout, members: list[dict], *, text_only: bool = False) -> list[Grid]:
    """The workbook's sheets for ``layout`` (a CSV takes the first)."""
    if layout.groups == "cell" or layout.merge_down:
        members = sorted(members, key=lambda m: m["code"])
    elif layout.groups == "status":
        members = sorted(members, key=lambda m: m["official"] is None)
    if layout.stacked:
        return [_stacked(layout, members, text_only)]
    if not layout.per_cell:
        return [_roll("Danh sách", layout, members, "(Có đến ngày 30/11)", text_only)]
    grids = [_summary(members)] if layout.summary else []
    for cell in dict.fromkeys(m["cell"] for m in members):
        mine = [m for m in members if m["cell"] == cell]
        short = cell.removeprefix("Chi bộ ").removeprefix("thôn ").strip()
        grids.append(_roll(f"Thôn {short}", layout, mine, cell.upper(), text_only))
    return grids + ([_catalog()] if layout.catalog else [])


# -- legacy text ---------------------------------------------------------------------------
FONTS = {"unicode": "Times New Roman", "tcvn3": ".VnTime", "vni": "VNI-Times"}
CAPS_FONT = ".VnTimeH"  # TCVN3 capitals: draws the lower-case codes as capitals


def encode_text(text: str, encoding: str) -> str:
    """``text`` as a legacy font's cell holds it (Latin-1 look-alikes), or as is."""
    if encoding in ("unicode", "cp1258"):
        return text
    return legacy.from_unicode(text, encoding)


def _legacy(grids: list[Grid], encoding: str, *, rows: str = "all") -> list[Grid]:
    """Each text cell as the legacy font holds it. TCVN3 has no codes for capitals with a
    tone, so words in capitals (titles, headings) are typed in lower case in the .VnTimeH
    font, which draws them in capitals — as typists did; an abbreviation ("SĐT") keeps the
    capital codes of .VnTime. ``rows``: "all"; "data", the members' rows only (old data
    pasted into a new Unicode template); "alternate", every other member's row (a roll kept
    for years: old rows in the legacy font, new ones typed in Unicode) — each such cell then
    in the legacy font."""
    if encoding == "unicode":
        return grids
    for grid in grids:
        data = [n - 1 for n in grid.data_rows]
        chosen = set(data if rows == "data" else data[::2])
        for r, row in enumerate(grid.rows):
            if rows != "all" and r not in chosen:
                continue
            for c, value in enumerate(row):
                if not isinstance(value, str):
                    continue
                if encoding == "tcvn3" and value.isupper() and " " in value and not value.isascii():
                    grid.fonts[(r, c)] = CAPS_FONT
                    value = value.lower()
                elif rows != "all":
                    grid.fonts[(r, c)] = FONTS[encoding]
                row[c] = encode_text(value, encoding)
    return grids


# -- writers -------------------------------------------------------------------------------
def write(
    path,
    layout: Layout,
    members: list[dict] | None = None,
    *,
    encoding: str = "unicode",
    rows: str = "all",
):
    """Write the roll to ``path`` (.xlsx, .xls, .ods or .csv); returns the sheets written.

    ``encoding``: "unicode", "tcvn3" (.VnTime), "vni" (VNI-Times); a CSV also "cp1258"
    (Windows-1258), "utf-8" (no BOM), "semicolon" or "utf-16" (a .txt) — a legacy CSV holds
    the font's bytes (cp1252). ``rows``: which rows of a workbook are in the legacy font
    ("all", "data", "alternate": see ``_legacy``)."""
    members = MEMBERS if members is None else members
    if encoding != "unicode":  # a legacy keyboard typed the real Đ
        members = [{k: v for k, v in m.items() if k != "typed"} for m in members]
    suffix = str(path).rsplit(".", 1)[-1].lower()
    text_only = suffix in ("csv", "txt")
    grids = sheets(layout, members, text_only=text_only)
    return write_grids(path, grids, encoding, rows=rows)


def write_grids(
    path, grids: list[Grid], encoding: str = "unicode", *, rows: str = "all"
) -> list[Grid]:
    """Write the sheets ``grids`` in the format of ``path``'s suffix (a CSV: the first)."""
    suffix = str(path).rsplit(".", 1)[-1].lower()
    if suffix in ("csv", "txt"):
        write_csv(path, grids[0], encoding)
        return grids[:1]
    grids = _legacy(grids, encoding, rows=rows)
    font = FONTS["unicode" if rows != "all" else encoding]
    {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}[suffix](path, grids, font)
    return grids


def write_xlsx(path, grids: list[Grid], font: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for grid in grids:
        sheet = book.create_sheet(grid.name)
        sheet.sheet_state = "hidden" if grid.hidden else "visible"
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                cell.font = Font(name=grid.fonts.get((r - 1, c - 1), font), size=13)
                if isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
        for r1, c1, r2, c2 in grid.merges:
            sheet.merge_cells(
                start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1
            )
    book.save(path)


def write_xls(path, grids: list[Grid], font: str) -> None:
    """The old binary workbook (BIFF8) as Excel 2003 and many office programs still save it;
    a legacy font's text is written as its Latin-1 look-alikes."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles = {
        (name, dated): xlwt.easyxf(
            f"font: name {name}", num_format_str="dd/mm/yyyy" if dated else "General"
        )
        for name in {font, CAPS_FONT, *FONTS.values()}
        for dated in (False, True)
    }
    for grid in grids:
        sheet = book.add_sheet(grid.name)
        sheet.visibility = int(grid.hidden)
        covered = set()
        for r1, c1, r2, c2 in grid.merges:
            style = styles[(grid.fonts.get((r1, c1), font), False)]
            sheet.write_merge(r1, r2, c1, c2, grid.rows[r1][c1], style)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                style = styles[(grid.fonts.get((r, c), font), isinstance(value, date))]
                if isinstance(value, date):
                    value = datetime(value.year, value.month, value.day)
                sheet.write(r, c, value, style)
    book.save(str(path))


def write_ods(path, grids: list[Grid], font: str) -> None:
    """OpenDocument (LibreOffice Calc): merged cells span and cover their neighbours."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import FontFace, Style, TextProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    styles = {}
    for number, name in enumerate(dict.fromkeys((font, CAPS_FONT, *FONTS.values()))):
        doc.fontfacedecls.addElement(FontFace(name=name, fontfamily=name))
        styles[name] = Style(name=f"roll{number}", family="table-cell")
        styles[name].addElement(TextProperties(fontname=name))
        doc.automaticstyles.addElement(styles[name])
    for grid in grids:
        table = Table(name=grid.name)
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in grid.merges}
        covered = {
            (r, c)
            for r1, c1, r2, c2 in grid.merges
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
        } - set(spans)
        for r, row in enumerate(grid.rows):
            tr = TableRow()
            for c, value in enumerate(row):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                kw = {"stylename": styles[grid.fonts.get((r, c), font)]}
                if (r, c) in spans:
                    kw["numberrowsspanned"], kw["numbercolumnsspanned"] = spans[(r, c)]
                if isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat(), **kw)
                    shown = value.strftime("%d/%m/%Y")
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value, **kw)
                    shown = str(value)
                elif value is None:
                    cell, shown = TableCell(**kw), None
                else:
                    cell, shown = TableCell(valuetype="string", **kw), value
                if shown is not None:
                    cell.addElement(P(text=shown))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def csv_bytes(grid: Grid, encoding: str) -> bytes:
    """The sheet saved as CSV: merged cells keep their text in the first cell only; legacy
    fonts' text as the 8-bit bytes the font drew (cp1252), or Windows-1258, or UTF-8.
    "utf-16" is Excel's "Unicode Text" (.txt: UTF-16 with its BOM, tab-separated);
    "semicolon" a UTF-8 CSV from a computer whose list separator is ";"."""
    delimiter = {"utf-16": "\t", "semicolon": ";"}.get(encoding, ",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grid.rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    if encoding in ("tcvn3", "vni"):
        return legacy.from_unicode(text, encoding).encode("cp1252")
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "utf-16":
        return text.encode("utf-16")  # with the BOM, little-endian here
    return text.encode("utf-8-sig" if encoding == "unicode" else "utf-8")


def write_csv(path, grid: Grid, encoding: str) -> None:
    with open(path, "wb") as fh:
        fh.write(csv_bytes(grid, encoding))


def declare_one_cell(path) -> None:
    """Rewrite an .xlsx as some export programs write it: every sheet declares its size as
    the single cell A1 (``<dimension ref="A1"/>``) whatever it holds."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            if name.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
            book.writestr(name, data)
