"""Acceptance of issue 13: rolls as offices keep them, imported as a new user would.

Each file is written by ``office.py`` in one of its ``LAYOUTS`` (title block, one to three
header rows with merged parents and tick columns, the column-number row, footer, heading
rows per cell or per status, one sheet per cell with a summary and a hidden lookup sheet,
the name over two columns, lists pasted one under another…) and formats (.xlsx, .xls,
.ods, CSV and text exports; Unicode, TCVN3 and VNI fonts, Windows-1258). For every file:
the preview recognises every member and nothing else, says what it skipped, asks only what
it cannot know; the commit writes the right data and status; a second import of the same
file (or of another office's copy in an old font) changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState
from dangbo.members.models import Member

from . import office

pytestmark = pytest.mark.django_db

FORMATS = ("xlsx", "xls", "ods", "csv")
THEORY = {None: "", "Sơ cấp": "elementary", "Trung cấp": "intermediate", "Cao cấp": "advanced"}
CASES = [
    pytest.param(name, fmt, id=f"{name}.{fmt}")
    for name, layout in office.LAYOUTS.items()
    for fmt in FORMATS
    if not (layout.only_workbooks and fmt == "csv")  # a CSV: one sheet, no merged cells
]
LEGACY_CASES = [
    pytest.param(name, fmt, encoding, id=f"{name}.{encoding}.{fmt}")
    for name in office.LAYOUTS
    for fmt, encoding in (("xlsx", "tcvn3"), ("xls", "tcvn3"), ("xlsx", "vni"), ("ods", "vni"))
] + [
    pytest.param(name, "csv", encoding, id=f"{name}.{encoding}.csv")
    for name in ("mot-dong", "trich-ngang")
    for encoding in ("tcvn3", "vni", "cp1258")
]


@pytest.fixture
def actor(world):
    """The district's administrator, with a third cell under Kim Long whose name has the
    "Quỳnh" syllable legacy converters miss."""
    from dangbo.orgs import services as orgs

    orgs.create_org(
        actor=None,
        code="kl-thon-3",
        name="Chi bộ thôn Quỳnh Lâm",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(1997, 1, 1),
    )
    return world.users["admin"]


def _preview(path, actor):
    job = services.create_job(actor=actor, kind="members", source=path, original_name=path.name)
    return services.run(job, actor=actor)


def _rows(job) -> list[ImportRow]:
    return list(ImportRow.objects.filter(job=job).order_by("sheet", "row_no"))


def _problems(job) -> str:
    """What the preview said, for an assertion's message."""
    lines = [f"state={job.state} problem={job.problem!r} counts={job.counts}"]
    lines += [f"note: {n}" for n in job.notes]
    lines += [f"question: {q}" for q in job.questions]
    for row in _rows(job):
        if row.state in ("error", "warning") or row.action != "new":
            lines.append(f"{row.sheet}:{row.row_no} {row.state}/{row.action}: {row.messages}")
    return "\n".join(lines[:60])


def _check_preview(job, layout, grids):
    """Every member's row and nothing else, no error, each skipped part said."""
    assert job.state == JobState.PREVIEWED, _problems(job)
    rows = _rows(job)
    assert not [r for r in rows if r.state == "error"], _problems(job)
    several = len([g for g in grids if g.data_rows]) > 1
    expected = {(g.name if several else "", n) for g in grids for n in g.data_rows}
    found = {(r.sheet, r.row_no) for r in rows if r.action == "new"}
    assert found == expected, _problems(job)
    assert len(rows) == len(expected), _problems(job)  # no title, number or footer row
    notes = " ; ".join(job.notes)
    if layout.title:
        assert "tiêu đề, bỏ qua" in notes, notes
    if layout.numbers:
        assert "số thứ tự cột, bỏ qua" in notes, notes
    if layout.footer:
        assert "chân trang, bỏ qua" in notes, notes
    if layout.summary:
        assert "Tổng hợp" in notes and "không phải danh sách" in notes, notes


