"""Cells given by name as offices write them (issue 13, item 4): "Chi bộ thôn Đồng Bông",
"Thôn Đồng Bông", "CB thôn Đồng Bông", "Chi bộ 02"; names repeated in several communes are
told apart by a commune column, the sheet's title or its name; a row without a cell takes it
from its group heading or from the sheet."""

from datetime import date

import pytest

from dangbo.imports import services
from dangbo.imports.cellnames import CellResolver, cell_keys, heading_text, names_a_cell
from dangbo.imports.common import Seen, SheetInfo
from dangbo.imports.members import MemberImporter
from dangbo.imports.schema import MEMBER_COLUMNS, match_header
from dangbo.members.models import Member
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Organisation

from .files import CELL_HEADER, write_csv, write_xlsx
from .test_members import rows_of

pytestmark = pytest.mark.django_db

HEADER = CELL_HEADER


def _cell(world, code, name, parent, kind="sub_cell", sector="village"):
    return org_services.create_org(
        actor=None,
        code=code,
        name=name,
        kind=kind,
        sector=sector,
        parent=world.org(parent),
        valid_from=date(2000, 1, 1),
    )


@pytest.fixture
def cells(world):
    """Kim Long gets "Chi bộ số 2" and a school cell; Hợp Hòa a second "thôn Đồng Bông"."""
    _cell(world, "kl-so-2", "Chi bộ số 2", "kim-long")
    _cell(world, "kl-thcs", "Chi bộ Trường THCS Kim Long", "kim-long", sector="school")
    _cell(world, "hh-dong-bong", "Chi bộ thôn Đồng Bông", "hop-hoa")
    return world


def _resolver(world, user="staff", **kw):
    return CellResolver(world.users[user], **kw)


def _code(result):
    org, problem = result
    assert org is not None, problem
    return org.code


def test_keys_fold_prefixes_numbers_and_places():
    assert cell_keys("CB. thôn Đồng Bông") == cell_keys("Chi bộ thôn Đồng Bông")
    assert cell_keys("Chi bộ 02")[2] == cell_keys("Chi bộ số 2")[2] == "2"
    assert cell_keys("Chi bộ thôn Đồng Bông")[1:] == ("thon dong bong", "dong bong")
    assert cell_keys("Trường Trung học cơ sở Kim Long")[2] == "thcs kim long"
    assert cell_keys("Chi bộ TDP số 05")[2] == cell_keys("Chi bộ Tổ dân phố 5")[2] == "5"
    assert cell_keys("CB Trường TH Kim Long") == cell_keys("Chi bộ Trường Tiểu học Kim Long")
    assert cell_keys("Chi bộ Cơ quan UBND xã")[2] == cell_keys("Cơ quan Ủy ban nhân dân xã")[2]
    assert cell_keys("Chi bộ thôn Gia Du")[2] == "gia du"  # "du" is not an abbreviation here
    assert cell_keys("Chi bộ khu phố số 01A")[2] == cell_keys("CB KP 1a")[2] == "1a"
    assert heading_text("I. Chi bộ thôn Đồng Bông") == "Chi bộ thôn Đồng Bông"
    assert names_a_cell("Thôn Đồng Bông") and names_a_cell("Chi bộ 2")
    assert not names_a_cell("Sheet1") and not names_a_cell("2") and not names_a_cell("Dữ liệu")


def test_exact_name_and_the_ways_offices_write_it(world):
    resolver = _resolver(world)
    for text in (
        "Chi bộ thôn Gia Du",
        "chi bo thon gia du",
        "Thôn Gia Du",
        "Gia Du",
        "CB thôn Gia Du",
        "Chi bộ Gia Du",
        "  Chi  bộ  thôn  Gia  Du. ",
        "kl-thon-2",  # a code still works
        "Chi bộ thôn Gia Du (Đảng bộ xã Kim Long, mã kl-thon-2)",  # as the messages list it
    ):
        assert _code(resolver.resolve(text)) == "kl-thon-2", text


def test_numbers_and_school_names(cells):
    resolver = _resolver(cells)
    for text in ("Chi bộ 02", "Chi bộ số 2", "chi bo so 02", "CB 2"):
        assert _code(resolver.resolve(text)) == "kl-so-2", text
    for text in ("Chi bộ Trường THCS Kim Long", "Trường THCS Kim Long", "THCS Kim Long"):
        assert _code(resolver.resolve(text)) == "kl-thcs", text
    assert _code(resolver.resolve("Trường Trung học cơ sở Kim Long")) == "kl-thcs"


