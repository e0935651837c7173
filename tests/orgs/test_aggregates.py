"""Per-organisation pre-aggregates stay equal to a recount after every kind of change."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from dangbo.core.dates import today
from dangbo.members import aggregates
from dangbo.members import services as members
from dangbo.members.models import Member, MemberTally
from dangbo.orgs import services as orgs
from dangbo.registry import queries as registry_queries
from dangbo.registry import services as registry_services

pytestmark = pytest.mark.django_db


def assert_consistent(world) -> None:
    result = aggregates.check()
    assert result.ok, result.problems
    # central and vinh-phuc are read from the per-province roll-up, the others from the tally.
    for code in (
        "central",
        "vinh-phuc",
        "tam-duong",
        "kim-long",
        "kl-thon-1",
        "hop-hoa",
        "vinh-tuong",
    ):
        org = world.org(code)
        org.refresh_from_db()
        assert aggregates.member_counts(org.path) == registry_queries.membership_counts(
            org, today()
        )


def test_services_keep_the_tally(world):
    assert_consistent(world)
    day = date(2020, 5, 4)
    members.transfer_member(
        actor=None, member=world.members["dung"], to_org=world.org("hh-tdp-1"), effective_date=day
    )
    assert_consistent(world)
    members.recognise_official(
        actor=None, member=world.members["binh"], recognition_date=date(2017, 6, 1)
    )
    assert_consistent(world)
    members.end_membership(
        actor=None, member=world.members["an"], kind="deceased", effective_date=day
    )
    assert_consistent(world)
    members.update_member(actor=None, member=world.members["khanh"], data={"gender": "F"})
    assert_consistent(world)
    members.admit_member(
        actor=None,
        org=world.org("kl-thon-2"),
        data={"full_name": "Mới Vào", "gender": "F", "date_of_birth": date(1990, 1, 1)},
        admission_decision_date=day,
        admission_ceremony_date=day,
    )
    assert_consistent(world)


def test_reorganisations_move_the_tally_with_the_tree(world):
    kim = world.org("kim-long")
    orgs.reparent_org(
        actor=None, org=kim, new_parent=world.org("vinh-tuong"), effective_date=date(2020, 1, 1)
    )
    assert_consistent(world)
    tuong = world.org("vinh-tuong")
    tuong.refresh_from_db()
    assert aggregates.member_counts(tuong.path)["total"] == 5  # Tiến + kim-long's four
    registry_services.merge_orgs(
        actor=None,
        sources=[world.org("kl-thon-2")],
        target=world.org("kl-thon-1"),
        effective_date=date(2021, 1, 1),
    )
    assert_consistent(world)


def test_a_district_moved_to_another_province_moves_its_members_in_the_rollup(world):
    """The roll-up is keyed by province: re-parenting across provinces moves the counts."""
    central, phuc = world.org("central"), world.org("vinh-phuc")
    national_before = aggregates.member_counts(central.path)
    phuc_before = aggregates.member_counts(phuc.path)
    other = orgs.create_org(
        actor=None,
        code="phu-tho",
        name="Đảng bộ tỉnh Phú Thọ",
        kind="province_committee",
        sector="territorial",
        parent=central,
        valid_from=date(2019, 1, 1),
    )
    tam = world.org("tam-duong")
    moved = aggregates.member_counts(tam.path)
    orgs.reparent_org(actor=None, org=tam, new_parent=other, effective_date=date(2020, 1, 1))
    assert_consistent(world)
    other.refresh_from_db()
    phuc.refresh_from_db()
    assert aggregates.member_counts(other.path) == moved
    assert aggregates.member_counts(phuc.path)["total"] == phuc_before["total"] - moved["total"]
    assert aggregates.member_counts(central.path) == national_before
    with connection.cursor() as cur:
        cur.execute("SELECT SUM(n) FROM members_membertallyrollup WHERE prefix = %s", [other.path])
        assert cur.fetchone()[0] == sum(
            n for (_s, _g), n in aggregates.subtree_counts(tam.path).items()
        )


def test_check_finds_a_wrong_rollup_and_rebuild_fixes_it(world):
    with connection.cursor() as cur:
        cur.execute("UPDATE members_membertallyrollup SET n = n + 7 WHERE status = 'official'")
    result = aggregates.check()
    assert not result.ok and result.problems[0].startswith("tổng theo tỉnh")
    aggregates.rebuild()
    assert_consistent(world)


def test_bulk_writes_keep_the_tally(world, tmp_path):
    from dangbo.imports import services as imports

    header = "Họ và tên,Giới tính,Ngày sinh,Mã chi bộ,Ngày vào Đảng,Ngày chính thức"
    rows = [
        f"Người Số {i},{'Nữ' if i % 2 else 'Nam'},01/01/1980,kl-thon-2,01/02/2015,"
        + ("01/02/2016" if i % 3 else "")
        for i in range(40)
    ]
    path = tmp_path / "x.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    job = imports.create_job(actor=None, kind="members", source=path, original_name="x.csv")
    imports.run(job, commit=True)
    assert_consistent(world)
    assert aggregates.member_counts(world.org("kl-thon-2").path)["total"] == 41


def test_check_finds_a_wrong_count_and_rebuild_fixes_it(world):
    MemberTally.objects.filter(org=world.org("kl-thon-1"), status="official").update(n=99)
    result = aggregates.check()
    assert not result.ok and "bảng tổng hợp 99" in result.problems[0]
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("aggregates", "check", stdout=out)
    assert exc.value.code == 1 and "KHÔNG khớp" in out.getvalue()
    call_command("aggregates", "rebuild", stdout=StringIO())
    assert_consistent(world)
    out = StringIO()
    call_command("aggregates", "check", stdout=out)
    assert "khớp" in out.getvalue()


def test_raw_sql_writes_are_counted_too(world):
    """The triggers, not the services, keep the tally: even a hand-written UPDATE counts."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE members_member SET status = 'struck_off' WHERE card_number = '12345678'"
        )
    assert aggregates.check().ok
    assert aggregates.member_counts(world.org("kl-thon-1").path)["total"] == 2
    assert Member.objects.get(card_number="12345678").status == "struck_off"


