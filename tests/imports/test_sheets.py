"""Every table in every sheet: a workbook with one sheet per cell, sheets that are not rolls,
the user's overrides (header row, last row, sheets), CSV laid out like a workbook, group
headings, and row numbers as the spreadsheet shows them."""

from datetime import date

import pytest
from openpyxl import Workbook

from dangbo.imports import readers, services
from dangbo.imports.models import ImportJob, ImportRow, JobState
from dangbo.imports.table import group_heading, is_footer
from dangbo.members.models import Member

from .files import CELL_HEADER

pytestmark = pytest.mark.django_db

HEADER = CELL_HEADER
TITLE = [
    ["ĐẢNG BỘ XÃ KIM LONG", None, None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    ["CHI ỦY THÔN", None, None, None, "Kim Long, ngày 15 tháng 12 năm 2016"],
    [],
    ["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐỒNG BÔNG"],
]


def person(n: int, cell: str = "kl-thon-1", card: str = "") -> list:
    return [
        n,
        f"Nguyễn Văn Mười {n}",
        "Nam",
        f"0{n % 9 + 1}/03/1970",
        cell,
        "01/02/2000",
        "01/02/2001",
    ]


def roll(sheet, members: list[list], *, title=True, footer=True) -> None:
    """A roll as offices lay it out: title block (merged title), header, "(1) (2) …", the
    members, the totals and signatures."""
    width = len(HEADER)
    if title:
        for row in TITLE:
            sheet.append(row)
        sheet.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    sheet.append(HEADER)
    sheet.append([f"({i})" for i in range(1, width + 1)])
    for member in members:
        sheet.append(member)
    if footer:
        sheet.append([])
        sheet.append([None, f"Tổng cộng: {len(members)} đảng viên", None, 1, 2])
        sheet.append([None, "Người lập biểu", None, None, "T/M CHI ỦY"])
        sheet.append([None, "(Ký, ghi rõ họ tên)", None, None, "BÍ THƯ"])


def workbook(path, sheets: dict[str, tuple]) -> object:
    book = Workbook()
    book.remove(book.active)
    for name, (members, kwargs) in sheets.items():
        sheet = book.create_sheet(name)
        if members is None:
            continue
        if isinstance(members, str):
            sheet.append([members])
            continue
        roll(sheet, members, **kwargs)
    book.save(path)
    return path


def preview(path, actor, options=None) -> ImportJob:
    job = services.create_job(actor=actor, kind="members", source=path, original_name=path.name)
    if options:
        job.options = options
        job.save(update_fields=["options"])
    return services.run(job, actor=actor)


def summary(job: ImportJob) -> dict:
    return {s["name"]: s for s in job.sheets}


# -- several sheets ------------------------------------------------------------------------


def test_a_workbook_with_one_sheet_per_cell_reads_every_sheet(tmp_path, world):
    path = workbook(
        tmp_path / "chi-bo.xlsx",
        {
            "Tổng hợp": (None, {}),
            "Thôn Đồng Bông": ([person(1), person(2)], {}),
            "Hướng dẫn": ("Điền mỗi đảng viên một dòng.", {}),
            "Thôn Gia Du": ([person(3, "kl-thon-2")], {"title": False, "footer": False}),
        },
    )
    from openpyxl import load_workbook

    book = load_workbook(path)
    summary_sheet = book["Tổng hợp"]
    for row in (
        ["BIỂU TỔNG HỢP"],
        ["STT", "Chi bộ", "Số đảng viên", "Nam", "Nữ"],
        [1, "X", 2, 2, 0],
    ):
        summary_sheet.append(row)
    book.create_sheet("Trống")
    book.save(path)
    actor = world.users["admin"]
    job = preview(path, actor)
    assert job.state == JobState.PREVIEWED, job.problem
    rows = list(ImportRow.objects.filter(job=job).order_by("sheet", "row_no"))
    assert [(r.sheet, r.row_no, r.state) for r in rows] == [
        ("Thôn Gia Du", 3, "new"),
        ("Thôn Đồng Bông", 7, "new"),
        ("Thôn Đồng Bông", 8, "new"),
    ], [r.messages for r in rows]
    sheets = summary(job)
    assert [s["name"] for s in job.sheets] == [
        "Tổng hợp",
        "Thôn Đồng Bông",
        "Hướng dẫn",
        "Thôn Gia Du",
        "Trống",
    ]
    assert sheets["Tổng hợp"]["status"] == "not_roll"
    assert "không có cột họ tên" in sheets["Tổng hợp"]["reason"]
    assert sheets["Hướng dẫn"]["status"] == "not_roll"
    assert sheets["Trống"]["status"] == "empty"
    read = sheets["Thôn Đồng Bông"]
    assert read["status"] == "read" and read["count"] == 2
    assert (read["header_row"], read["header_rows"], read["data_first"]) == (5, 1, 7)
    assert read["data_last"] == 8 and read["footer"] == [10, 12]
    assert read["rows"] == 12 and "Họ và tên" in read["columns"]
    notes = job.notes
    assert "Trang “Tổng hợp” (3 dòng): không phải danh sách, bỏ qua — " in notes[0]
    assert "Trang “Thôn Đồng Bông” (12 dòng): đã đọc, 2 dòng dữ liệu." in notes
    assert "Trang “Thôn Đồng Bông”: dòng 1–4: tiêu đề, bỏ qua" in notes
    assert "Trang “Thôn Đồng Bông”: dòng 6: số thứ tự cột, bỏ qua" in notes
    assert "Trang “Thôn Đồng Bông”: dòng 10–12: chân trang, bỏ qua" in notes
    assert "Trang “Trống”: trống, bỏ qua." in notes
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, job.problem
    assert Member.objects.get(full_name="Nguyễn Văn Mười 3").org.code == "kl-thon-2"
    assert Member.objects.filter(full_name__startswith="Nguyễn Văn Mười").count() == 3


def test_a_card_on_two_sheets_names_the_other_sheet(tmp_path, world):
    one = [*person(1), "01234567"]
    two = [*person(2, "kl-thon-2"), "01234567"]
    book = Workbook()
    first = book.active
    first.title = "Chi bộ 1"
    second = book.create_sheet("Chi bộ 2")
    for sheet, member in ((first, one), (second, two)):
        sheet.append([*HEADER, "Số thẻ đảng viên"])
        sheet.append(member)
    path = tmp_path / "trung.xlsx"
    book.save(path)
    job = preview(path, world.users["admin"])
    rows = {(r.sheet, r.row_no): r for r in ImportRow.objects.filter(job=job)}
    assert rows[("Chi bộ 1", 2)].state == "error"
    assert "trùng với dòng 2 (trang “Chi bộ 2”)" in rows[("Chi bộ 1", 2)].messages[0]
    assert "trùng với dòng 2 (trang “Chi bộ 1”)" in rows[("Chi bộ 2", 2)].messages[0]
    assert rows[("Chi bộ 2", 2)].error_count >= 1


def test_a_file_without_any_roll_says_why_for_each_sheet(tmp_path, world):
    path = workbook(
        tmp_path / "khong.xlsx",
        {"Hướng dẫn": ("Điền mỗi đảng viên một dòng.", {}), "Ghi chú": ("Xem trang sau", {})},
    )
    job = preview(path, world.users["admin"])
    assert job.state == JobState.FAILED
    assert job.problem.startswith("Không trang nào của tệp là danh sách: trang “Hướng dẫn”")


# -- overrides -----------------------------------------------------------------------------


def test_overrides_header_row_last_row_and_sheets(tmp_path, world):
    members = [person(n) for n in range(1, 6)]
    path = workbook(
        tmp_path / "chon.xlsx",
        {"A": (members, {"footer": False}), "B": ([person(9, "kl-thon-2")], {})},
    )
    actor = world.users["admin"]
    job = preview(path, actor, {"sheets": ["A"], "header_row": {"A": 5}, "last_row": {"A": 8}})
    assert job.state == JobState.PREVIEWED, job.problem
    assert list(ImportRow.objects.filter(job=job).values_list("row_no", flat=True)) == [7, 8]
    assert summary(job)["B"]["status"] == "unselected"
    assert "Trang “B” (" in " ".join(job.notes) and "không chọn, bỏ qua." in " ".join(job.notes)
    assert "Trang “A”: dòng 9–11: sau dòng cuối bạn chọn, bỏ qua" in job.notes
    assert "Trang “A”: dòng 1–4: tiêu đề, bỏ qua" in job.notes
    # The rows are stored without the sheet's name: only one sheet is read.
    assert set(ImportRow.objects.filter(job=job).values_list("sheet", flat=True)) == {""}


def test_a_header_row_chosen_by_the_user_beats_detection(tmp_path, world):
    # A title row full of column words fools detection; the user points at the real header.
    rows = [
        ["Họ và tên", "Giới tính", "Ngày sinh", "Chi bộ", "Ngày vào Đảng"],
        ["(mẫu cũ, không dùng)"],
        HEADER,
        person(1),
    ]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "sai.xlsx"
    book.save(path)
    job = preview(path, world.users["admin"], {"header_row": {"Sheet": 3}})
    assert job.state == JobState.PREVIEWED, job.problem
    row = ImportRow.objects.get(job=job)
    assert (row.row_no, row.state) == (4, "new"), row.messages
    assert "dòng 1–2: tiêu đề, bỏ qua" in job.notes


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"header_row": {"A": 40}}, "Trang “A”: Dòng tiêu đề bạn chọn (dòng 40) nằm ngoài trang"),
        ({"last_row": {"A": 40}}, "Trang “A”: Dòng cuối bạn chọn (dòng 40) nằm ngoài trang"),
        ({"sheets": ["Không có"]}, "Không có trang “Không có” trong tệp."),
        ({"header_row": {"A": "x"}}, "Trang “A”: Dòng tiêu đề: “x” không phải là số dòng"),
    ],
)
def test_an_override_outside_the_file_is_a_file_problem(tmp_path, world, options, fragment):
    path = workbook(tmp_path / "ngoai.xlsx", {"A": ([person(1)], {}), "B": ([person(2)], {})})
    job = preview(path, world.users["admin"], options)
    assert job.state == JobState.FAILED
    assert fragment in job.problem, job.problem


