"""People in Vietnamese dictionary order: PostgreSQL through the ICU collation vi-VN-x-icu,
SQLite through our sort key — the same order on both engines."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.core.text import collation_key, name_parts, name_sort_key
from dangbo.members import queries, services
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db

# Given names that a byte or naive-Unicode sort would put in the wrong order.
TRICKY = [
    "Nguyễn Văn An",
    "Trần Thị Ánh",
    "Lê Văn Anh",
    "Phạm Thị Ân",
    "Đỗ Văn Ấn",
    "Vũ Thị Ăn",
    "Hoàng Văn Bình",
    "Bùi Thị Chi",
    "Ngô Văn Dũng",
    "Đặng Thị Đào",
    "Lý Văn Đức",
    "Hồ Thị Hà",
    "Mai Văn Hạ",
    "Cao Thị Hả",
    "Tạ Văn Hà",
    "Lưu Văn Ơn",
    "Tô Thị Ông",
    "Trịnh Văn Ưng",
    "Dương Thị Uyên",
    "Ông Ích Khiêm",
]


def _admit(world, names: list[str]) -> None:
    for name in names:
        services.admit_member(
            actor=None,
            org=world.org("kl-thon-2"),
            data={"full_name": name, "gender": "M", "date_of_birth": date(1980, 1, 1)},
            admission_decision_date=date(2015, 2, 1),
            admission_ceremony_date=date(2015, 2, 1),
        )


def test_database_order_is_dictionary_order(world):
    shuffled = TRICKY[:]
    random.Random(7).shuffle(shuffled)
    _admit(world, shuffled)
    listed = [
        m.full_name
        for m in queries.ordered(Member.objects.filter(org__code="kl-thon-2"))
        if m.full_name in TRICKY
    ]
    assert listed == sorted(TRICKY, key=name_sort_key)
    # ă and â are letters of their own, after a; tones weigh only when the letters tie.
    assert listed[:6] == [
        "Nguyễn Văn An",
        "Lê Văn Anh",
        "Trần Thị Ánh",
        "Vũ Thị Ăn",
        "Phạm Thị Ân",
        "Đỗ Văn Ấn",
    ]


def test_name_parts():
    assert name_parts("Nguyễn Thị Thu Hương") == ("Hương", "Nguyễn", "Thị Thu")
    assert name_parts("  Lê   Lợi ") == ("Lợi", "Lê", "")


SYLLABLES = [
    "a",
    "á",
    "à",
    "ả",
    "ã",
    "ạ",
    "ă",
    "ắ",
    "â",
    "ấ",
    "an",
    "anh",
    "ân",
    "ăn",
    "đa",
    "da",
    "ơn",
    "ôn",
    "on",
    "ưng",
    "ung",
    "yên",
    "uyên",
    "hà",
    "ha",
    "hạ",
    "hả",
]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=12, unique=True))
def test_engine_order_matches_our_key(words):
    """ICU (PostgreSQL) and our key (SQLite) agree, so both engines list people alike."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the ICU collation is PostgreSQL's; SQLite uses our key")
    with connection.cursor() as cur:
        cur.execute('SELECT w FROM unnest(%s::text[]) w ORDER BY w COLLATE "vi-VN-x-icu"', [words])
        icu = [r[0] for r in cur.fetchall()]
    assert icu == sorted(words, key=collation_key)
