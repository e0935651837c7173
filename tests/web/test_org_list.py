"""The organisation list: filters, scope, and exports scoped exactly like the list."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.models import AuditEntry
from dangbo.orgs.models import Organisation
from tests.sheet_support import read_table

pytestmark = pytest.mark.django_db


def codes_on_page(response) -> set[str]:
    return {o.code for o in response.context["page"]}


def csv_codes(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Mã tổ chức", "Tên tổ chức"]
    return [r[0] for r in rows[1:]]


def xlsx_codes(response) -> list[str]:
    return read_table(response).column("Mã tổ chức")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "staff",
            {"tam-duong", "kim-long", "kl-thon-1", "kl-thon-2", "hop-hoa", "hh-tdp-1", "cb-toa-an"},
        ),
        ("secretary", {"kl-thon-1"}),
        ("outsider", {"vinh-tuong", "vt-xa", "vt-thon"}),
    ],
)
def test_list_and_exports_are_scoped_alike(client, world, who, expected):
    client.force_login(world.users[who])
    assert codes_on_page(client.get(reverse("orgs:list"))) == expected
    assert set(csv_codes(client.get(reverse("orgs:export")))) == expected
    assert set(xlsx_codes(client.get(reverse("orgs:export_xlsx")))) == expected
    entries = AuditEntry.objects.filter(action="org.exported", actor=world.users[who])
    assert entries.count() == 2 and entries.first().after["count"] == len(expected)


def test_filters_apply_to_the_export(client, world):
    client.force_login(world.users["staff"])
    params = {"loai": "sub_cell", "thuoc": "kim-long"}
    assert codes_on_page(client.get(reverse("orgs:list"), params)) == {"kl-thon-1", "kl-thon-2"}
    assert csv_codes(client.get(reverse("orgs:export"), params)) == ["kl-thon-1", "kl-thon-2"]
    found = codes_on_page(client.get(reverse("orgs:list"), {"q": "kim long"}))
    assert found == {"kim-long"}
    found = codes_on_page(client.get(reverse("orgs:list"), {"q": "Đông Hòa"}))
    assert found == {"hh-tdp-1"}
    found = codes_on_page(client.get(reverse("orgs:list"), {"loai-hinh": "residential_group"}))
    assert found == {"hh-tdp-1"}


def test_out_of_scope_parent_filter_is_an_empty_list_with_a_message(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("orgs:list"), {"thuoc": "vt-xa"})
    assert codes_on_page(response) == set()
    assert "không tìm thấy tổ chức “vt-xa”" in response.content.decode()
    assert csv_codes(client.get(reverse("orgs:export"), {"thuoc": "vt-xa"})) == []
    outside = client.get(reverse("orgs:list"), {"thuoc": "tan tien"})  # by name: the same
    assert "không tìm thấy tổ chức “tan tien”" in outside.content.decode()


def test_parent_filter_by_name(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("orgs:list"), {"thuoc": "kim long"})
    assert codes_on_page(response) == {"kim-long", "kl-thon-1", "kl-thon-2"}
    assert f'data-picker="{reverse("orgs:pick")}"' in response.content.decode()


def test_ended_organisations_only_on_request(client, world):
    Organisation.objects.filter(code="kl-thon-2").update(valid_to="2020-01-01")
    client.force_login(world.users["staff"])
    assert "kl-thon-2" not in codes_on_page(client.get(reverse("orgs:list")))
    assert "kl-thon-2" in codes_on_page(client.get(reverse("orgs:list"), {"ca-da-ket-thuc": "1"}))


def test_formula_cells_are_disarmed(client, world):
    Organisation.objects.filter(code="kl-thon-1").update(name='=HYPERLINK("x")')
    client.force_login(world.users["staff"])
    text = b"".join(client.get(reverse("orgs:export")).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    book = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("orgs:export_xlsx")).streaming_content))
    )
    cells = [c for row in book.active.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("who", ["member", "nobody"])
def test_no_export_without_the_export_action(client, world, who):
    client.force_login(world.users[who])
    assert client.get(reverse("orgs:export")).status_code == 404
    assert client.get(reverse("orgs:export_xlsx")).status_code == 404
    assert codes_on_page(client.get(reverse("orgs:list"))) == set()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("orgs:export"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_xlsx_is_a_list_to_print_as_of_the_period(client, world):
    client.force_login(world.users["staff"])
    client.post(reverse("period"), {"ngay": "31/12/2016", "next": reverse("orgs:list")})
    table = read_table(client.get(reverse("orgs:export_xlsx"), {"thuoc": "kim-long"}))
    assert table.above == [
        "DANH SÁCH TỔ CHỨC ĐẢNG",
        "Đảng bộ xã Kim Long · tính đến ngày 31/12/2016",
    ]
    assert table.header[:3] == ["STT", "Mã tổ chức", "Tên tổ chức"]
    row = dict(
        zip(table.header, table.cells[table.column("Mã tổ chức").index("kim-long")], strict=True)
    )
    assert row["Ngày thành lập"].is_date and row["Ngày thành lập"].value.date() == date(1997, 1, 1)
    assert row["Ngày kết thúc"].value is None
    assert table.sheet.oddFooter.left.text == "Đảng bộ xã Kim Long"
    assert table.sheet.page_setup.orientation == "landscape"
