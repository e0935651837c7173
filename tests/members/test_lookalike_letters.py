"""Icelandic Ð/ð typed for Đ/đ by old fonts and keyboards (issue 13.8): stored as Đ/đ,
found by the plain spelling, and folded in search whichever way the user types them."""

from datetime import date

from dangbo.core.text import fold, vietnamese
from dangbo.imports.cells import text
from dangbo.members import queries
from dangbo.members import services as svc
from dangbo.members.models import Member


def test_vietnamese_maps_the_eth_to_d_with_stroke():
    assert vietnamese("Nguyễn Ðình Nhuận, ðường") == "Nguyễn Đình Nhuận, đường"
    assert fold("Nguyễn Ðình Nhuận") == "nguyen dinh nhuan" == fold("Nguyễn Đình Nhuận")
    assert vietnamese("\u0189ỗ") == "Đỗ" and fold("\u0189ỗ") == "do"
    assert vietnamese("Þórr Ödd") == "Þórr Ödd"  # nothing else changes


def test_an_imported_cell_is_stored_with_d_with_stroke():
    assert text("Nguyễn Ðình Nhuận", "Họ và tên", max_length=120) == ("Nguyễn Đình Nhuận", None)


def test_a_member_typed_with_the_eth_is_found_by_the_plain_spelling(world):
    m = svc.admit_member(
        actor=world.users["admin"],
        org=world.org("kl-thon-2"),
        data={
            "full_name": "Nguyễn Ðình Nhuận",
            "home_town": "Ðồng Bông",
            "gender": "M",
            "date_of_birth": date(1990, 5, 10),
        },
        admission_decision_date=date(2020, 3, 2),
        admission_ceremony_date=date(2020, 3, 2),
    )
    assert (m.full_name, m.home_town) == ("Nguyễn Đình Nhuận", "Đồng Bông")
    for typed in ("nguyen dinh nhuan", "Nguyễn Ðình Nhuận", "Đình"):
        found = queries.search(Member.objects.all(), typed).values_list("pk", flat=True)
        assert m.pk in set(found), typed