def _answer(job, layout, members):
    """The one question a file without "Ngày chính thức" raises, answered "official"."""
    keys = [q["key"] for q in job.unanswered]
    if layout.has_recognition or (layout.has_status and not keys):
        assert keys == [], _problems(job)
        return job
    assert keys == ["unknown_recognition"], _problems(job)
    question = job.questions[0]
    old = [m for m in members if m["official"]]
    assert question["count"] == len(old), question
    job.options = {**job.options, "unknown_recognition": "official"}
    job.save(update_fields=["options"])
    return job


def _check_members(layout, members):
    for m in members:
        found = Member.objects.filter(full_name=m["name"], date_of_birth=m["born"])
        assert found.count() == 1, (m["name"], list(Member.objects.values_list("full_name")))
        member = found.get()
        assert member.org.code == m["code"], m["name"]
        assert member.gender == ("F" if m["gender"] == "Nữ" else "M"), m["name"]
        assert member.admission_decision_date == m["admitted"], m["name"]
        if m["official"] is None:
            assert member.status == "probationary", m["name"]
        elif layout.has_recognition:
            assert member.status == "official", m["name"]
            assert member.official_recognition_date == m["official"], m["name"]
        else:
            assert member.status == "official", m["name"]
            assert member.official_recognition_date is None and member.recognition_unknown
        if m.get("id_number") and any("CCCD" in c.path[0] for c in layout.columns):
            assert member.id_number == m["id_number"], m["name"]
        card_columns = [c.path[0] for c in layout.columns if "thẻ" in c.path[0]]
        if m.get("card") and card_columns:
            card, _, record = m["card"].partition(" ")
            assert member.card_number == card.replace(".", ""), m["name"]
            if record and "lý lịch" in card_columns[0]:
                assert member.record_number == record, m["name"]
        headers = [" / ".join(c.path) for c in layout.columns]
        if any("Văn hóa" in h or "văn hóa" in h for h in headers):
            assert member.education == m.get("education", ""), m["name"]
        if any("LLCT" in h or "Lý luận" in h for h in headers):
            assert member.political_theory == THEORY[m.get("theory")], m["name"]
        if "Nghề nghiệp" in headers:
            want = "Hưu trí" if m["born"].year < 1965 else "Nông dân"
            assert member.occupation == want, m["name"]
        if any(c.path[0] == "Dân tộc" for c in layout.columns):
            assert member.ethnicity == m.get("ethnicity", "Kinh"), m["name"]
        if m.get("home_town") and any(c.path[0] == "Quê quán" for c in layout.columns):
            assert member.home_town == m["home_town"], m["name"]


def _import_twice(path, layout, grids, actor, members=office.MEMBERS):
    job = _preview(path, actor)
    _check_preview(job, layout, grids)
    job = _answer(job, layout, members)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, _problems(job)
    _check_members(layout, members)

    again = _preview(path, actor)
    assert again.state == JobState.PREVIEWED, _problems(again)
    rows = _rows(again)
    assert len(rows) == len(members), _problems(again)
    assert {r.action for r in rows} == {"unchanged"}, _problems(again)
    assert not again.counts.get("new") and not again.errors, _problems(again)
    assert again.unanswered == [], _problems(again)  # nothing new: nothing to ask
    return job


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_office_roll_imports_once_and_again_unchanged(tmp_path, actor, name, fmt):
    layout = office.LAYOUTS[name]
    path = tmp_path / f"danh-sach-dang-vien.{fmt}"
    grids = office.write(path, layout)
    _import_twice(path, layout, grids, actor)


@pytest.mark.parametrize(("name", "fmt", "encoding"), LEGACY_CASES)
def test_legacy_font_roll_gives_every_name_exactly(tmp_path, actor, name, fmt, encoding):
    layout = office.LAYOUTS[name]
    path = tmp_path / f"ds-{encoding}.{fmt}"
    grids = office.write(path, layout, encoding=encoding)
    _import_twice(path, layout, grids, actor)
    names = set(Member.objects.values_list("full_name", flat=True))
    assert {m["name"] for m in office.MEMBERS} <= names


