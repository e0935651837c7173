"""Organisation lists as offices keep them (issue 13, item 9): a list of names under a
parent, kind, sector and code inferred from each name, shown in the preview and editable."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from dangbo.imports import orglists, services
from dangbo.imports.common import SheetInfo
from dangbo.imports.models import ImportRow, JobState
from dangbo.imports.orgs import OrgImporter
from dangbo.imports.schema import ORG_COLUMNS, match_header
from dangbo.orgs.models import Organisation, valid_code

TITLE = [
    ["ĐẢNG BỘ HUYỆN TAM DƯƠNG", None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    ["ĐẢNG ỦY XÃ KIM LONG", None, "Kim Long, ngày 10 tháng 01 năm 2017"],
    [None],
    ["DANH SÁCH CÁC CHI BỘ TRỰC THUỘC ĐẢNG BỘ XÃ KIM LONG"],
]
HEADER = ["STT", "Tên chi bộ", "Số đảng viên", "Ghi chú"]
VILLAGES = [
    [1, "Chi bộ thôn Đồng Bông", 31, None],
    [2, "Chi bộ thôn Gia Du", 28, None],
    [3, "Chi bộ thôn Xuân Đán", 25, None],
    [4, "Chi bộ Trường Mầm non Kim Long", 7, None],
    [5, "Chi bộ Quân sự xã Kim Long", 6, None],
]


def write_book(path, rows, *, title: str = "Danh sách"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run_list(tmp_path, rows, actor, *, options=None, commit=False, name="chi-bo.xlsx"):
    path = write_book(tmp_path / name, rows)
    job = services.create_job(actor=actor, kind="orgs", source=path, original_name=path.name)
    if options:
        job.options = options
        job.save(update_fields=["options"])
    job = services.run(job, actor=actor)
    if commit:
        job = services.run(job, commit=True, actor=actor)
    return job


def rows_of(job) -> dict[int, ImportRow]:
    return {r.row_no: r for r in ImportRow.objects.filter(job=job)}


@pytest.mark.django_db
def test_a_list_of_names_under_the_chosen_parent(tmp_path, world):
    actor = world.users["admin"]
    job = run_list(tmp_path, [HEADER, *VILLAGES], actor, options={"parent": "kim-long"})
    rows = rows_of(job)
    assert [rows[n].action for n in range(2, 7)] == ["unchanged", "unchanged", "new", "new", "new"]
    assert rows[2].label.startswith("Chi bộ thôn Đồng Bông (kl-thon-1)")
    new = rows[4]
    assert new.inferred["key"] in ("Danh sách:4", "4")  # "4": the row's sheet is "" (one sheet)
    assert new.inferred == {
        "key": new.inferred["key"],
        "kind": "sub_cell",
        "sector": "village",
        "code": "kl-thon-xuan-dan",
    }
    assert new.messages[0] == (
        "Loại: Chi bộ trực thuộc, lĩnh vực: Thôn, mã: kl-thon-xuan-dan (suy từ tên; sửa được)"
    )
    assert any(
        "Chưa rõ ngày thành lập: lấy ngày của cấp trên (01/01/1997" in m for m in new.messages
    )
    assert new.error_count == 0
    assert rows[5].inferred["sector"] == "school"
    assert rows[6].inferred["sector"] == "armed_forces"
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    org = Organisation.objects.get(code="kl-thon-xuan-dan")
    assert (org.name, org.kind, org.sector, org.parent.code) == (
        "Chi bộ thôn Xuân Đán",
        "sub_cell",
        "village",
        "kim-long",
    )
    assert org.valid_from == date(1997, 1, 1)
    assert Organisation.objects.get(code="kl-truong-mam-non-kim-long").sector == "school"


@pytest.mark.django_db
def test_importing_the_same_list_again_changes_nothing(tmp_path, world):
    actor = world.users["admin"]
    options = {"parent": "kim-long"}
    run_list(tmp_path, [HEADER, *VILLAGES], actor, options=options, commit=True)
    count = Organisation.objects.count()
    job = run_list(tmp_path, [HEADER, *VILLAGES], actor, options=options, name="lan-2.xlsx")
    rows = rows_of(job)
    assert {r.action for r in rows.values()} == {"unchanged"}
    assert {r.state for r in rows.values()} == {"unchanged"}
    assert all(r.error_count == 0 for r in rows.values())
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    assert Organisation.objects.count() == count


@pytest.mark.django_db
def test_the_parent_from_the_sheet_title(tmp_path, world):
    """Read directly with the sheet's title block, as the reader hands it to the importer."""
    path = write_book(tmp_path / "x.xlsx", [HEADER])
    importer = _importer(world.users["admin"], HEADER, title=[r[0] or "" for r in TITLE])
    assert importer.header_problems() == []
    assert any(
        "Đảng bộ xã Kim Long (kim-long), lấy từ tiêu đề" in n for n in importer.header_notes()
    )
    outcomes = importer.resolve([importer.parse(7, VILLAGES[2])], _Seen())
    assert outcomes[0].action == "new" and outcomes[0].data["parent"] == "kim-long"
    assert outcomes[0].inferred["code"] == "kl-thon-xuan-dan"
    assert path.exists()


