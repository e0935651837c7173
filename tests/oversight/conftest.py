"""Oversight fixtures: the district's committee, shared by the services and queries suites."""

import pytest

from tests.support import executive_committee, seat


@pytest.fixture
def committee(world):
    """Tam Dương's executive committee 2015–2020: an (standing), hoa and khanh (members);
    their positions in ``world.seats``."""
    body = executive_committee(world)
    world.seats = {
        "an": seat(world, "an", "standing_member", body=body),
        "hoa": seat(world, "hoa", body=body),
        "khanh": seat(world, "khanh", body=body),
    }
    return world
