"""The national demo world at a tiny scale: the structure of 2026, clean member rules,
counts that match the database, determinism, idempotence and the ``--national`` command."""

import hashlib
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from dangbo.core import audit
from dangbo.core.models import AuditEntry
from dangbo.demo import national
from dangbo.members import rules
from dangbo.members.models import Member, MemberEvent, Membership
from dangbo.orgs.choices import ALLOWED_PARENTS, CELL_KINDS
from dangbo.orgs.models import CODE_RE, CommitteeBody, Organisation, OrgEvent, OrgLink
from dangbo.registry.queries import structural_warnings

SCALE = 0.0005  # ~2,800 active members: every province, a commune and cells each
AS_OF = national.AS_OF
ACTIVE = ("official", "probationary")


def _digest(seed: int) -> tuple[str, Counter]:
    """Hash of every generated row (no database), and the rows per table."""
    world = national.NationalWorld(scale=SCALE, seed=seed)
    digest = hashlib.sha256()
    rows = Counter()
    for key, payload in world.stream():
        if key == "province":  # carries timings
            continue
        rows[key] += len(payload)
        for row in payload:
            digest.update(repr((key, row)).encode())
    return digest.hexdigest(), rows


def _db_counts() -> dict:
    return {
        "orgs": Organisation.objects.count(),
        "links": OrgLink.objects.count(),
        "org_events": OrgEvent.objects.count(),
        "members": Member.objects.count(),
        "memberships": Membership.objects.count(),
        "events": MemberEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_generation_is_deterministic_and_covers_every_province():
    first, rows = _digest(national.SEED)
    again, _ = _digest(national.SEED)
    other, _ = _digest(7)
    assert first == again
    assert first != other
    assert 2_700 <= rows["members"] <= 3_000
    assert rows["orgs"] == rows["org_events"] == rows["outputs"] == rows["links"] + 1


def test_province_targets_follow_population():
    targets = national.province_targets(1.0)
    assert len(targets) == 34 == len({p.slug for p in national.PROVINCES})
    assert sum(targets.values()) == national.TARGET_MEMBERS
    biggest = sorted(targets, key=targets.get, reverse=True)[:2]
    smallest = sorted(targets, key=targets.get)[:2]
    assert set(biggest) == {"ha-noi", "ho-chi-minh"}
    assert set(smallest) == {"lai-chau", "cao-bang"}
    units = sum(p.wards + p.communes + p.special for p in national.PROVINCES)
    assert 3_250 <= units <= 3_350


@pytest.mark.django_db
def test_national_world_is_consistent():
    before = AuditEntry.objects.count()
    counts = national.load_national(scale=SCALE)
    assert counts["loaded"] is True
    root = Organisation.objects.get(code=national.ROOT_CODE)
    assert (root.name, root.kind, root.parent_id, root.depth) == (
        "Đảng Cộng sản Việt Nam",
        "central",
        None,
        0,
    )

    # Counts returned are those of the database.
    orgs = Organisation.objects.filter(root.subtree_q())
    assert dict(orgs.values_list("kind").annotate(n=Count("id"))) == counts["organisations"]
    members = Member.objects.filter(root.subtree_q("org__"))
    assert dict(members.values_list("status").annotate(n=Count("id"))) == counts["members"]
    assert Membership.objects.count() == counts["memberships"] == members.count()
    assert MemberEvent.objects.count() == counts["member_events"]
    assert counts == {**counts, **national.existing_counts()}

    # Structure: 34 provinces, each with at least one commune and cells.
    provinces = list(orgs.filter(kind="province_committee"))
    assert len(provinces) == 34
    for province in provinces:
        below = Organisation.objects.filter(province.subtree_q())
        assert below.filter(kind="commune_committee").exists(), province.name
        assert below.filter(kind__in=CELL_KINDS).exists(), province.name
    assert orgs.filter(name="Đảng bộ Thành phố Hồ Chí Minh").exists()
    assert orgs.filter(name="Đảng bộ tỉnh Lai Châu").exists()
    assert set(orgs.filter(kind="commune_committee").values_list("sector", flat=True)) <= {
        "commune",
        "ward",
    }
    active = members.filter(status__in=ACTIVE)
    assert 2_750 <= active.count() <= 2_850

    # Paths, depths, links and kinds agree with the parents.
    by_id = {o.pk: o for o in orgs}
    for org in by_id.values():
        assert CODE_RE.match(org.code), org.code
        if org.parent_id is None:
            assert org.path == f"{org.pk}."
            continue
        parent = by_id[org.parent_id]
        assert org.path == f"{parent.path}{org.pk}."
        assert org.depth == parent.depth + 1
        assert parent.kind in ALLOWED_PARENTS[org.kind], (org.kind, parent.kind)
    links = {link.child_id: link for link in OrgLink.objects.filter(child__in=orgs)}
    assert set(links) == set(by_id) - {root.pk}
    for child_id, link in links.items():
        assert link.parent_id == by_id[child_id].parent_id and link.valid_to is None
        assert link.valid_from >= max(by_id[child_id].valid_from, by_id[link.parent_id].valid_from)
    assert OrgEvent.objects.filter(outputs__in=orgs, kind="establish").count() == len(by_id)

    # Proportions.
    total = active.count()
    female = active.filter(gender="F").count() / total
    probationary = active.filter(status="probationary").count() / total
    kinh = active.filter(ethnicity="Kinh").count() / total
    assert 0.30 <= female <= 0.40
    assert 0.015 <= probationary <= 0.05
    assert 0.82 <= kinh <= 0.96
    assert active.exclude(ethnicity="Kinh").values("ethnicity").distinct().count() >= 5
    assert active.filter(religion="").count() / total > 0.85
    assert members.exclude(status__in=ACTIVE).exists()

    # Every active member: one open official membership, in a cell, which is member.org.
    open_official = Membership.objects.filter(kind="official", valid_to__isnull=True)
    assert open_official.count() == total
    assert not open_official.exclude(org__kind__in=CELL_KINDS).exists()
    assert not open_official.exclude(member__org_id=F("org_id")).exists()
    assert not open_official.exclude(member__status__in=ACTIVE).exists()
    assert not Membership.objects.filter(valid_from__lt=F("org__valid_from")).exists()
    assert not Membership.objects.filter(valid_from__gt=AS_OF).exists()
    assert not MemberEvent.objects.filter(effective_date__gt=AS_OF).exists()
    assert not members.exclude(status__in=ACTIVE).filter(exit_date__isnull=True).exists()
    # Rule 1: every cell has at least three official members.
    officials = Counter(active.filter(status="official").values_list("org_id", flat=True))
    cells = orgs.filter(kind__in=CELL_KINDS).values_list("pk", flat=True)
    assert min(officials[pk] for pk in cells) >= 3

    # Rule 3: cells of nine officials or more have a cell committee; no rule 1–3 warning
    # but the size rule 2, which a tiny scale cannot always respect.
    bodies = CommitteeBody.objects.filter(body_type="cell_committee")
    assert bodies.count() == counts["committee_bodies"] > 0
    assert set(bodies.values_list("org_id", flat=True)) == {
        pk for pk in cells if officials[pk] >= 9
    }
    assert not bodies.filter(valid_from__lt=F("org__valid_from")).exists()
    rules_warned = {w["rule"] for w in structural_warnings(root, AS_OF)}
    assert not rules_warned & {1, 3}

    # Member rules, read back from the database.
    last_year = rules.add_months(AS_OF, -12)
    for row in members.values(
        "date_of_birth",
        "admission_vote_date",
        "admission_decision_date",
        "admission_ceremony_date",
        "official_recognition_date",
        "status",
        "card_number",
        "id_number",
    ):
        dob = row["date_of_birth"]
        vote = row["admission_vote_date"]
        assert vote <= row["admission_decision_date"] <= row["admission_ceremony_date"]
        assert rules.admission_age_error(dob, vote, has_provincial_approval=False) is None
        assert 18 <= rules.months_between(dob, AS_OF) // 12 <= 100
        recognised = row["official_recognition_date"]
        if row["status"] == "probationary":
            assert recognised is None and row["card_number"] == ""
            assert last_year < row["admission_ceremony_date"] <= AS_OF
        else:
            assert recognised is not None and recognised <= AS_OF
            assert rules.recognition_error(row["admission_ceremony_date"], recognised) is None
            assert len(row["card_number"]) == 8 and row["card_number"].isdigit()
        if row["status"] in ACTIVE:
            assert len(row["id_number"]) == 12 and row["id_number"].isdigit()
    cards = list(members.exclude(card_number="").values_list("card_number", flat=True))
    ids = list(members.exclude(id_number="").values_list("id_number", flat=True))
    assert len(cards) == len(set(cards)) and len(ids) == len(set(ids)) == total

    # Events: every member admitted, every official recognised, in order.
    kinds = Counter(MemberEvent.objects.values_list("kind", flat=True))
    assert kinds["admitted"] == members.count()
    assert kinds["recognised"] == members.exclude(official_recognition_date=None).count()
    assert kinds["transferred_in"] == members.filter(admission_org__isnull=True).count()
    assert not MemberEvent.objects.filter(
        kind="recognised", effective_date__lt=F("member__official_recognition_date")
    ).exists()
    here = members.filter(admission_org__isnull=False)
    assert not here.exclude(admission_org_id=F("org_id")).exists()
    assert not here.exclude(Q(admission_decision_date__gte=F("org__valid_from"))).exists()

    # Precomputed statistics, when that module is installed, agree with the rows.
    if counts["aggregates_rebuilt"]:
        from dangbo.members import aggregates

        assert aggregates.check().ok

    # One audit entry for the load, and an intact chain.
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "demo.loaded",
        "demo",
        national.AUDIT_OBJECT_ID,
    )
    assert audit.verify().ok

    # The same first members as the generator draws without a database.
    world = national.NationalWorld(scale=SCALE)
    first = next(rows for key, rows in world.stream() if key == "members")
    assert list(members.order_by("id").values_list("full_name", flat=True)[:20]) == [
        row[1] for row in first[:20]
    ]

    # Loading again changes nothing.
    db = _db_counts()
    again = national.load_national(scale=SCALE)
    assert again["loaded"] is False
    assert _db_counts() == db


