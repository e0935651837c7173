"""Dates and numbers as offices type them (issue 13.7), and messages in the form's words
(issue 13.10)."""

from datetime import date, datetime

import pytest

from dangbo.core.dates import today
from dangbo.imports import cells, services
from dangbo.imports.cells import CellError
from dangbo.imports.models import ImportRow, JobState
from dangbo.members.models import Member

from .files import CELL_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = CELL_HEADER


def _run(tmp_path, rows, *, header=HEADER, name="roll.xlsx", commit=False, actor=None, **kw):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        write_xlsx(path, [header, *rows], **kw)
    else:
        write_csv(path, [header, *rows])
    job = services.create_job(actor=actor, kind="members", source=path, original_name=name)
    job = services.run(job, actor=actor)
    if commit:
        assert job.can_commit, {r.row_no: r.messages for r in ImportRow.objects.filter(job=job)}
        job = services.run(job, commit=True, actor=actor)
        assert job.state == JobState.COMMITTED, job.problem
    return job


def _rows_of(job) -> dict[int, ImportRow]:
    return {r.row_no: r for r in ImportRow.objects.filter(job=job)}


@pytest.mark.parametrize(
    ("typed", "kind", "expected"),
    [
        ("15.05.76", "birth", date(1976, 5, 15)),
        ("21.5.2016", "event", date(2016, 5, 21)),
        ("2023-10-24", "event", date(2023, 10, 24)),
        ("1/2/16", "event", date(2016, 2, 1)),
        ("05-06-1985", "birth", date(1985, 6, 5)),
        ("15/05/1976 00:00:00", "birth", date(1976, 5, 15)),
        ("2016-12-31 00:00:00", "event", date(2016, 12, 31)),
        ("ngày 15 tháng 5 năm 1976", "birth", date(1976, 5, 15)),
        ("Ngày 03 tháng 02 năm 2015", "event", date(2015, 2, 3)),
        ("15/05/1976.", "birth", date(1976, 5, 15)),
        ("27000", "birth", date(1973, 12, 2)),  # an Excel serial that became text
        (27000, "birth", date(1973, 12, 2)),
        (27000.0, "birth", date(1973, 12, 2)),
        (datetime(2001, 2, 3, 0, 0), "event", date(2001, 2, 3)),
        (date(2001, 2, 3), "event", date(2001, 2, 3)),
    ],
)
def test_a_date_cell_as_typed(typed, kind, expected):
    value, _note = cells.a_date(typed, "Ngày sinh", kind=kind, today=date(2026, 12, 3))
    assert value == expected


@pytest.mark.parametrize("typed", [4, 37, 1500])
def test_a_small_number_in_a_date_column_is_not_a_1900_date(typed):
    with pytest.raises(CellError) as caught:
        cells.a_date(typed, "Ngày sinh", kind="birth", today=date(2026, 12, 3))
    assert str(caught.value).startswith("Ngày sinh:")
    assert "không phải là ngày" in str(caught.value)


def test_dates_mixed_in_one_column_are_each_read(tmp_path, world):
    actor = world.users["admin"]
    rows = [
        ["1", "Hà Văn Một", "Nam", datetime(1976, 5, 15), "kl-thon-1", "21.5.2016", "21.5.2017"],
        ["2", "Hà Văn Hai", "Nam", "15.05.76", "kl-thon-1", "2015-10-24", "2016-10-24"],
        ["3", "Hà Văn Ba", "Nam", 27000, "kl-thon-1", "1/2/16", "1/2/17"],
        ["4", "Hà Văn Bốn", "Nam", "21.5.1980", "kl-thon-1", 42000, "03/01/2016"],
        ["5", "Hà Văn Năm", "Nam", 27000, "kl-thon-1", "01/02/2015", "01/02/2016"],
    ]
    # Row 6 (index 5) carries a date number format: openpyxl reads it back as a date.
    _run(tmp_path, rows, commit=True, actor=actor, number_formats={(5, 3): "dd/mm/yyyy"})
    got = dict(
        Member.objects.filter(full_name__startswith="Hà Văn").values_list(
            "full_name", "date_of_birth"
        )
    )
    assert got == {
        "Hà Văn Một": date(1976, 5, 15),
        "Hà Văn Hai": date(1976, 5, 15),
        "Hà Văn Ba": date(1973, 12, 2),
        "Hà Văn Bốn": date(1980, 5, 21),
        "Hà Văn Năm": date(1973, 12, 2),
    }
    assert Member.objects.get(full_name="Hà Văn Hai").admission_decision_date == date(2015, 10, 24)
    assert Member.objects.get(full_name="Hà Văn Ba").admission_decision_date == date(2016, 2, 1)
    assert Member.objects.get(full_name="Hà Văn Bốn").admission_decision_date == date(2014, 12, 27)


