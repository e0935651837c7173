"""The members table's indexes on PostgreSQL (migrations members 0011, 0012): the name
order carries what a common-name search filters on; the indexes no query used are gone."""

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

_0012 = importlib.import_module("dangbo.members.migrations.0012_drop_unused_pg_indexes")


def _indexes() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member'")
        return dict(cur.fetchall())


def test_the_name_index_covers_the_search_and_the_unused_ones_are_gone(engine):
    if engine != "postgresql":
        pytest.skip("PostgreSQL's own indexes")
    found = _indexes()
    cover = found["members_member_icu_name_cover"]
    assert "INCLUDE (status, search_name)" in cover and "vi-VN-x-icu" in cover
    assert "members_member_icu_name" not in found
    assert "gin (string_to_array((search_name)::text" in found["members_member_search_words"]
    assert not set(_0012.UNUSED) & set(found)
    # What the dropped ones served is still served: (org, status), prefixes, trigrams.
    defs = " ".join(found.values())
    assert "(org_id, status) INCLUDE (gender, date_of_birth, admission_decision_date)" in defs
    assert "varchar_pattern_ops" in defs and "gin_trgm_ops" in defs