def test_one_sheet_per_cell_brings_every_member_and_names_the_summary(tmp_path, actor):
    layout = office.LAYOUTS["moi-chi-bo-mot-trang"]
    path = tmp_path / "theo-chi-bo.xlsx"
    grids = office.write(path, layout)
    job = _preview(path, actor)
    _check_preview(job, layout, grids)
    by_name = {s["name"]: s for s in job.sheets}
    assert by_name["Tổng hợp"]["status"] == "not_roll", job.sheets
    assert by_name["Danh mục"]["status"] != "read", job.sheets  # the hidden lookup lists
    for grid in grids[1:-1]:
        assert by_name[grid.name]["status"] == "read", job.sheets
        assert by_name[grid.name]["count"] == len(grid.members), job.sheets
    assert {r.sheet for r in _rows(job)} == {g.name for g in grids[1:-1]}


def test_look_alike_d_is_stored_as_the_vietnamese_letter(tmp_path, actor):
    path = tmp_path / "mot-dong.xlsx"
    office.write(path, office.LAYOUTS["mot-dong"])
    job = _preview(path, actor)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, _problems(job)
    member = Member.objects.get(date_of_birth=date(1971, 4, 9))
    assert member.full_name == "Nguyễn Đình Nhuận"
    assert "nguyen dinh nhuan" in member.search_name


def test_command_line_asks_then_commits_with_the_answer(tmp_path, actor, capsys):
    layout = office.LAYOUTS["theo-chi-bo"]
    path = tmp_path / "theo-chi-bo.xls"
    office.write(path, layout)
    with pytest.raises(SystemExit):  # a commit that needs the answer stops and says so
        call_command("import", "members", str(path), "--commit", "--user", "admin", "--no-progress")
    said = capsys.readouterr()
    assert "Ngày chính thức" in said.out + said.err
    assert not Member.objects.filter(full_name="Lê Văn Hùng").exists()
    call_command(
        "import",
        "members",
        str(path),
        "--commit",
        "--user",
        "admin",
        "--unknown-recognition",
        "official",
        "--no-progress",
    )
    _check_members(layout, office.MEMBERS)
    capsys.readouterr()
    call_command("import", "members", str(path), "--user", "admin", "--no-progress")
    said = capsys.readouterr().out
    assert f"Không đổi: {len(office.MEMBERS)}" in said, said  # each row's action
    assert "Thêm mới: 0" in said and "Lỗi: 0" in said, said


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_members_form_beside_the_roll_is_said_not_a_roll(tmp_path, actor, fmt):
    """A "Phiếu đảng viên" (one person, label and value per line) is a form: its sheet is
    named as not a roll, the roll beside it goes in."""
    layout = office.LAYOUTS["mot-dong"]
    path = tmp_path / f"phieu-va-danh-sach.{fmt}"
    roll = office.sheets(layout, office.MEMBERS)
    grids = office.write_grids(path, [office.member_form(office.MEMBERS[0]), *roll])
    job = _preview(path, actor)
    _check_preview(job, layout, grids)
    by_name = {s["name"]: s for s in job.sheets}
    assert by_name["Phiếu đảng viên"]["status"] == "not_roll", job.sheets
    assert "không phải danh sách" in " ; ".join(job.notes)


