"""Rolls as offices keep them: a title block, a two-row merged header, the column-number
row and a footer — each member recognised, each skipped row said in the notes."""

from datetime import date

import pytest

from dangbo.imports import services
from dangbo.imports.models import ImportRow
from dangbo.imports.table import is_footer
from dangbo.members.models import Member

from .files import OFFICE_TITLE, write_office_xlsx

pytestmark = pytest.mark.django_db

MEMBERS = [
    ["Lê Văn Hùng", "Nam", "12/05/1960", "kl-thon-1", "01234001", "19/05/1989", "19/05/1990"],
    ["Đỗ Thị Quỳnh", "Nữ", "03/08/1975", "kl-thon-2", "01234002", "02/09/2001", "02/09/2002"],
    ["Hà Minh Công", "Nam", "21/01/1982", "kl-thon-1", "01234003", "03/02/2010", "03/02/2011"],
]


def _preview(path, actor):
    job = services.create_job(actor=actor, kind="members", source=path, original_name=path.name)
    return services.run(job, actor=actor)


def test_office_roll_previews_every_member_and_says_what_it_skipped(tmp_path, world):
    path = write_office_xlsx(tmp_path / "danh-sach.xlsx", MEMBERS)
    actor = world.users["admin"]
    job = _preview(path, actor)
    rows = list(ImportRow.objects.filter(job=job).order_by("row_no"))
    assert [r.state for r in rows] == ["new"] * 3, [r.messages for r in rows]
    header = len(OFFICE_TITLE) + 1
    assert [r.row_no for r in rows] == [header + 3, header + 4, header + 5]
    notes = " ; ".join(job.notes)
    assert f"dòng 1–{header - 1}: tiêu đề, bỏ qua" in notes
    assert f"dòng {header}–{header + 1}: tiêu đề cột" in notes
    assert f"dòng {header + 2}: số thứ tự cột, bỏ qua" in notes
    assert f"dòng {header + 6}–{header + 9}: chân trang, bỏ qua" in notes
    assert "Ghi chú" not in notes  # a known column, ignored without a word

    job = services.run(job, commit=True, actor=actor)
    hung = Member.objects.get(full_name="Lê Văn Hùng")
    quynh = Member.objects.get(full_name="Đỗ Thị Quỳnh")
    assert hung.gender == "M" and hung.date_of_birth == date(1960, 5, 12)
    assert quynh.gender == "F" and quynh.date_of_birth == date(1975, 8, 3)
    assert quynh.card_number == "01234002" and quynh.org.code == "kl-thon-2"
    assert hung.admission_decision_date == date(1989, 5, 19)
    assert Member.objects.filter(full_name="Hà Minh Công").exists()


@pytest.mark.parametrize(
    ("cells", "footer"),
    [
        ([None, "Tổng cộng: 30 đảng viên"], True),
        (["Cộng", 30], True),
        ([None, "Người lập biểu"], True),
        ([None, "(Ký, ghi rõ họ tên)"], True),
        (["Ghi chú: danh sách gồm 30 người"], True),
        ([None, "Kim Long, ngày 15 tháng 3 năm 2026"], True),
        ([1, "Công Văn Nam", "Nam"], False),
        ([2, "Nguyễn Thị Ngày", "Nữ"], False),
    ],
)
def test_footer_rows(cells, footer):
    assert is_footer(cells) is footer


def test_every_sheet_is_listed_with_its_row_count(tmp_path, world):
    from openpyxl import load_workbook

    path = write_office_xlsx(tmp_path / "nhieu-trang.xlsx", MEMBERS)
    book = load_workbook(path)
    book.active.title = "Thôn 1"
    roll = book.create_sheet("Thôn 2")
    roll.append(["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ"])
    roll.append([1, "Vũ Văn Tư", "Nam", "01/01/1970", "kl-thon-2"])
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Điền mỗi đảng viên một dòng."])
    book.create_sheet("Trống")
    book.save(path)
    job = _preview(path, world.users["admin"])
    notes = job.notes
    assert notes[0].startswith("Trang “Thôn 1” (") and notes[0].endswith(
        "dòng): đã đọc, 3 dòng dữ liệu."
    )
    assert "Trang “Thôn 2” (2 dòng): đã đọc, 1 dòng dữ liệu." in notes
    assert (
        "Trang “Hướng dẫn” (1 dòng): không phải danh sách, bỏ qua — không có cột họ tên, "
        "số thẻ hay số CCCD (dòng 1: “Điền mỗi đảng viên một dòng.”)."
    ) in notes
    assert "Trang “Trống”: trống, bỏ qua." in notes
    assert ImportRow.objects.filter(job=job, state="new", sheet="Thôn 1").count() == 3
    assert ImportRow.objects.filter(job=job, sheet="Thôn 2").count() == 1
    assert [s["status"] for s in job.sheets] == ["read", "read", "not_roll", "empty"]


