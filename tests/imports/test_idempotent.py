"""Importing the same roll twice changes nothing (issue 13.6): members without card or ID
number are found again by name, birth date and cell — whatever the spelling's encoding —;
near matches are shown, never merged; a person listed twice in one file is written once."""

import unicodedata

import pytest

from dangbo.core import legacy
from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState
from dangbo.members.models import Member

from .files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Mã chi bộ",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Điện thoại",
]
ROWS = [
    ["1", "Nguyễn Thị Quỳnh", "Nữ", "12/03/1980", "kl-thon-1", "05/06/2010", "05/06/2011", ""],
    ["2", "Trần Đình Nhuận", "Nam", "01/02/1975", "kl-thon-2", "03/02/2005", "03/02/2006", ""],
    ["3", "Lê Văn Hải", "Nam", "15.05.76", "kl-thon-1", "19/05/2015", "", "0912345678"],
]


def _run(tmp_path, rows, *, name="roll.csv", commit=False, actor=None, header=HEADER):
    path = tmp_path / name
    (write_xlsx if name.endswith(".xlsx") else write_csv)(path, [header, *rows])
    job = services.create_job(actor=actor, kind="members", source=path, original_name=name)
    job = services.run(job, actor=actor)
    if commit:
        assert job.can_commit, (job.problem, job.counts, _messages(job))
        job = services.run(job, commit=True, actor=actor)
        assert job.state == JobState.COMMITTED, job.problem
    return job


def _messages(job) -> dict[int, list[str]]:
    return {r.row_no: r.messages for r in ImportRow.objects.filter(job=job)}


def _rows_of(job) -> dict[int, ImportRow]:
    return {r.row_no: r for r in ImportRow.objects.filter(job=job)}


def test_a_second_import_of_the_same_roll_is_unchanged(tmp_path, world):
    actor = world.users["admin"]
    first = _run(tmp_path, ROWS, commit=True, actor=actor)
    assert first.counts["new"] + first.counts["warning"] == 3
    before = Member.objects.count()
    again = _run(tmp_path, ROWS, commit=True, actor=actor)
    assert {r.action for r in _rows_of(again).values()} == {"unchanged"}, _messages(again)
    assert again.counts["new"] == 0 and again.counts["error"] == 0
    assert Member.objects.count() == before
    assert Member.objects.filter(full_name="Lê Văn Hải").count() == 1


def test_nfd_and_legacy_spellings_find_the_same_members(tmp_path, world):
    actor = world.users["admin"]
    _run(tmp_path, ROWS, commit=True, actor=actor)
    nfd = [[r[0], unicodedata.normalize("NFD", r[1]), *r[2:]] for r in ROWS]
    job = _run(tmp_path, nfd, name="nfd.csv", actor=actor)
    assert {r.action for r in _rows_of(job).values()} == {"unchanged"}, _messages(job)
    tcvn3 = [[r[0], legacy.from_unicode(r[1], "tcvn3"), *r[2:]] for r in ROWS]
    assert tcvn3[0][1] != ROWS[0][1]  # really another spelling
    job = _run(tmp_path, tcvn3, name="tcvn3.xlsx", actor=actor)
    rows = _rows_of(job)
    assert {r.action for r in rows.values()} == {"unchanged"}, _messages(job)
    assert job.counts["new"] == 0


def test_near_matches_are_shown_and_the_row_stays_new(tmp_path, world):
    actor = world.users["admin"]
    # World: Trần Văn An, born 10/01/1950, Chi bộ thôn Đồng Bông (kl-thon-1), admitted 1999.
    rows = [
        ["1", "Trần Văn An", "Nam", "10/01/1950", "kl-thon-1", "19/05/1999", "19/05/2000", ""],
        ["2", "TRẦN VĂN AN", "Nam", "10/01/1950", "kl-thon-2", "19/05/1999", "19/05/2000", ""],
        ["3", "Trần Văn An", "Nam", "01/10/1950", "kl-thon-1", "19/05/1999", "19/05/2000", ""],
        ["4", "Trần Văn An", "Nam", "10/01/1951", "kl-thon-1", "19/05/1999", "19/05/2000", ""],
        ["5", "Hoàng Minh Tiến", "Nam", "15/06/1975", "kl-thon-1", "02/03/2000", "02/03/2001", ""],
    ]
    job = _run(tmp_path, rows, actor=actor)
    got = _rows_of(job)
    assert got[2].action == "unchanged", got[2].messages  # the same person: found
    shown = "Có thể trùng với Trần Văn An, sinh 10/01/1950, Chi bộ thôn Đồng Bông (mã kl-thon-1)"
    for row_no in (3, 4, 5):  # another cell; day and month swapped; one digit off
        assert got[row_no].action == "new" and got[row_no].state == "warning"
        assert any(m.startswith(shown) for m in got[row_no].messages), got[row_no].messages
        assert got[row_no].error_count == 0
    # Hoàng Minh Tiến lives in Vĩnh Tường, outside the admin's scope: nothing is said of him.
    assert got[6].action == "new" and not any("trùng" in m for m in got[6].messages)


