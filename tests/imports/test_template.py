"""The members' template lists the user's own cells and offers them on the cell column
(issue 13, item 4); its example row names a real cell, so the filled template imports."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.imports import services
from dangbo.imports.cellnames import CellResolver
from dangbo.imports.template import CELLS_SHEET, template_xlsx
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Organisation

from .test_web import login

pytestmark = pytest.mark.django_db


def _template(client, world, user, kind="members"):
    login(client, world, user)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _listed(book):
    return [[c.value for c in row] for row in book[CELLS_SHEET].iter_rows(min_row=2, max_col=3)]


def test_the_sheet_of_own_cells_in_tree_order_within_scope(client, world):
    Organisation.objects.filter(code="kl-thon-2").update(valid_to=date(2020, 1, 1))  # ended
    book = _template(client, world, "staff")
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn", CELLS_SHEET]
    assert [c.value for c in book[CELLS_SHEET][1]][:3] == [
        "Chi bộ",
        "Đảng bộ cấp trên",
        "Mã chi bộ",
    ]
    assert _listed(book) == [
        ["Chi bộ Tòa án nhân dân huyện", "Đảng bộ huyện Tam Dương", "cb-toa-an"],
        ["Chi bộ tổ dân phố Đông Hòa", "Đảng bộ thị trấn Hợp Hòa", "hh-tdp-1"],
        ["Chi bộ thôn Đồng Bông", "Đảng bộ xã Kim Long", "kl-thon-1"],
    ]
    # Kim Long's staff sees Kim Long's cells only; Vĩnh Tường's staff only theirs
    assert [r[2] for r in _listed(_template(client, world, "sensitive_staff"))] == ["kl-thon-1"]
    assert [r[2] for r in _listed(_template(client, world, "outsider"))] == ["vt-thon"]


def test_the_cell_column_has_a_drop_down_of_those_names(client, world):
    book = _template(client, world, "staff")
    data = book["Dữ liệu"]
    header = [c.value for c in data[1]]
    assert header[3] == "Chi bộ (*)" and header[4] == "Đảng bộ xã"
    (validation,) = data.data_validations.dataValidation
    assert validation.type == "list" and validation.allow_blank
    assert validation.formula1 == f"'{CELLS_SHEET}'!$A$2:$A$5"  # staff's four cells
    assert validation.showErrorMessage is not True  # a code or a name typed otherwise still goes in
    assert str(validation.sqref).startswith("D2:D")
    guide = "\n".join(str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "danh sách thả xuống" in guide and "Đảng bộ xã" in guide


def test_the_example_names_a_real_cell_and_imports(client, world, tmp_path):
    book = _template(client, world, "staff")
    data = book["Dữ liệu"]
    header = [c.value for c in data[1]]
    example = dict(zip(header, [c.value for c in data[2]], strict=True))
    assert example["Chi bộ (*)"] == "Chi bộ Tòa án nhân dân huyện"
    assert example["Đảng bộ xã"] == "Đảng bộ huyện Tam Dương"
    path = tmp_path / "mau.xlsx"
    login(client, world, "staff")
    path.write_bytes(client.get(reverse("imports:template", args=["members"])).content)
    staff = world.users["staff"]
    job = services.create_job(actor=staff, kind="members", source=path, original_name="mau.xlsx")
    job = services.run(job, commit=True, actor=staff)
    assert job.counts.get("error", 0) == 0, list(job.rows.values_list("messages", flat=True))
    assert job.state == "committed"


def test_a_name_shared_by_two_cells_is_listed_with_its_commune(client, world):
    org_services.create_org(
        actor=None,
        code="hh-dong-bong",
        name="Chi bộ thôn Đồng Bông",
        kind="sub_cell",
        sector="village",
        parent=world.org("hop-hoa"),
        valid_from=date(2000, 1, 1),
    )
    book = _template(client, world, "staff")
    listed = _listed(book)
    # picked from the drop-down, each reads back as its own cell
    hop_hoa = "Chi bộ thôn Đồng Bông (Đảng bộ thị trấn Hợp Hòa)"
    kim_long = "Chi bộ thôn Đồng Bông (Đảng bộ xã Kim Long)"
    assert [hop_hoa, "Đảng bộ thị trấn Hợp Hòa", "hh-dong-bong"] in listed
    assert [kim_long, "Đảng bộ xã Kim Long", "kl-thon-1"] in listed
    assert ["Chi bộ thôn Gia Du", "Đảng bộ xã Kim Long", "kl-thon-2"] in listed
    resolver = CellResolver(world.users["staff"])
    assert resolver.resolve(hop_hoa)[0].code == "hh-dong-bong"
    assert resolver.resolve(kim_long)[0].code == "kl-thon-1"


def test_many_cells_are_cut_with_a_note():
    cells = [(f"Chi bộ {n}", "Đảng bộ xã Kim Long", f"kl-{n}") for n in range(1, 5001)]
    book = load_workbook(
        io.BytesIO(template_xlsx("members", cells=cells, cells_total=7250)), read_only=False
    )
    listed = book[CELLS_SHEET]
    assert listed.max_row == 5001 and listed["A5001"].value == "Chi bộ 5000"
    assert listed["E1"].value.startswith("Chỉ liệt kê 5.000 trong số 7.250 chi bộ của bạn")
    (validation,) = book["Dữ liệu"].data_validations.dataValidation
    assert validation.formula1 == f"'{CELLS_SHEET}'!$A$2:$A$5001"


def test_no_cells_no_drop_down_and_the_organisations_template_is_unchanged(client, world):
    book = load_workbook(io.BytesIO(template_xlsx("members", cells=[], cells_total=0)))
    assert book[CELLS_SHEET]["A2"].value.startswith("Bạn chưa có chi bộ nào")
    assert not book["Dữ liệu"].data_validations.dataValidation
    assert book["Dữ liệu"]["D2"].value is None  # no made-up code in the example
    orgs = _template(client, world, "staff", kind="orgs")
    assert orgs.sheetnames == ["Dữ liệu", "Hướng dẫn"]


def test_the_api_gives_the_same_template(client, world):
    from .test_api import auth

    response = client.get("/api/v1/imports/templates/members", **auth(world, "sensitive_staff"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert _listed(book) == [
        ["Chi bộ thôn Đồng Bông", "Đảng bộ xã Kim Long", "kl-thon-1"],
        ["Chi bộ thôn Gia Du", "Đảng bộ xã Kim Long", "kl-thon-2"],
    ]
    assert book["Dữ liệu"]["D2"].value == "Chi bộ thôn Đồng Bông"
