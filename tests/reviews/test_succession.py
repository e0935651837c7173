"""Streaks across a merger follow the successor links, under a configurable policy (rule 25)."""

from datetime import date

import pytest

from dangbo.core.dates import today
from dangbo.registry import services as registry_services
from dangbo.reviews import services
from dangbo.reviews.queries import streaks

pytestmark = pytest.mark.django_db


def _rate(world, year: int, ranks: dict[str, str]) -> None:
    cycle = services.open_cycle(
        actor=None,
        org=world.org("kim-long"),
        year=year,
        opens_on=date(year, 11, 15),
        closes_on=today(),
    )
    for code, level in ranks.items():
        e = services.self_assess(actor=None, cycle=cycle, subject_org=world.org(code), level=level)
        services.propose(actor=None, evaluation=e, level=level)
        services.decide(
            actor=None,
            evaluation=e,
            level=level,
            by_org=world.org("kim-long"),
            on=date(year, 12, 28),
        )


@pytest.fixture
def merged(world):
    """Đồng Bông exemplary 2012–2016; Gia Du exemplary except 2013; merged into Đồng Bông
    on 1/1/2015."""
    for year in (2012, 2013, 2014):
        _rate(
            world,
            year,
            {
                "kl-thon-1": "tsvm_tieu_bieu",
                "kl-thon-2": "tsvm" if year == 2013 else "tsvm_tieu_bieu",
            },
        )
    registry_services.merge_orgs(
        actor=None,
        sources=[world.org("kl-thon-2")],
        target=world.org("kl-thon-1"),
        effective_date=date(2015, 1, 1),
    )
    for year in (2015, 2016):
        _rate(world, year, {"kl-thon-1": "tsvm_tieu_bieu"})
    return world


def test_all_predecessors_must_meet_the_level(merged, settings):
    settings.DANGBO = {**settings.DANGBO, "STREAK_SUCCESSION": "all"}
    run = streaks(merged.org("kim-long"), 2016, 1, members=False)[merged.org("kl-thon-1").pk]
    assert (run.current, run.longest) == (3, 3)  # 2014–2016: Gia Du was only TSVM in 2013
    at_two = streaks(merged.org("kim-long"), 2016, 2, members=False)
    assert at_two[merged.org("kl-thon-1").pk].current == 5


def test_policy_none_ignores_predecessors(merged, settings):
    settings.DANGBO = {**settings.DANGBO, "STREAK_SUCCESSION": "none"}
    run = streaks(merged.org("kim-long"), 2016, 1, members=False)[merged.org("kl-thon-1").pk]
    assert run.current == 5  # its own five years