@pytest.mark.django_db
def test_a_title_naming_the_district_puts_the_list_under_it(world):
    title = ["DANH SÁCH CÁC CHI BỘ, ĐẢNG BỘ TRỰC THUỘC ĐẢNG BỘ HUYỆN TAM DƯƠNG"]
    header = ["STT", "Tên tổ chức cơ sở đảng", "Số đảng viên", "Ghi chú"]
    importer = _importer(world.users["admin"], header, title=title)
    assert importer.header_problems() == []
    rows = [
        [1, "Đảng bộ xã Kim Long", 300, None],
        [2, "Đảng bộ xã Hoàng Đan", 250, None],
        [3, "Chi bộ Chi cục Thuế huyện", 15, None],
        [4, "Đảng bộ Công an huyện", 60, None],
    ]
    outcomes = importer.resolve([importer.parse(n, r) for n, r in enumerate(rows, 2)], _Seen())
    assert [o.action for o in outcomes] == ["unchanged", "new", "new", "new"]
    assert [(o.inferred["kind"], o.inferred["sector"]) for o in outcomes[1:]] == [
        ("grassroots_committee", "commune"),
        ("grassroots_cell", "agency"),
        ("grassroots_committee", "armed_forces"),
    ]
    assert outcomes[1].inferred["code"] == "td-xa-hoang-dan"


@pytest.mark.django_db
def test_a_title_that_names_nothing_asks_for_the_parent(world):
    importer = _importer(world.users["admin"], HEADER, title=["DANH SÁCH CHI BỘ NĂM 2017"])
    (problem,) = importer.header_problems()
    assert "không nêu tổ chức nào trong phạm vi của bạn" in problem
    assert "--parent" in problem and "Tổ chức cấp trên" in problem


@pytest.mark.django_db
def test_no_parent_anywhere_is_a_question_in_vietnamese(tmp_path, world):
    job = run_list(tmp_path, [HEADER, *VILLAGES], world.users["admin"])
    assert job.state == JobState.FAILED or "--parent" in (job.problem or "")
    assert "--parent" in job.problem and "trực thuộc tổ chức nào" in job.problem


@pytest.mark.django_db
def test_a_chosen_parent_out_of_scope_is_refused(tmp_path, world):
    job = run_list(tmp_path, [HEADER, *VILLAGES], world.users["staff"], options={"parent": "vt-xa"})
    assert "không có tổ chức mã “vt-xa” trong phạm vi của bạn" in job.problem


@pytest.mark.django_db
def test_a_parent_column_by_name(tmp_path, world):
    header = ["STT", "Tên chi bộ", "Trực thuộc Đảng bộ"]
    rows = [
        [1, "Chi bộ thôn Xuân Đán", "Đảng bộ xã Kim Long"],
        [2, "Chi bộ tổ dân phố Đông Thịnh", "Đảng ủy thị trấn Hợp Hòa"],
        [3, "Chi bộ thôn Bảo Sơn", "xã Tân Tiến"],  # out of the staff's scope
        [4, "Chi bộ thôn Mới", "hop-hoa"],
        [5, "Chi bộ thôn Lạ", "Đảng bộ xã Không Có"],
    ]
    job = run_list(tmp_path, [header, *rows], world.users["staff"])
    result = rows_of(job)
    assert result[2].inferred["code"] == "kl-thon-xuan-dan"
    assert result[3].inferred == {
        "key": result[3].inferred["key"],
        "kind": "sub_cell",
        "sector": "residential_group",
        "code": "hh-to-dan-pho-dong-thinh",
    }
    assert result[4].state == "error"
    assert (
        "Trực thuộc Đảng bộ: không có tổ chức “xã Tân Tiến” trong phạm vi" in result[4].messages[0]
    )
    assert result[5].action == "new" and result[5].inferred["code"] == "hh-thon-moi"
    assert "không có tổ chức “Đảng bộ xã Không Có”" in result[6].messages[0]
    assert result[6].error_count == 1