def test_a_file_holding_only_a_form_says_so_in_vietnamese(tmp_path, actor):
    path = tmp_path / "phieu.xlsx"
    office.write_grids(path, [office.member_form(office.MEMBERS[1])])
    job = _preview(path, actor)
    assert job.state == JobState.FAILED, _problems(job)
    assert "Họ và tên" in job.problem, job.problem  # says which columns a roll needs
    assert not ImportRow.objects.filter(job=job).exists()
    assert not Member.objects.filter(full_name=office.MEMBERS[1]["name"]).exists()


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("xls", "tcvn3"), ("ods", "vni"), ("csv", "tcvn3"), ("csv", "cp1258")]
)
def test_the_same_roll_again_in_another_font_changes_nothing(tmp_path, actor, fmt, encoding):
    """Imported from the Unicode .xlsx, then the copy another office kept in an old font:
    every member is found again (names matched across encodings), nothing new."""
    layout = office.LAYOUTS["mot-dong"]
    first = tmp_path / "danh-sach.xlsx"
    grids = office.write(first, layout)
    job = _preview(first, actor)
    _check_preview(job, layout, grids)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, _problems(job)

    copy = tmp_path / f"ban-cu.{fmt}"
    office.write(copy, layout, encoding=encoding)
    again = _preview(copy, actor)
    assert again.state == JobState.PREVIEWED, _problems(again)
    rows = _rows(again)
    assert len(rows) == len(office.MEMBERS), _problems(again)
    assert {r.action for r in rows} == {"unchanged"}, _problems(again)


def test_cells_named_alike_in_two_communes_are_told_apart_by_the_title(tmp_path, actor, world):
    """Every commune has its "Chi bộ số 1": the roll says "Chi bộ 01", its title names the
    commune ("ĐẢNG ỦY XÃ KIM LONG"), so the district's user gets Kim Long's cell."""
    from dangbo.orgs import services as orgs

    for code, parent in (("kl-so-1", "kim-long"), ("hh-so-1", "hop-hoa")):
        orgs.create_org(
            actor=None,
            code=code,
            name="Chi bộ số 1",
            kind="sub_cell",
            sector="residential_group",
            parent=world.org(parent),
            valid_from=date(1997, 1, 1),
        )
    members = [{**m, "cell": "Chi bộ 01", "code": "kl-so-1"} for m in office.MEMBERS[:3]]
    layout = office.LAYOUTS["mot-dong"]
    path = tmp_path / "chi-bo-01.xlsx"
    grids = office.write(path, layout, members)
    job = _preview(path, actor)
    _check_preview(job, layout, grids)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, _problems(job)
    for m in members:
        assert Member.objects.get(full_name=m["name"]).org.code == "kl-so-1"


@pytest.mark.parametrize(
    ("suffix", "encoding"),
    [("csv", "utf-8"), ("csv", "semicolon"), ("txt", "utf-16")],
    ids=["utf8-no-bom", "semicolons", "excel-unicode-text"],
)
def test_text_exports_of_the_roll(tmp_path, actor, suffix, encoding):
    """What "Save as" gives on office computers: UTF-8 without a BOM, ";" as the list
    separator, Excel's "Unicode Text" (UTF-16, tabs)."""
    layout = office.LAYOUTS["trich-ngang"]
    path = tmp_path / f"danh-sach.{suffix}"
    grids = office.write(path, layout, encoding=encoding)
    _import_twice(path, layout, grids, actor)


def test_an_export_that_declares_its_sheet_a_single_cell(tmp_path, actor):
    """Export programs often write <dimension ref="A1"/> for the whole sheet: every row is
    read all the same."""
    layout = office.LAYOUTS["trich-ngang"]
    path = tmp_path / "xuat.xlsx"
    grids = office.write(path, layout)
    office.declare_one_cell(path)
    _import_twice(path, layout, grids, actor)


@pytest.mark.parametrize("name", ["trich-ngang", "ba-dong-danh-dau", "theo-chi-bo"])
def test_a_roll_of_one_member(tmp_path, actor, name):
    """A new cell's roll holds a single member: the one data row is not taken for a
    number row, a sub-header or a footer."""
    layout = office.LAYOUTS[name]
    path = tmp_path / "mot-nguoi.xlsx"
    members = office.MEMBERS[1:2]
    grids = office.write(path, layout, members)
    _import_twice(path, layout, grids, actor, members)


