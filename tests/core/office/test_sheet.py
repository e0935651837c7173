"""The printable sheet (core.office.sheet), opened back by openpyxl as a reader would: the
title and as-of line above a bold frozen header with filters, typed cells, widths, A4
fit-to-width printing with the header repeated, the footer, formula safety, the file's
properties — and memory flat however many rows stream through."""

import html
import io
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dangbo.core.office import XLSX_TYPE
from dangbo.core.office.sheet import Col, Sheet, col, response, workbook
from tests.sheet_support import read_table

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "Nul\x00l\x0b"]


def _rows():
    yield {
        "name": "Nguyễn Văn An",
        "born": date(1960, 3, 1),
        "n": 5470,
        "x": Decimal("12.25"),
        "pct": 33.3,
        "at": datetime(2016, 12, 31, 1, 30, tzinfo=UTC),
        "year": 2016,
        "flag": True,
        "note": None,
    }
    for i, bad in enumerate(HOSTILE, start=2):
        yield {"name": bad, "born": None, "n": i, "x": 1.5, "pct": 100, "year": 2017, "note": ""}


COLUMNS = (
    Col("Họ và tên", lambda r: r["name"]),
    Col("Ngày sinh", lambda r: r["born"], "date"),
    Col("Số đảng viên", lambda r: r["n"], "int"),
    Col("Điểm", lambda r: r["x"], "number"),
    Col("Tỷ lệ", lambda r: r["pct"], "pct"),
    Col("Lúc", lambda r: r.get("at")),
    Col("Năm", lambda r: r["year"]),
    Col("Có", lambda r: r.get("flag")),
    Col("Ghi chú", lambda r: r["note"], width=30),
)


def _sheet(**kw) -> Sheet:
    spec = {
        "title": "DANH SÁCH ĐẢNG VIÊN",
        "subtitle": "Đảng bộ huyện Tam Dương · tính đến ngày 31/12/2016",
        "columns": COLUMNS,
        "rows": _rows(),
        "form": "Biểu 1-TCTW",
        "scope": "Đảng bộ huyện Tam Dương",
        "user": "Trần Thị Văn Phòng",
        "groups": (("", 2), ("Số liệu", 3)),
        "totals": (None, None, 5497, None, 50.0, None, None, None, None),
        "notes": ("Ghi chú: số liệu thử.",),
        "landscape": True,
    }
    spec.update(kw)
    return Sheet(**spec)


def _bytes(*sheets: Sheet, **kw) -> bytes:
    out = io.BytesIO()
    workbook(sheets, out, **kw)
    return out.getvalue()


@pytest.fixture(scope="module")
def content() -> bytes:
    return _bytes(_sheet(), title="Danh sách đảng viên", author="Huyện ủy Tam Dương")


def test_title_and_as_of_line_sit_above_a_bold_header(content):
    table = read_table(content)
    ws = table.sheet
    assert table.above == [
        "Biểu 1-TCTW",
        "DANH SÁCH ĐẢNG VIÊN",
        "Đảng bộ huyện Tam Dương · tính đến ngày 31/12/2016",
    ]
    assert ws["A2"].value == "DANH SÁCH ĐẢNG VIÊN" and ws["A2"].font.b and ws["A2"].font.sz == 14
    assert ws["A2"].alignment.horizontal == "center"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:J2", "A3:J3"} <= merged  # title and as-of line over the table's width
    assert ws["J1"].value is None and any(r.endswith(":J1") for r in merged)  # form: top right
    assert table.header == ["STT", *(c.label for c in COLUMNS)]
    # Two header rows: the group over its three columns, the others spanning both rows.
    assert ws["D5"].value == "Số liệu" and "D5:F5" in merged and "B5:B6" in merged
    assert [ws.cell(6, c).value for c in (4, 5, 6)] == ["Số đảng viên", "Điểm", "Tỷ lệ"]
    for cell in (ws["A5"], ws["D5"], ws["D6"]):
        assert cell.font.b and cell.alignment.wrap_text and cell.border.bottom.style == "thin"
        assert cell.fill.fgColor.rgb.endswith("E7EEF7")


def test_frozen_header_filters_and_print_setup(content):
    table = read_table(content)
    ws = table.sheet
    last = 6 + len(table.rows)
    assert ws.freeze_panes == "A7"
    assert ws.auto_filter.ref == f"A6:J{last}"
    assert ws.print_title_rows == "$5:$6"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.oddFooter.left.text == "Đảng bộ huyện Tam Dương"
    assert ws.oddFooter.center.text == "Trang &P/&N"
    assert ws.oddFooter.right.text.startswith("Trần Thị Văn Phòng · ")
    assert ws.page_margins.left > 0.5