# -- CSV -----------------------------------------------------------------------------------


def test_csv_with_title_block_merged_header_number_row_and_footer(tmp_path, world):
    lines = [
        "ĐẢNG BỘ XÃ KIM LONG,,,,ĐẢNG CỘNG SẢN VIỆT NAM,,",
        "DANH SÁCH ĐẢNG VIÊN,,,,,,",
        ",,,,,,",
        "STT,Họ và tên,Ngày sinh,,Chi bộ,Ngày vào Đảng,Ngày chính thức",
        ",,Nam,Nữ,,,",
        "1,2,3,4,5,6,7",
        "1,Lò Văn Páo,08/08/1968,,kl-thon-1,01/02/2000,01/02/2001",
        ",,,,,,",
        "2,Vũ Thị Lan,,07/07/1977,kl-thon-2,01/02/2000,01/02/2001",
        "Cộng,2,,,,,",
        ",Người lập biểu,,,,,",
    ]
    path = tmp_path / "ds.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    sheet = readers.open_sheet(path)
    assert sheet.header[:5] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Chi bộ"]
    assert sheet.title == ("ĐẢNG BỘ XÃ KIM LONG; ĐẢNG CỘNG SẢN VIỆT NAM", "DANH SÁCH ĐẢNG VIÊN")
    data = list(sheet.rows)
    assert [(n, r[2], r[3]) for n, r in data] == [
        (7, "08/08/1968", "Nam"),
        (9, "07/07/1977", "Nữ"),
    ]
    assert sheet.notes == [
        "dòng 1–3: tiêu đề, bỏ qua",
        "dòng 4–5: tiêu đề cột",
        "dòng 6: số thứ tự cột, bỏ qua",
        "dòng 10–11: chân trang, bỏ qua",
    ]
    actor = world.users["admin"]
    job = preview(path, actor, {"header_row": {"": 4}})
    assert job.counts["new"] == 2, list(ImportRow.objects.filter(job=job).values("messages"))
    assert job.sheets[0]["name"] == "" and job.sheets[0]["status"] == "read"