@pytest.mark.parametrize(("name", "fmt"), [("mot-dong", "xlsx"), ("theo-chi-bo", "csv")])
def test_a_large_roll_with_namesakes(tmp_path, actor, name, fmt):
    """240 members, no card or ID number, namesakes in the same cell: each its own member,
    and the second import finds every one again by name, birth date and cell."""
    members = office.many_members(240)
    names = [(m["name"], m["code"]) for m in members]
    assert len(set(names)) < len(names)  # namesakes in one cell
    layout = office.LAYOUTS[name]
    path = tmp_path / f"lon.{fmt}"
    grids = office.write(path, layout, members)
    _import_twice(path, layout, grids, actor, members)


def test_the_communes_own_staff_imports_its_roll(tmp_path, actor, world):
    """The commune's organisation officer (scope: Kim Long only) imports the commune's
    workbook: the cells are found within that scope."""
    layout = office.LAYOUTS["moi-chi-bo-mot-trang"]
    path = tmp_path / "kim-long.xlsx"
    grids = office.write(path, layout)
    _import_twice(path, layout, grids, world.users["sensitive_staff"])


@pytest.mark.parametrize("encoding", ["tcvn3", "unicode"])
def test_names_written_in_capitals(tmp_path, actor, encoding):
    """Some offices write every name in capitals; in TCVN3 that is the .VnTimeH font over
    lower-case codes ("lª v¨n hïng" drawn as LÊ VĂN HÙNG): stored as the office sees it."""
    members = [
        {**{k: v for k, v in m.items() if k != "typed"}, "name": m["name"].upper()}
        for m in office.MEMBERS
    ]
    layout = office.LAYOUTS["mot-dong"]
    path = tmp_path / "chu-in-hoa.xlsx"
    grids = office.write(path, layout, members, encoding=encoding)
    _import_twice(path, layout, grids, actor, members)


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("xlsx", "vni"), ("xlsx", "tcvn3"), ("xls", "vni"), ("ods", "tcvn3")]
)
def test_old_rows_pasted_into_a_unicode_template(tmp_path, actor, fmt, encoding):
    """A new template (Unicode title and header) filled by pasting the members' rows from an
    old file: only the data is in the legacy font."""
    layout = office.LAYOUTS["trich-ngang"]
    path = tmp_path / f"mau-moi.{fmt}"
    grids = office.write(path, layout, encoding=encoding, rows="data")
    _import_twice(path, layout, grids, actor)


@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", "tcvn3"), ("xls", "vni"), ("ods", "tcvn3")])
def test_a_roll_kept_for_years_old_rows_legacy_new_rows_unicode(tmp_path, actor, fmt, encoding):
    """Every other member typed before Unicode, the others since: each name exact, the
    column's detected encoding never applied to a Unicode cell."""
    layout = office.LAYOUTS["mot-dong"]
    path = tmp_path / f"nhieu-nam.{fmt}"
    grids = office.write(path, layout, encoding=encoding, rows="alternate")
    _import_twice(path, layout, grids, actor)


def test_status_ticked_official_or_probationary_is_the_status_written(tmp_path, actor):
    """A roll without recognition dates that ticks each member "Chính thức" or "Dự bị":
    a member admitted 14 months ago and still ticked "Dự bị" (recognition overdue) stays
    probationary whatever the answer about unknown recognition dates."""
    late = {
        "name": "Trịnh Văn Tú",
        "gender": "Nam",
        "born": date(1994, 3, 8),
        "cell": "Chi bộ thôn Gia Du",
        "code": "kl-thon-2",
        "admitted": office.TODAY - timedelta(days=425),
        "official": None,
    }
    members = [*office.MEMBERS, late]
    layout = office.LAYOUTS["tick-chinh-thuc"]
    path = tmp_path / "danh-dau-chinh-thuc.xlsx"
    grids = office.write(path, layout, members)
    job = _preview(path, actor)
    _check_preview(job, layout, grids)
    if job.unanswered:
        job.options = {**job.options, "unknown_recognition": "official"}
        job.save(update_fields=["options"])
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, _problems(job)
    for m in members:
        member = Member.objects.get(full_name=m["name"], date_of_birth=m["born"])
        want = "official" if m["official"] else "probationary"
        assert member.status == want, m["name"]