@pytest.mark.django_db
def test_loads_next_to_existing_data(world):
    """The shared test world (its own 'central' root, Vĩnh Phúc card and CCCD numbers)
    stays as it is; the national world takes the next ids and no clashing number."""
    before = {m.pk: (m.card_number, m.id_number, m.org_id) for m in Member.objects.all()}
    highest = max(before)
    counts = national.load_national(scale=SCALE)
    assert counts["loaded"] is True
    after = {
        m.pk: (m.card_number, m.id_number, m.org_id) for m in Member.objects.filter(pk__in=before)
    }
    assert after == before
    national_members = Member.objects.exclude(pk__in=before)
    assert national_members.count() == counts["members_total"]
    assert min(national_members.values_list("pk", flat=True)) > highest
    assert Organisation.objects.filter(kind="central").count() == 2
    assert not national_members.filter(id_number__startswith="026").exists()
    assert (
        not national_members.exclude(card_number="").exclude(card_number__startswith="0").exists()
    )
    # The sequences moved past the explicit ids: ordinary inserts still work.
    org = Organisation.objects.create(
        code="after-load",
        name="Chi bộ thử",
        kind="sub_cell",
        sector="other",
        valid_from=date(2026, 1, 1),
        path="",
    )
    assert org.pk > max(Organisation.objects.exclude(pk=org.pk).values_list("pk", flat=True))


