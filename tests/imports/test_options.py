"""The user's corrections of a preview (issue 13): sheets, header row, last row, answers,
organisation overrides — checked by ``options.clean_options``, applied by
``services.reconfigure`` on the web page, the API and the command line alike."""

import importlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.urls import reverse
from openpyxl import Workbook

from dangbo.core.errors import messages_of
from dangbo.core.services import issue_token
from dangbo.imports import services
from dangbo.imports.models import ImportJob, ImportRow, JobState
from dangbo.imports.options import clean_options

from .files import MEMBER_HEADER

pytestmark = pytest.mark.django_db

MEMBER = [
    "1",
    "Ngô Văn Mới",
    "Nam",
    "01/01/1990",
    "kl-thon-2",
    "87654321",
    "01/02/2015",
    "01/02/2016",
    "",
]
SECOND = ["2", "Lý Thị Năm", "Nữ", "05/06/1985", "kl-thon-1", "", "01/02/2015", "01/02/2016", ""]
# Words of a title block that a detector may take for a header: "Họ và tên" in a sentence.
TITLE = [
    ["ĐẢNG BỘ XÃ KIM LONG", None, None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    ["DANH SÁCH ĐẢNG VIÊN"],
    ["(Họ và tên, Ngày sinh, Giới tính, Chi bộ)"],
    [],
]


def roll_xlsx(path, *, title=TITLE, sheets=None):
    """A workbook: the roll (title block, header, two members) on "Thôn 2", and a notes
    sheet that is not a roll."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Thôn 2"
    for row in [*title, MEMBER_HEADER, MEMBER, SECOND]:
        sheet.append(row)
    notes = book.create_sheet("Ghi chú")
    notes.append(["Danh sách lập ngày 01/01/2024"])
    book.save(path)
    return path


def make_job(tmp_path, world, who="staff", *, name="dv.xlsx", run=True):
    path = roll_xlsx(tmp_path / name)
    job = services.create_job(
        actor=world.users[who], kind="members", source=path, original_name=name
    )
    if run:
        job = services.run(job, commit=False, actor=world.users[who])
    return job


def with_sheets(job, rows=7):
    """The sheets table as the reader fills it (set by hand: these tests are about options)."""
    job.sheets = [
        {
            "name": "Thôn 2",
            "rows": rows,
            "status": "read",
            "header_row": 5,
            "header_rows": 1,
            "data_first": 6,
            "data_last": 7,
            "footer": None,
            "columns": MEMBER_HEADER,
            "count": 2,
        },
        {"name": "Ghi chú", "rows": 1, "status": "not_roll", "reason": "Không có dòng tiêu đề."},
    ]
    job.save(update_fields=["sheets"])
    return job


def errors_of(job, data, actor=None):
    with pytest.raises(ValidationError) as caught:
        clean_options(job, data, actor=actor)
    return messages_of(caught.value)


# -- clean_options: each field, bad input -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"sheets": ["Thôn 9"]}, "sheets", ["Trang:", "“Thôn 9”", "“Thôn 2”", "“Ghi chú”"]),
        ({"sheets": []}, None, None),
        ({"sheets": 5}, "sheets", ["Trang:"]),
        ({"header_row": {"Thôn 2": "abc"}}, "header_row", ["Dòng tiêu đề:", "“abc”"]),
        ({"header_row": {"Thôn 2": 0}}, "header_row", ["Dòng tiêu đề:", "từ 1"]),
        ({"header_row": {"Thôn 2": 99}}, "header_row", ["Dòng tiêu đề:", "dòng 99", "7 dòng"]),
        ({"header_row": "Không có:3"}, "header_row", ["Dòng tiêu đề:", "“Không có”"]),
        ({"last_row": {"Thôn 2": -2}}, "last_row", ["Dòng cuối:"]),
        ({"last_row": {"Thôn 2": 3}}, "last_row", ["Dòng cuối", "dòng 3", "(5)"]),
        ({"last_row": "Thôn 2:2", "header_row": "Thôn 2:4"}, "last_row", ["Dòng cuối"]),
        ({"unknown_recognition": "maybe"}, "unknown_recognition", ["“maybe”", "official"]),
        ({"parent": "Không có tổ chức này"}, "parent", ["Tổ chức cấp trên:", "không tìm thấy"]),
        ({"orgs": {"12": {"kind": "castle"}}}, "orgs", ["Tổ chức:", "dòng 12", "“castle”"]),
        ({"orgs": {"12": {"sector": "space"}}}, "orgs", ["lĩnh vực “space”"]),
        ({"orgs": {"12": {"code": "Mã Có Dấu"}}}, "orgs", ["mã “Mã Có Dấu”"]),
        ({"orgs": {"abc": {"code": "x"}}}, "orgs", ["“abc”"]),
        ({"orgs": {"12": {"name": "x"}}}, "orgs", ["chỉ sửa được"]),
        ({"colour": "red"}, "__all__", ["“colour”"]),
        ({"valid_from": "31/02/2016"}, "valid_from", ["Ngày thành lập"]),
        ({"valid_from": "01/01/2999"}, "valid_from", ["Ngày thành lập", "tương lai"]),
    ],
)
def test_bad_values_name_their_field(tmp_path, world, data, field, words):
    job = with_sheets(make_job(tmp_path, world, run=False))
    if field is None:  # an empty choice of sheets drops the option
        assert clean_options(job, data) == {"sheets": None}
        return
    found = errors_of(job, data, world.users["staff"])
    assert field in found, found
    for word in words:
        assert word in found[field][0], found


def test_good_values_are_cleaned(tmp_path, world):
    job = with_sheets(make_job(tmp_path, world, run=False))
    cleaned = clean_options(
        job,
        {
            "sheets": "thon 2, Ghi chú",
            "header_row": "5",
            "last_row": "thôn 2:7",
            "unknown_recognition": "official",
            "parent": "Đảng bộ xã Kim Long",
            "valid_from": "1.7.2016",
            "orgs": {"Thôn 2:6": {"kind": "grassroots_cell", "sector": "village", "code": "kl-x"}},
        },
        actor=world.users["staff"],
    )
    assert cleaned["sheets"] == ["Thôn 2", "Ghi chú"]
    assert cleaned["header_row"] == {"Thôn 2": 5} and cleaned["last_row"] == {"Thôn 2": 7}
    assert cleaned["unknown_recognition"] == "official"
    assert cleaned["parent"] == world.orgs["kim-long"].code
    assert cleaned["orgs"]["Thôn 2:6"]["code"] == "kl-x"
    assert cleaned["valid_from"] == "2016-07-01"


def test_parent_must_be_changeable_by_the_actor(tmp_path, world):
    job = with_sheets(make_job(tmp_path, world, run=False))
    found = errors_of(job, {"parent": "Đảng bộ xã Kim Long"}, world.users["outsider"])
    assert found["parent"][0].startswith("Tổ chức cấp trên:")


# -- reconfigure and sheet_head -----------------------------------------------------------


def test_sheet_head_shows_the_first_rows(tmp_path, world):
    job = make_job(tmp_path, world)
    head = services.sheet_head(job, "Thôn 2", rows=6)
    assert len(head) == 6 and head[0][0] == "ĐẢNG BỘ XÃ KIM LONG"
    assert head[3] == [""] * len(head[3])  # the blank row is kept: row numbers stay right
    assert head[4][:2] == ["STT", "Họ và tên"] and head[5][1] == "Ngô Văn Mới"
    assert len(head[4]) <= services.HEAD_COLUMNS
    with pytest.raises(ValidationError):
        services.sheet_head(job, "Không có", rows=5)
    services.stored_path(job).unlink()
    with pytest.raises(ValidationError) as caught:
        services.sheet_head(job, "Thôn 2")
    assert "không còn" in str(caught.value)


def test_sheet_head_of_a_csv(tmp_path, world):
    path = tmp_path / "dv.csv"
    path.write_bytes(
        ("DANH SÁCH\n\n" + ",".join(MEMBER_HEADER) + "\n" + ",".join(MEMBER) + "\n").encode()
    )
    job = services.create_job(
        actor=world.users["staff"], kind="members", source=path, original_name="dv.csv"
    )
    head = services.sheet_head(job, "")
    assert head[0][0] == "DANH SÁCH" and head[2][1] == "Họ và tên"


def test_reconfigure_stores_options_and_previews_again(tmp_path, world):
    job = with_sheets(make_job(tmp_path, world))
    job = services.reconfigure(
        job, actor=world.users["staff"], changes={"header_row": {"Thôn 2": 5}}
    )
    assert job.options["header_row"] == {"Thôn 2": 5}
    assert job.state in (JobState.PREVIEWED, JobState.FAILED)
    # Dropping an override removes it; other options stay.
    job = with_sheets(job)
    job = services.reconfigure(
        job,
        actor=world.users["staff"],
        changes={"unknown_recognition": "official", "header_row": {"Thôn 2": None}},
    )
    assert job.options == {"unknown_recognition": "official"}


def test_reconfigure_refuses_a_finished_job_and_bad_values(tmp_path, world):
    job = with_sheets(make_job(tmp_path, world))
    with pytest.raises(ValidationError) as caught:
        services.reconfigure(job, actor=world.users["staff"], changes={"last_row": "x"})
    assert "Dòng cuối" in str(caught.value)
    assert ImportJob.objects.get(pk=job.pk).options == {}
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.COMMITTED)
    job.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.reconfigure(job, actor=world.users["staff"], changes={"header_row": 5})
    assert "đã ghi hoặc đã hủy" in str(caught.value)


# -- the web page ---------------------------------------------------------------------------


def page_of(client, job, query=""):
    response = client.get(reverse("imports:job", args=[job.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_sheets_header_picker_and_questions(client, world, tmp_path):
    client.force_login(world.users["staff"])
    job = with_sheets(make_job(tmp_path, world))
    job.questions = [
        {
            "key": "unknown_recognition",
            "text": "2 đảng viên vào Đảng hơn một năm, tệp không có cột Ngày chính thức",
            "choices": [["official", "Chính thức, chưa rõ ngày"], ["probationary", "Dự bị"]],
            "count": 2,
        }
    ]
    job.save(update_fields=["questions"])
    html = page_of(client, job, "?tieu-de=Thôn 2")
    assert "Các trang trong tệp" in html and "Không phải danh sách" in html
    assert "Không có dòng tiêu đề." in html  # the reason a sheet is not read
    assert 'name="sheet" value="Thôn 2"' in html
    assert "Đây là dòng tiêu đề" in html and 'name="header_row" value="5"' in html
    assert 'value="5" id="hr-5" aria-label="Dòng 5 là dòng tiêu đề" checked' in html
    assert "ĐẢNG BỘ XÃ KIM LONG" in html  # the title block, shown in the grid
    assert "tệp không có cột Ngày chính thức" in html and 'value="probationary"' in html
    assert "chưa trả lời 1 câu hỏi" in html  # why the commit button is not there
    assert "Ghi vào cơ sở dữ liệu" not in html


def test_post_header_row_and_answer_rerun_the_preview(client, world, tmp_path):
    client.force_login(world.users["staff"])
    job = with_sheets(make_job(tmp_path, world))
    url = reverse("imports:options", args=[job.pk])
    response = client.post(
        url, {"what": "header", "sheet": "Thôn 2", "header_row": "5", "last_row": "7"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.options == {"header_row": {"Thôn 2": 5}, "last_row": {"Thôn 2": 7}}
    with_sheets(job)
    response = client.post(
        url, {"what": "question", "key": "unknown_recognition", "answer": "official"}
    )
    job.refresh_from_db()
    assert job.options["unknown_recognition"] == "official"
    # A bad value: the page says which field, nothing is stored.
    with_sheets(job)
    response = client.post(
        url, {"what": "header", "sheet": "Thôn 2", "header_row": "99"}, follow=True
    )
    assert "Dòng tiêu đề: dòng 99 vượt quá" in response.content.decode()
    job.refresh_from_db()
    assert job.options["header_row"] == {"Thôn 2": 5}
    # Someone else's job: not found.
    client.force_login(world.users["sensitive_staff"])
    assert client.post(url, {"what": "sheets", "sheet": "Thôn 2"}).status_code == 404


def test_rows_show_action_sheet_errors_then_warnings(client, world, tmp_path):
    client.force_login(world.users["staff"])
    job = with_sheets(make_job(tmp_path, world))
    ImportRow.objects.filter(job=job).delete()
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                job=job, sheet="Thôn 2", row_no=6, state="new", action="new", label="Ngô Văn Mới"
            ),
            ImportRow(
                job=job,
                sheet="Ghi chú",
                row_no=7,
                state="error",
                action="",
                label="Lý Thị Năm",
                messages=["Ngày sinh: sai", "Điện thoại: thiếu số"],
                error_count=1,
            ),
            ImportRow(
                job=job,
                sheet="Thôn 2",
                row_no=8,
                state="warning",
                action="duplicate",
                label="Ngô Văn Mới",
                messages=["Trùng dòng 6"],
                inferred={
                    "kind": "sub_cell",
                    "sector": "village",
                    "code": "kl-a",
                    "key": "Thôn 2:8",
                },
            ),
        ]
    )
    job.actions = {"new": 1, "": 1, "duplicate": 1}  # counted by the pass over the file
    job.save(update_fields=["actions"])
    html = page_of(client, job)
    assert "<th>Xử lý</th>" in html and "<td>Thêm mới</td>" in html and "<td>Trùng</td>" in html
    assert '<li class="error">Ngày sinh: sai</li>' in html
    assert '<li class="warning">Cảnh báo: Điện thoại: thiếu số</li>' in html
    assert "<td>Ghi chú</td>" in html  # the sheet column: several sheets
    assert (
        "Loại/Lĩnh vực/Mã (suy từ tên): Chi bộ trực thuộc / Thôn / kl-a" in html
        and 'value="Thôn 2:8"' in html
    )
    assert "?tac=duplicate" in html
    filtered = page_of(client, job, "?tac=duplicate")
    assert "<td>Trùng</td>" in filtered and "<td>Thêm mới</td>" not in filtered


# -- the API ----------------------------------------------------------------------------------


def auth(world, who="staff"):
    key = issue_token(actor=None, user=world.users[who], name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_options_and_job_fields(client, world, tmp_path):
    headers = auth(world)
    path = roll_xlsx(tmp_path / "dv.xlsx")
    with path.open("rb") as fh:
        response = client.post(
            "/api/v1/imports/",
            {"kind": "members", "file": fh, "unknown_recognition": "official", "header_row": "5"},
            **headers,
        )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["options"]["unknown_recognition"] == "official"
    assert list(job["options"]["header_row"].values()) == [5]
    assert {"sheets", "questions", "unanswered"} <= set(job)
    assert job["sheets"][0]["header_row"] == 5  # read with the override
    with path.open("rb") as fh:
        response = client.post(
            "/api/v1/imports/", {"kind": "members", "file": fh, "header_row": "Thôn 9:5"}, **headers
        )
    assert response.status_code == 422 and "không có trang “Thôn 9”" in response.content.decode()
    url = f"/api/v1/imports/{job['id']}/options"
    ImportJob.objects.filter(pk=job["id"]).update(state=JobState.PREVIEWED)
    with_sheets(ImportJob.objects.get(pk=job["id"]))
    response = client.post(
        url,
        json.dumps({"last_row": {"Thôn 2": 7}, "unknown_recognition": None}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    options = response.json()["options"]
    assert options["last_row"] == {"Thôn 2": 7} and "unknown_recognition" not in options
    # Bad values: 422 naming the field in Vietnamese, never a 500.
    with_sheets(ImportJob.objects.get(pk=job["id"]))
    for body, words in [
        ({"header_row": "Thôn 2:999"}, "Dòng tiêu đề: dòng 999"),
        ({"sheets": ["Không có"]}, "Trang: không có trang “Không có”"),
        ({"orgs": {"6": {"kind": "castle"}}}, "loại tổ chức “castle”"),
        ({"parent": "Không có tổ chức này"}, "Tổ chức cấp trên: không tìm thấy"),
    ]:
        response = client.post(url, json.dumps(body), content_type="application/json", **headers)
        assert response.status_code == 422, (body, response.content)
        assert words in json.dumps(response.json(), ensure_ascii=False), response.json()
    response = client.post(
        url,
        json.dumps({"unknown_recognition": "maybe"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    # Another user's job: not found.
    other = auth(world, "sensitive_staff")
    assert client.post(url, "{}", content_type="application/json", **other).status_code == 404


def test_api_head_of_a_sheet(client, world, tmp_path):
    job = with_sheets(make_job(tmp_path, world))
    url = f"/api/v1/imports/{job.pk}/head"
    response = client.get(url, {"sheet": "Thôn 2", "rows": 6}, **auth(world))
    assert response.status_code == 200, response.content
    head = response.json()
    assert len(head) == 6 and head[0][0] == "ĐẢNG BỘ XÃ KIM LONG" and head[4][1] == "Họ và tên"
    response = client.get(url, {"sheet": "Thôn 9"}, **auth(world))
    assert response.status_code == 422 and "Thôn 9" in response.content.decode()
    assert client.get(url, **auth(world, "sensitive_staff")).status_code == 404


def test_api_rows_split_errors_and_warnings(client, world, tmp_path):
    headers = auth(world)
    job = with_sheets(make_job(tmp_path, world))
    ImportRow.objects.filter(job=job).delete()
    ImportRow.objects.create(
        job=job,
        sheet="Thôn 2",
        row_no=7,
        state="error",
        action="",
        label="Lý Thị Năm",
        messages=["Ngày sinh: sai", "Điện thoại: thiếu số"],
        error_count=1,
        inferred={"kind": "sub_cell", "key": "Thôn 2:7"},
    )
    ImportRow.objects.create(
        job=job,
        sheet="Thôn 2",
        row_no=6,
        state="warning",
        action="duplicate",
        label="A",
        messages=["Trùng"],
    )
    rows = client.get(f"/api/v1/imports/{job.pk}/rows", {"state": "error"}, **headers).json()
    row = rows["items"][0]
    assert row["sheet"] == "Thôn 2" and row["errors"] == ["Ngày sinh: sai"]
    assert row["warnings"] == ["Điện thoại: thiếu số"] and row["inferred"]["key"] == "Thôn 2:7"
    rows = client.get(f"/api/v1/imports/{job.pk}/rows", {"action": "duplicate"}, **headers).json()
    assert [r["row_no"] for r in rows["items"]] == [6]
    assert rows["items"][0]["warnings"] == ["Trùng"] and rows["items"][0]["errors"] == []


# -- the command line -----------------------------------------------------------------------


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import", *args, "--no-progress", stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--unknown-recognition", "maybe"], "--unknown-recognition: Cách đọc đảng viên"),
        (["--header-row", "abc"], "--header-row: Dòng tiêu đề: “abc”"),
        (["--header-row", "Thôn 9:5"], "không có trang “Thôn 9”"),
        (["--last-row", "0"], "--last-row: Dòng cuối"),
        (["--sheet", "Thôn 9"], "--sheet: Trang: không có trang “Thôn 9”"),
        (["--parent", "Không có tổ chức này"], "--parent: Tổ chức cấp trên: không tìm thấy"),
        (["--valid-from", "hôm qua"], "--valid-from: Ngày thành lập"),
    ],
)
def test_cli_bad_flag_values_exit_2(tmp_path, world, flags, words):
    from django.core.management.base import CommandError

    path = roll_xlsx(tmp_path / "dv.xlsx")
    with pytest.raises(CommandError) as caught:
        call_command("import", "members", str(path), *flags, "--no-progress", stdout=io.StringIO())
    assert caught.value.returncode == 2
    assert words in str(caught.value), str(caught.value)
    job = ImportJob.objects.get()
    assert job.state == JobState.CANCELLED and not services.stored_path(job).exists()


def test_cli_flags_are_stored_on_the_job(tmp_path, world):
    path = roll_xlsx(tmp_path / "dv.xlsx")
    code, out = run_command(
        "members",
        str(path),
        "--sheet",
        "thôn 2",
        "--header-row",
        "Thôn 2:5",
        "--last-row",
        "7",
        "--unknown-recognition",
        "probationary",
    )
    job = ImportJob.objects.get()
    assert job.options == {
        "sheets": ["Thôn 2"],
        "header_row": {"Thôn 2": 5},
        "last_row": {"Thôn 2": 7},
        "unknown_recognition": "probationary",
    }, out
    assert "Xử lý: Thêm mới:" in out and "Trùng:" in out


def test_cli_bare_row_number_is_about_the_chosen_sheet(tmp_path, world):
    book = Workbook()
    book.active.title = "Bìa"
    book.active.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet = book.create_sheet("Thôn 2")
    for row in [*TITLE, MEMBER_HEADER, MEMBER, SECOND]:
        sheet.append(row)
    path = tmp_path / "dv.xlsx"
    book.save(path)
    code, out = run_command("members", str(path), "--sheet", "Thôn 2", "--header-row", "5")
    job = ImportJob.objects.get()
    assert job.options["sheets"] == ["Thôn 2"] and job.options["header_row"] == {"Thôn 2": 5}
    assert "Ngô Văn Mới" in out or job.counts.get("new") == 2, out


def report(job, *, commit=False):
    """The command's report of a job, as printed after a run."""
    command = importlib.import_module("dangbo.imports.management.commands.import").Command()
    buffer = io.StringIO()
    command.stdout = OutputWrapper(buffer)
    command._report(job, {"show": 50, "commit": commit})
    return buffer.getvalue()


def test_cli_rows_tagged_errors_then_warnings(tmp_path, world):
    job = with_sheets(make_job(tmp_path, world))
    ImportRow.objects.filter(job=job).delete()
    ImportRow.objects.create(
        job=job,
        sheet="Thôn 2",
        row_no=12,
        state="error",
        action="",
        label="Nguyễn Văn A",
        messages=["Ngày sinh: sai", "Điện thoại: thiếu số"],
        error_count=1,
    )
    ImportRow.objects.create(
        job=job,
        sheet="Thôn 2",
        row_no=13,
        state="warning",
        action="update",
        label="Trần B",
        messages=["Ngày vào Đảng: hiểu là 01/02/2015"],
    )
    job.actions = {"": 1, "update": 1}  # counted by the pass over the file
    job.save(update_fields=["actions"])
    out = report(job)
    assert "Dòng 12 (trang Thôn 2) [Lỗi] Nguyễn Văn A" in out
    assert "    [Lỗi] Ngày sinh: sai" in out and "    [Cảnh báo] Điện thoại: thiếu số" in out
    assert "Dòng 13 (trang Thôn 2) [Cập nhật] Trần B" in out
    assert "    [Cảnh báo] Ngày vào Đảng" in out and "[Lỗi] Ngày vào Đảng" not in out
    assert "Xử lý: Thêm mới: 0 · Cập nhật: 1 · Không đổi: 0 · Trùng: 0 · Lỗi: 1" in out
    assert "Các trang trong tệp:" in out and "Ghi chú: không phải danh sách" in out


def test_cli_names_the_flag_an_unanswered_question_needs(tmp_path, world):
    job = with_sheets(make_job(tmp_path, world))
    job.questions = [
        {
            "key": "unknown_recognition",
            "text": "Đảng viên vào Đảng hơn một năm, tệp không có cột Ngày chính thức",
            "choices": [["official", "Chính thức, chưa rõ ngày"], ["probationary", "Dự bị"]],
            "count": 2,
        }
    ]
    job.save(update_fields=["questions"])
    out = report(job, commit=True)
    assert "tệp không có cột Ngày chính thức (2 dòng)" in out
    assert "--unknown-recognition official" in out and "--unknown-recognition probationary" in out


def test_cli_commit_waits_for_the_answer(tmp_path, world):
    """End to end: a roll without "Ngày chính thức", members admitted long ago."""
    header = [h for h in MEMBER_HEADER if h != "Ngày chính thức"]
    rows = [
        [v for h, v in zip(MEMBER_HEADER, row, strict=True) if h != "Ngày chính thức"]
        for row in (MEMBER, SECOND)
    ]
    path = tmp_path / "dv.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    code, out = run_command("members", str(path), "--commit")
    job = ImportJob.objects.get()
    if not job.questions:
        pytest.skip("the pass does not ask about recognition yet (issue 13, part M/T)")
    assert code == 1 and job.state != JobState.COMMITTED
    assert "--unknown-recognition official" in out
    code, out = run_command("members", str(path), "--commit", "--unknown-recognition", "official")
    assert code == 0, out


def test_org_list_parent_and_inferred_values_corrected_on_the_page(client, world, tmp_path):
    client.force_login(world.users["staff"])
    data = io.BytesIO("STT,Tên tổ chức\n1,Chi bộ thôn Mới\n".encode())
    data.name = "to-chuc.csv"
    client.post(reverse("imports:index"), {"kind": "orgs", "file": data})
    job = ImportJob.objects.get()
    url = reverse("imports:options", args=[job.pk])
    client.post(url, {"what": "parent", "parent": "Đảng bộ xã Kim Long", "valid_from": "1/7/2016"})
    job.refresh_from_db()
    assert job.options == {"parent": "kim-long", "valid_from": "2016-07-01"}
    assert job.rows.count() == 1, (job.state, job.problem, job.notes, job.sheets)
    row = job.rows.get()
    assert row.inferred.get("key"), (job.problem, row.messages)
    html = page_of(client, job)
    assert "Loại/Lĩnh vực/Mã (suy từ tên)" in html and 'value="01/07/2016"' in html
    client.post(
        url,
        {
            "what": "org",
            "key": row.inferred["key"],
            "kind": "sub_cell",
            "sector": "village",
            "code": "kl-thon-moi",
        },
    )
    job.refresh_from_db()
    assert job.options["orgs"] == {
        row.inferred["key"]: {"kind": "sub_cell", "sector": "village", "code": "kl-thon-moi"}
    }
    assert job.rows.get().inferred["code"] == "kl-thon-moi"
