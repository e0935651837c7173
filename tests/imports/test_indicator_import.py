"""Indicator values from the office's spreadsheet (issue 14 item 8): commune × indicator,
through the importer's preview and all-or-nothing commit."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dangbo.core.models import AuditEntry
from dangbo.imports import services
from dangbo.imports.choices import ImportAudit
from dangbo.imports.models import ImportRow, JobState
from dangbo.indicators.catalogue import load as load_catalogue
from dangbo.indicators.models import Indicator, Observation
from dangbo.orgs import services as org_services

pytestmark = pytest.mark.django_db

# Tam Dương's thirteen communes and town; Kim Long and Hợp Hòa are in the shared world.
COMMUNES = [
    ("hoang-hoa", "Đảng bộ xã Hoàng Hoa"),
    ("huong-dao", "Đảng bộ xã Hướng Đạo"),
    ("dao-tu", "Đảng bộ xã Đạo Tú"),
    ("an-hoa", "Đảng bộ xã An Hòa"),
    ("thanh-van", "Đảng bộ xã Thanh Vân"),
    ("duy-phien", "Đảng bộ xã Duy Phiên"),
    ("hoang-dan", "Đảng bộ xã Hoàng Đan"),
    ("hoang-lau", "Đảng bộ xã Hoàng Lâu"),
    ("van-hoi", "Đảng bộ xã Vân Hội"),
    ("hop-thinh", "Đảng bộ xã Hợp Thịnh"),
    ("dong-tinh", "Đảng bộ xã Đồng Tĩnh"),
]
# As the office writes the unit column.
WRITTEN = [
    "xã Kim Long",
    "Thị trấn Hợp Hòa",
    "Hoàng Hoa",
    "Đảng bộ xã Hướng Đạo",
    "Đạo Tú",
    "An Hòa",
    "Thanh Vân",
    "Duy Phiên",
    "Hoàng Đan",
    "Hoàng Lâu",
    "Vân Hội",
    "Hợp Thịnh",
    "Đồng Tĩnh",
]


@pytest.fixture
def district(world):
    load_catalogue()
    for code, name in COMMUNES:
        org_services.create_org(
            actor=None,
            code=code,
            name=name,
            kind="grassroots_committee",
            sector="commune",
            parent=world.org("tam-duong"),
            valid_from=date(1997, 1, 1),
        )
    return world


def office_xlsx(path, rows=None, *, title="BIỂU TỔNG HỢP CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2016"):
    """Title block, a two-row header with "Cải cách hành chính" merged over three columns,
    one row per commune, a total row and a signature."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append(["HUYỆN ỦY TAM DƯƠNG", None, None, None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"])
    sheet.append([title])
    sheet.append([])
    sheet.append(
        ["STT", "Xã, thị trấn", "Giá trị sản xuất (tỷ đồng)", "Cải cách hành chính", None, None]
        + ["Số hộ dân"]
    )
    sheet.append([None, None, None, "Một cửa", "Công khai", "Trực tuyến", None])
    for column in (1, 2, 3, 7):
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    sheet.merge_cells(start_row=4, start_column=4, end_row=4, end_column=6)
    if rows is None:
        rows = [
            [n, unit, f"{100 + n},5", "x", "có" if n % 2 else "", "đạt", 1000 + n]
            for n, unit in enumerate(WRITTEN, start=1)
        ]
    for row in rows:
        sheet.append(row)
    sheet.append([None, "Tổng cộng", "1.400,5", None, None, None, 13091])
    sheet.append([])
    sheet.append([None, None, None, None, "T/M BAN THƯỜNG VỤ"])
    book.save(path)
    return path


def run(path, actor, *, commit=False, **options):
    job = services.create_job(actor=actor, kind="indicators", source=path, original_name=path.name)
    if options:
        job = services.configure(job, actor=actor, changes=options)
    job = services.run(job, actor=actor)
    if commit:
        assert job.can_commit, (job.problem, list(ImportRow.objects.filter(job=job).values()))
        job = services.run(job, commit=True, actor=actor)
    return job


def rows_of(job):
    return {r.row_no: r for r in ImportRow.objects.filter(job=job)}


def value(code, org, year=2016):
    return Observation.objects.get(indicator__code=code, org__code=org, year=year).value