def test_page_counts_use_the_tally_today_and_intervals_before(world, django_assert_max_num_queries):
    tam = world.org("tam-duong")
    assert registry_queries.member_counts(tam, today()) == {
        "total": 6,
        "official": 5,
        "probationary": 1,
        "female": 3,
    }
    with django_assert_max_num_queries(1):
        registry_queries.member_counts(tam, today())
    assert registry_queries.member_counts(tam, date(2016, 5, 31))["total"] == 5


def test_the_tally_triggers_exist_after_all_migrations(db):
    """SQLite drops a table's triggers when a migration rebuilds it: the last migration that
    touches members_member must put them back."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {r[0] for r in cur.fetchall()}
    expected = {
        "members_tally_insert",
        "members_tally_update",
        "members_tally_delete",
        "members_tally_path",
        "members_rollup_insert",
        "members_rollup_update",
        "members_rollup_delete",
    }
    if connection.vendor == "sqlite":  # the folded names' full-text index (members 0015)
        expected |= {"members_words_insert", "members_words_delete", "members_words_update"}
    assert expected <= names


def _warning_set(warnings) -> set:
    return {(w["org"].pk, w["rule"], w["message"]) for w in warnings}


def test_todays_warnings_from_the_tally_equal_the_interval_rules(world):
    """Make every rule fire, then compare the SQL-over-tally path with the interval path."""
    from dangbo.orgs.models import Organisation

    day = date(2020, 1, 1)
    orgs.create_org(
        actor=None,
        code="to-1",
        name="Tổ đảng 1",
        kind="party_group",
        sector="village",
        parent=world.org("kl-thon-1"),
        valid_from=day,
    )
    for i in range(10):  # kl-thon-2 reaches 10 officials without a cell committee (rule 3)
        m = members.admit_member(
            actor=None,
            org=world.org("kl-thon-2"),
            data={"full_name": f"Người {i}", "gender": "M", "date_of_birth": date(1980, 1, 1)},
            admission_decision_date=day,
            admission_ceremony_date=day,
        )
        members.recognise_official(actor=None, member=m, recognition_date=date(2021, 1, 1))
    for code in ("central", "tam-duong", "kim-long", "vinh-phuc"):
        org = Organisation.objects.get(code=code)
        fast = registry_queries.structural_warnings(org, today())
        slow = registry_queries.warnings_from_intervals(org, today())
        assert _warning_set(fast) == _warning_set(slow)
    rules = {w["rule"] for w in registry_queries.structural_warnings(world.org("central"), today())}
    assert {1, 2, 3, 5} <= rules