def test_csv_in_windows_1258_with_a_title_block(tmp_path, world):
    from .files import to_cp1258

    text = "DANH SÁCH ĐẢNG VIÊN\r\n\r\n" + ",".join(HEADER) + "\r\n"
    text += ",".join(str(c) for c in person(1)) + "\r\n"
    path = tmp_path / "cu.csv"
    path.write_bytes(to_cp1258(text))
    job = preview(path, world.users["admin"])
    assert job.counts["new"] == 1, job.problem
    assert "dòng 1–2: tiêu đề, bỏ qua" in job.notes
    assert job.encoding == "cp1258"


# -- group headings, footers, row numbers --------------------------------------------------


def test_group_headings_are_handed_to_the_importer(tmp_path, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH ĐẢNG VIÊN ĐẢNG BỘ XÃ KIM LONG"])
    sheet.append(HEADER)
    sheet.append(["I. Chi bộ thôn Đồng Bông"])
    sheet.merge_cells("A3:G3")
    sheet.append(person(1))
    sheet.append(person(2))
    sheet.append([None, "Cộng", None, 2])  # a subtotal: the list goes on
    sheet.append([])
    sheet.append(["II", "Chi bộ thôn Gia Du"])
    sheet.append(person(3, "kl-thon-2"))
    sheet.append([None, "Tổng cộng: 3 đảng viên"])
    path = tmp_path / "nhom.xlsx"
    book.save(path)
    found = readers.open_sheet(path)
    data = list(found.rows)
    assert [n for n, _ in data] == [4, 5, 9]
    assert [found.group_for(n) for n, _ in data] == [
        "Chi bộ thôn Đồng Bông",
        "Chi bộ thôn Đồng Bông",
        "Chi bộ thôn Gia Du",
    ]
    assert "dòng 3, 8: tên nhóm (chi bộ), không phải đảng viên" in found.notes
    assert "dòng 6: dòng cộng, bỏ qua" in found.notes
    assert "dòng 10: chân trang, bỏ qua" in found.notes

    seen: list[str] = []
    from dangbo.imports.members import MemberImporter

    parse = MemberImporter.parse

    def spy(self, row_no, cells):
        seen.append(getattr(self, "group", None))
        return parse(self, row_no, cells)

    MemberImporter.parse = spy
    try:
        job = preview(path, world.users["admin"])
    finally:
        MemberImporter.parse = parse
    assert seen == ["Chi bộ thôn Đồng Bông", "Chi bộ thôn Đồng Bông", "Chi bộ thôn Gia Du"]
    assert job.counts["new"] == 3, list(ImportRow.objects.filter(job=job).values("messages"))


@pytest.mark.parametrize(
    ("cells", "heading"),
    [
        (["I. Chi bộ thôn Đồng Bông"], "Chi bộ thôn Đồng Bông"),
        ([None, "Chi bộ thôn 2", None], "Chi bộ thôn 2"),
        (["II", "Chi bộ Trường THCS Kim Long"], "Chi bộ Trường THCS Kim Long"),
        (["A - ĐẢNG VIÊN CHÍNH THỨC"], "ĐẢNG VIÊN CHÍNH THỨC"),
        ([None, "Nguyễn Văn Bình"], None),  # a member with only a name: a row, not a heading
        ([None, "Tô Văn Thôn"], None),
        ([None, "Trương Thị Lan"], None),
        ([1, "Chi bộ thôn 2", "Nam"], None),
    ],
)
def test_group_heading_rows(cells, heading):
    assert group_heading(cells) == heading


@pytest.mark.parametrize(
    ("cells", "footer"),
    [
        ([None, "Tổng cộng: 45 đảng viên"], True),
        (["Cộng", 12, 3, 1], True),
        ([None, "T/M CHI ỦY", None, "BÍ THƯ"], True),
        ([None, None, None, "BÍ THƯ"], True),
        ([None, "Người lập biểu"], True),
        ([None, "(Ký, ghi rõ họ tên)"], True),
        (["Ghi chú: ..."], True),
        ([None, "Danh sách này có 45 đồng chí./."], True),
        ([None, "Công Văn Bình", "Nam"], False),
        ([3, "Tống Công Minh", "Nam"], False),
        ([4, "Cộng Thị Hoa", "Nữ"], True),  # "Cộng" leads: a totals row (no such surname)
    ],
)
def test_footer_rows(cells, footer):
    assert is_footer(cells) is footer


def test_small_numbers_under_dates_in_number_and_footer_rows_are_not_dates(tmp_path, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["", "", "", "", "DANH SÁCH"])  # the title starts in column E
    sheet.append(HEADER)
    sheet.append(list(range(1, 8)))
    sheet.append(person(1))
    sheet.append(["Cộng", None, None, 1, None, 1, 1])
    path = tmp_path / "so.xlsx"
    book.save(path)
    job = preview(path, world.users["admin"])
    assert job.counts["new"] == 1 and not job.counts["error"]
    assert not Member.objects.filter(date_of_birth__year=1900).exists()


def test_rows_numbered_as_the_spreadsheet_shows_them(tmp_path, world):
    book = Workbook()
    sheet = book.active
    sheet.cell(row=4, column=2, value="Họ và tên")  # the table starts at B4
    for c, name in enumerate(HEADER[2:], start=3):
        sheet.cell(row=4, column=c, value=name)
    for c, value in enumerate(person(1)[1:], start=2):
        sheet.cell(row=7, column=c, value=value)
    path = tmp_path / "b4.xlsx"
    book.save(path)
    job = preview(path, world.users["admin"])
    assert list(ImportRow.objects.filter(job=job).values_list("row_no", flat=True)) == [7]
    assert "dòng 4: tiêu đề cột" in job.notes


def test_title_lines_reach_the_importer(tmp_path, world):
    path = workbook(tmp_path / "tieu-de.xlsx", {"Thôn": ([person(1)], {})})
    book = readers.open_book(path)
    sheet = book.open("Thôn")
    assert sheet.title == (
        "ĐẢNG BỘ XÃ KIM LONG; ĐẢNG CỘNG SẢN VIỆT NAM",
        "CHI ỦY THÔN; Kim Long, ngày 15 tháng 12 năm 2016",
        "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐỒNG BÔNG",
    )
    book.close()


# -- questions -------------------------------------------------------------------------------


def test_a_commit_waits_for_the_answers(tmp_path, world):
    header = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Chi bộ", "Ngày vào Đảng"]
    book = Workbook()
    book.active.title = "A"
    for name in ("A", "B"):
        sheet = book[name] if name in book.sheetnames else book.create_sheet(name)
        sheet.append(header)
        sheet.append([1, f"Hà Văn Cũ {name}", "Nam", "01/01/1960", "kl-thon-1", "01/02/1990"])
    path = tmp_path / "hoi.xlsx"
    book.save(path)
    actor = world.users["admin"]
    job = services.create_job(actor=actor, kind="members", source=path, original_name=path.name)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.PREVIEWED
    assert job.problem.startswith("Cần trả lời trước khi ghi: ")
    assert not Member.objects.filter(full_name__startswith="Hà Văn Cũ").exists()
    (question,) = job.questions
    assert question["key"] == "unknown_recognition" and question["count"] == 2
    job.options = {"unknown_recognition": "official"}
    job.save(update_fields=["options"])
    job = services.run(job, actor=actor)
    assert job.can_commit, job.problem
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, job.problem
    assert Member.objects.get(full_name="Hà Văn Cũ B").admission_decision_date == date(1990, 2, 1)


def test_in_a_list_of_organisations_a_lone_name_is_a_row(tmp_path, world):
    book = Workbook()
    for row in (
        ["DANH SÁCH CHI BỘ TRỰC THUỘC ĐẢNG BỘ XÃ KIM LONG"],
        [],
        ["STT", "Tên chi bộ", "Ghi chú"],
        [None, "Chi bộ thôn Xuân Đán", None],
        ["2", "Chi bộ thôn Hạ"],
        ["II. Đảng bộ xã Kim Long"],
        [3, "Chi bộ Trường Tiểu học Kim Long"],
    ):
        book.active.append(row)
    path = tmp_path / "to-chuc.xlsx"
    book.save(path)
    job = services.create_job(
        actor=world.users["admin"], kind="orgs", source=path, original_name=path.name
    )
    job = services.run(job, actor=world.users["admin"])
    assert list(ImportRow.objects.filter(job=job).values_list("row_no", flat=True)) == [4, 5, 7]
    assert "dòng 6: tên nhóm, không phải một dòng của danh sách" in job.notes