@pytest.mark.django_db
def test_an_ambiguous_parent_name_lists_the_candidates(tmp_path, world):
    from dangbo.orgs import services as org_services

    org_services.create_org(
        actor=None,
        code="kim-long-2",
        name="Đảng bộ xã Kim Long",
        kind="grassroots_committee",
        sector="commune",
        parent=world.orgs["tam-duong"],
        valid_from=date(2000, 1, 1),
    )
    header = ["Tên chi bộ", "Tổ chức cấp trên"]
    job = run_list(
        tmp_path, [header, ["Chi bộ thôn Mới", "Đảng bộ xã Kim Long"]], world.users["admin"]
    )
    (row,) = ImportRow.objects.filter(job=job)
    assert row.state == "error"
    assert "khớp với nhiều tổ chức" in row.messages[0]
    assert "(kim-long)" in row.messages[0] and "(kim-long-2)" in row.messages[0]


@pytest.mark.django_db
def test_generated_codes_are_unique(tmp_path, world):
    rows = [
        HEADER,
        [1, "Chi bộ thôn 1", None, None],  # "kl-thon-1" is taken (Chi bộ thôn Đồng Bông)
        [2, "Chi bộ Thôn 1 ", None, None],  # the same name again: refused, not a second org
        [3, "Chi bộ thôn Một", None, None],
        [4, "Chi bộ thôn  Một (mới)", None, None],
    ]
    job = run_list(tmp_path, rows, world.users["admin"], options={"parent": "kim-long"})
    result = rows_of(job)
    assert result[2].inferred["code"] == "kl-thon-1-2"
    assert result[3].state == "error" and "đã có ở dòng 2 trong tệp" in result[3].messages[0]
    assert result[4].inferred["code"] == "kl-thon-mot"
    assert result[5].inferred["code"] == "kl-thon-mot-moi"
    codes = [r.inferred["code"] for r in result.values() if r.action == "new"]
    assert len(set(codes)) == len(codes) and all(valid_code(c) for c in codes)
    with pytest.raises(ValidationError):  # an error row: nothing is written
        services.run(job, commit=True, actor=world.users["admin"])
    assert not Organisation.objects.filter(code="kl-thon-mot").exists()


@pytest.mark.django_db
def test_overrides_from_the_preview_are_applied(tmp_path, world):
    actor = world.users["admin"]
    options = {"parent": "kim-long", "orgs": {}}
    job = run_list(tmp_path, [HEADER, *VILLAGES], actor, options=options)
    key = "Danh sách:{}" if rows_of(job)[4].inferred["key"].startswith("Danh") else "{}"
    job.options = {
        "parent": "kim-long",
        "orgs": {
            key.format(4): {"code": "kl-xuan-dan", "sector": "Tổ dân phố"},
            key.format(5): {"kind": "sub_cell", "sector": "public_unit", "code": ""},
        },
    }
    job.save(update_fields=["options"])
    job = services.run(job, actor=actor)
    result = rows_of(job)
    assert result[4].inferred == {
        "key": key.format(4),
        "kind": "sub_cell",
        "sector": "residential_group",
        "code": "kl-xuan-dan",
    }
    assert result[4].messages[0].endswith("mã: kl-xuan-dan (suy từ tên; sửa được)")
    assert result[5].inferred["sector"] == "public_unit"
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    assert Organisation.objects.get(code="kl-xuan-dan").sector == "residential_group"
    assert Organisation.objects.get(code="kl-truong-mam-non-kim-long").sector == "public_unit"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"kind": "Loại lạ"}, "Loại tổ chức (sửa ở trang xem trước): “Loại lạ” không hợp lệ"),
        ({"sector": "zzz"}, "Loại hình (sửa ở trang xem trước): “zzz” không hợp lệ"),
        ({"code": "Mã Sai"}, "Mã tổ chức (sửa ở trang xem trước): “Mã Sai” — mã chỉ gồm"),
        ({"kind": "Đảng bộ huyện"}, "Đảng bộ huyện không thể trực thuộc Đảng bộ cơ sở"),
    ],
)
def test_a_bad_override_is_a_row_error_naming_the_field(tmp_path, world, override, message):
    actor = world.users["admin"]
    path = write_book(tmp_path / "a.xlsx", [HEADER, VILLAGES[2]], title="Sheet")
    job = services.create_job(actor=actor, kind="orgs", source=path, original_name=path.name)
    job.options = {"parent": "kim-long", "orgs": {"Sheet:2": override, "2": override}}
    job.save(update_fields=["options"])
    job = services.run(job, actor=actor)
    (row,) = ImportRow.objects.filter(job=job)
    assert row.state == "error"
    assert any(message in m for m in row.messages[: row.error_count]), row.messages