def test_office_file_previews_then_commits(district, tmp_path):
    actor = district.users["staff"]
    path = office_xlsx(tmp_path / "chi-tieu-2016.xlsx")
    job = run(path, actor)
    assert job.state == JobState.PREVIEWED and job.can_commit, job.problem
    assert job.counts["new"] == 13 and job.counts["error"] == 0
    assert Observation.objects.count() == 0  # a preview writes nothing
    notes = " ".join(job.notes)
    assert "Năm của số liệu: 2016 (lấy từ tiêu đề)" in notes
    assert "“Cải cách hành chính / Một cửa” → Bộ phận một cửa hoạt động" in notes
    assert "65 mới" in notes  # 13 communes × 5 indicators
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, job.problem
    assert Observation.objects.filter(year=2016).count() == 65
    assert value("gia_tri_san_xuat", "kim-long") == Decimal("101.5")
    assert value("cchc_mot_cua", "hop-hoa") == 1
    assert value("cchc_cong_khai", "hop-hoa") == 0  # an empty tick: not met
    assert value("so_ho_dan", "dong-tinh") == 1013
    assert AuditEntry.objects.filter(action=ImportAudit.INDICATORS).count() == 1


def test_second_import_shows_updates_and_unchanged(district, tmp_path):
    actor = district.users["staff"]
    run(office_xlsx(tmp_path / "a.xlsx"), actor, commit=True)
    rows = [
        [n, unit, f"{100 + n},5", "x", "có" if n % 2 else "", "đạt", 1000 + n]
        for n, unit in enumerate(WRITTEN, start=1)
    ]
    rows[0][6] = "1.234"  # Kim Long's households changed
    job = run(office_xlsx(tmp_path / "b.xlsx", rows), actor)
    found = rows_of(job)
    first = found[6]
    assert first.state == "update" and "Số hộ dân 1.001 → 1.234" in first.label
    assert all(r.state == "unchanged" for n, r in found.items() if 7 <= n <= 18)
    job = services.run(job, commit=True, actor=actor)
    assert value("so_ho_dan", "kim-long") == 1234


def test_bad_cells_name_row_and_column_and_nothing_is_written(district, tmp_path):
    actor = district.users["staff"]
    Indicator.objects.filter(code="so_ho_dan").update(value_type="percent")  # 120 > 100
    rows = [
        [1, "xã Kim Long", "nhiều", "x", "", "", 50],
        [2, "Hợp Hòa", "12,5", "x", "", "", 120],
        [3, "xã Đâu Đó", "1", "x", "", "", 5],
        [4, "Hoàng Hoa", "3", "có lẽ", "", "", 5],
    ]
    job = run(office_xlsx(tmp_path / "bad.xlsx", rows), actor)
    found = rows_of(job)
    assert job.errors == 4 and not job.can_commit
    assert found[6].errors == ["Cột “Giá trị sản xuất (tỷ đồng)” (dòng 6): “nhiều” phải là một số."]
    assert found[7].errors == ["Cột “Số hộ dân” (dòng 7): “120” phải từ 0 đến 100."]
    assert (
        found[8]
        .errors[0]
        .startswith("Cột “Xã, thị trấn” (dòng 8): không tìm thấy đơn vị “xã Đâu Đó”")
    )
    assert found[9].errors == [
        "Cột “Cải cách hành chính / Một cửa” (dòng 9): “có lẽ” phải là đạt/không đạt."
    ]
    with pytest.raises(Exception):  # noqa: B017 - the service refuses: the preview has errors
        services.run(job, commit=True, actor=actor)
    assert Observation.objects.count() == 0


def test_a_commune_staff_imports_only_its_own_rows(district, tmp_path):
    actor = district.users["sensitive_staff"]  # org_staff of Kim Long
    job = run(office_xlsx(tmp_path / "all.xlsx"), actor)
    found = rows_of(job)
    assert found[6].state == "new"  # Kim Long
    assert found[7].state == "error" and "phạm vi" in found[7].errors[0]  # Hợp Hòa
    assert job.errors == 12 and Observation.objects.count() == 0
    mine = office_xlsx(tmp_path / "kl.xlsx", [[1, "Kim Long", "101,5", "x", "", "đạt", 1001]])
    run(mine, actor, commit=True)
    assert set(Observation.objects.values_list("org__code", flat=True)) == {"kim-long"}


def test_year_asked_when_the_file_does_not_say_it(district, tmp_path):
    actor = district.users["staff"]
    path = office_xlsx(tmp_path / "no-year.xlsx", title="BIỂU TỔNG HỢP CHỈ TIÊU")
    job = run(path, actor)
    assert [q["key"] for q in job.unanswered] == ["year"] and not job.can_commit
    job = services.reconfigure(job, actor=actor, changes={"year": "2015"})
    assert job.can_commit, job.problem
    job = services.run(job, commit=True, actor=actor)
    assert Observation.objects.filter(year=2015).count() == 65


