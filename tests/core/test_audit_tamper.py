"""What a database administrator could do to the audit log, and how ``verify`` still finds it.

Each test first lets ``verify`` checkpoint the head (as the nightly cron job does), then lifts
the append-only triggers as a DBA could (``allow_audit_tampering``) and tampers with raw SQL.
The key (HMAC) is outside the database; the checkpoints are outside it too (the witness file,
and an auditor's copy), so a cut tail, an emptied log and a re-hashed chain are all found.
"""

import json
import os
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangbo.core import audit
from dangbo.core.models import AuditEntry


def _ids() -> list[int]:
    return list(AuditEntry.objects.order_by("id").values_list("id", flat=True))


def _checkpoint() -> audit.VerifyResult:
    """The nightly ``verify``: the chain holds, and its head goes to the witness file."""
    result = audit.verify(checkpoint=True)
    assert result.ok, result.problems
    return result


def _sql(sql: str, params=()) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))


def _rehash_from(first_id: int, seal) -> None:
    """Re-seal every entry from ``first_id`` on, as the application would, so that each
    entry's own hash and its link to the one before are consistent again."""
    prev = (
        AuditEntry.objects.filter(id__lt=first_id).order_by("-id").values_list("hash", flat=True)
    ).first() or audit.GENESIS
    for entry in AuditEntry.objects.filter(id__gte=first_id).order_by("id"):
        entry.prev_hash = prev
        entry.hash = seal(entry)
        _sql(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s, hash_version = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.hash_version, entry.pk],
        )
        prev = entry.hash