# ----------------------------------------------------------------------------- inference
@pytest.mark.parametrize(
    ("name", "parent_kind", "parent_sector", "kind", "sector", "sure"),
    [
        ("Chi bộ thôn Đồng Bông", "grassroots_committee", "commune", "sub_cell", "village", True),
        ("Chi bộ Thôn 3", "grassroots_committee", "commune", "sub_cell", "village", True),
        ("Chi bộ xóm Chùa", "grassroots_committee", "commune", "sub_cell", "village", True),
        (
            "Chi bộ khu Đồng Tâm",
            "grassroots_committee",
            "town",
            "sub_cell",
            "residential_group",
            True,
        ),
        ("Chi bộ khu Đồng Tâm", "grassroots_committee", "commune", "sub_cell", "village", True),
        (
            "Chi bộ tổ dân phố Đông Hòa",
            "grassroots_committee",
            "town",
            "sub_cell",
            "residential_group",
            True,
        ),
        ("Chi bộ TDP số 4", "grassroots_committee", "ward", "sub_cell", "residential_group", True),
        (
            "Chi bộ Cơ quan xã Kim Long",
            "grassroots_committee",
            "commune",
            "sub_cell",
            "agency",
            True,
        ),
        (
            "Chi bộ Quân sự xã Kim Long",
            "grassroots_committee",
            "commune",
            "sub_cell",
            "armed_forces",
            True,
        ),
        ("Chi bộ Công an xã", "grassroots_committee", "commune", "sub_cell", "armed_forces", True),
        (
            "Chi bộ Trường Mầm non Kim Long",
            "grassroots_committee",
            "commune",
            "sub_cell",
            "school",
            True,
        ),
        ("Chi bộ Trường THCS Hợp Hòa", "grassroots_committee", "town", "sub_cell", "school", True),
        ("Chi bộ Trạm Y tế xã", "grassroots_committee", "commune", "sub_cell", "public_unit", True),
        (
            "Chi bộ HTX Nông nghiệp",
            "grassroots_committee",
            "commune",
            "sub_cell",
            "enterprise",
            True,
        ),
        (
            "Đảng bộ xã Kim Long",
            "district_committee",
            "territorial",
            "grassroots_committee",
            "commune",
            True,
        ),
        (
            "Đảng bộ thị trấn Hợp Hòa",
            "district_committee",
            "territorial",
            "grassroots_committee",
            "town",
            True,
        ),
        (
            "Đảng bộ phường Liên Bảo",
            "district_committee",
            "territorial",
            "grassroots_committee",
            "ward",
            True,
        ),
        (
            "Đảng bộ Cơ quan Chính quyền huyện",
            "district_committee",
            "territorial",
            "grassroots_committee",
            "agency",
            True,
        ),
        (
            "Đảng bộ Công an huyện",
            "district_committee",
            "territorial",
            "grassroots_committee",
            "armed_forces",
            True,
        ),
        (
            "Đảng bộ Quân sự huyện",
            "district_committee",
            "territorial",
            "grassroots_committee",
            "armed_forces",
            True,
        ),
        (
            "Chi bộ Tòa án nhân dân huyện",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "agency",
            True,
        ),
        (
            "Chi bộ Chi cục Thuế huyện",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "agency",
            True,
        ),
        (
            "Chi bộ Trường THPT Tam Dương",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "school",
            True,
        ),
        (
            "Chi bộ Bệnh viện Đa khoa huyện",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "public_unit",
            True,
        ),
        (
            "Chi bộ Công ty TNHH Minh Phát",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "enterprise",
            True,
        ),
        (
            "Chi bộ Doanh nghiệp Hoàng Long",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "enterprise",
            True,
        ),
        (
            "Chi bộ cơ sở Điện lực Tam Dương",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "enterprise",
            True,
        ),
        (
            "Chi bộ Tham mưu",
            "grassroots_committee",
            "armed_forces",
            "sub_cell",
            "armed_forces",
            True,
        ),
        ("Chi bộ Văn phòng Huyện ủy", "grassroots_committee", "agency", "sub_cell", "agency", True),
        (
            "Chi bộ Khối Đoàn thể huyện",
            "grassroots_committee",
            "agency",
            "sub_cell",
            "agency",
            True,
        ),
        (
            "Đảng bộ bộ phận thôn Đông",
            "grassroots_committee",
            "commune",
            "branch_committee",
            "village",
            True,
        ),
        (
            "Đảng bộ Trường Đại học Sư phạm",
            "grassroots_committee",
            "school",
            "branch_committee",
            "school",
            True,
        ),
        ("Tổ đảng thôn Đông", "sub_cell", "village", "party_group", "village", True),
        (
            "Đảng bộ huyện Tam Đảo",
            "province_committee",
            "territorial",
            "district_committee",
            "territorial",
            True,
        ),
        (
            "Chi bộ thôn Đông",
            "commune_committee",
            "territorial",
            "grassroots_cell",
            "village",
            True,
        ),
        (
            "Đảng bộ xã Kim Long",
            "province_committee",
            "territorial",
            "commune_committee",
            "commune",
            True,
        ),
        (
            "Đảng bộ tỉnh Vĩnh Phúc",
            "central",
            "territorial",
            "province_committee",
            "territorial",
            True,
        ),
        ("Chi bộ Sở Tài chính", "grassroots_committee", "territorial", "sub_cell", "agency", True),
        (
            "Chi bộ Phòng Tài nguyên và Môi trường",
            "grassroots_committee",
            "agency",
            "sub_cell",
            "agency",
            True,
        ),
        (
            "Chi bộ Ngân hàng Nông nghiệp huyện",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "enterprise",
            True,
        ),
        # unsure: said as a warning, never an error
        ("Chi bộ 3", "commune_committee", "territorial", "grassroots_cell", "village", False),
        ("Chi bộ 02", "grassroots_committee", "commune", "sub_cell", "village", False),
        ("Chi bộ số 5", "grassroots_committee", "town", "sub_cell", "residential_group", False),
        ("Thôn Đồng Bông", "grassroots_committee", "commune", "sub_cell", "village", False),
        (
            "Hội Người cao tuổi",
            "district_committee",
            "territorial",
            "grassroots_cell",
            "other",
            False,
        ),
    ],
)
def test_kind_and_sector_from_the_name(name, parent_kind, parent_sector, kind, sector, sure):
    guess = orglists.infer(name, parent_kind, parent_sector)
    assert (guess.kind, guess.sector) == (kind, sector)
    assert (guess.kind_sure and guess.sector_sure) == sure