def test_a_person_listed_twice_in_the_file_is_written_once(tmp_path, world):
    actor = world.users["admin"]
    card = ["9", "Phùng Văn Thẻ", "Nam", "01/01/1970", "kl-thon-1", "01/02/2000", "01/02/2001", ""]
    header = [*HEADER, "Số thẻ đảng viên"]
    rows = [
        [*ROWS[0], ""],
        [*ROWS[1], ""],
        [*ROWS[0], ""],  # row 4: row 2 again, as is
        [*card, "76543210"],
        [*card, "76543210"],  # row 6: row 5 again (same card)
    ]
    job = _run(tmp_path, rows, actor=actor, header=header)
    got = _rows_of(job)
    assert (got[4].action, got[4].state) == ("duplicate", "warning")
    assert got[4].messages == ["Trùng với dòng 2 (đã có ở trên): bỏ qua."]
    assert got[6].action == "duplicate"
    assert got[6].messages == ["Trùng với dòng 5 (đã có ở trên): bỏ qua."]
    assert got[2].action == got[5].action == "new"
    assert job.can_commit
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, job.problem
    assert Member.objects.filter(full_name="Nguyễn Thị Quỳnh").count() == 1
    assert Member.objects.filter(card_number="76543210").count() == 1


def test_the_same_person_twice_with_different_details_is_an_error(tmp_path, world):
    actor = world.users["admin"]
    other_phone = [*ROWS[2][:7], "0987654321"]
    job = _run(tmp_path, [ROWS[2], ROWS[0], other_phone], actor=actor)
    got = _rows_of(job)
    assert got[4].state == "error" and got[4].error_count == 1
    assert got[4].messages == [
        "Họ và tên, Ngày sinh, Mã chi bộ: trùng với dòng 2 (đã có ở trên) nhưng các cột khác "
        "không giống nhau — sửa cho khớp, hoặc bỏ bớt một dòng."
    ]
    assert got[3].state != "error"
    assert not job.can_commit


def test_the_same_card_twice_with_different_details_is_an_error_on_both(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Số thẻ đảng viên"]
    job = _run(
        tmp_path,
        [[*ROWS[0], "76543211"], [*ROWS[1], "76543211"]],
        actor=actor,
        header=header,
    )
    got = _rows_of(job)
    assert got[2].state == got[3].state == "error"
    assert "Số thẻ đảng viên: 76543211 trùng với dòng 3 trong tệp." in got[2].messages


def test_the_cell_by_name_or_by_code_is_the_same_cell(tmp_path, world):
    actor = world.users["admin"]
    by_name = [*ROWS[0][:4], "Chi bộ thôn Đồng Bông", *ROWS[0][5:]]
    job = _run(tmp_path, [ROWS[0], by_name], actor=actor)
    got = _rows_of(job)
    assert got[3].action == "duplicate", got[3].messages
    assert got[3].messages == ["Trùng với dòng 2 (đã có ở trên): bỏ qua."]


def test_a_card_given_later_completes_the_member_found_by_name(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Số thẻ đảng viên"]
    an = ["1", "Trần Văn An", "Nam", "10/01/1950", "kl-thon-1", "19/05/1999", "19/05/2000", ""]
    job = _run(tmp_path, [[*an, "33334444"]], actor=actor, header=header)
    [got] = _rows_of(job).values()
    assert got.action == "update", got.messages
    assert got.messages == ["Cập nhật: Số thẻ đảng viên."]
    services.run(job, commit=True, actor=actor)
    assert Member.objects.get(pk=world.members["an"].pk).card_number == "33334444"
