"""Real-world files: Excel serial dates, two-digit years, NFD and stray spaces, Windows-1258
CSV, TCVN3 and VNI text — and files that are not spreadsheets at all."""

import unicodedata
import zipfile
from datetime import date, datetime

import pytest

from dangbo.core import legacy
from dangbo.imports import readers, services
from dangbo.imports.models import ImportJob, ImportRow, JobState
from dangbo.imports.readers import FileProblem
from dangbo.members.models import Member

from .files import MEMBER_HEADER, csv_bytes, to_cp1258, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def preview(path, actor, kind="members"):
    job = services.create_job(actor=actor, kind=kind, source=path, original_name=path.name)
    return services.run(job, actor=actor)


def only_row(job) -> ImportRow:
    return ImportRow.objects.get(job=job)


def test_excel_serials_date_cells_and_numbers_that_lost_their_zeros(tmp_path, world):
    # 32874 = 01/01/1990; 42036 = 01/02/2015; card 01234567 typed as a number loses its 0.
    rows = [
        MEMBER_HEADER,
        [
            "",
            "Ngô Văn Mới",
            "Nam",
            32874,
            "kl-thon-2",
            1234567,
            datetime(2015, 2, 1),
            "01/02/2016",
            912345678,
        ],
    ]
    path = write_xlsx(tmp_path / "so.xlsx", rows, number_formats={(1, 6): "dd/mm/yyyy"})
    actor = world.users["admin"]
    job = preview(path, actor)
    row = only_row(job)
    assert row.state == "new", row.messages
    job = services.run(job, commit=True, actor=actor)
    member = Member.objects.get(full_name="Ngô Văn Mới")
    assert member.date_of_birth == date(1990, 1, 1)
    assert member.admission_decision_date == date(2015, 2, 1)
    assert member.card_number == "01234567" and member.phone == "0912345678"


@pytest.mark.parametrize(
    ("typed", "expected", "kind"),
    [
        ("5/6/85", date(1985, 6, 5), "birth"),
        ("05-06-1985", date(1985, 6, 5), "birth"),
        ("05.06.1985", date(1985, 6, 5), "birth"),
        ("1985-06-05", date(1985, 6, 5), "birth"),
        ("01/02/05", date(2005, 2, 1), "event"),
        ("01/02/99", date(1999, 2, 1), "event"),
        ("31124", date(1985, 3, 18), "birth"),  # a serial that became text in a CSV
    ],
)
def test_date_forms(typed, expected, kind):
    from dangbo.imports.cells import a_date

    value, note = a_date(typed, "Ngày", kind=kind, today=date(2026, 11, 28))
    assert value == expected
    assert (note is not None) == (len(typed.split("/")[-1]) == 2 and "/" in typed)


def test_nfd_names_and_stray_spaces_are_stored_nfc(tmp_path, world):
    name = unicodedata.normalize("NFD", "  Nguyễn   Thị  Ánh  ")
    rows = [
        MEMBER_HEADER,
        ["", name, "nữ", "01/01/1990", " kl-thon-2 ", "", "01/02/2015", "01/02/2016", ""],
    ]
    actor = world.users["admin"]
    job = preview(write_csv(tmp_path / "nfd.csv", rows), actor)
    assert only_row(job).state == "new"
    services.run(job, commit=True, actor=actor)
    member = Member.objects.get(search_name="nguyen thi anh")
    assert member.full_name == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", member.full_name)


def test_windows_1258_csv(tmp_path, world):
    rows = [
        MEMBER_HEADER,
        ["", "Trương Thị Ưng", "Nữ", "01/01/1990", "kl-thon-2", "", "01/02/2015", "01/02/2016", ""],
    ]
    path = tmp_path / "cp1258.csv"
    path.write_bytes(to_cp1258(csv_bytes(rows, delimiter=";").decode()))
    actor = world.users["admin"]
    job = preview(path, actor)
    assert job.encoding == "cp1258"
    assert any("Windows-1258" in n for n in job.notes)
    assert only_row(job).state == "new"
    services.run(job, commit=True, actor=actor)
    assert Member.objects.filter(full_name="Trương Thị Ưng").exists()


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "csv-8bit"])
def test_legacy_font_encodings_are_converted_and_shown(tmp_path, world, encoding, fmt):
    names = ["Nguyễn Thị Hường", "Trần Văn Đức", "Lưu Thị Ngọc Ánh"]
    rows = [MEMBER_HEADER] + [
        [
            "",
            legacy.from_unicode(n, encoding),
            "Nữ",
            "01/01/1990",
            "kl-thon-2",
            "",
            "01/02/2015",
            "01/02/2016",
            "",
        ]
        for n in names
    ]
    path = tmp_path / f"legacy.{fmt[:4]}"
    if fmt == "xlsx":
        write_xlsx(path, rows)
    elif fmt == "csv-8bit":
        # The same sheet, headers typed in the old font too, saved as plain "CSV" on a
        # Western Windows: one byte per character.
        rows = [
            [legacy.from_unicode(c, encoding) if i != 1 else c for i, c in enumerate(row)]
            for row in rows
        ]
        rows[0][1] = legacy.from_unicode(rows[0][1], encoding)
        path.write_bytes(csv_bytes(rows).decode().encode("cp1252"))
    else:
        # An office saving a TCVN3/VNI sheet as "CSV UTF-8" keeps the font's characters.
        write_csv(path, rows)
    actor = world.users["admin"]
    job = preview(path, actor)
    label = legacy.LEGACY_LABELS[encoding]
    assert any(label in n for n in job.notes), job.notes
    rows_ = list(ImportRow.objects.filter(job=job))
    assert [r.state for r in rows_] == ["warning"] * 3
    assert f"→ “{names[0]}”" in rows_[0].messages[0] and label in rows_[0].messages[0]
    services.run(job, commit=True, actor=actor)
    assert set(
        Member.objects.filter(org__code="kl-thon-2").values_list("full_name", flat=True)
    ) >= set(names)