@pytest.mark.django_db
def test_an_unsure_guess_is_a_warning_asking_to_check(tmp_path, world):
    rows = [HEADER, [1, "Chi bộ 02", None, None], [2, "Thôn Gốc Gạo", None, None]]
    job = run_list(tmp_path, rows, world.users["admin"], options={"parent": "kim-long"})
    result = rows_of(job)
    assert {r.state for r in result.values()} == {"warning"}
    assert {r.error_count for r in result.values()} == {0}
    assert any(
        "Chưa chắc loại hình của “Chi bộ 02”" in m and "hãy kiểm tra" in m
        for m in result[2].messages
    )
    assert any("Chưa chắc loại tổ chức của “Thôn Gốc Gạo”" in m for m in result[3].messages)
    assert result[3].label == "Chi bộ thôn Gốc Gạo (kl-thon-goc-gao)"
    assert any("ghi là “Chi bộ thôn Gốc Gạo”" in m for m in result[3].messages)


@pytest.mark.django_db
def test_a_list_that_starts_with_its_own_committee(tmp_path, world):
    rows = [*TITLE, HEADER, [None, "ĐẢNG BỘ XÃ KIM LONG", 350, None], *VILLAGES[:3]]
    job = run_list(tmp_path, rows, world.users["admin"], options={"parent": "kim-long"})
    result = rows_of(job)
    assert result[6].action == "unchanged" and result[6].label.endswith("(kim-long)")
    assert [result[n].action for n in (7, 8, 9)] == ["unchanged", "unchanged", "new"]


