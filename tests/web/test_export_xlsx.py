"""The member list as a real .xlsx, opened back with openpyxl: same scope, columns and audit
as the CSV, and no cell can run as a formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.models import AuditEntry
from dangbo.members import services

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c.value for c in row] for row in book.active.iter_rows()]


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
    rows = _rows(client.get(reverse("members:export_xlsx")))
    names = {r[0] for r in rows[1:]}
    assert ("Lê Văn Bình" in names) is sees_binh and ("Hoàng Minh Tiến" in names) is sees_tien
    assert ("Số CCCD" in rows[0]) is sensitive
    entry = AuditEntry.objects.filter(action="member.exported").latest("id")
    assert entry.actor == world.users[role] and "XLSX" in entry.summary


def test_xlsx_filters_and_keeps_formulas_as_text(client, world):
    services.update_member(actor=None, member=world.members["an"], data={"occupation": "=cmd()"})
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:export_xlsx"), {"q": "tran van an"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, row = list(book.active.iter_rows())
    cell = row[[c.value for c in header].index("Nghề nghiệp")]
    assert cell.value == "=cmd()" and cell.data_type == "s"


@pytest.mark.parametrize("who", ["member", "nobody"])
def test_no_xlsx_without_export_rights(client, world, who):
    client.force_login(world.users[who])
    assert client.get(reverse("members:export_xlsx")).status_code == 404
