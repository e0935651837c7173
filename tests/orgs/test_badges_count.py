"""The home's badge figure counts what the badge list lists (rule 10), without listing: the
members with no interruption and no badge in SQL, the others through the rule."""

from datetime import date

import pytest

from dangbo.members import services
from dangbo.members.models import BadgeAward, Member, PartyAgeInterruption
from dangbo.registry import queries

pytestmark = pytest.mark.django_db


def _veteran(world, name: str, decided: date) -> Member:
    m = services.admit_member(
        actor=None,
        org=world.org("hh-tdp-1"),
        data={"full_name": name, "gender": "M", "date_of_birth": date(1940, 1, 1)},
        admission_decision_date=date(1998, 3, 3),
        admission_ceremony_date=date(1998, 3, 3),
    )
    services.recognise_official(actor=None, member=m, recognition_date=date(1999, 3, 3))
    Member.objects.filter(pk=m.pk).update(admission_decision_date=decided)  # admitted long ago
    return m


@pytest.fixture
def veterans(world):
    _veteran(world, "Mốc Đúng Ngày", date(1996, 2, 29))  # 30 years on 28/02/2026
    _veteran(world, "Chưa Đủ Tuổi", date(1996, 3, 2))
    gap = _veteran(world, "Có Gián Đoạn", date(1990, 1, 1))  # 30 years less 8: not yet
    PartyAgeInterruption.objects.create(
        member=gap, interrupted_from=date(2000, 1, 1), interrupted_to=date(2008, 1, 1), reason="x"
    )
    held = _veteran(world, "Đã Nhận Ba Mươi", date(1990, 1, 1))  # holds 30; 40 in 2030
    BadgeAward.objects.create(member=held, milestone=30, award_date=date(2020, 2, 3))
    again = _veteran(world, "Đến Mốc Bốn Mươi", date(1980, 1, 1))  # holds 30; 40 reached
    BadgeAward.objects.create(member=again, milestone=30, award_date=date(2010, 2, 3))


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
        date(2038, 1, 2),
        date(2040, 6, 1),
    ],
)
def test_the_count_is_the_length_of_the_list(world, veterans, day):
    root = world.org("central")
    listed = queries.badges_due(root, day)
    assert queries.badges_due_count(root, day) == len(listed)
    names = {r.full_name for r in listed}
    assert ("Mốc Đúng Ngày" in names) == (day >= date(2026, 2, 28))
    assert ("Chưa Đủ Tuổi" in names) == (day >= date(2026, 3, 2))
    assert "Đến Mốc Bốn Mươi" in names
    assert ("Đã Nhận Ba Mươi" in names) == (day >= date(2030, 1, 1))
    assert ("Có Gián Đoạn" in names) == (day >= date(2028, 1, 2))


def test_the_last_admission_date_reaching_a_milestone_follows_add_years():
    assert queries._latest_decision_reaching(30, date(2026, 2, 28)) == date(1996, 2, 29)
    assert queries._latest_decision_reaching(30, date(2026, 3, 1)) == date(1996, 3, 1)
    assert queries._latest_decision_reaching(30, date(2028, 2, 29)) == date(1998, 2, 28)
