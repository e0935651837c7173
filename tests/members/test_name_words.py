"""SQLite's full-text index of the folded names (members 0015, issue 17): kept by triggers
through every write, and the search through it gives exactly what reading the names gives."""

from datetime import date

import pytest
from django.db import connection

from dangbo.core import search as rule
from dangbo.members import queries
from dangbo.members import services as members
from dangbo.members.models import Member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's index (PostgreSQL: 0011)"),
]

TYPED = ["hương", "nguyen thi", "nguyễn thị hương", "tran van a", "le", "ph", "vu quoc khanh", "x"]


def _fts_ids(text: str, prefix: bool = False) -> list[int] | None:
    return queries._sqlite_word_matches(rule.terms(text, prefix=prefix))


def _by_reading(text: str, prefix: bool = False) -> set[int]:
    """The rule itself over every name, without the index."""
    t = rule.terms(text, prefix=prefix)
    return set(Member.objects.filter(rule.name_q(t)).values_list("pk", flat=True))


@pytest.mark.parametrize("prefix", [False, True])
@pytest.mark.parametrize("text", TYPED)
def test_the_index_finds_what_reading_the_names_finds(world, text, prefix):
    found = set(
        queries.search(Member.objects.all(), text, prefix=prefix).values_list("pk", flat=True)
    )
    assert found == _by_reading(text, prefix)
    ids = _fts_ids(text, prefix)
    assert ids is not None and set(ids) >= found  # the index answered, a superset


def test_writes_keep_the_index(world):
    m = members.admit_member(
        actor=None,
        org=world.org("kl-thon-2"),
        data={"full_name": "Hoàng Thị Xuyến", "gender": "F", "date_of_birth": date(1990, 1, 1)},
        admission_decision_date=date(2020, 1, 1),
        admission_ceremony_date=date(2020, 1, 1),
    )
    assert _fts_ids("xuyen") == [m.pk]
    members.update_member(actor=None, member=m, data={"full_name": "Hoàng Thị Xuân"})
    assert _fts_ids("xuyen") == [] and _fts_ids("xuyen", prefix=True) == []
    assert _fts_ids("xuan") == [m.pk] and _fts_ids("xu", prefix=True) == [m.pk]
    with connection.cursor() as cur:  # even a hand-written write
        cur.execute("UPDATE members_member SET search_name = 'hoang thi yen' WHERE id = %s", [m.pk])
    assert _fts_ids("xuan", prefix=True) == []
    assert m.pk in _fts_ids("yen")
    Member.objects.filter(pk=m.pk).delete()
    assert m.pk not in (_fts_ids("yen") or [])


def test_typed_fts_syntax_is_only_text(world):
    for text in ['"', "NEAR(a b)", "a OR b", "*", "huong AND", "-huong", "h'bia"]:
        found = queries.search(Member.objects.all(), text, prefix=True)
        assert set(found.values_list("pk", flat=True)) == _by_reading(text, True)


def test_a_bulk_load_without_triggers_is_found_by_check_and_fixed_by_rebuild(world):
    """The national loader drops the triggers while it loads: the index must be rebuilt
    with the aggregates, or a name would be missing from every search."""
    from dangbo.members import aggregates

    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER members_words_insert")
    loaded = Member.objects.get(pk=world.members["an"].pk)
    loaded.pk = None
    loaded.full_name, loaded.search_name = "Đinh Văn Lạc", "dinh van lac"
    loaded.card_number = loaded.id_number = ""
    loaded.user = None
    loaded.save()
    assert _fts_ids("dinh van lac") == []
    result = aggregates.check()
    assert not result.ok and "chỉ mục tìm theo tên" in result.problems[-1]
    aggregates.rebuild()
    assert aggregates.check().ok
    assert len(_fts_ids("dinh van lac")) == 1