def test_a_name_in_two_communes_lists_both_in_words_that_can_be_typed_back(cells):
    resolver = _resolver(cells)
    org, problem = resolver.resolve("Thôn Đồng Bông")
    assert org is None
    assert problem.startswith("có 2 chi bộ tên “Thôn Đồng Bông”: ")
    assert "Chi bộ thôn Đồng Bông (Đảng bộ xã Kim Long, mã kl-thon-1)" in problem
    assert "Chi bộ thôn Đồng Bông (Đảng bộ thị trấn Hợp Hòa, mã hh-dong-bong)" in problem
    # the commune, as the row's column gives it, in any of its usual forms
    for commune in ("Kim Long", "Đảng bộ xã Kim Long", "xã Kim Long", "DB xa Kim Long"):
        assert _code(resolver.resolve("Đồng Bông", commune)) == "kl-thon-1", commune
    assert _code(resolver.resolve("Đồng Bông", "Thị trấn Hợp Hòa")) == "hh-dong-bong"
    assert _code(resolver.resolve("Chi bộ thôn Đồng Bông (Hợp Hòa)")) == "hh-dong-bong"
    assert _code(resolver.resolve("Thôn Đồng Bông - TT Hợp Hòa")) == "hh-dong-bong"
    assert _code(resolver.resolve("Thôn Đồng Bông, xã Kim Long")) == "kl-thon-1"
    assert resolver.resolve("Thôn Đồng Bông (Hướng Đạo)")[1].startswith(
        "không có chi bộ “Thôn Đồng Bông” thuộc “Hướng Đạo”"
    )
    org, problem = resolver.resolve("Đồng Bông", "Hướng Đạo")
    assert org is None and problem.startswith("không có chi bộ “Đồng Bông” thuộc “Hướng Đạo”")
    assert "mã kl-thon-1" in problem and "mã hh-dong-bong" in problem


def test_the_sheet_title_or_name_tells_the_commune(cells):
    by_title = _resolver(cells, context=("ĐẢNG BỘ THỊ TRẤN HỢP HÒA", "DANH SÁCH ĐẢNG VIÊN"))
    assert _code(by_title.resolve("Thôn Đồng Bông")) == "hh-dong-bong"
    both = _resolver(cells, context=("ĐẢNG BỘ HUYỆN TAM DƯƠNG", "ĐẢNG ỦY XÃ KIM LONG"))
    assert _code(both.resolve("Thôn Đồng Bông")) == "kl-thon-1"  # the commune decides
    by_name = _resolver(cells, context=("Kim Long",))
    assert _code(by_name.resolve("Thôn Đồng Bông")) == "kl-thon-1"
    # a title that names neither leaves the question open
    org, problem = _resolver(cells, context=("ĐẢNG BỘ HUYỆN TAM DƯƠNG",)).resolve("Đồng Bông")
    assert org is None and problem.startswith("có 2 chi bộ")


def test_out_of_scope_is_not_found_in_the_same_words_as_nothing(cells):
    resolver = _resolver(cells)
    outside = resolver.resolve("Chi bộ thôn Bảo Sơn")  # exists, in Vĩnh Tường
    nothing = resolver.resolve("Chi bộ thôn Không Có")
    assert outside == (None, "không có chi bộ “Chi bộ thôn Bảo Sơn” trong phạm vi của bạn.")
    assert nothing == (None, "không có chi bộ “Chi bộ thôn Không Có” trong phạm vi của bạn.")
    assert resolver.resolve("vt-thon")[0] is None
    # Kim Long's staff: Hợp Hòa's Đồng Bông is out of sight, so the name is no longer shared
    commune_staff = _resolver(cells, "sensitive_staff")
    assert _code(commune_staff.resolve("Thôn Đồng Bông")) == "kl-thon-1"
    assert commune_staff.resolve("Tổ dân phố Đông Hòa") == (
        None,
        "không có chi bộ “Tổ dân phố Đông Hòa” trong phạm vi của bạn.",
    )


