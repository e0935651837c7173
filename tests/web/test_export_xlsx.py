"""The member list as a real .xlsx, opened back with openpyxl: same scope, columns and audit
as the CSV, and no cell can run as a formula."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.members import services
from tests.sheet_support import read_table

pytestmark = pytest.mark.django_db


def _table(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_table(response)


@pytest.mark.parametrize(
    ("role", "sees_binh", "sees_tien", "sensitive"),
    [
        ("admin", True, False, True),
        ("staff", True, False, False),
        ("outsider", False, True, True),
        ("secretary", True, False, False),
    ],
)
def test_xlsx_is_scoped_like_the_list(client, world, role, sees_binh, sees_tien, sensitive):
    client.force_login(world.users[role])
    table = _table(client.get(reverse("members:export_xlsx")))
    names = set(table.column("Họ và tên"))
    assert ("Lê Văn Bình" in names) is sees_binh and ("Hoàng Minh Tiến" in names) is sees_tien
    assert ("Số CCCD" in table.header) is sensitive
    entry = AuditEntry.objects.filter(action="member.exported").latest("id")
    assert entry.actor == world.users[role] and "XLSX" in entry.summary


def test_xlsx_filters_and_keeps_formulas_as_text(client, world):
    services.update_member(actor=None, member=world.members["an"], data={"occupation": "=cmd()"})
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:export_xlsx"), {"q": "tran van an"})
    table = _table(response)
    (row,) = table.cells
    cell = row[table.header.index("Nghề nghiệp")]
    assert cell.value == "=cmd()" and cell.data_type == "s"
    below = [c.value for row in table.sheet.iter_rows(min_row=6) for c in row if c.value]
    assert below[-1] == "Lọc: tìm “tran van an”."  # the printout says what it leaves out


@pytest.mark.parametrize("who", ["member", "nobody"])
def test_no_xlsx_without_export_rights(client, world, who):
    client.force_login(world.users[who])
    assert client.get(reverse("members:export_xlsx")).status_code == 404


def test_xlsx_is_a_list_to_print(client, world):
    """Title and as-of line above the table, STT, dates as dates, the scope and the user in
    the footer, the header frozen, filtered and repeated on every printed page."""
    user = world.users["staff"]
    user.first_name = "Trần Thị Nhung"  # the display name, as the demo stores it
    user.save()
    client.force_login(user)
    table = _table(client.get(reverse("members:export_xlsx"), {"to-chuc": "kl-thon-1"}))
    title, as_of = table.above
    assert title == "DANH SÁCH ĐẢNG VIÊN"
    assert as_of.startswith("Chi bộ thôn Đồng Bông") and " · tính đến ngày " in as_of
    assert table.header[:2] == ["STT", "Họ và tên"]
    assert table.column("STT") == list(range(1, len(table.rows) + 1))
    an = dict(zip(table.header, table.by("Họ và tên", "Trần Văn An"), strict=True))
    assert an["Ngày sinh"].date() == date(1950, 1, 10)
    assert an["Ngày kết nạp"].date() == date(1999, 5, 19)
    cell = table.cells[0][table.header.index("Ngày sinh")]
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"
    ws = table.sheet
    assert ws.oddFooter.left.text.startswith("Chi bộ thôn Đồng Bông")
    assert ws.oddFooter.right.text.startswith("Trần Thị Nhung · ")
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$4:$4"
    assert ws.auto_filter.ref.startswith("A4:")
    assert ws.page_setup.fitToWidth == 1 and str(ws.page_setup.paperSize) == "9"


def test_xlsx_of_the_whole_scope_names_the_users_root(client, world):
    client.force_login(world.users["staff"])
    table = _table(client.get(reverse("members:export_xlsx")))
    assert table.above[1].startswith("Đảng bộ huyện Tam Dương · ")
    assert table.sheet.oddFooter.left.text == "Đảng bộ huyện Tam Dương"
    assert table.sheet.oddFooter.right.text.startswith("staff · ")