@pytest.mark.django_db
def test_a_name_without_its_kind_word_finds_the_org_already_there(tmp_path, world):
    rows = [HEADER, [1, "Thôn Đồng Bông", None, None], [2, "Tổ dân phố Đông Hòa", None, None]]
    options = {"parent": "kim-long"}
    job = run_list(tmp_path, rows, world.users["admin"], options=options)
    result = rows_of(job)
    assert result[2].action == "unchanged" and result[2].label.endswith("(kl-thon-1)")
    assert result[3].action == "new"  # Đông Hòa is under Hợp Hòa, not Kim Long


def test_full_names():
    assert orglists.full_name("Thôn Gốc Gạo", "sub_cell") == "Chi bộ thôn Gốc Gạo"
    assert orglists.full_name("THÔN GỐC GẠO", "sub_cell") == "CHI BỘ THÔN GỐC GẠO"
    assert orglists.full_name("Trường Tiểu học Kim Long", "sub_cell") == (
        "Chi bộ Trường Tiểu học Kim Long"
    )
    assert orglists.full_name("Xã Hoàng Đan", "grassroots_committee") == "Đảng bộ xã Hoàng Đan"
    assert orglists.full_name("Chi bộ thôn 1", "sub_cell") == "Chi bộ thôn 1"


@pytest.mark.django_db
def test_kind_and_sector_columns_win_over_the_name(tmp_path, world):
    header = ["Tên tổ chức", "Loại tổ chức", "Loại hình", "Ngày thành lập"]
    rows = [
        header,
        ["Chi bộ Trường Mầm non Xuân", "Chi bộ trực thuộc", "Đơn vị sự nghiệp", "02/09/2005"],
    ]
    job = run_list(tmp_path, rows, world.users["admin"], options={"parent": "kim-long"})
    (row,) = ImportRow.objects.filter(job=job)
    assert row.action == "new" and row.state == "new", row.messages
    assert (
        row.inferred["sector"] == "public_unit" and row.inferred["code"] == "kl-truong-mam-non-xuan"
    )
    assert not any("Chưa rõ ngày thành lập" in m for m in row.messages)


@pytest.mark.django_db
def test_a_founding_date_chosen_for_the_whole_list(tmp_path, world):
    options = {"parent": "kim-long", "valid_from": "2016-07-01"}
    job = run_list(
        tmp_path, [HEADER, VILLAGES[2]], world.users["admin"], options=options, commit=True
    )
    assert job.state == JobState.COMMITTED
    assert any("không ghi ngày: 01/07/2016 (theo lựa chọn)" in n for n in job.notes)
    assert Organisation.objects.get(code="kl-thon-xuan-dan").valid_from == date(2016, 7, 1)


def test_codes_from_names():
    assert orglists.base_code("kim-long", "Chi bộ thôn Đồng Bông", 64) == "kl-thon-dong-bong"
    assert orglists.base_code("tam-duong", "Đảng bộ xã Kim Long", 64) == "td-xa-kim-long"
    assert orglists.base_code("central", "Đảng bộ tỉnh Vĩnh Phúc", 64) == "central-tinh-vinh-phuc"
    long = orglists.base_code("kim-long", "Chi bộ " + "Trung tâm Giáo dục " * 8, 64)
    assert valid_code(long) and len(long) <= 60
    assert orglists.unique_code("kl-a", {"kl-a", "kl-a-2"}) == "kl-a-3"
    # under a committee whose code was made in the same file: the initials of its place
    made = orglists.base_code("td-xa-hoang-dan", "Chi bộ thôn Một", 64, "tam-duong")
    assert made == "hd-thon-mot"
    assert orglists.base_code("td-chi-cuc-thue", "Tổ đảng 1", 64, "tam-duong") == "cct-1"


@pytest.mark.django_db
def test_a_new_committee_and_its_cells_in_one_file(tmp_path, world):
    header = ["Tên tổ chức", "Trực thuộc"]
    rows = [
        header,
        ["Đảng bộ xã Hoàng Đan", "Đảng bộ huyện Tam Dương"],
        ["Chi bộ thôn Một", "Đảng bộ xã Hoàng Đan"],
        ["Chi bộ Trường Tiểu học Hoàng Đan", "xã Hoàng Đan"],
    ]
    actor = world.users["admin"]
    job = run_list(tmp_path, rows, actor, commit=True)
    assert job.state == JobState.COMMITTED, job.problem
    commune = Organisation.objects.get(code="td-xa-hoang-dan")
    assert (commune.kind, commune.sector) == ("grassroots_committee", "commune")
    school = Organisation.objects.get(code="hd-truong-tieu-hoc-hoang-dan")
    assert (school.kind, school.sector, school.parent) == ("sub_cell", "school", commune)
    assert Organisation.objects.get(code="hd-thon-mot").parent == commune