def test_portrait_unless_asked():
    ws = load_workbook(io.BytesIO(_bytes(_sheet(landscape=False)))).active
    assert ws.page_setup.orientation == "portrait"


def test_cells_are_typed(content):
    table = read_table(content)
    first = dict(zip(table.header, table.cells[0], strict=True))
    assert first["STT"].value == 1 and first["STT"].data_type == "n"
    assert first["Họ và tên"].data_type == "s"
    born = first["Ngày sinh"]
    assert born.is_date and born.value.date() == date(1960, 3, 1)
    assert born.number_format == "dd/mm/yyyy"
    assert first["Số đảng viên"].value == 5470 and first["Số đảng viên"].number_format == "#,##0"
    assert first["Điểm"].value == pytest.approx(12.25) and first["Điểm"].number_format == "#,##0.0"
    # A percent is given as a number of percent and held as the fraction it is.
    assert first["Tỷ lệ"].value == pytest.approx(0.333) and first["Tỷ lệ"].number_format == "0.0%"
    at = first["Lúc"]  # 01:30 UTC is 08:30 in Hà Nội; Excel holds no zone
    assert at.is_date and at.value == datetime(2016, 12, 31, 8, 30)
    assert first["Năm"].value == 2016 and first["Năm"].number_format == "General"
    assert first["Có"].value == "Có" and first["Ghi chú"].value is None
    assert table.column("STT") == list(range(1, len(HOSTILE) + 2))
    assert table.column("Ngày sinh")[1:] == [None] * len(HOSTILE)


def test_totals_and_notes_under_the_table(content):
    table = read_table(content)
    ws = table.sheet
    row = 6 + len(table.rows) + 1
    assert ws.cell(row, 1).value == "Tổng cộng" and ws.cell(row, 1).font.b
    assert f"A{row}:B{row}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(row, 4).value == 5497 and ws.cell(row, 4).number_format == "#,##0"
    assert ws.cell(row, 6).value == pytest.approx(0.5)
    assert ws.cell(row + 2, 1).value == "Ghi chú: số liệu thử."


def test_text_never_runs_as_a_formula(content):
    table = read_table(content)
    names = table.cells[1:]
    for bad, row in zip(HOSTILE, names, strict=True):
        cell = row[1]
        assert cell.data_type == "s", bad
        assert cell.value == bad.replace("\x00", "").replace("\x0b", ""), bad
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_widths_from_label_kind_and_data(content):
    dims = read_table(content).sheet.column_dimensions
    assert dims["A"].width == 5  # STT
    assert 14 <= dims["B"].width <= 45  # names: from the data
    assert dims["C"].width == 12  # a date
    assert dims["J"].width == 30  # as the column says


def test_long_text_wraps_within_a_capped_width():
    long = "Đảng bộ " + "rất dài " * 20
    spec = _sheet(columns=(Col("Tên", lambda r: long),), groups=(), totals=None, rows=[1, 2])
    ws = load_workbook(io.BytesIO(_bytes(spec))).active
    assert ws.column_dimensions["B"].width == 45 and ws["B6"].alignment.wrap_text


def test_the_file_says_dangbo_and_the_body_never_the_library(content):
    book = load_workbook(io.BytesIO(content))
    assert book.properties.creator == "Huyện ủy Tam Dương"
    assert book.properties.title == "Danh sách đảng viên"
    package = zipfile.ZipFile(io.BytesIO(content))
    app = package.read("docProps/app.xml").decode()
    assert "<Application>dangbo</Application>" in app
    for name in ("docProps/app.xml", "docProps/core.xml"):
        assert "openpyxl" not in package.read(name).decode().lower()
    anonymous = load_workbook(io.BytesIO(_bytes(_sheet(rows=[]))))
    assert anonymous.properties.creator == "dangbo"


def test_an_empty_list_still_has_its_header_and_filter():
    table = read_table(_bytes(_sheet(rows=iter(()), totals=None, notes=(), groups=(), form="")))
    assert table.above == [
        "DANH SÁCH ĐẢNG VIÊN",
        "Đảng bộ huyện Tam Dương · tính đến ngày 31/12/2016",
    ]
    assert table.rows == [] and table.sheet.auto_filter.ref == "A4:J4"
    assert table.sheet.freeze_panes == "A5" and table.sheet.print_title_rows == "$4:$4"