def test_close_names_are_offered(cells):
    org, problem = _resolver(cells).resolve("Chi bộ thôn Gia Du Bắc")
    assert org is None
    assert problem == (
        "không có chi bộ “Chi bộ thôn Gia Du Bắc” trong phạm vi của bạn. Tên gần giống: "
        "Chi bộ thôn Gia Du (Đảng bộ xã Kim Long, mã kl-thon-2)."
    )


def test_an_ended_cell_is_said_so(cells):
    Organisation.objects.filter(code="kl-so-2").update(valid_to=date(2020, 6, 30))
    org, problem = _resolver(cells).resolve("Chi bộ 02")
    assert (
        org is None and problem == "Chi bộ số 2 (mã kl-so-2) đã kết thúc hoạt động ngày 30/06/2020."
    )


def test_big_scopes_are_queried_name_by_name(cells):
    resolver = _resolver(cells, load_limit=1)
    assert _code(resolver.resolve("CB thôn Gia Du")) == "kl-thon-2"
    assert _code(resolver.resolve("Chi bộ 02")) == "kl-so-2"
    assert _code(resolver.resolve("Đồng Bông", "Kim Long")) == "kl-thon-1"
    assert resolver.resolve("Chi bộ thôn Bảo Sơn")[0] is None
    assert resolver.s.loaded is None


# -- through the importer --------------------------------------------------------------------


def _run(tmp_path, rows, *, header=HEADER, actor="staff", name="dv.csv", commit=False, world):
    path = tmp_path / name
    (write_xlsx if name.endswith(".xlsx") else write_csv)(path, [header, *rows])
    job = services.create_job(
        actor=world.users[actor], kind="members", source=path, original_name=name
    )
    return services.run(job, commit=commit, actor=world.users[actor])


def _person(name, cell, *extra):
    return ["1", name, "Nam", "01/01/1980", cell, *extra, "01/02/2015", "01/02/2016"]


def test_a_roll_with_a_commune_column(tmp_path, cells):
    header = [*HEADER[:5], "Đảng bộ xã", *HEADER[5:]]
    job = _run(
        tmp_path,
        [
            _person("Người Một", "Thôn Đồng Bông", "Kim Long"),
            _person("Người Hai", "Thôn Đồng Bông", "Thị trấn Hợp Hòa"),
            _person("Người Ba", "Chi bộ 02", "Xã Kim Long"),
            _person("Người Bốn", "Thôn Đồng Bông", ""),
            _person("Người Năm", "Thôn Đồng Bông", "Hướng Đạo"),
        ],
        header=header,
        commit=False,
        world=cells,
    )
    rows = rows_of(job)
    assert [rows[n].state for n in (2, 3, 4)] == ["new", "new", "new"]
    assert rows[5].state == "error"
    assert rows[5].messages[0].startswith("Chi bộ: có 2 chi bộ tên “Thôn Đồng Bông”")
    assert (
        rows[6]
        .messages[0]
        .startswith(
            "Chi bộ: không có chi bộ “Thôn Đồng Bông” thuộc “Hướng Đạo” trong phạm vi của bạn; có: "
        )
    )
    one = [_person("Người Một", "Thôn Đồng Bông", "Kim Long")]
    _run(tmp_path, one, header=header, commit=True, world=cells)
    assert Member.objects.get(full_name="Người Một").org.code == "kl-thon-1"


def test_the_title_names_the_commune_for_every_row(tmp_path, cells):
    rows = [
        ["ĐẢNG BỘ THỊ TRẤN HỢP HÒA"],
        ["DANH SÁCH ĐẢNG VIÊN NĂM 2024"],
        [],
        HEADER,
        _person("Người Một", "Thôn Đồng Bông"),
    ]
    path = tmp_path / "dv.xlsx"
    write_xlsx(path, rows)
    staff = cells.users["staff"]
    job = services.create_job(actor=staff, kind="members", source=path, original_name="dv.xlsx")
    job = services.run(job, commit=True, actor=staff)
    assert job.counts.get("error", 0) == 0, list(job.rows.values_list("messages", flat=True))
    assert Member.objects.get(full_name="Người Một").org.code == "hh-dong-bong"


def _importer(world, *, header, sheet=None, actor="staff"):
    matched = match_header(header, MEMBER_COLUMNS)
    return MemberImporter(
        actor=world.users[actor],
        positions=matched.positions,
        labels={k: header[p] for k, p in matched.positions.items()},
        job_id=0,
        file_name="dv.xlsx",
        today=date(2026, 1, 1),
        sheet=sheet,
    )