def test_the_header_of_an_office_list_is_recognised():
    for name in (
        "Tên tổ chức cơ sở đảng",
        "Tên TCCS đảng",
        "Tên chi bộ",
        "Tên đảng bộ",
        "Đơn vị",
        "Chi bộ, đảng bộ",
        "Tên chi bộ trực thuộc",
    ):
        matched = match_header(["STT", name, "Số đảng viên", "Ghi chú"], ORG_COLUMNS)
        assert matched.positions == {"name": 1}, name


# ----------------------------------------------------------------------------- helpers
class _Seen:
    def add(self, kind, value):
        pass


def _importer(actor, header, *, title=(), options=None, sheet="Danh sách"):
    matched = match_header(header, ORG_COLUMNS)
    return OrgImporter(
        actor=actor,
        positions=matched.positions,
        labels={k: header[p] for k, p in matched.positions.items()},
        job_id=None,
        file_name="x.xlsx",
        today=date(2026, 1, 1),
        options=options or {},
        sheet=SheetInfo(sheet, tuple(title)),
    )


@pytest.mark.django_db
def test_rows_under_a_group_heading_go_under_the_org_it_names(world):
    title = ["DANH SÁCH CÁC CHI BỘ TRỰC THUỘC ĐẢNG BỘ HUYỆN TAM DƯƠNG"]
    importer = _importer(world.users["admin"], HEADER, title=title)
    assert importer.header_problems() == []

    def row(row_no, name, heading):
        importer.group = heading  # as the reader sets it before each row
        return importer.parse(row_no, [row_no, name, None, None])

    outcomes = importer.resolve(
        [
            row(6, "Chi bộ thôn Xuân Đán", "Đảng bộ xã Kim Long"),
            row(8, "Chi bộ tổ dân phố Đông Thịnh", "ĐẢNG BỘ THỊ TRẤN HỢP HÒA"),
            row(10, "Chi bộ Kho bạc Nhà nước huyện", "CHI BỘ CƠ SỞ"),
            row(12, "Chi bộ thôn Gốc Gạo", "Đảng bộ xã Hoàng Đan"),
            row(14, "Chi bộ thôn Gốc Gạo", "Chi bộ thôn Đồng Bông"),
        ],
        _Seen(),
    )
    assert [o.inferred.get("code") for o in outcomes[:3]] == [
        "kl-thon-xuan-dan",
        "hh-to-dan-pho-dong-thinh",
        "td-kho-bac-nha-nuoc-huyen",
    ]
    assert outcomes[2].inferred["kind"] == "grassroots_cell"
    assert outcomes[3].state == "error"
    assert "Tiêu đề nhóm “Đảng bộ xã Hoàng Đan”: chưa có tổ chức này" in outcomes[3].messages[0]
    assert "hãy ghi số thứ tự (STT) cho dòng ấy" in outcomes[4].messages[0]
    assert [o.error_count for o in outcomes[3:]] == [1, 1]


@pytest.mark.django_db
def test_headings_without_a_title_parent_are_enough(world):
    importer = _importer(world.users["admin"], HEADER)
    assert "--parent" in importer.header_problems()[0]
    importer.group = "Đảng bộ xã Kim Long"
    assert importer.header_problems() == []


@pytest.mark.django_db
def test_an_office_list_with_its_title_block_goes_in_as_is(tmp_path, world):
    """The whole path: title block, header, list, footer; the parent read from the title."""
    footer = [[None], [None, "Người lập biểu"], [None, "Nguyễn Văn Bình"]]
    rows = [*TITLE, HEADER, *VILLAGES, *footer]
    actor = world.users["admin"]
    job = run_list(tmp_path, rows, actor, name="danh-sach-chi-bo.xlsx")
    assert not job.problem, job.problem
    result = rows_of(job)
    assert [r.action for r in result.values()] == ["unchanged", "unchanged", "new", "new", "new"]
    assert any("Đảng bộ xã Kim Long (kim-long), lấy từ tiêu đề" in n for n in job.notes)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    assert Organisation.objects.get(code="kl-thon-xuan-dan").parent.code == "kim-long"
    again = run_list(tmp_path, rows, actor, name="lan-2.xlsx")
    assert {r.action for r in rows_of(again).values()} == {"unchanged"}