def _verify_command(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


# ------------------------------------------------------------------------------ intact


def test_intact_log_verifies_and_is_checkpointed(world):
    result = _checkpoint()
    lines = settings_witness().read_text().splitlines()
    assert len(lines) == 1
    head = json.loads(lines[0])
    last = AuditEntry.objects.order_by("-id").first()
    assert (head["id"], head["hash"], head["count"]) == (last.pk, last.hash, result.checked)
    assert head["key_id"] == audit.key_id()
    _checkpoint()  # nothing new: no second line
    assert len(settings_witness().read_text().splitlines()) == 1
    audit.record(actor=None, action="system.note", object_type="system", object_id="1")
    code, out, err = _verify_command()
    assert (code, err) == (0, "")
    assert out.startswith("Chuỗi nhật ký toàn vẹn")
    assert len(settings_witness().read_text().splitlines()) == 2


def test_new_entries_are_keyed_and_the_hash_depends_on_the_key(world, settings):
    entry = audit.record(actor=None, action="system.note", object_type="system", object_id="1")
    assert entry.hash_version == audit.KEYED
    assert entry.hash == audit.digest(entry)
    assert entry.hash != audit._digest(entry.prev_hash, entry)  # not the plain SHA-256
    assert entry.hash != audit.digest(entry, b"another key")


def test_older_plain_entries_keep_verifying(world, allow_audit_tampering):
    """A database upgraded in place: the entries written before the keyed chain carry
    version 1 and the plain digest; the keyed ones follow them."""
    ids = _ids()
    cut = ids[len(ids) // 2]
    allow_audit_tampering()
    _sql("UPDATE core_auditentry SET hash_version = 1 WHERE id < %s", [cut])
    _rehash_from(ids[0], audit.digest)
    assert AuditEntry.objects.filter(hash_version=audit.PLAIN).count() == ids.index(cut)
    result = audit.verify()
    assert result.ok, result.problems
    assert result.head.keyed_from == cut


def test_key_file_is_made_once_readable_by_its_owner_only(settings, tmp_path):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = tmp_path / "keys" / "audit_key"
    key = audit.audit_key()
    assert len(key) == 64
    mode = stat.S_IMODE(os.stat(settings.AUDIT_KEY_FILE).st_mode)
    assert mode == 0o600
    assert audit.audit_key() == key
    settings.AUDIT_KEY = "from-the-environment"
    assert audit.audit_key() == b"from-the-environment"


# ------------------------------------------------------------------------------ tampering


@pytest.mark.parametrize("cut", [1, 5])
def test_deleted_tail_is_detected(world, allow_audit_tampering, cut):
    _checkpoint()
    ids = _ids()
    allow_audit_tampering()
    _sql("DELETE FROM core_auditentry WHERE id >= %s", [ids[-cut]])
    result = audit.verify()
    assert not result.ok
    assert len(result.problems) == 1
    assert result.problems[0].startswith("Mất phần cuối nhật ký: mốc kiểm tra lúc ")
    assert f"ghi đến #{ids[-1]} ({len(ids)} bản ghi)" in result.problems[0]
    assert f"chỉ còn đến #{ids[-cut - 1]} ({len(ids) - cut} bản ghi)" in result.problems[0]
    code, _, err = _verify_command()
    assert code == 1 and "Mất phần cuối nhật ký" in err and "KHÔNG toàn vẹn" in err


def test_emptied_log_is_detected(world, allow_audit_tampering):
    _checkpoint()
    count = AuditEntry.objects.count()
    allow_audit_tampering()
    _sql("DELETE FROM core_auditentry")
    result = audit.verify()
    assert result.checked == 0
    assert len(result.problems) == 1
    assert result.problems[0].startswith("Nhật ký trống nhưng mốc kiểm tra lúc ")
    assert f"({count} bản ghi): toàn bộ nhật ký đã bị xóa" in result.problems[0]
    code, _, err = _verify_command()
    assert code == 1 and "Nhật ký trống" in err


def test_edit_without_rehash_is_detected(world, allow_audit_tampering):
    _checkpoint()
    victim = _ids()[3]
    allow_audit_tampering()
    _sql("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["sửa lén", victim])
    result = audit.verify()
    assert result.problems == [f"#{victim}: nội dung không khớp mã băm (bản ghi bị sửa)"]


def test_edit_rehashed_with_the_applications_own_digest_is_detected(
    world, allow_audit_tampering, settings, tmp_path
):
    """Even someone holding the key and the code can re-seal an edited chain: the
    checkpoint outside the database still holds the old head."""
    _checkpoint()
    ids = _ids()
    victim = ids[3]
    allow_audit_tampering()
    _sql("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["sửa lén", victim])
    _rehash_from(victim, audit.digest)
    result = audit.verify()
    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"#{ids[-1]}: mã băm khác mốc kiểm tra lúc ")
    assert result.problems[0].endswith("chuỗi đã bị viết lại")
    code, _, err = _verify_command()
    assert code == 1 and "chuỗi đã bị viết lại" in err
    # The chain itself is consistent again: only the witness gave it away.
    settings.AUDIT_WITNESS_FILE = tmp_path / "no-witness"
    assert audit.verify().ok


def test_rehash_without_the_key_is_detected(world, allow_audit_tampering):
    """The plain SHA-256 of the old scheme, recomputed by someone who has only the database:
    every re-sealed entry fails its HMAC, even before a checkpoint exists."""
    ids = _ids()
    victim = ids[3]
    allow_audit_tampering()
    _sql("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["sửa lén", victim])
    _rehash_from(victim, lambda e: audit._digest(e.prev_hash, e))
    problems = audit.verify().problems
    assert problems == [f"#{i}: nội dung không khớp mã băm (bản ghi bị sửa)" for i in ids[3:]]


def test_downgrade_to_the_plain_digest_is_detected(world, allow_audit_tampering):
    """Relabelling the rewritten entries as written before the key does not help."""
    ids = _ids()
    victim = ids[-3]
    allow_audit_tampering()
    _sql("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["sửa lén", victim])
    _sql("UPDATE core_auditentry SET hash_version = 1 WHERE id >= %s", [victim])
    _rehash_from(victim, audit.digest)
    problems = audit.verify().problems
    assert problems == [
        f"#{i}: mã băm không khóa sau bản ghi đã có khóa (bị hạ cấp để viết lại?)" for i in ids[-3:]
    ]


def test_whole_log_downgraded_and_rehashed_is_caught_by_the_checkpoint(
    world, allow_audit_tampering
):
    _checkpoint()
    ids = _ids()
    allow_audit_tampering()
    _sql("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["sửa lén", ids[2]])
    _sql("UPDATE core_auditentry SET hash_version = 1")
    _rehash_from(ids[0], audit.digest)
    problems = audit.verify().problems
    assert any("chuỗi đã bị viết lại" in p for p in problems), problems
    assert any("bị hạ cấp" in p for p in problems), problems


def test_key_mismatch_is_reported(world, settings):
    _checkpoint()
    settings.AUDIT_KEY = "not-the-key-the-log-was-written-with"
    result = audit.verify()
    assert not result.ok
    assert result.problems[0].startswith("Khóa nhật ký hiện tại (mã ")
    assert "khác khóa lúc ghi mốc kiểm tra" in result.problems[0]
    assert "Không bản ghi nào trong" in result.problems[-1]
    assert len(result.problems) == 2
    code, _, err = _verify_command()
    assert code == 1 and "DANGBO_AUDIT_KEY" in err


def test_wrong_key_without_checkpoint_is_one_line_not_thousands(world, settings):
    settings.AUDIT_KEY = "not-the-key-the-log-was-written-with"
    problems = audit.verify().problems
    assert len(problems) == 1 and problems[0].startswith("Không bản ghi nào trong ")


# ------------------------------------------------------------------------------ the witness


def test_auditors_copy_catches_what_the_local_witness_lost(world, allow_audit_tampering, tmp_path):
    """The attacker also deleted the witness file; the auditor kept the printed head."""
    code, out, _ = _verify_command("--print-head")
    assert code == 0
    head_line = out.splitlines()[1]
    assert json.loads(head_line)["id"] == _ids()[-1]
    copy = tmp_path / "auditor-copy"
    copy.write_text(head_line + "\n")
    ids = _ids()
    allow_audit_tampering()
    _sql("DELETE FROM core_auditentry WHERE id >= %s", [ids[-2]])
    settings_witness().unlink()
    assert audit.verify().ok  # the chain alone cannot tell
    code, _, err = _verify_command("--witness", str(copy))
    assert code == 1 and "Mất phần cuối nhật ký" in err and str(copy) in err


def test_head_command_prints_the_current_head(world):
    out = StringIO()
    call_command("audit", "head", stdout=out)
    head = json.loads(out.getvalue())
    last = AuditEntry.objects.order_by("-id").first()
    assert (head["id"], head["hash"], head["count"]) == (last.pk, last.hash, len(_ids()))


def test_missing_or_garbled_witness_is_reported(world, tmp_path):
    code, _, err = _verify_command("--witness", str(tmp_path / "nowhere"))
    assert code == 2 and "không có tệp mốc kiểm tra" in err
    garbled = tmp_path / "garbled"
    garbled.write_text("{not json\n")
    code, _, err = _verify_command("--witness", str(garbled))
    assert code == 1 and "dòng 1: mốc kiểm tra không đọc được" in err


def test_entries_are_checkpointed_after_commit(
    world, settings, allow_audit_tampering, django_capture_on_commit_callbacks
):
    """Every AUDIT_CHECKPOINT_EVERY ids, once committed: a tail cut right after is found
    although no ``verify`` ran in between."""
    settings.AUDIT_CHECKPOINT_EVERY = 1
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit.record(actor=None, action="system.note", object_type="system", object_id="1")
    line = json.loads(settings_witness().read_text())
    assert (line["id"], line["hash"]) == (entry.pk, entry.hash)
    allow_audit_tampering()
    _sql("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    problems = audit.verify().problems
    assert len(problems) == 1 and problems[0].startswith("Mất phần cuối nhật ký")


def test_rolled_back_entry_is_not_checkpointed(world, settings, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        audit.record(actor=None, action="system.note", object_type="system", object_id="1")
    assert len(callbacks) == 1  # registered, run only on commit
    assert not settings_witness().exists()


def settings_witness():
    from django.conf import settings

    return settings.AUDIT_WITNESS_FILE