@pytest.mark.django_db
def test_demo_command_national_loads_once():
    out = StringIO()
    call_command("demo", "--national", "--scale", str(SCALE), "--no-serve", stdout=out)
    text = out.getvalue()
    assert "Đã nạp dữ liệu mẫu toàn Đảng" in text and "giây" in text
    assert "[34/34]" in text and "Đảng bộ Thành phố Hồ Chí Minh" in text
    assert "Đảng viên đang sinh hoạt" in text
    assert not Organisation.objects.filter(code="tam-duong").exists()
    counts = _db_counts()

    out = StringIO()
    call_command("demo", "--national", "--scale", str(SCALE), "--no-serve", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert _db_counts() == counts


@pytest.mark.django_db
def test_triggers_are_suspended_while_the_aggregates_are_rebuilt(monkeypatch, engine):
    """With a rebuild of the aggregates to call, the tables' own triggers do not fire row by
    row during the load; they are back afterwards, and the rebuild sees every row."""
    from django.db import connection

    seen = []
    monkeypatch.setattr(
        national, "_aggregates_rebuild", lambda: lambda: seen.append(Member.objects.count())
    )
    with connection.cursor() as cur:
        if engine == "postgresql":
            cur.execute(
                "CREATE FUNCTION national_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'row trigger fired'; END $$"
            )
            cur.execute(
                "CREATE TRIGGER national_test_refuse BEFORE INSERT ON members_member "
                "FOR EACH ROW EXECUTE FUNCTION national_test_refuse()"
            )
        else:
            cur.execute(
                "CREATE TRIGGER national_test_refuse BEFORE INSERT ON members_member "
                "BEGIN SELECT RAISE(ABORT, 'row trigger fired'); END"
            )
    counts = national.load_national(scale=SCALE)
    assert counts["aggregates_rebuilt"] is True
    assert seen == [counts["members_total"]]
    with connection.cursor() as cur:
        if engine == "postgresql":
            cur.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'national_test_refuse'")
            assert cur.fetchone()[0] == "O"
        else:
            cur.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'national_test_refuse'"
            )
            assert cur.fetchone()[0] == 1
