"""The registry "as of" any date: counts, structural warnings (rules 1–5), bounded queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.core.dates import today
from dangbo.members import services as members
from dangbo.members.rules import probation_end
from dangbo.orgs import queries, services
from dangbo.orgs.models import Organisation, OrgEvent, OrgLink
from dangbo.registry import queries as registry_queries
from dangbo.registry import services as registry_services

pytestmark = pytest.mark.django_db


def add_member(world, cell, name, admitted=date(2005, 1, 1), official=True, gender="M"):
    m = members.admit_member(
        actor=None,
        org=world.org(cell) if isinstance(cell, str) else cell,
        data={"full_name": name, "gender": gender, "date_of_birth": date(1970, 1, 1)},
        admission_decision_date=admitted,
        admission_ceremony_date=admitted,
    )
    if official:
        m = members.recognise_official(
            actor=None, member=m, recognition_date=probation_end(admitted)
        )
    return m


def rules_for(warnings, code):
    return sorted(w["rule"] for w in warnings if w["org"].code == code)


# -- counts -------------------------------------------------------------------------------


def test_member_counts_by_as_of_date(world):
    cell = world.org(
        "kl-thon-1"
    )  # huong, an (official since 2001/2000), binh (admitted 2016-06-01)
    assert registry_queries.member_counts(cell, date(2016, 1, 1)) == {
        "total": 2,
        "official": 2,
        "probationary": 0,
        "female": 1,
    }
    assert registry_queries.member_counts(cell, date(2016, 6, 1))["probationary"] == 1
    assert registry_queries.member_counts(cell, date(2016, 12, 31)) == {
        "total": 3,
        "official": 2,
        "probationary": 1,
        "female": 1,
    }
    assert registry_queries.member_counts(cell, date(1999, 5, 18))["total"] == 0
    an_start = registry_queries.member_counts(cell, date(1999, 5, 19))
    assert (an_start["total"], an_start["official"]) == (1, 0)  # an probationary until 2000
    assert registry_queries.member_counts(cell, date(2000, 5, 19))["official"] == 1


def test_org_stats(world):
    tam = world.org("tam-duong")
    stats = registry_queries.org_stats(tam, date(2016, 12, 31))
    assert stats["org"]["code"] == "tam-duong" and stats["as_of"] == "2016-12-31"
    assert stats["members"] == {"total": 6, "official": 5, "probationary": 1, "female": 3}
    assert stats["grassroots"]["total"] == 3
    assert stats["grassroots"]["by_kind"] == {"grassroots_committee": 2, "grassroots_cell": 1}
    assert stats["grassroots"]["by_sector"] == {"commune": 1, "town": 1, "agency": 1}
    assert stats["sub_cells"] == {
        "total": 3,
        "by_parent_sector": {"commune": 2, "town": 1},
    }
    assert registry_queries.org_stats(tam, date(1996, 1, 1))["grassroots"]["total"] == 0
    assert registry_queries.org_stats(world.org("vinh-phuc"))["members"]["total"] == 7
    assert registry_queries.org_stats(world.org("vinh-tuong"))["members"]["total"] == 1


def test_deceased_member_counts_until_death(world):
    members.end_membership(
        actor=None, member=world.members["an"], kind="deceased", effective_date=date(2010, 6, 1)
    )
    tam = world.org("tam-duong")
    assert (
        registry_queries.org_stats(tam, date(2009, 6, 1))["members"]["total"] == 5
    )  # binh not yet admitted
    assert registry_queries.org_stats(tam, date(2011, 6, 1))["members"]["total"] == 4
    assert registry_queries.org_stats(tam)["members"]["total"] == 5


def test_children_as_of(world):
    kids = registry_queries.children_as_of(world.org("tam-duong"), today())
    assert [(c.code, c.member_count, c.is_leaf) for c in kids] == [
        # committees before cells, then Vietnamese order: "…thị trấn Hợp Hòa" < "…xã Kim Long"
        ("hop-hoa", 1, False),
        ("kim-long", 4, False),
        ("cb-toa-an", 1, True),
    ]
    past = {
        c.code: c.member_count
        for c in registry_queries.children_as_of(world.org("tam-duong"), date(2016, 1, 1))
    }
    assert past == {"cb-toa-an": 1, "kim-long": 3, "hop-hoa": 1}
    assert registry_queries.children_as_of(world.org("kl-thon-1"), today()) == []


def test_ancestors_and_parent_on(world):
    cell = world.org("kl-thon-1")
    assert [o.code for o in queries.ancestors(cell)] == [
        "central",
        "vinh-phuc",
        "tam-duong",
        "kim-long",
    ]
    assert queries.parent_on(cell, date(2000, 1, 1)) == world.org("kim-long")
    assert queries.parent_on(cell, date(1996, 1, 1)) is None


# -- structural warnings ------------------------------------------------------------------


def test_small_cells_and_committees_warn(world):
    w = registry_queries.structural_warnings(world.org("tam-duong"))
    assert rules_for(w, "kl-thon-1") == [1]  # 2 official + 1 probationary
    assert rules_for(w, "kl-thon-2") == [1]
    assert rules_for(w, "cb-toa-an") == [1]
    assert rules_for(w, "kim-long") == [2]  # a grassroots committee with < 30 members
    assert rules_for(w, "hop-hoa") == [2]
    assert rules_for(w, "tam-duong") == [5]  # a district active after 2025-06-30
    assert "vinh-tuong" not in {x["org"].code for x in w}
    assert rules_for(
        registry_queries.structural_warnings(world.org("vinh-phuc")), "vinh-tuong"
    ) == [5]
    # Before 2025-07-01 the district level is legitimate.
    assert (
        rules_for(
            registry_queries.structural_warnings(world.org("tam-duong"), date(2025, 6, 30)),
            "tam-duong",
        )
        == []
    )


def test_three_official_members_make_a_cell(world):
    members.recognise_official(
        actor=None, member=world.members["binh"], recognition_date=date(2017, 6, 1)
    )
    assert rules_for(registry_queries.structural_warnings(world.org("kim-long")), "kl-thon-1") == []
    assert rules_for(
        registry_queries.structural_warnings(world.org("kim-long"), date(2017, 5, 31)), "kl-thon-1"
    ) == [1]


def test_grassroots_size_rule(world):
    for i in range(29):
        add_member(world, "cb-toa-an", f"Cán Bộ {i}", official=False)
    w = registry_queries.structural_warnings(world.org("tam-duong"))
    assert rules_for(w, "cb-toa-an") == [1, 2]  # 1 official; 30 members in a grassroots cell
    assert any("30" in x["message"] for x in w if x["org"].code == "cb-toa-an" and x["rule"] == 2)
    # A committee reaching 30 members (across its sub-cells) no longer warns.
    for i in range(26):
        add_member(world, "kl-thon-2", f"Xã Viên {i}")
    w = registry_queries.structural_warnings(world.org("tam-duong"))
    assert 2 not in rules_for(w, "kim-long")
    assert 2 in rules_for(w, "hop-hoa")


def test_grassroots_size_as_of_follows_the_tree_of_that_date(world):
    kim, hop = world.org("kim-long"), world.org("hop-hoa")
    for i in range(26):
        add_member(world, "kl-thon-1", f"Thôn Viên {i}")  # kl-thon-1 has 29, kim-long 30
    services.reparent_org(
        actor=None, org=world.org("kl-thon-1"), new_parent=hop, effective_date=date(2020, 1, 1)
    )
    before = registry_queries.structural_warnings(world.org("tam-duong"), date(2019, 12, 31))
    after = registry_queries.structural_warnings(world.org("tam-duong"), date(2020, 1, 1))
    assert 2 not in rules_for(before, "kim-long") and 2 in rules_for(before, "hop-hoa")
    assert 2 in rules_for(after, "kim-long") and 2 not in rules_for(after, "hop-hoa")
    kim.refresh_from_db()
    assert registry_queries.org_stats(kim, date(2019, 12, 31))["members"]["total"] == 30


def test_cell_of_nine_official_needs_cell_committee(world):
    cell = world.org("kl-thon-2")  # dung
    for i in range(7):
        add_member(world, cell, f"Đảng Viên {i}")
    assert rules_for(registry_queries.structural_warnings(world.org("kim-long")), "kl-thon-2") == []
    add_member(world, cell, "Người Thứ Chín")
    assert rules_for(registry_queries.structural_warnings(world.org("kim-long")), "kl-thon-2") == [
        3
    ]
    services.create_body(
        actor=None,
        org=cell,
        body_type="cell_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 6, 1),
    )
    assert rules_for(registry_queries.structural_warnings(world.org("kim-long")), "kl-thon-2") == []
    assert rules_for(
        registry_queries.structural_warnings(world.org("kim-long"), date(2020, 5, 31)), "kl-thon-2"
    ) == [3]


def test_party_group_under_a_non_cell_warns(world):
    group = services.create_org(
        actor=None,
        code="to-1",
        name="Tổ đảng 1",
        kind="party_group",
        sector="village",
        parent=world.org("kl-thon-1"),
        valid_from=date(2010, 1, 1),
    )
    assert rules_for(registry_queries.structural_warnings(world.org("kim-long")), "to-1") == []
    OrgLink.objects.filter(child=group).update(parent=world.org("kim-long"))  # legacy data
    w = registry_queries.structural_warnings(world.org("kim-long"))
    assert 4 in rules_for(w, "to-1")


def _district(world, code):
    return services.create_org(
        actor=None,
        code=code,
        name=f"Huyện {code}",
        kind="district_committee",
        sector="territorial",
        parent=world.org("vinh-phuc"),
        valid_from=date(2000, 1, 1),
    )


def test_district_ended_without_successor_warns(world):
    lone, heir = _district(world, "huyen-a"), _district(world, "huyen-b")
    commune = services.create_org(
        actor=None,
        code="xa-moi",
        name="Đảng bộ xã mới",
        kind="commune_committee",
        sector="commune",
        parent=world.org("vinh-phuc"),
        valid_from=date(2025, 7, 1),
    )
    end = date(2025, 6, 30)
    registry_services.dissolve_org(actor=None, org=lone, effective_date=end)
    registry_services.dissolve_org(actor=None, org=heir, effective_date=end, successors=[commune])
    w = registry_queries.structural_warnings(world.org("vinh-phuc"))
    assert rules_for(w, "huyen-a") == [5]
    assert rules_for(w, "huyen-b") == []
    assert rules_for(w, "tam-duong") == [5]  # still active
    assert (
        rules_for(registry_queries.structural_warnings(world.org("vinh-phuc"), end), "huyen-a")
        == []
    )
    # A successor recorded later clears the warning.
    ev = OrgEvent.objects.get(kind="dissolve", inputs=lone)
    ev.outputs.add(commune)
    assert rules_for(registry_queries.structural_warnings(world.org("vinh-phuc")), "huyen-a") == []


# -- bounded queries ----------------------------------------------------------------------


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("as_of", [None, date(2024, 1, 1)])
def test_query_count_does_not_grow_with_size(world, as_of, django_assert_max_num_queries):
    tam = Organisation.objects.get(code="tam-duong")
    day = as_of or today()
    # A past change in the tree forces the historical (recursive) path for past dates.
    services.reparent_org(
        actor=None,
        org=world.org("hh-tdp-1"),
        new_parent=world.org("kim-long"),
        effective_date=date(2024, 6, 1),
    )
    calls = {
        "org_stats": lambda: registry_queries.org_stats(tam, day),
        "warnings": lambda: registry_queries.structural_warnings(tam, day),
        "children": lambda: [c.member_count for c in registry_queries.children_as_of(tam, day)],
        "children_kim": lambda: [
            c.member_count for c in registry_queries.children_as_of(world.org("kim-long"), day)
        ],
        "member_counts": lambda: registry_queries.member_counts(tam, day),
    }
    baseline = {name: _count(fn) for name, fn in calls.items()}
    kim = Organisation.objects.get(code="kim-long")
    for i in range(10):
        cell = services.create_org(
            actor=None,
            code=f"them-{i}",
            name=f"Chi bộ thêm {i}",
            kind="sub_cell",
            sector="village",
            parent=kim,
            valid_from=date(2010, 1, 1),
        )
        for j in range(4):
            add_member(world, cell, f"Thêm {i} {j}", admitted=date(2011, 1, 1), official=j % 2 == 0)
    tam.refresh_from_db()
    for name, fn in calls.items():
        with django_assert_max_num_queries(baseline[name]):
            fn()
    assert registry_queries.member_counts(tam, day)["total"] == 6 + 40
    assert max(baseline.values()) <= 12


def test_overdue_probationers_rule_8(world, settings):
    """Probation ends 12 months after the ceremony; past the grace period without a decision,
    the member is listed for the cell (never acted on automatically)."""
    from dangbo.members import services as members

    settings.DANGBO = {**settings.DANGBO, "RECOGNITION_GRACE_DAYS": 90}
    district, binh = world.org("tam-duong"), world.members["binh"]  # ceremony 01/06/2016

    def listed(on):
        return list(
            registry_queries.overdue_probationers(district, on).values_list("pk", flat=True)
        )

    assert listed(date(2017, 8, 30)) == []  # probation end 01/06/2017 + 90 days
    assert listed(date(2017, 8, 31)) == [binh.pk]
    assert (
        registry_queries.overdue_probationers(world.org("vinh-tuong"), date(2017, 8, 31)).count()
        == 0
    )
    members.recognise_official(actor=None, member=binh, recognition_date=date(2018, 1, 2))
    assert listed(date(2017, 12, 1)) == [binh.pk]  # history: overdue then
    assert listed(date(2018, 1, 2)) == [] and listed(today()) == []


def test_statistics_and_children_use_the_names_of_the_day(world):
    from django.core.exceptions import ValidationError

    kim = world.org("kim-long")
    services.rename_org(
        actor=None, org=kim, name="Đảng bộ xã Kim Long mới", effective_date=date(2020, 1, 1)
    )
    services.rename_org(
        actor=None, org=kim, name="Đảng bộ xã Tam Dương", effective_date=date(2025, 7, 1)
    )
    with pytest.raises(ValidationError):  # renames are recorded in order
        services.rename_org(actor=None, org=kim, name="X", effective_date=date(2024, 1, 1))
    assert (
        registry_queries.org_stats(kim, date(2016, 12, 31))["org"]["name"] == "Đảng bộ xã Kim Long"
    )
    assert (
        registry_queries.org_stats(kim, date(2021, 1, 1))["org"]["name"]
        == "Đảng bộ xã Kim Long mới"
    )
    assert registry_queries.org_stats(kim)["org"]["name"] == "Đảng bộ xã Tam Dương"
    names = {
        c.code: c.name
        for c in registry_queries.children_as_of(world.org("tam-duong"), date(2016, 1, 1))
    }
    assert names["kim-long"] == "Đảng bộ xã Kim Long"
    kim.refresh_from_db()
    assert kim.name == "Đảng bộ xã Tam Dương"  # nothing saved
