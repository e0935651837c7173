"""``dangbo report``: text on stdout, files with -o, ORG by code or name, the user's scope,
issuing from the command line, progress on stderr, Vietnamese errors."""

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from dangbo.reports.models import IssuedReport
from tests.reports.issue_support import toy_kind  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("toy_kind")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_text_on_stdout_by_name_or_code(world):
    by_code, err = run("tam-duong", "--year", "2016", "--kind", "thu")
    assert "Toàn đảng bộ có 6 đảng viên." in by_code
    assert "Đếm đảng viên: " in err  # progress on stderr, not mixed into the report
    by_name, _err = run("Đảng bộ huyện Tam Dương", "--year", "2016", "--kind", "thu")
    assert by_name == by_code
    typed, _err = run("tam duong", "--year", "2016", "--kind", "thu", "--no-progress")
    assert typed == by_code and _err == ""


def test_files_need_an_output(world, tmp_path):
    with pytest.raises(CommandError, match="-o TỆP"):
        run("tam-duong", "--year", "2016", "--kind", "thu", "--format", "docx")
    target = tmp_path / "bc.docx"
    _out, err = run(
        "tam-duong", "--year", "2016", "--kind", "thu", "--format", "docx", "-o", str(target)
    )
    assert "Đã ghi" in err
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "Toàn đảng bộ có 6 đảng viên." in text
    sheet = tmp_path / "bc.xlsx"
    run("tam-duong", "--year", "2016", "--kind", "thu", "--format", "xlsx", "-o", str(sheet))
    assert load_workbook(sheet).worksheets


def test_the_users_scope_bounds_the_report(world):
    mine, _err = run("kl-thon-1", "--year", "2016", "--kind", "thu", "--user", "secretary")
    assert "có 3 đảng viên" in mine
    with pytest.raises(CommandError, match="không tìm thấy tổ chức"):
        run("tam-duong", "--year", "2016", "--kind", "thu", "--user", "secretary")
    with pytest.raises(CommandError, match="Không có người dùng “ai-do”"):
        run("tam-duong", "--year", "2016", "--kind", "thu", "--user", "ai-do")


def test_issue_from_the_command_line(world):
    with pytest.raises(CommandError, match="--issue cần --user"):
        run("tam-duong", "--year", "2016", "--kind", "thu", "--issue")
    out, err = run(
        "tam-duong",
        "--year",
        "2016",
        "--kind",
        "thu",
        "--issue",
        "--user",
        "staff",
        "--number",
        "15",
        "--date",
        "31/12/2016",
    )
    report = IssuedReport.objects.get()
    assert report.issued_by == world.users["staff"] and report.number == "15"
    assert "Số 15-BC/HU" in out and out == report.text
    assert f"mã {report.pk}" in err
    with pytest.raises(CommandError, match="đã ban hành báo cáo số 15"):
        run(
            "tam-duong",
            "--year",
            "2016",
            "--kind",
            "thu",
            "--issue",
            "--user",
            "staff",
            "--number",
            "15",
        )
    with pytest.raises(CommandError, match="quyền ban hành"):
        run("tam-duong", "--year", "2016", "--kind", "thu", "--issue", "--user", "committee")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "khong-co"), "Loại báo cáo: không có loại “khong-co”"),
        (("--kind", "thu", "--quarter", "2"), "là báo cáo năm"),
        (("--kind", "thu-quy"), "hãy chọn quý"),
        (("--kind", "thu-quy", "--quarter", "5"), "không phải một quý"),
        (("--kind", "thu", "--issue", "--user", "staff", "--date", "31/02/2016"), "--date"),
    ],
)
def test_errors_are_vietnamese(world, args, message):
    with pytest.raises(CommandError, match=message):
        run("tam-duong", "--year", "2016", *args)


def test_an_unknown_org(world):
    with pytest.raises(CommandError, match="không tìm thấy tổ chức “khong co”"):
        run("khong co", "--year", "2016", "--kind", "thu")
