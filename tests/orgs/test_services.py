"""Organisation registry services: validation, re-parenting with history, dissolve, merge,
split, rename."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.dates import today
from dangbo.core.errors import messages_of
from dangbo.core.models import AuditEntry
from dangbo.members import services as members
from dangbo.members.models import Member, Membership
from dangbo.orgs import queries, services
from dangbo.orgs.models import Organisation, OrgEvent, OrgLink
from dangbo.registry import queries as registry_queries
from dangbo.registry import services as registry_services
from tests.support import assert_refused

pytestmark = pytest.mark.django_db

# What a refused call must leave unchanged (tests.support adds the audit log).
MODELS = (Organisation, OrgLink, OrgEvent, AuditEntry, Membership)


def new_org(world, code, kind="sub_cell", parent="kim-long", since=date(2010, 1, 1), **kw):
    return services.create_org(
        actor=None,
        code=code,
        name=kw.pop("name", f"Tổ chức {code}"),
        kind=kind,
        sector=kw.pop("sector", "village"),
        parent=world.org(parent) if isinstance(parent, str) else parent,
        valid_from=since,
        **kw,
    )


def codes(qs):
    return set(qs.values_list("code", flat=True))


# -- create -------------------------------------------------------------------------------


def test_create_org_builds_path_link_event_and_audit(world):
    org = new_org(world, "kl-thon-3")
    kim = world.org("kim-long")
    assert org.path == f"{kim.path}{org.pk}." and org.depth == kim.depth + 1
    assert org.has_seal is False  # sub-cells hold no seal
    link = OrgLink.objects.get(child=org)
    assert (link.parent_id, link.valid_from, link.valid_to) == (kim.pk, date(2010, 1, 1), None)
    event = OrgEvent.objects.get(outputs=org)
    assert event.kind == "establish" and event.effective_date == date(2010, 1, 1)
    assert AuditEntry.objects.order_by("-id").first().action == "org.established"
    assert world.org("kim-long").has_seal is True


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("code", {"code": "Bad Code"}),
        ("code", {"code": "a--b"}),
        ("code", {"code": "-ab"}),
        ("code", {"code": "thôn-1"}),
        ("code", {"code": "a" * 65}),
        ("code", {"code": "kl-thon-1"}),  # duplicate
        ("code", {"code": "KL-THON-1"}),  # duplicate once lower-cased
        ("name", {"name": "   "}),
        ("name", {"name": "Tên\x00lạ"}),
        ("name", {"name": "x" * 201}),
        ("kind", {"kind": "cell"}),
        ("sector", {"sector": "moon"}),
        ("valid_from", {"since": None}),
        ("valid_from", {"since": today() + timedelta(days=1)}),
        ("parent", {"kind": "party_group", "parent": "kim-long"}),  # rule 4
        ("parent", {"kind": "party_group", "parent": "tam-duong"}),
        ("parent", {"kind": "sub_cell", "parent": "tam-duong"}),
        ("parent", {"kind": "sub_cell", "parent": "kl-thon-1"}),
        ("parent", {"kind": "grassroots_cell", "parent": None}),
        ("parent", {"kind": "district_committee", "parent": "tam-duong"}),
        ("parent", {"since": date(1996, 12, 31)}),  # parent not yet founded
    ],
)
def test_create_org_refusals(world, field, kwargs):
    kwargs = {"code": "moi", **kwargs}
    assert_refused(MODELS, field, new_org, world=world, **kwargs)


def test_create_org_allowed_parents(world):
    assert new_org(world, "to-1", kind="party_group", parent="kl-thon-1").parent == world.org(
        "kl-thon-1"
    )
    assert new_org(world, "to-2", kind="party_group", parent="cb-toa-an").depth == 4
    bp = new_org(world, "bp", kind="branch_committee", parent="kim-long", sector="commune")
    assert new_org(world, "bp-cb", kind="sub_cell", parent=bp).parent == bp
    assert new_org(world, " Mixed-Case-1 ", parent="hop-hoa").code == "mixed-case-1"


def test_create_under_dissolved_parent_refused(world):
    empty = new_org(world, "rong")
    registry_services.dissolve_org(actor=None, org=empty, effective_date=date(2015, 1, 1))
    grassroots = new_org(
        world, "cs-cu", kind="grassroots_committee", parent="tam-duong", sector="commune"
    )
    grassroots = registry_services.dissolve_org(
        actor=None, org=grassroots, effective_date=date(2015, 1, 1)
    )
    assert_refused(
        MODELS, "parent", new_org, world=world, code="x", parent=grassroots, since=date(2016, 1, 1)
    )
    # An open-ended organisation cannot hang under one that has ended, whatever its start.
    assert_refused(
        MODELS, "parent", new_org, world=world, code="y", parent=grassroots, since=date(2014, 1, 1)
    )


# -- reparent -----------------------------------------------------------------------------


def test_reparent_keeps_history_and_rewrites_subtree_paths(world):
    kim, tuong = world.org("kim-long"), world.org("vinh-tuong")
    group = new_org(world, "to-dang", kind="party_group", parent="kl-thon-1", sector="village")
    day = date(2020, 7, 1)
    moved = services.reparent_org(actor=None, org=kim, new_parent=tuong, effective_date=day)
    tuong.refresh_from_db()
    assert moved.parent == tuong and moved.path == f"{tuong.path}{kim.pk}."
    old, new = OrgLink.objects.filter(child=kim).order_by("valid_from")
    assert (old.parent_id, old.valid_to) == (world.org("tam-duong").pk, day - timedelta(days=1))
    assert (new.parent_id, new.valid_from, new.valid_to) == (tuong.pk, day, None)
    for code in ("kl-thon-1", "kl-thon-2"):
        o = Organisation.objects.get(code=code)
        assert o.path == f"{moved.path}{o.pk}." and o.depth == moved.depth + 1
    group.refresh_from_db()
    assert group.path.startswith(tuong.path) and group.depth == moved.depth + 2
    # The current tree answers the current scope; history answers the past.
    assert codes(Organisation.objects.filter(tuong.subtree_q())) >= {
        "kim-long",
        "kl-thon-1",
        "to-dang",
    }
    assert "kl-thon-1" not in codes(Organisation.objects.filter(world.org("tam-duong").subtree_q()))
    assert queries.parent_on(kim, day - timedelta(days=1)) == world.org("tam-duong")
    assert queries.parent_on(kim, day) == tuong
    ev = OrgEvent.objects.filter(kind="reparent", inputs=kim).get()
    assert ev.data == {"old_parent": "tam-duong", "new_parent": "vinh-tuong"}


def test_stats_as_of_before_a_move_count_the_old_tree(world):
    cell, kim, hop = world.org("kl-thon-1"), world.org("kim-long"), world.org("hop-hoa")
    day = date(2020, 1, 1)
    before, after = day - timedelta(days=1), day
    services.reparent_org(actor=None, org=cell, new_parent=hop, effective_date=day)
    kim.refresh_from_db()
    hop.refresh_from_db()
    old_ids = set(
        Organisation.objects.filter(queries.subtree_filter(kim, before)).values_list(
            "code", flat=True
        )
    )
    assert old_ids == {"kim-long", "kl-thon-1", "kl-thon-2"}
    assert codes(Organisation.objects.filter(queries.subtree_filter(kim, after))) == {
        "kim-long",
        "kl-thon-2",
    }
    assert codes(Organisation.objects.filter(queries.subtree_filter(hop, before))) == {
        "hop-hoa",
        "hh-tdp-1",
    }
    assert codes(Organisation.objects.filter(queries.subtree_filter(hop, after))) == {
        "hop-hoa",
        "hh-tdp-1",
        "kl-thon-1",
    }
    # kl-thon-1: huong, an, binh; kl-thon-2: dung; hh-tdp-1: hoa.
    assert registry_queries.org_stats(kim, before)["members"]["total"] == 4
    assert registry_queries.org_stats(kim, after)["members"]["total"] == 1
    assert registry_queries.org_stats(hop, before)["members"]["total"] == 1
    assert registry_queries.org_stats(hop, after)["members"]["total"] == 4
    assert registry_queries.org_stats(hop)["members"]["total"] == 4
    assert registry_queries.org_stats(world.org("tam-duong"), before)["members"]["total"] == 6
    by_child = {c.code: c.member_count for c in registry_queries.children_as_of(kim, before)}
    assert by_child == {"kl-thon-1": 3, "kl-thon-2": 1}
    assert {c.code for c in registry_queries.children_as_of(kim, after)} == {"kl-thon-2"}
    by_child = {c.code: c.member_count for c in registry_queries.children_as_of(hop, today())}
    assert by_child == {"kl-thon-1": 3, "hh-tdp-1": 1}


REPARENT_ON = date(2020, 1, 1)


@pytest.mark.parametrize(
    ("org", "new_parent", "field", "effective_date"),
    [
        ("kim-long", "kim-long", "new_parent", REPARENT_ON),  # under itself
        ("tam-duong", "kim-long", "new_parent", REPARENT_ON),  # under its own subtree
        ("tam-duong", "kl-thon-1", "new_parent", REPARENT_ON),
        ("kl-thon-1", "kim-long", "new_parent", REPARENT_ON),  # where it already is
        ("kl-thon-1", "tam-duong", "new_parent", REPARENT_ON),  # a sub-cell under a district
        ("kl-thon-1", None, "new_parent", REPARENT_ON),
        ("kl-thon-1", "hop-hoa", "effective_date", today() + timedelta(days=1)),
        ("kl-thon-1", "hop-hoa", "effective_date", date(1996, 1, 1)),
    ],
)
def test_reparent_refusals(world, org, new_parent, field, effective_date):
    assert_refused(
        MODELS,
        field,
        services.reparent_org,
        actor=None,
        org=world.org(org),
        new_parent=world.org(new_parent) if new_parent else None,
        effective_date=effective_date,
    )


def test_reparent_not_before_the_current_link_began(world):
    cell = world.org("kl-thon-1")
    services.reparent_org(
        actor=None, org=cell, new_parent=world.org("hop-hoa"), effective_date=REPARENT_ON
    )
    assert_refused(
        MODELS,
        "effective_date",
        services.reparent_org,
        actor=None,
        org=cell,
        new_parent=world.org("kim-long"),
        effective_date=REPARENT_ON,
    )


# -- rename -------------------------------------------------------------------------------


def test_rename_keeps_earlier_names(world):
    cell = world.org("kl-thon-1")
    old = cell.name
    services.rename_org(
        actor=None, org=cell, name="Chi bộ thôn Đồng Bông 1", effective_date=date(2010, 1, 1)
    )
    services.rename_org(
        actor=None, org=cell, name="Chi bộ thôn Đồng Bông mới", effective_date=date(2020, 1, 1)
    )
    cell.refresh_from_db()
    assert cell.name == "Chi bộ thôn Đồng Bông mới"
    assert queries.name_on(cell, date(2009, 12, 31)) == old
    assert queries.name_on(cell, date(2010, 1, 1)) == "Chi bộ thôn Đồng Bông 1"
    assert queries.name_on(cell, date(2019, 12, 31)) == "Chi bộ thôn Đồng Bông 1"
    assert queries.name_on(cell, date(2020, 1, 1)) == cell.name
    assert_refused(
        MODELS,
        "name",
        services.rename_org,
        actor=None,
        org=cell,
        name=cell.name,
        effective_date=date(2021, 1, 1),
    )
    assert_refused(
        MODELS,
        "effective_date",
        services.rename_org,
        actor=None,
        org=cell,
        name="X",
        effective_date=date(1990, 1, 1),
    )


# -- dissolve -----------------------------------------------------------------------------


def test_dissolve_refuses_while_members_or_children_remain(world):
    assert_refused(
        MODELS,
        "org",
        registry_services.dissolve_org,
        actor=None,
        org=world.org("kl-thon-2"),
        effective_date=date(2020, 1, 1),
    )
    assert_refused(
        MODELS,
        "org",
        registry_services.dissolve_org,
        actor=None,
        org=world.org("kim-long"),
        effective_date=date(2020, 1, 1),
    )


def test_dissolve_empty_org(world):
    cell = world.org("kl-thon-2")
    members.transfer_member(
        actor=None,
        member=world.members["dung"],
        to_org=world.org("kl-thon-1"),
        effective_date=date(2019, 1, 1),
    )
    assert_refused(
        MODELS,
        "effective_date",
        registry_services.dissolve_org,
        actor=None,
        org=cell,
        effective_date=date(1996, 1, 1),
    )
    org = cell = registry_services.dissolve_org(
        actor=None, org=cell, effective_date=date(2020, 1, 1)
    )
    assert org.valid_to == date(2020, 1, 1)
    assert org.is_active(date(2020, 1, 1)) and not org.is_active(date(2020, 1, 2))
    assert OrgLink.objects.get(child=cell).valid_to == date(2020, 1, 1)
    assert OrgEvent.objects.filter(kind="dissolve", inputs=cell).exists()
    assert_refused(
        MODELS,
        "org",
        registry_services.dissolve_org,
        actor=None,
        org=cell,
        effective_date=date(2021, 1, 1),
    )
    assert {
        c.code for c in registry_queries.children_as_of(world.org("kim-long"), date(2020, 1, 2))
    } == {"kl-thon-1"}
    # A dissolved cell takes no new member.
    with pytest.raises(ValidationError):
        members.transfer_member(
            actor=None, member=world.members["an"], to_org=cell, effective_date=date(2021, 1, 1)
        )


def test_dissolve_cannot_be_backdated_before_members_left(world):
    """Dissolving on a date when members were still active would rewrite history."""
    cell = world.org("kl-thon-2")
    members.transfer_member(
        actor=None,
        member=world.members["dung"],
        to_org=world.org("kl-thon-1"),
        effective_date=date(2019, 1, 1),
    )
    assert_refused(
        MODELS,
        "effective_date",
        registry_services.dissolve_org,
        actor=None,
        org=cell,
        effective_date=date(2015, 1, 1),
    )


# -- merge / split ------------------------------------------------------------------------


def test_merge_moves_members_and_children_and_ends_sources(world):
    kim, hop = world.org("kim-long"), world.org("hop-hoa")
    day = date(2020, 1, 1)
    event = registry_services.merge_orgs(actor=None, sources=[kim], target=hop, effective_date=day)
    kim.refresh_from_db()
    hop.refresh_from_db()
    assert kim.valid_to == day - timedelta(days=1)
    assert set(event.inputs.all()) == {kim} and set(event.outputs.all()) == {hop}
    assert OrgEvent.objects.filter(kind="merge", inputs=kim, outputs=hop).count() == 1
    for code in ("kl-thon-1", "kl-thon-2"):
        o = Organisation.objects.get(code=code)
        assert o.parent == hop and o.path.startswith(hop.path)
    assert registry_queries.org_stats(hop, day)["members"]["total"] == 5
    assert registry_queries.org_stats(kim, day - timedelta(days=1))["members"]["total"] == 4


def test_merge_cells_moves_members(world):
    src, dst = world.org("kl-thon-2"), world.org("kl-thon-1")
    day = date(2021, 3, 1)
    registry_services.merge_orgs(actor=None, sources=[src], target=dst, effective_date=day)
    dung = Member.objects.get(pk=world.members["dung"].pk)
    assert dung.org == dst
    assert Membership.objects.get(member=dung, org=src).valid_to == day - timedelta(days=1)
    src.refresh_from_db()
    assert src.valid_to == day - timedelta(days=1)
    assert_refused(
        MODELS,
        "target",
        registry_services.merge_orgs,
        actor=None,
        sources=[dst],
        target=dst,
        effective_date=day,
    )
    assert_refused(
        MODELS,
        "sources",
        registry_services.merge_orgs,
        actor=None,
        sources=[],
        target=dst,
        effective_date=day,
    )


def _agency_cell(world, code: str = "kl-thon-1"):
    """The cell as an agency cell: a village cell is not split (one cell per village)."""
    Organisation.objects.filter(code=code).update(sector="agency")
    return Organisation.objects.get(code=code)


def test_a_village_cell_is_not_split(world):
    assert_refused(
        MODELS,
        "source",
        registry_services.split_org,
        actor=None,
        source=world.org("kl-thon-1"),
        new_orgs=[{"code": "x", "name": "X", "kind": "sub_cell", "sector": "village"}],
        allocation={},
        effective_date=date(2021, 1, 1),
    )


def test_split_allocates_members(world):
    src = _agency_cell(world)
    day = date(2021, 1, 1)
    specs = [
        {
            "code": "dong-bong-a",
            "name": "Chi bộ Đồng Bông A",
            "kind": "sub_cell",
            "sector": "village",
        },
        {
            "code": "dong-bong-b",
            "name": "Chi bộ Đồng Bông B",
            "kind": "sub_cell",
            "sector": "village",
        },
    ]
    h, a, b = (world.members[k].pk for k in ("huong", "an", "binh"))
    assert_refused(
        MODELS,
        "allocation",
        registry_services.split_org,
        actor=None,
        source=src,
        new_orgs=specs,
        allocation={h: "dong-bong-a", a: "dong-bong-b"},
        effective_date=day,
    )
    assert_refused(
        MODELS,
        "allocation",
        registry_services.split_org,
        actor=None,
        source=src,
        new_orgs=specs,
        allocation={h: "x", a: "dong-bong-b", b: "dong-bong-b"},
        effective_date=day,
    )
    created = registry_services.split_org(
        actor=None,
        source=src,
        new_orgs=specs,
        allocation={h: "dong-bong-a", a: "dong-bong-b", b: "dong-bong-b"},
        effective_date=day,
    )
    new_a, new_b = created
    assert new_a.parent == world.org("kim-long")
    assert set(Member.objects.filter(org=new_a).values_list("pk", flat=True)) == {h}
    assert set(Member.objects.filter(org=new_b).values_list("pk", flat=True)) == {a, b}
    src.refresh_from_db()
    assert src.valid_to == day - timedelta(days=1)
    ev = OrgEvent.objects.get(kind="split", inputs=src)
    assert set(ev.outputs.all()) == {new_a, new_b}
    assert registry_queries.org_stats(new_b, day)["members"]["total"] == 2
    assert registry_queries.member_counts(src, day - timedelta(days=1))["total"] == 3


# -- bodies and positions -----------------------------------------------------------------


def test_bodies_and_positions(world):
    cell, kim = world.org("kl-thon-1"), world.org("kim-long")
    body = services.create_body(
        actor=None,
        org=cell,
        body_type="cell_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 6, 1),
    )
    assert_refused(
        MODELS,
        "term_start_year",
        services.create_body,
        actor=None,
        org=cell,
        body_type="cell_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 6, 1),
    )
    assert_refused(
        MODELS,
        "body_type",
        services.create_body,
        actor=None,
        org=kim,
        body_type="cell_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 6, 1),
    )
    assert_refused(
        MODELS,
        "term_end_year",
        services.create_body,
        actor=None,
        org=kim,
        body_type="executive_committee",
        term_start_year=2020,
        term_end_year=2020,
        valid_from=date(2020, 6, 1),
    )
    huong = world.members["huong"]
    pos = registry_services.assign_position(
        actor=None,
        member=huong,
        org=cell,
        title="secretary",
        valid_from=date(2020, 6, 1),
        body=body,
    )
    assert_refused(
        MODELS,
        "body",
        registry_services.assign_position,
        actor=None,
        member=huong,
        org=kim,
        title="secretary",
        valid_from=date(2020, 6, 1),
        body=body,
    )
    assert_refused(
        MODELS,
        "title",
        registry_services.assign_position,
        actor=None,
        member=huong,
        org=cell,
        title="king",
        valid_from=date(2020, 6, 1),
    )
    assert_refused(
        MODELS,
        "valid_to",
        services.end_position,
        actor=None,
        position=pos,
        valid_to=date(2020, 5, 31),
    )
    services.end_position(actor=None, position=pos, valid_to=date(2022, 1, 1))
    assert_refused(
        MODELS,
        "valid_to",
        services.end_position,
        actor=None,
        position=pos,
        valid_to=date(2023, 1, 1),
    )


def test_a_stale_copy_of_a_dissolved_org_is_re_read_before_use(world):
    """Callers may hold an object loaded before another transaction dissolved it."""
    cell = new_org(world, "tmp-cell")
    stale = Organisation.objects.get(pk=cell.pk)
    registry_services.dissolve_org(actor=None, org=cell, effective_date=date(2015, 1, 1))
    assert_refused(
        MODELS,
        "parent",
        services.create_org,
        actor=None,
        code="late-group",
        name="Tổ đảng 1",
        kind="party_group",
        sector="village",
        parent=stale,
        valid_from=date(2016, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        members.transfer_member(
            actor=None, member=world.members["dung"], to_org=stale, effective_date=date(2016, 1, 1)
        )
    assert "to_org" in messages_of(exc.value)


def test_a_dissolved_org_cannot_be_moved(world):
    cell = new_org(world, "cu")
    registry_services.dissolve_org(actor=None, org=cell, effective_date=date(2015, 1, 1))
    assert_refused(
        MODELS,
        "org",
        services.reparent_org,
        actor=None,
        org=cell,
        new_parent=world.org("hop-hoa"),
        effective_date=date(2012, 1, 1),
    )


def test_dissolve_ends_committees_and_refuses_hosted_temporaries(world):
    from dangbo.orgs.models import CommitteeBody, Position

    cell = new_org(world, "cu")
    body = services.create_body(
        actor=None,
        org=cell,
        body_type="cell_committee",
        term_start_year=2010,
        term_end_year=2015,
        valid_from=date(2010, 1, 1),
    )
    members.transfer_member(
        actor=None, member=world.members["an"], to_org=cell, effective_date=date(2010, 1, 1)
    )
    registry_services.assign_position(
        actor=None,
        member=world.members["an"],
        org=cell,
        title="secretary",
        body=body,
        valid_from=date(2010, 1, 1),
    )
    members.transfer_member(
        actor=None,
        member=world.members["an"],
        to_org=world.org("kl-thon-1"),
        effective_date=date(2013, 1, 1),
    )
    members.temporary_transfer(
        actor=None,
        member=world.members["dung"],
        to_org=cell,
        start=date(2014, 1, 1),
        planned_end=date(2014, 9, 1),
        reason="work",
    )
    assert_refused(
        MODELS,
        "org",
        registry_services.dissolve_org,
        actor=None,
        org=cell,
        effective_date=date(2015, 1, 1),
    )
    members.end_temporary_transfer(
        actor=None, member=world.members["dung"], end_date=date(2014, 9, 1)
    )
    registry_services.dissolve_org(actor=None, org=cell, effective_date=date(2015, 1, 1))
    assert CommitteeBody.objects.get(pk=body.pk).valid_to == date(2015, 1, 1)
    assert Position.objects.get(org=cell).valid_to == date(2015, 1, 1)


def test_positions_are_held_by_active_members_of_the_subtree(world):
    kim = world.org("kim-long")
    assert_refused(
        MODELS,
        "member",
        registry_services.assign_position,
        actor=None,
        member=world.members["hoa"],
        org=kim,
        title="secretary",
        valid_from=date(2015, 1, 1),
    )  # hoa is in Hợp Hòa
    position = registry_services.assign_position(
        actor=None,
        member=world.members["dung"],
        org=kim,
        title="secretary",
        valid_from=date(2015, 1, 1),
    )
    assert_refused(
        MODELS,
        "valid_to",
        services.end_position,
        actor=None,
        position=position,
        valid_to=today() + timedelta(days=1),
    )


def test_committee_bodies_and_single_holder_titles(world):
    kim = world.org("kim-long")
    assert_refused(
        MODELS,
        "valid_from",
        services.create_body,
        actor=None,
        org=kim,
        body_type="executive_committee",
        term_start_year=2025,
        term_end_year=2030,
        valid_from=today() + timedelta(days=3),
    )
    assert_refused(
        MODELS,
        "formed_by",
        services.create_body,
        actor=None,
        org=kim,
        body_type="executive_committee",
        term_start_year=2025,
        term_end_year=2030,
        valid_from=date(2025, 7, 1),
        formed_by="x",
    )
    body = services.create_body(
        actor=None,
        org=kim,
        body_type="executive_committee",
        term_start_year=2025,
        term_end_year=2030,
        valid_from=date(2025, 7, 1),
    )
    assert_refused(
        MODELS,
        "valid_from",
        registry_services.assign_position,
        actor=None,
        member=world.members["dung"],
        org=kim,
        title="committee_member",
        body=body,
        valid_from=date(2024, 1, 1),
    )
    registry_services.assign_position(
        actor=None,
        member=world.members["dung"],
        org=kim,
        title="secretary",
        body=body,
        valid_from=date(2025, 7, 1),
    )
    assert_refused(
        MODELS,
        "title",
        registry_services.assign_position,
        actor=None,
        member=world.members["huong"],
        org=kim,
        title="secretary",
        body=body,
        valid_from=date(2025, 7, 1),
    )


def test_split_refuses_allocating_someone_from_elsewhere(world):
    assert_refused(
        MODELS,
        "allocation",
        registry_services.split_org,
        actor=None,
        source=_agency_cell(world, "kl-thon-2"),
        new_orgs=[{"code": "gd-a", "name": "Chi bộ A", "kind": "sub_cell", "sector": "village"}],
        allocation={world.members["dung"].pk: "gd-a", world.members["hoa"].pk: "gd-a"},
        effective_date=date(2020, 1, 1),
    )


def test_merge_reports_inner_problems_about_the_merge(world):
    # Hợp Hòa's sub-cell cannot move under a cell: the error is the merge's, on "sources".
    assert_refused(
        MODELS,
        "sources",
        registry_services.merge_orgs,
        actor=None,
        sources=[world.org("hop-hoa")],
        target=world.org("cb-toa-an"),
        effective_date=date(2020, 1, 1),
    )