def test_unicode_names_are_never_converted(tmp_path, world):
    rows = [
        MEMBER_HEADER,
        ["", "Ông Ích Khiêm", "Nam", "01/01/1990", "kl-thon-2", "", "01/02/2015", "01/02/2016", ""],
    ]
    job = preview(write_csv(tmp_path / "u.csv", rows), world.users["admin"])
    assert only_row(job).state == "new"
    assert not any("bảng mã" in n for n in job.notes)


# ------------------------------------------------------------------------------ bad files


@pytest.fixture
def actor(world):
    return world.users["admin"]


def failed(job: ImportJob, fragment: str) -> None:
    assert job.state == JobState.FAILED, (job.state, job.problem)
    assert fragment in job.problem, job.problem
    assert not ImportRow.objects.filter(job=job).exists()


def test_not_a_spreadsheet(tmp_path, actor):
    path = tmp_path / "anh.xlsx"
    path.write_bytes(bytes(range(256)) * 100)
    failed(preview(path, actor), "không phải là bảng tính")
    path = tmp_path / "anh.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 500)
    failed(preview(path, actor), "dữ liệu nhị phân")


def test_a_word_document_renamed(tmp_path, actor):
    path = tmp_path / "van-ban.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    failed(preview(path, actor), "không phải là bảng tính")


def test_empty_file_and_header_only(tmp_path, actor):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    failed(preview(path, actor), "Tệp rỗng")
    path.write_bytes(b"\r\n\r\n")
    failed(preview(path, actor), "Tệp rỗng")
    write_csv(path, [MEMBER_HEADER])
    failed(preview(path, actor), "không có dòng dữ liệu")
    write_xlsx(tmp_path / "rong.xlsx", [])
    failed(preview(tmp_path / "rong.xlsx", actor), "không có dữ liệu")


def test_no_recognisable_header(tmp_path, actor):
    path = write_csv(tmp_path / "la.csv", [["a", "b", "c"], ["1", "2", "3"]])
    failed(preview(path, actor), "Không nhận ra dòng tiêu đề")


def test_repeated_column(tmp_path, actor):
    path = write_csv(tmp_path / "lap.csv", [["Họ và tên", "Họ tên", "Ngày sinh"], ["A", "B", "C"]])
    failed(preview(path, actor), "bị lặp")


def test_ten_thousand_columns(tmp_path, actor):
    header = [*MEMBER_HEADER, *(f"c{i}" for i in range(10_000))]
    failed(preview(write_csv(tmp_path / "rong.csv", [header, ["x"]]), actor), "10.009 cột")
    path = write_xlsx(tmp_path / "rong.xlsx", [header[:9] + ["x"] * 9_991, ["y"]])
    failed(preview(path, actor), "quá giới hạn 200 cột")


def test_a_200_mb_upload_is_refused_without_reading_it_all(tmp_path, actor):
    path = tmp_path / "to.csv"
    with path.open("wb") as fh:
        fh.truncate(200_000_000)  # sparse: costs no disk
    before = ImportJob.objects.count()
    with pytest.raises(FileProblem, match=r"Tệp quá lớn \(hơn 50 MB\)"):
        services.create_job(actor=actor, kind="members", source=path, original_name="to.csv")
    assert ImportJob.objects.count() == before


def test_zip_bomb(tmp_path, actor):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros in a ~300 KB file
                fh.write(block)
    assert path.stat().st_size < 2_000_000
    failed(preview(path, actor), "bom zip")


def test_csv_mixing_encodings_names_the_line(tmp_path, actor):
    body = "Họ và tên,Ngày sinh,Mã chi bộ\r\n".encode() + b"A,01/01/1990,kl-thon-1\r\n" * 5000
    body += "Bình,01/01/1990,kl-thon-1\r\n".encode("utf-16-le")
    path = tmp_path / "tron.csv"
    path.write_bytes(body)
    job = preview(path, actor)
    assert job.state == JobState.FAILED
    assert "Dòng" in job.problem


def test_reader_streams_csv_rows_with_line_numbers(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["Họ và tên"], [""], ["A"], ["B"]])
    sheet = readers.open_sheet(path)
    assert list(sheet.rows) == [(3, ["A"]), (4, ["B"])]
