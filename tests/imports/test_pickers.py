"""The member import takes the cell by its name, as a spreadsheet typed by people names it
(accents optional), besides its code; a name shared by two cells, or outside the
importer's scope, is reported on its row."""

import pytest

from dangbo.members.models import Member
from dangbo.orgs import services as org_services

from .test_members import rows_of, run

pytestmark = pytest.mark.django_db


def _row(cell, name="Người Mới"):
    return ["", name, "Nam", "01/01/1980", cell, "", "01/02/2015", "", ""]


def test_cell_by_name(tmp_path, world):
    job = run(
        tmp_path,
        [
            _row("Chi bộ thôn Gia Du"),
            _row("chi bo thon dong bong"),
            _row("kl-thon-1", "Người Khác"),  # the same cell by its code: another person
        ],
        actor=world.users["staff"],
        commit=True,
    )
    rows = rows_of(job)
    # written (a probationer past due gets a warning, not an error)
    assert {rows[n].state for n in (2, 3, 4)} <= {"new", "warning"}
    new = Member.objects.filter(full_name__in=["Người Mới", "Người Khác"])
    cells = sorted(new.values_list("org__code", flat=True))
    assert cells == ["kl-thon-1", "kl-thon-1", "kl-thon-2"]


def test_cell_name_unknown_shared_or_outside(tmp_path, world):
    org_services.create_org(
        actor=None,
        code="hh-gia-du",
        name="Chi bộ thôn Gia Du",
        kind="sub_cell",
        sector="village",
        parent=world.org("hop-hoa"),
        valid_from=world.org("hop-hoa").valid_from,
    )
    job = run(
        tmp_path,
        [_row("Chi bộ thôn Gia Du"), _row("Chi bộ thôn Bảo Sơn"), _row("Chi bộ không có")],
        actor=world.users["staff"],
    )
    rows = rows_of(job)
    assert rows[2].messages[0].startswith("Mã chi bộ: có 2 chi bộ tên “Chi bộ thôn Gia Du”")
    for n, name in ((3, "Chi bộ thôn Bảo Sơn"), (4, "Chi bộ không có")):
        assert rows[n].messages[0] == (
            f"Mã chi bộ: không có chi bộ “{name}” trong phạm vi của bạn."
        )