def test_unnumbered_and_several_sheets_with_unique_tabs():
    rows = [("a", 1), ("b", 2)]
    first = Sheet(title="Bảng: số liệu [1]/2016", columns=(col("Tên", 0), col("Số", 1, "int")),
                  rows=rows, numbered=False)  # fmt: skip
    content = _bytes(first, first, Sheet(title="x" * 40, columns=(col("Tên", "name"),),
                                         rows=[{"name": "c"}]))  # fmt: skip
    book = load_workbook(io.BytesIO(content))
    tab = "Bảng- số liệu -1--2016"  # no : [ ] / in a tab's name
    assert book.sheetnames == [tab, f"{tab} (2)", "x" * 31]
    table = read_table(content)
    assert table.header == ["Tên", "Số"] and table.rows == [["a", 1], ["b", 2]]
    assert read_table(content, 2).rows == [[1, "c"]]


def test_col_reads_attributes_keys_and_indexes():
    class Row:
        name = "an"

    assert col("Tên", "name").get(Row()) == "an"
    assert col("Tên", "name").get({"name": "bình"}) == "bình"
    assert col("Số", 1, "int").get(("x", 7)) == 7 and col("Số", 1, "int").kind == "int"


def test_response_is_a_download():
    answer = response([_sheet()], "dang-vien.xlsx", title="Danh sách")
    assert answer["Content-Type"] == XLSX_TYPE
    assert 'filename="dang-vien.xlsx"' in answer["Content-Disposition"]
    assert read_table(b"".join(answer.streaming_content)).header[1] == "Họ và tên"


def test_rows_stream_memory_stays_flat():
    def many(n):
        for i in range(n):
            yield (f"Nguyễn Văn {i}", date(1960, 1, 1), i, i / 7, "Thôn Đông")

    def peak(n: int) -> int:
        columns = (col("Tên", 0), col("Ngày sinh", 1, "date"), col("Số", 2, "int"),
                   col("Điểm", 3, "number"), col("Thôn", 4))  # fmt: skip
        spec = Sheet(title="T", columns=columns, rows=many(n))
        tracemalloc.start()
        try:
            workbook([spec], _Sink())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(10)  # imports and caches
    small, large = peak(500), peak(10_000)
    # 10,000 rows held in memory would take tens of MB; streamed, the peak barely moves.
    assert large < small + 2_000_000


class _Sink(io.RawIOBase):
    """A file that keeps nothing (what is written goes to the client or the disk)."""

    def writable(self):
        return True

    def write(self, b):
        return len(b)

    def seekable(self):
        return False


def test_spaces_kept_and_what_excel_cannot_hold_left_empty():
    rows = [("  lề trái", float("nan"), 3), ("phải  ", float("inf"), Decimal("2.50"))]
    spec = Sheet(title="T", columns=(col("Chữ", 0), col("Số", 1, "number"), col("Đếm", 2, "int")),
                 rows=rows)  # fmt: skip
    table = read_table(_bytes(spec))
    assert table.rows == [[1, "  lề trái", None, 3], [2, "phải  ", None, 2.5]]


def test_a_totals_label_spans_stt_and_the_first_column():
    spec = Sheet(title="T", columns=(col("Quý", 0), col("Số lượt", 1, "int")), rows=[("I", 4)],
                 totals=("Cả năm", 4))  # fmt: skip
    ws = read_table(_bytes(spec)).sheet
    assert ws["A5"].value == "Cả năm" and ws["A5"].font.b and ws["C5"].value == 4
    assert "A5:B5" in {str(r) for r in ws.merged_cells.ranges}


def test_a_long_scope_keeps_the_footer_within_excels_limit():
    many = ", ".join(f"Đảng bộ xã Số {i} & Co" for i in range(30))
    content = _bytes(_sheet(scope=many, user="Nguyễn " * 20))
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    footer = sheet_xml.split("<oddFooter>")[1].split("</oddFooter>")[0]
    assert len(html.unescape(footer)) <= 255  # the characters Excel counts, codes included
    ws = load_workbook(io.BytesIO(content)).active
    assert (
        ws.oddFooter.left.text.startswith("Đảng bộ xã Số 0 && Co") and "…" in ws.oddFooter.left.text
    )