NO_CELL = ["Họ và tên", "Giới tính", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức"]


def _someone(name="Một"):
    return [f"Người {name}", "Nam", "01/01/1980", "01/02/2015", "01/02/2016"]


def _resolve(importer, rows):
    parsed = []
    for row_no, (group, cells_) in enumerate(rows, start=5):
        importer.group = group
        parsed.append(importer.parse(row_no, cells_))
    return importer.resolve(parsed, Seen())


def test_rows_under_group_headings_take_their_cell(cells):
    importer = _importer(cells, header=NO_CELL)
    importer.group = "I. Chi bộ thôn Gia Du"
    assert importer.header_problems() == []
    outcomes = _resolve(
        importer,
        [
            ("I. Chi bộ thôn Gia Du", _someone("Một")),
            ("I. Chi bộ thôn Gia Du", _someone("Hai")),
            ("II. Chi bộ 02", _someone("Ba")),
            ("III. Chi bộ thôn Không Có", _someone("Bốn")),
            ("A. ĐẢNG VIÊN CHÍNH THỨC", _someone("Năm")),  # not a cell: nothing to take
        ],
    )
    assert [o.org.code if o.org else None for o in outcomes[:3]] == ["kl-thon-2"] * 2 + ["kl-so-2"]
    assert (
        outcomes[3]
        .messages[0]
        .startswith("Chi bộ: không có chi bộ “Chi bộ thôn Không Có” trong phạm vi của bạn.")
    )
    assert outcomes[4].messages[0] == "Chi bộ: bắt buộc với đảng viên mới."
    assert importer.late_notes == [
        "Dòng 5 trở đi: chi bộ theo tiêu đề nhóm “Chi bộ thôn Gia Du” (Chi bộ thôn Gia Du, "
        "mã kl-thon-2).",
        "Dòng 7 trở đi: chi bộ theo tiêu đề nhóm “Chi bộ 02” (Chi bộ số 2, mã kl-so-2).",
    ]


def test_a_sheet_named_after_its_cell(cells):
    importer = _importer(cells, header=NO_CELL, sheet=SheetInfo("Thôn Gia Du"))
    assert importer.header_problems() == []
    assert importer.header_notes()[0] == (
        "Không có cột “Chi bộ”: mọi dòng thuộc Chi bộ thôn Gia Du (mã kl-thon-2), "
        "theo tên trang “Thôn Gia Du”."
    )
    outcomes = _resolve(importer, [("", _someone())])
    assert outcomes[0].org.code == "kl-thon-2" and outcomes[0].action == "new"


def test_a_sheet_whose_title_names_its_cell(cells):
    title = ("ĐẢNG BỘ THỊ TRẤN HỢP HÒA", "DANH SÁCH ĐẢNG VIÊN", "Chi bộ: Thôn Đồng Bông")
    importer = _importer(cells, header=NO_CELL, sheet=SheetInfo("Sheet1", title))
    assert importer.header_problems() == []
    assert "Chi bộ thôn Đồng Bông (mã hh-dong-bong)" in importer.header_notes()[0]
    outcomes = _resolve(importer, [("", _someone())])
    assert outcomes[0].org.code == "hh-dong-bong"


def test_a_sheet_that_names_no_cell_still_needs_the_column(cells):
    importer = _importer(cells, header=NO_CELL, sheet=SheetInfo("Sheet1", ("DANH SÁCH ĐẢNG VIÊN",)))
    assert importer.header_problems() == [
        "Không biết đảng viên sinh hoạt ở chi bộ nào: không có cột “Chi bộ”, và tên trang "
        "“Sheet1” lẫn tiêu đề trang đều không phải tên một chi bộ trong phạm vi của bạn. Hãy "
        "thêm cột “Chi bộ” (tên hoặc mã chi bộ), hoặc đặt tên trang bằng tên chi bộ."
    ]
    assert not any("Chi bộ" in note for note in importer.header_notes())
    csv = _importer(cells, header=NO_CELL, sheet=SheetInfo("", ()))
    assert csv.header_problems()[0].startswith(
        "Không biết đảng viên sinh hoạt ở chi bộ nào: không có cột “Chi bộ”. Hãy thêm cột"
    )


def test_a_unit_column_holding_the_cell_when_there_is_no_cell_column(cells):
    importer = _importer(cells, header=[*NO_CELL, "Đơn vị"])
    assert importer.header_problems() == []
    outcomes = _resolve(
        importer,
        [("", [*_someone("Một"), "Thôn Gia Du"]), ("", [*_someone("Hai"), "Chi bộ 02"])],
    )
    assert [o.org.code for o in outcomes] == ["kl-thon-2", "kl-so-2"]
    assert importer.late_notes == [
        "Cột “Đơn vị” ghi tên chi bộ (như “Thôn Gia Du”): đọc là chi bộ của mỗi dòng."
    ]


def test_an_empty_cell_in_a_cell_column_takes_the_sheets_cell_and_says_so(cells):
    header = ["Họ và tên", "Giới tính", "Ngày sinh", "Chi bộ", "Ngày vào Đảng", "Ngày chính thức"]
    importer = _importer(cells, header=header, sheet=SheetInfo("Thôn Gia Du"))
    assert importer.header_notes() == ["Không có cột “Ngày lễ kết nạp”: lấy bằng ngày vào Đảng."]
    one, two = _someone("Một"), _someone("Hai")
    outcomes = _resolve(
        importer, [("", [*one[:3], "Chi bộ 02", *one[3:]]), ("", [*two[:3], None, *two[3:]])]
    )
    assert [o.org.code for o in outcomes] == ["kl-so-2", "kl-thon-2"]
    assert outcomes[0].messages == []
    numbered = _resolve(importer, [("", [*_someone("Ba")[:3], 2.0, *_someone()[3:]])])
    assert numbered[0].org.code == "kl-so-2"  # the number 2 in an Excel cell
    assert outcomes[1].messages == [
        "Chi bộ: để trống, lấy theo tên trang “Thôn Gia Du” (Chi bộ thôn Gia Du)."
    ]


def test_the_sheets_of_one_file_read_the_cells_once(cells, django_assert_num_queries):
    first = CellResolver(cells.users["staff"], context=("ĐẢNG BỘ XÃ KIM LONG",))
    assert _code(first.resolve("Thôn Đồng Bông")) == "kl-thon-1"
    second = CellResolver(cells.users["staff"], context=("Hợp Hòa",), share=first)
    with django_assert_num_queries(0):  # the scope's cells are the file's: loaded once
        assert _code(second.resolve("Thôn Đồng Bông")) == "hh-dong-bong"  # its own title
        assert _code(second.resolve("Chi bộ 02")) == "kl-so-2"


def test_the_cell_named_in_a_title_line(cells):
    resolver = _resolver(cells, context=("ĐẢNG BỘ XÃ KIM LONG",))
    line = "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐỒNG BÔNG NĂM 2024"
    org, where = resolver.named_in(["ĐẢNG BỘ XÃ KIM LONG", line])
    assert org.code == "kl-thon-1" and where == line
    assert resolver.named_in(["DANH SÁCH ĐẢNG VIÊN CÁC CHI BỘ", "Kim Long, ngày 5 tháng 1"]) is None
    assert resolver.named_in(["CHI BỘ TRỰC THUỘC ĐẢNG BỘ XÃ KIM LONG"]) is None


def test_a_roll_grouped_by_cell_headings_end_to_end(tmp_path, cells):
    header = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức"]
    born = ["Nam", "01/01/1980", "01/02/2015", "01/02/2016"]
    rows = [
        header,
        ["I. Chi bộ thôn Gia Du"],
        ["1", "Người Một", *born],
        ["2", "Người Hai", *born],
        ["II. Chi bộ 02"],
        ["1", "Người Ba", *born],
    ]
    path = tmp_path / "theo-chi-bo.xlsx"
    write_xlsx(path, rows)
    staff = cells.users["staff"]
    job = services.create_job(actor=staff, kind="members", source=path, original_name=path.name)
    job = services.run(job, commit=True, actor=staff)
    assert job.state == "committed", (job.problem, job.notes)
    cell_of = dict(
        Member.objects.filter(full_name__startswith="Người ").values_list("full_name", "org__code")
    )
    assert cell_of == {"Người Một": "kl-thon-2", "Người Hai": "kl-thon-2", "Người Ba": "kl-so-2"}
    assert any("chi bộ theo tiêu đề nhóm “Chi bộ thôn Gia Du”" in n for n in job.notes), job.notes
