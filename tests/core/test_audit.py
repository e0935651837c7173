"""The audit log: one entry per change, hash-chained, append-only in the database itself."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from dangbo.core import audit, context
from dangbo.core.models import AuditEntry
from dangbo.members import queries as member_queries
from dangbo.members import services as members
from dangbo.orgs import services as orgs


@pytest.fixture
def bound_request():
    token = context.bind(context.ActContext(request_id="req-audit-1", ip="10.1.2.3", channel="web"))
    yield "req-audit-1"
    context.unbind(token)


def test_service_calls_write_entries_with_actor_request_and_diff(world, bound_request):
    staff = world.users["staff"]
    start = AuditEntry.objects.count()
    cell = orgs.create_org(
        actor=staff,
        code="kl-thon-3",
        name="Chi bộ thôn Mới",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2020, 1, 1),
    )
    member = members.transfer_member(
        actor=staff, member=world.members["dung"], to_org=cell, effective_date=date(2021, 1, 1)
    )
    members.update_member(actor=staff, member=member, data={"phone": "0912345678"})
    entries = list(AuditEntry.objects.filter(id__gt=0).order_by("id")[start:])
    assert [e.action for e in entries] == [
        "org.established",
        "member.transferred",
        "member.updated",
    ]
    for e in entries:
        assert e.actor_id == staff.pk
        assert e.actor_name == "staff"
        assert e.request_id == "req-audit-1"
        assert e.ip == "10.1.2.3"
    est, moved, upd = entries
    assert est.object_type == "orgs.organisation" and est.object_id == str(cell.pk)
    assert est.before is None and est.after["code"] == "kl-thon-3"
    assert moved.before["org"] == world.org("kl-thon-2").pk
    assert moved.after["org"] == cell.pk
    assert upd.before == {"phone": ""} and upd.after == {"phone": "0912345678"}
    assert audit.verify().ok


def test_system_actor_is_named(world):
    entry = AuditEntry.objects.order_by("id").first()
    assert entry.actor_id is None
    assert entry.actor_name == "hệ thống"
    assert entry.request_id  # a fresh id even outside a request


def test_chain_verifies_and_links(world):
    result = audit.verify()
    assert result.ok, result.problems
    entries = list(AuditEntry.objects.order_by("id"))
    assert result.checked == len(entries) > 20
    assert entries[0].prev_hash == audit.GENESIS
    for a, b in zip(entries, entries[1:], strict=False):
        assert b.prev_hash == a.hash


def test_tampered_summary_is_detected(world, allow_audit_tampering):
    victim = AuditEntry.objects.order_by("id")[5]
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["sửa lén", victim.pk])
    result = audit.verify()
    assert not result.ok
    assert result.problems == [f"#{victim.pk}: nội dung không khớp mã băm (bản ghi bị sửa)"]


def test_tampered_before_after_is_detected(world, allow_audit_tampering):
    members.update_member(actor=None, member=world.members["an"], data={"phone": "0987654321"})
    victim = AuditEntry.objects.order_by("-id").first()
    allow_audit_tampering()
    AuditEntry.objects.filter(pk=victim.pk).update(after={"phone": "0000000000"})
    result = audit.verify()
    assert [p.split(":")[0] for p in result.problems] == [f"#{victim.pk}"]


def test_deleted_middle_entry_breaks_the_link(world, allow_audit_tampering):
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    middle, after = ids[len(ids) // 2], ids[len(ids) // 2 + 1]
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [middle])
    result = audit.verify()
    assert not result.ok
    assert result.problems == [f"#{after}: liên kết với bản ghi trước bị đứt (có bản ghi bị xóa?)"]
    assert result.checked == len(ids) - 1


def test_database_refuses_update_and_delete(world):
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET summary = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="y")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.summary != "x" and AuditEntry.objects.count() > 1
    assert audit.verify().ok


def test_model_refuses_save_and_delete_of_existing_entry(world):
    entry = AuditEntry.objects.order_by("id").first()
    entry.summary = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    entry.refresh_from_db()
    assert entry.summary != "changed"


def _all_audit_text() -> str:
    rows = AuditEntry.objects.values_list("summary", "object_repr", "before", "after")
    return repr(list(rows))


def test_sensitive_values_never_in_clear(world):
    huong = world.members["huong"]
    assert "026180001234" not in _all_audit_text()  # given at admission
    members.update_member(
        actor=world.users["admin"],
        member=huong,
        data={"id_number": "026199998888", "religion": "Phật giáo", "ethnicity": "Tày"},
    )
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "member.updated"
    assert entry.before == {"id_number": "***", "religion": "***", "ethnicity": "***"}
    assert entry.after == {"id_number": "***", "religion": "***", "ethnicity": "***"}
    text = _all_audit_text()
    for secret in ("026199998888", "026180001234", "Phật giáo", "Tày"):
        assert secret not in text


def test_severe_illness_flag_is_masked_both_ways(world):
    an = world.members["an"]
    members.update_member(actor=None, member=an, data={"severe_illness": True})
    on = AuditEntry.objects.order_by("-id").first()
    members.update_member(actor=None, member=an, data={"severe_illness": False})
    off = AuditEntry.objects.order_by("-id").first()
    for entry in (on, off):
        assert entry.before == {"severe_illness": "***"}
        assert entry.after == {"severe_illness": "***"}


def test_sensitive_read_is_logged_without_values(world):
    admin = world.users["admin"]
    before = AuditEntry.objects.count()
    data = member_queries.sensitive_fields(admin, world.members["huong"])
    assert data["id_number"] == "026180001234"
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "member.sensitive_read" and entry.actor_id == admin.pk
    assert "026180001234" not in _all_audit_text()
    # No grant, no read and no entry.
    assert member_queries.sensitive_fields(world.users["staff"], world.members["huong"]) is None
    assert AuditEntry.objects.count() == before + 1


def test_each_member_service_call_writes_exactly_one_entry(world, bound_request):
    staff = world.users["staff"]
    an, binh = world.members["an"], world.members["binh"]
    cell2 = world.org("kl-thon-2")
    old: list = []
    steps = [
        (
            "member.recognised",
            lambda: members.recognise_official(
                actor=staff, member=binh, recognition_date=date(2017, 6, 1)
            ),
        ),
        (
            "member.exempted",
            lambda: members.exempt_member(
                actor=staff, member=an, category="elderly", start=date(2015, 1, 1)
            ),
        ),
        (
            "member.exemption_ended",
            lambda: members.end_exemption(actor=staff, member=an, end_date=date(2016, 1, 1)),
        ),
        (
            "member.temporary_out",
            lambda: members.temporary_transfer(
                actor=staff,
                member=an,
                to_org=cell2,
                start=date(2018, 1, 1),
                planned_end=date(2018, 6, 1),
                reason="work",
            ),
        ),
        (
            "member.temporary_return",
            lambda: members.end_temporary_transfer(
                actor=staff, member=an, end_date=date(2018, 5, 1)
            ),
        ),
        (
            "member.interruption",
            lambda: members.record_interruption(
                actor=staff,
                member=an,
                start=date(2010, 1, 1),
                end=date(2010, 2, 1),
                reason="Gián đoạn",
            ),
        ),
        (
            "member.transferred",
            lambda: members.transfer_member(
                actor=staff, member=an, to_org=cell2, effective_date=date(2019, 1, 1)
            ),
        ),
        (
            "member.deceased",
            lambda: members.end_membership(
                actor=staff, member=an, kind="deceased", effective_date=date(2020, 1, 1)
            ),
        ),
        (
            "member.admitted",
            lambda: (
                old.append(
                    members.admit_member(
                        actor=staff,
                        org=cell2,
                        data={
                            "full_name": "Lão Thành",
                            "gender": "M",
                            "date_of_birth": date(1940, 1, 1),
                        },
                        admission_decision_date=date(1970, 1, 1),
                        admission_ceremony_date=date(1970, 1, 1),
                        official_recognition_date=date(1971, 1, 1),
                        membership_from=date(1998, 1, 1),
                    )
                )
                or True
            ),
        ),
        (
            "member.badge",
            lambda: members.award_badge(
                actor=staff, member=old[0], milestone=50, award_date=date(2020, 2, 3)
            ),
        ),
        (
            "member.updated",
            lambda: members.update_member(actor=staff, member=old[0], data={"phone": "0911222333"}),
        ),
    ]
    for action, call in steps:
        n = AuditEntry.objects.count()
        call()
        last = AuditEntry.objects.order_by("-id").first()
        assert AuditEntry.objects.count() == n + 1, action
        assert (last.action, last.actor_id, last.request_id) == (action, staff.pk, "req-audit-1")
    assert audit.verify().ok


def test_moving_an_entry_to_another_subtree_breaks_the_chain(world, allow_audit_tampering):
    """``scope_path`` decides which auditors see an entry, so it is hashed like the rest;
    entries without one (system-wide, or written before it existed) hash as before."""
    audit.record(actor=None, action="system.note", object_type="system", object_id="1")
    assert audit.verify().ok
    entry = AuditEntry.objects.exclude(scope_path="").latest("id")
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET scope_path = %s WHERE id = %s", ["1.", entry.pk])
    result = audit.verify()
    assert not result.ok and any(f"#{entry.pk}" in p for p in result.problems)