def test_long_layout_one_value_a_row(district, tmp_path):
    actor = district.users["staff"]
    book = Workbook()
    sheet = book.active
    sheet.append(["Đơn vị", "Chỉ tiêu", "Năm", "Giá trị"])
    sheet.append(["Kim Long", "Tỷ lệ hộ nghèo", 2016, "3,25"])
    sheet.append(["Kim Long", "Tỷ lệ hộ nghèo", 2015, "4,1"])
    sheet.append(["Hợp Hòa", "so_ho_dan", "2016", "1.234"])
    sheet.append(["Hợp Hòa", "Kết nạp đảng viên mới", "2016", "3"])
    path = tmp_path / "long.xlsx"
    book.save(path)
    job = run(path, actor)
    found = rows_of(job)
    assert "chỉ tiêu tính tự động" in found[5].errors[0]
    sheet.delete_rows(5)
    book.save(path)
    run(path, actor, commit=True)
    assert value("ty_le_ho_ngheo", "kim-long", 2015) == Decimal("4.1")
    assert value("so_ho_dan", "hop-hoa") == 1234


def test_web_upload_offers_the_kind_and_the_template(client, district, tmp_path):
    client.force_login(district.users["staff"])
    page = client.get(reverse("imports:index")).content.decode()
    assert 'value="indicators"' in page and "Số liệu chỉ tiêu" in page
    response = client.get(reverse("imports:template", args=["indicators"]))
    assert response.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.active[1]]
    assert header[:2] == ["Đơn vị (*)", "Năm"] and "Số hộ dân (hộ)" in header
    assert "Kết nạp đảng viên mới (người)" not in header  # computed: never typed in
    units = [book.active.cell(row=r, column=1).value for r in range(2, book.active.max_row + 1)]
    assert "Đảng bộ xã Kim Long" in units and len(units) == 13  # not Vĩnh Tường’s
    # The template filled in imports as it is.
    sheet = book.active
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=2, value=2016)
        sheet.cell(row=row, column=header.index("Số hộ dân (hộ)") + 1, value=900 + row)
    path = tmp_path / "mau.xlsx"
    book.save(path)
    job = run(path, district.users["staff"], commit=True)
    assert job.state == JobState.COMMITTED, job.problem
    assert Observation.objects.filter(indicator__code="so_ho_dan").count() == sheet.max_row - 1


def test_api_upload_with_year_then_commit(client, district, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangbo.core.services import issue_token

    key = issue_token(actor=None, user=district.users["staff"], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    path = office_xlsx(tmp_path / "api.xlsx", title="BIỂU TỔNG HỢP CHỈ TIÊU")
    upload = SimpleUploadedFile("api.xlsx", path.read_bytes())
    response = client.post(
        "/api/v1/imports/", {"kind": "indicators", "file": upload, "year": "2016"}, **headers
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["can_commit"] and job["counts"]["new"] == 13, job
    response = client.post(f"/api/v1/imports/{job['id']}/commit", **headers)
    assert response.json()["state"] == "committed"
    assert Observation.objects.filter(year=2016).count() == 65
    # A bad year is refused, naming the field; nothing is left behind.
    upload = SimpleUploadedFile("api.xlsx", path.read_bytes())
    response = client.post(
        "/api/v1/imports/", {"kind": "indicators", "file": upload, "year": "16"}, **headers
    )
    assert response.status_code in (400, 422) and "Năm của số liệu" in response.content.decode()


def test_cli_preview_asks_the_year_then_commits_with_it(district, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = office_xlsx(tmp_path / "cli.xlsx", title="BIỂU TỔNG HỢP CHỈ TIÊU")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "indicators", str(path), "--commit", "--no-progress", stdout=out)
    assert "--year 2016" in out.getvalue() or "--year" in out.getvalue()
    assert Observation.objects.count() == 0
    out = StringIO()
    call_command(
        "import",
        "indicators",
        str(path),
        "--year",
        "2016",
        "--commit",
        "--no-progress",
        stdout=out,
    )
    assert "Đã ghi vào cơ sở dữ liệu" in out.getvalue()
    assert Observation.objects.filter(year=2016).count() == 65


def test_job_page_asks_the_year_and_takes_the_answer(client, district, tmp_path):
    actor = district.users["staff"]
    client.force_login(actor)
    job = run(office_xlsx(tmp_path / "web.xlsx", title="BIỂU TỔNG HỢP CHỈ TIÊU"), actor)
    url = reverse("imports:job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "Số liệu này của năm nào?" in page and 'value="2016"' in page
    assert "Ghi vào cơ sở dữ liệu" not in page  # the commit waits for the answer
    response = client.post(
        reverse("imports:options", args=[job.pk]),
        {"what": "question", "key": "year", "answer": "2016"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Năm của số liệu: 2016 (theo lựa chọn)" in page
    assert "Ghi vào cơ sở dữ liệu" in page
    client.post(reverse("imports:commit", args=[job.pk]))
    assert Observation.objects.filter(year=2016).count() == 65