@pytest.mark.django_db
def test_one_sheet_per_commune(tmp_path, world):
    """A workbook with a sheet per commune: each sheet's title names its parent; a code made
    on one sheet is not made again on the next."""
    book = Workbook()
    first = book.active
    first.title = "Kim Long"
    for row in (["DANH SÁCH CHI BỘ TRỰC THUỘC ĐẢNG BỘ XÃ KIM LONG"], HEADER, [1, "Chi bộ Khu Mới"]):
        first.append(row)
    second = book.create_sheet("Hợp Hòa")
    for row in (
        ["DANH SÁCH CHI BỘ TRỰC THUỘC ĐẢNG BỘ THỊ TRẤN HỢP HÒA"],
        HEADER,
        [1, "Chi bộ Khu Mới"],
        [2, "Chi bộ tổ dân phố Đông Hòa"],
    ):
        second.append(row)
    path = tmp_path / "to-chuc.xlsx"
    book.save(path)
    actor = world.users["admin"]
    job = services.create_job(actor=actor, kind="orgs", source=path, original_name=path.name)
    job = services.run(job, actor=actor)
    assert not job.problem, job.problem
    result = {(r.sheet, r.row_no): r for r in ImportRow.objects.filter(job=job)}
    assert result[("Kim Long", 3)].inferred["code"] == "kl-khu-moi"
    assert result[("Kim Long", 3)].inferred["sector"] == "village"
    assert result[("Hợp Hòa", 3)].inferred["code"] == "hh-khu-moi"
    assert result[("Hợp Hòa", 3)].inferred["sector"] == "residential_group"
    assert result[("Hợp Hòa", 4)].action == "unchanged"
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    assert Organisation.objects.get(code="hh-khu-moi").parent.code == "hop-hoa"


def test_the_demo_districts_names_give_its_kinds_and_sectors():
    """Every organisation of the demo district (299 names as offices write them) inferred
    from its name and its parent: the demo's kind and sector, except that police and military
    committees are armed forces here (the demo files them as agencies)."""
    from dangbo.demo import tamduong

    builder = tamduong._Builder(tamduong.SEED)
    builder.build_orgs()
    orgs = builder.orgs
    armed = {"cong-an-huyen", "quan-su-huyen"}
    wrong = []
    for org in orgs.values():
        if org.parent is None:
            continue
        parent = orgs[org.parent]
        parent_sector = "armed_forces" if parent.code in armed else parent.sector
        guess = orglists.infer(org.name, parent.kind, parent_sector)
        sector = "armed_forces" if org.code in armed or org.parent in armed else org.sector
        if (guess.kind, guess.sector) != (org.kind, sector) or not guess.kind_sure:
            wrong.append((org.name, guess))
    assert len(orgs) > 250 and not wrong


@pytest.mark.django_db
def test_the_command_takes_the_parent_by_name(tmp_path, world):
    from io import StringIO

    from django.core.management import call_command

    path = write_book(tmp_path / "chi-bo.xlsx", [HEADER, *VILLAGES])
    out = StringIO()
    call_command(
        "import",
        "orgs",
        str(path),
        "--commit",
        "--user",
        "admin",
        "--parent",
        "Đảng bộ xã Kim Long",
        "--no-progress",
        stdout=out,
        stderr=StringIO(),
    )
    assert Organisation.objects.get(code="kl-thon-xuan-dan").parent.code == "kim-long"
    assert "kl-thon-xuan-dan" in out.getvalue()


@pytest.mark.django_db
def test_a_code_typed_in_the_preview_is_kept_for_its_row(tmp_path, world):
    actor = world.users["admin"]
    rows = [HEADER, VILLAGES[2], VILLAGES[3], [9, "Chi bộ thôn Gò", None, None]]
    path = write_book(tmp_path / "a.xlsx", rows, title="Sheet")
    job = services.create_job(actor=actor, kind="orgs", source=path, original_name=path.name)
    job.options = {
        "parent": "kim-long",
        # row 2 takes the code row 4 would have been given; row 3 repeats row 2's
        "orgs": {"2": {"code": "kl-thon-go"}, "3": {"code": "kl-thon-go"}},
    }
    job.save(update_fields=["options"])
    job = services.run(job, actor=actor)
    result = rows_of(job)
    assert result[2].inferred["code"] == "kl-thon-go" and result[2].action == "new"
    assert result[3].state == "error"
    assert "mã “kl-thon-go” đã dùng cho “Chi bộ thôn Xuân Đán” trong tệp" in result[3].messages[0]
    assert result[4].inferred["code"] == "kl-thon-go-2"