def test_a_number_in_a_date_column_is_refused_on_its_row(tmp_path, world):
    row = ["1", "Hà Văn Sáu", "Nam", "4", "kl-thon-1", "01/02/2015", "01/02/2016"]
    job = _run(tmp_path, [row], name="roll.csv", actor=world.users["admin"])
    assert _rows_of(job)[2].state == "error"
    assert _rows_of(job)[2].messages[0].startswith("Ngày sinh: “4” không phải là ngày")


@pytest.mark.parametrize("typed", [1960, 1960.0, "1960", " 1960 ", "\u00a01960\t", "１９６０"])
def test_a_birth_year_alone_is_never_made_into_a_date(typed):
    with pytest.raises(CellError) as caught:
        cells.a_date(typed, "Năm sinh", kind="birth", today=date(2026, 1, 1))
    assert str(caught.value) == (
        "Năm sinh: chỉ có năm sinh (1960); cần đủ ngày, tháng, năm sinh (dd/mm/yyyy) như "
        "trong lý lịch đảng viên."
    )


def test_a_roll_with_birth_years_only_names_its_rows(tmp_path, world):
    """ "Năm sinh" is the birth date's column: its rows are recognised, each refused."""
    header = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Mã chi bộ", "Ngày vào Đảng"]
    rows = [header, ["1", "Hà Văn Bảy", "Nam", "1960", "kl-thon-1", "01/02/2015"]]
    path = write_csv(tmp_path / "nam-sinh.csv", rows)
    actor = world.users["admin"]
    job = services.create_job(actor=actor, kind="members", source=path, original_name="n.csv")
    job = services.run(job, actor=actor)
    assert job.state == JobState.PREVIEWED and not job.problem
    assert _rows_of(job)[2].messages[0].startswith("Năm sinh: chỉ có năm sinh (1960)")
    assert not Member.objects.filter(full_name="Hà Văn Bảy").exists()


@pytest.mark.parametrize(
    ("typed", "length", "expected"),
    [
        ("83.016532", 8, "83016532"),
        ("8301\u00a06532", 8, "83016532"),
        (" 8301 6532 ", 8, "83016532"),
        ("83-016-532", 8, "83016532"),
        ("83016532.0", 8, "83016532"),
        (1234567, 8, "01234567"),  # Excel stored it as a number: the leading zero is back
        (1234567.0, 8, "01234567"),
        ("1234567", 8, "01234567"),
        ("0261 8000 1234", 12, "026180001234"),
        (26180001234, 12, "026180001234"),
        ("026.180.001.234", 12, "026180001234"),
        ("83016532", 8, "83016532"),  # bare ASCII digits: nothing to fold
        (" 83016532 ", 8, "83016532"),
        ("０１２３４５６７", 8, "01234567"),  # full-width digits still fold
        ("26180001234", 12, "026180001234"),  # a CCCD whose leading zero Excel dropped
    ],
)
def test_card_and_id_numbers_are_normalised(typed, length, expected):
    assert cells.digits(typed, "Số thẻ", length=length) == expected