def test_three_row_header_ticks_and_a_plain_number_row(tmp_path, world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    rows = [
        ["CHI BỘ THÔN ĐỒNG BÔNG"],
        ["DANH SÁCH ĐẢNG VIÊN NĂM 2026"],
        ["TT", "Họ và tên khai sinh", "Giới tính", None, "Năm sinh", "Mã chi bộ", "Trình độ"],
        [None, None, "Nam", "Nữ", None, None, "Trình độ LLCT", None, "Chuyên môn"],
        [None, None, None, None, None, None, "Sơ cấp", "Trung cấp", None],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, "Vũ Thị Lan", None, "x", "07/07/1977", "kl-thon-1", None, "x", "Cử nhân"],
        [2, "Lò Văn Páo", "x", None, "08/08/1988", "kl-thon-1", "x", None, None],
        [None, "Cộng: 2"],
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "ba-dong.xlsx"
    book.save(path)
    from dangbo.imports.readers import open_sheet

    found = open_sheet(path)
    assert found.header[:3] == ["TT", "Họ và tên khai sinh", "Giới tính"]
    assert found.header[6] == "Trình độ LLCT"
    assert found.header[8] == "Trình độ / Chuyên môn"
    data = list(found.rows)
    assert [n for n, _ in data] == [7, 8]
    assert data[0][1][2] == "Nữ" and data[1][1][2] == "Nam"
    assert data[0][1][6] == "Trung cấp" and data[1][1][6] == "Sơ cấp"
    assert "dòng 3–5: tiêu đề cột" in found.notes
    assert "dòng 6: số thứ tự cột, bỏ qua" in found.notes
    assert "dòng 9: chân trang, bỏ qua" in found.notes


@pytest.mark.parametrize(
    ("typed", "column"),
    [
        ("Họ tên đang dùng", "full_name"),
        ("HỌ VÀ TÊN KHAI SINH", "birth_name"),
        ("Số CMND/CCCD", "id_number"),
        ("CMND", "id_number"),
        ("SĐT", "phone"),
        ("Số ĐT", "phone"),
        ("Nam/Nữ", "gender"),
        ("Tên chi bộ", "org"),
        ("Chi bộ sinh hoạt", "org"),
        ("Ngày kết nạp Đảng", "admission_decision_date"),
        ("Số thẻ đảng viên/Số lý lịch", "card_number"),
        ("Trình độ LLCT", "political_theory"),
        ("Lý luận chính trị (CC, TC, SC)", "political_theory"),
        ("Trình độ văn hóa", "education"),
        ("Địa chỉ", "permanent_address"),
        ("Nơi ở hiện nay", "temporary_address"),
        ("Hộ khẩu  thường trú", "permanent_address"),
        ("Trình độ / Chuyên môn", "qualification"),
    ],
)
def test_official_vocabulary(typed, column):
    from dangbo.imports.schema import MEMBER_COLUMNS, match_header

    assert match_header(["STT", typed], MEMBER_COLUMNS).positions == {column: 1}


def test_unrecognised_columns_are_listed_in_full(tmp_path, world):
    from .files import write_xlsx

    long = "Chức vụ trong Đảng, chính quyền, đoàn thể hiện nay (ghi đầy đủ)"
    header = ["Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ", long, "Khen thưởng"]
    path = write_xlsx(
        tmp_path / "k.xlsx", [header, ["Vũ Văn Tư", "Nam", "01/01/1970", "kl-thon-2"]]
    )
    job = _preview(path, world.users["admin"])
    assert f"Các cột không dùng, bỏ qua: “{long}”, “Khen thưởng”" in job.notes


def test_a_female_column_ticked_x_gives_the_gender(tmp_path, world):
    from .files import write_xlsx

    header = ["Họ và tên", "Nữ", "Ngày sinh", "Mã chi bộ", "Ngày vào Đảng", "Ngày chính thức"]
    rows = [
        header,
        ["Vũ Thị Tư", "x", "01/01/1970", "kl-thon-2", "01/02/2000", "01/02/2001"],
        ["Vũ Văn Năm", None, "01/01/1971", "kl-thon-2", "01/02/2000", "01/02/2001"],
    ]
    actor = world.users["admin"]
    job = _preview(write_xlsx(tmp_path / "nu.xlsx", rows), actor)
    services.run(job, commit=True, actor=actor)
    assert Member.objects.get(full_name="Vũ Thị Tư").gender == "F"
    assert Member.objects.get(full_name="Vũ Văn Năm").gender == "M"


def _sheet(tmp_path, rows, merges=()):
    from openpyxl import Workbook

    from dangbo.imports.readers import open_sheet

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for merge in merges:
        book.active.merge_cells(merge)
    path = tmp_path / "l.xlsx"
    book.save(path)
    return open_sheet(path)


def test_a_name_in_two_columns_and_a_birth_date_in_three(tmp_path):
    rows = [
        ["TT", "Họ và tên", None, "Ngày, tháng, năm sinh", None, None, "Chi bộ"],
        [None, "Họ và đệm", "Tên", "Ngày", "Tháng", "Năm", None],
        [1, "Lê Văn", "Hùng", 12, 5, 1960, "kl-thon-1"],
    ]
    found = _sheet(tmp_path, rows, ["B1:C1", "D1:F1", "A1:A2", "G1:G2"])
    assert found.header == ["TT", "Họ và tên", "", "Ngày, tháng, năm sinh", "", "", "Chi bộ"]
    assert list(found.rows) == [(3, [1, "Lê Văn Hùng", None, "12/5/1960", None, None, "kl-thon-1"])]


def test_a_name_under_one_merged_header_cell_and_a_row_of_hints(tmp_path):
    rows = [
        ["TT", "Họ và tên", None, "Ngày sinh", "Ngày vào Đảng", None],
        [None, None, None, None, "Dự bị", "Chính thức"],
        [None, "(ghi đầy đủ, có dấu)", None, "(ngày/tháng/năm)", "(ngày/tháng/năm)"],
        [1, "Đỗ Thị", "Quỳnh", "03/08/1975", "02/09/2001", "02/09/2002"],
    ]
    found = _sheet(tmp_path, rows, ["B1:C2", "E1:F1"])
    assert found.header == ["TT", "Họ và tên", "", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức"]
    assert [(n, r[1]) for n, r in found.rows] == [(4, "Đỗ Thị Quỳnh")]
    assert "dòng 3: hướng dẫn cách ghi, bỏ qua" in found.notes


def test_lists_pasted_one_under_the_other(tmp_path):
    header = ["STT", "Họ và tên", "Giới tính", "Ngày sinh"]
    rows = [
        ["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐỒNG BÔNG"],
        header,
        [1, "Lê Văn Hùng", "Nam", "12/05/1960"],
        [None, "Cộng: 1 đảng viên"],
        [],
        ["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN GIA DU"],
        header,
        [1, "Đỗ Thị Quỳnh", "Nữ", "03/08/1975"],
        [None, "Cộng: 1 đảng viên"],
        [None, "Người lập biểu"],
    ]
    found = _sheet(tmp_path, rows)
    assert [n for n, _ in found.rows] == [3, 8]
    assert "dòng 7: tiêu đề cột lặp lại, bỏ qua" in found.notes
    assert "dòng 4–6, 9–10: chân trang, bỏ qua" in found.notes


def test_legacy_headers_and_title_keep_every_letter(tmp_path):
    # TCVN3: "Chi bé" is "Chi bộ" (and a Unicode word too); the soft hyphen is "ư".
    rows = [
        ["§¶NG Bé HUYÖN TAM D\xad¥NG"],
        ["Hä vµ tªn", "Chi bé", "Ngµy sinh"],
        ["Lª V¨n Hïng", "kl-thon-1", "12/05/1960"],
    ]
    found = _sheet(tmp_path, rows)
    assert found.header == ["Họ và tên", "Chi bộ", "Ngày sinh"]
    assert "ư" in found.title[0].lower()


def test_status_ticked_under_dang_vien_is_one_column(tmp_path):
    rows = [
        ["TT", "Họ và tên", "Ngày vào Đảng", "Đảng viên", None],
        [None, None, None, "Chính thức", "Dự bị"],
        [1, "Lê Văn Hùng", "19/05/1989", "x", None],
        [2, "Vũ Thị Lan", "02/09/2025", None, "x"],
    ]
    found = _sheet(tmp_path, rows, ["D1:E1", "A1:A2", "B1:B2", "C1:C2"])
    assert found.header == ["TT", "Họ và tên", "Ngày vào Đảng", "Loại đảng viên", ""]
    assert [r[3] for _, r in found.rows] == ["Chính thức", "Dự bị"]