def test_numbers_are_stored_normalised_and_findable(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Số thẻ đảng viên", "Số CMND/CCCD"]
    base = ["Nam", "01/01/1970", "kl-thon-1", "01/02/2000", "01/02/2001"]
    rows = [
        ["1", "Kiều Văn Thẻ", *base, "83.016 532", "0261\u00a08000\u00a05678"],
        ["2", "Kiều Văn Số", *base, 1234567, 26180005679],
    ]
    _run(tmp_path, rows, header=header, commit=True, actor=actor)
    assert Member.objects.get(card_number="83016532").id_number == "026180005678"
    assert Member.objects.get(card_number="01234567").id_number == "026180005679"
    # A second run finds them by those numbers: nothing changes.
    job = _run(tmp_path, rows, header=header, actor=actor)
    assert {r.action for r in _rows_of(job).values()} == {"unchanged"}


def test_a_card_cell_holding_the_record_number_too(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Số thẻ đảng viên/Số lý lịch"]
    row = ["1", "Lại Văn Ghép", "Nam", "01/01/1970", "kl-thon-1", "01/02/2000", "01/02/2001"]
    job = _run(tmp_path, [[*row, "83.016532 044798"]], header=header, name="roll.csv", actor=actor)
    [got] = _rows_of(job).values()
    assert got.action == "new", got.messages
    assert (
        "Số thẻ đảng viên/Số lý lịch: “83.016532 044798” đọc là số thẻ 83016532 và số lý lịch "
        "044798." in got.messages
    )
    services.run(job, commit=True, actor=actor)
    member = Member.objects.get(full_name="Lại Văn Ghép")
    assert (member.card_number, member.record_number) == ("83016532", "044798")


def test_a_card_cell_beside_a_record_column_keeps_that_column(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Số thẻ đảng viên", "Số lý lịch đảng viên"]
    row = ["1", "Lại Văn Đủ", "Nam", "01/01/1970", "kl-thon-1", "01/02/2000", "01/02/2001"]
    job = _run(tmp_path, [[*row, "83016533 044799", "LL-1"]], header=header, actor=actor)
    services.run(job, commit=True, actor=actor)
    member = Member.objects.get(full_name="Lại Văn Đủ")
    assert (member.card_number, member.record_number) == ("83016533", "LL-1")


def test_choice_messages_use_the_forms_words(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Trình độ LLCT"]
    base = ["01/01/1970", "kl-thon-1", "01/02/2000", "01/02/2001"]
    rows = [
        ["1", "Mạc Văn Giới", "X", *base, "TC"],
        ["2", "Mạc Văn Luận", "Nam", *base, "Tiến sĩ"],
        ["3", "Mạc Văn Đúng", "Nam", *base, "TC"],
        ["4", "Mạc Thị Ngắn", "nu", "05/06/85", "kl-thon-1", "01/02/2010", "01/02/2011", "SC"],
    ]
    job = _run(tmp_path, rows, header=header, name="roll.csv", actor=actor)
    got = _rows_of(job)
    assert got[2].messages[0] == "Giới tính: “X” không hợp lệ (chọn: Nam, Nữ)."
    assert got[3].messages[0] == (
        "Trình độ LLCT: “Tiến sĩ” không hợp lệ (chọn: Sơ cấp, Trung cấp, Cao cấp, Cử nhân)."
    )
    assert got[4].state == "new"
    assert got[5].state == "warning" and got[5].error_count == 0  # a note is not an error
    assert got[2].error_count == 1


def test_an_error_row_counts_only_its_errors(tmp_path, world):
    row = ["1", "Mạc Văn Lỗi", "X", "05/06/85", "kl-thon-1", "01/02/2015", ""]
    job = _run(tmp_path, [row], name="roll.csv", actor=world.users["admin"])
    [got] = _rows_of(job).values()
    assert got.state == "error" and got.action == ""
    assert got.error_count == 1 and len(got.messages) >= 2  # the year's note is a warning
    assert got.messages[0].startswith("Giới tính:")


def test_a_new_member_keeps_today_as_the_date_reader_sees_it():
    # The two-digit year of a birth date leaves the member at least 18 today.
    value, note = cells.a_date("01/01/10", "Ngày sinh", kind="birth", today=today())
    assert value.year <= today().year - 18 and note


def test_an_old_nine_digit_identity_card_is_left_out_with_a_note(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Số CMND/CCCD"]
    base = ["Nam", "01/01/1970", "kl-thon-1", "01/02/2000", "01/02/2001"]
    rows = [["1", "Kha Văn Cũ", *base, "135 678 901"], ["2", "Kha Văn Số", *base, 135678902]]
    job = _run(tmp_path, rows, header=header, actor=actor)
    got = _rows_of(job)
    for row_no, number in ((2, "135678901"), (3, "135678902")):
        assert got[row_no].action == "new", got[row_no].messages
        assert (
            f"Số CMND/CCCD: “{number}” là số CMND cũ (9 chữ số), không phải số CCCD 12 chữ số: "
            "không ghi." in got[row_no].messages
        )
    services.run(job, commit=True, actor=actor)
    assert Member.objects.get(full_name="Kha Văn Số").id_number == ""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TC", "intermediate"),
        ("TC LLCT", "intermediate"),
        ("Cao cấp lý luận chính trị", "advanced"),
        ("Sơ cấp", "elementary"),
        ("CN", "bachelor"),
        ("-", ""),
        ("Chưa qua đào tạo", ""),
    ],
)
def test_political_theory_as_rolls_write_it(typed, expected):
    from dangbo.imports.members import THEORY, THEORY_WORDS

    assert cells.choice(typed, "Trình độ LLCT", THEORY, THEORY_WORDS) == expected


def test_the_forms_date_and_number_headers_find_their_columns():
    from dangbo.imports.schema import MEMBER_COLUMNS, match_header

    header = ["Ngày vào Đảng / Dự bị", "Ngày vào Đảng / Chính thức", "Số thẻ ĐV", "Số LL"]
    found = match_header(header, MEMBER_COLUMNS)
    assert found.positions == {
        "admission_decision_date": 0,
        "official_recognition_date": 1,
        "card_number": 2,
        "record_number": 3,
    }
    assert not found.unknown


def test_an_ascii_cell_of_a_capitals_font_column_is_drawn_in_capitals():
    value, note = cells.text(
        "sung a pao", "Họ và tên", max_length=100, legacy_encoding="tcvn3_caps"
    )
    assert value == "SUNG A PAO" and note
    assert cells.text("sung a pao", "Họ và tên", max_length=100) == ("sung a pao", None)
