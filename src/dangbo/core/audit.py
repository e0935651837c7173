"""The audit log: one call per change, inside the service's transaction."""

import base64
import functools
import hashlib
import hmac
import importlib
import json
import logging
import os
import pkgutil
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import cache, context, replicas
from .choices import AuditEvent
from .models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x64616E67  # "dang"
PLAIN, KEYED = 1, 2  # AuditEntry.hash_version: SHA-256 (before the key), HMAC-SHA256
CHECKPOINT_SECONDS = 600  # a busy process also checkpoints at least this often

log = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so that what is hashed is exactly what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _payload(prev_hash: str, entry: AuditEntry) -> dict[str, Any]:
    at = entry.at.astimezone(UTC) if timezone.is_aware(entry.at) else entry.at
    payload = {
        "prev": prev_hash,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "request_id": entry.request_id,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
    }
    if entry.scope_path:  # absent from entries written before the field existed
        payload["scope"] = entry.scope_path
    if entry.sealed is not None:  # likewise: older entries hash as they always did
        payload["sealed"] = entry.sealed
    return payload


def _blob(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    """The plain chain (version 1): anyone with the database can recompute it, so it only
    still verifies the entries written before the keyed chain."""
    return hashlib.sha256(_blob(_payload(prev_hash, entry))).hexdigest()


def _keyed_digest(prev_hash: str, entry: AuditEntry, key: bytes) -> str:
    """The keyed chain (version 2): without the key, a rewritten entry cannot be re-sealed."""
    payload = _payload(prev_hash, entry)
    payload["v"] = KEYED
    return hmac.new(key, _blob(payload), hashlib.sha256).hexdigest()


def digest(entry: AuditEntry, key: bytes | None = None) -> str:
    """What ``entry.hash`` should be, by the entry's own ``hash_version``."""
    if entry.hash_version == PLAIN:
        return _digest(entry.prev_hash, entry)
    return _keyed_digest(entry.prev_hash, entry, key if key is not None else audit_key())


# -- the key: never in the database ---------------------------------------------------------


def audit_key() -> bytes:
    """``DANGBO_AUDIT_KEY``, else the ``audit_key`` file beside the secret key, made (mode
    0600) on first use like the secret key is."""
    global _key_cache
    if settings.AUDIT_KEY:
        return settings.AUDIT_KEY.encode()
    path = settings.AUDIT_KEY_FILE
    if _key_cache is None or _key_cache[0] is not path:  # read once, not on every entry
        _key_cache = (path, _key_file(Path(path)))
    return _key_cache[1]


_key_cache: tuple[object, bytes] | None = None


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"The audit key file {path} is empty")
    return key.encode()


def key_id(key: bytes | None = None) -> str:
    """A short fingerprint of the key (not the key): checkpoints carry it, so that ``verify``
    can tell a wrong key from a rewritten log."""
    key = key if key is not None else audit_key()
    return hmac.new(key, b"dangbo audit key id", hashlib.sha256).hexdigest()[:16]


# -- sealed values: sensitive before/after, readable only with the key ----------------------

_SEAL_INFO = b"dangbo audit seal v1"


@functools.lru_cache(maxsize=4)
def _fernet(key: bytes) -> Fernet:
    """The encryption key is derived from the audit key (HKDF-SHA256, its own ``info``), never
    the HMAC key itself: one secret outside the database, two separate uses."""
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(values: dict[str, list] | None, key: bytes | None = None) -> str | None:
    """``{"field": [before, after]}`` as an encrypted token (Fernet: AES-CBC + HMAC), or None
    when there is nothing to seal."""
    if not values:
        return None
    data = json.dumps(_jsonable(values), ensure_ascii=False, sort_keys=True).encode()
    return _fernet(key if key is not None else audit_key()).encrypt(data).decode()


def unseal(entry: AuditEntry, key: bytes | None = None) -> dict[str, list] | None:
    """The sealed values of an entry, or None (nothing sealed, or a token that does not open
    with this key: tampered, or sealed under another key). Callers check the reader's grant."""
    return open_seal(entry.sealed, key)


def open_seal(token: str | None, key: bytes | None = None) -> dict[str, list] | None:
    """A token made by ``seal`` (in an audit entry, or in an import's timeline event)."""
    if not token or not isinstance(token, str):
        return None
    try:
        data = _fernet(key if key is not None else audit_key()).decrypt(token.encode())
    except InvalidToken:
        return None
    values = json.loads(data)
    return values if isinstance(values, dict) else None


# -- checkpoints of the head, kept outside the database ---------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The head of the log at a moment: its last entry (and, from ``verify``, how many
    entries there were and where the keyed chain starts). One JSON line in a witness file."""

    id: int
    hash: str
    at: str
    key_id: str
    count: int | None = None
    keyed_from: int | None = None
    source: str = field(default="", compare=False)  # where it was read: "file:line"

    def line(self) -> str:
        data = {k: v for k, v in asdict(self).items() if k != "source" and v is not None}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str, source: str) -> "Checkpoint":
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        count, keyed_from = data.get("count"), data.get("keyed_from")
        for value in (count, keyed_from):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError("not a whole number")
        return cls(
            id=int(data["id"]),
            hash=str(data["hash"]),
            at=str(data.get("at", "")),
            key_id=str(data.get("key_id", "")),
            count=count,
            keyed_from=keyed_from,
            source=source,
        )


def witness_path() -> Path:
    return Path(settings.AUDIT_WITNESS_FILE)


def read_witness(path: Path, problems: list[str]) -> list[Checkpoint]:
    """Every checkpoint in a witness file; an unreadable line is itself a problem."""
    found = []
    with open(path, encoding="utf-8") as fh:
        for number, text in enumerate(fh, 1):
            if not text.strip():
                continue
            try:
                found.append(Checkpoint.parse(text, f"{path}:{number}"))
            except (ValueError, KeyError, TypeError):
                problems.append(f"{path}, dòng {number}: mốc kiểm tra không đọc được (tệp bị sửa?)")
    return found


def append_checkpoint(checkpoint: Checkpoint, path: Path | None = None) -> None:
    """One line appended (O_APPEND: whole lines even from several processes at once)."""
    path = path or witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(checkpoint.line() + "\n")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_last_checkpoint = time.monotonic()


def _checkpoint_after_commit(prev_id: int, entry: AuditEntry, key: bytes) -> None:
    """Every ``AUDIT_CHECKPOINT_EVERY`` ids (and at least every ten minutes in a busy
    process), once the entry is committed: a rolled-back entry is never checkpointed, and a
    request pays for a file append only then, not every time."""
    global _last_checkpoint
    every = max(1, settings.AUDIT_CHECKPOINT_EVERY)
    now = time.monotonic()
    if entry.pk // every == prev_id // every and now - _last_checkpoint < CHECKPOINT_SECONDS:
        return
    _last_checkpoint = now
    checkpoint = Checkpoint(id=entry.pk, hash=entry.hash, at=_now(), key_id=key_id(key))
    path = witness_path()

    def write() -> None:
        try:
            append_checkpoint(checkpoint, path)
        except OSError as exc:  # never fail the user's change for it; verify will checkpoint
            log.warning("audit checkpoint not written to %s: %s", path, exc)

    transaction.on_commit(write)


def _scope_path(obj) -> str:
    """The organisation an object belongs to, as a path: itself, or its ``org``."""
    if obj is None:
        return ""
    if obj._meta.label_lower == "orgs.organisation":
        return obj.path
    org = getattr(obj, "org", None) if hasattr(obj, "org_id") else None
    return getattr(org, "path", "") or ""


def record(
    *,
    actor,
    action: AuditEvent,
    obj=None,
    object_type: str = "",
    object_id: Any = "",
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    scope_org=None,
    sealed: dict[str, list] | None = None,
) -> AuditEntry:
    """Append one entry; callers are services, inside their transaction. ``scope_org`` says
    whose auditors see it when that is not the object's own organisation. ``action`` is a
    member of an app's ``AuditEvent`` enumeration; its value is what is stored. ``sealed``:
    sensitive ``{"field": [before, after]}``, stored encrypted (``seal``) beside the "***"
    of ``before``/``after``, so that a change can be undone by one allowed to see it."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        prev_id, prev_hash = last or (0, GENESIS)
        key = audit_key()
        entry = AuditEntry(
            at=datetime.now(UTC).replace(tzinfo=UTC),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(getattr(actor, "get_username", lambda: "")() if actor else "hệ thống")[
                :150
            ],
            request_id=ctx.request_id,
            ip=ctx.ip,
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            object_repr=(str(obj) if obj is not None else "")[:300],
            scope_path=scope_org.path if scope_org is not None else _scope_path(obj),
            summary=summary[:500],
            before=_jsonable(before),
            after=_jsonable(after),
            sealed=seal(sealed, key),
            prev_hash=prev_hash,
            hash_version=KEYED,
        )
        entry.hash = _keyed_digest(entry.prev_hash, entry, key)
        entry.save()
        cache.forget_version()
        replicas.note_write()  # this request's further reads stay on the primary
        _checkpoint_after_commit(prev_id, entry, key)
    return entry


def event_classes() -> list[type[AuditEvent]]:
    """Every app's audit events: each ``dangbo.<app>.choices`` is imported by name (core
    depends on no domain app), then the subclasses of ``AuditEvent`` are collected."""
    package = __package__.rpartition(".")[0]
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"{package}.{info.name}.choices")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{info.name}.choices":
                    raise
    found: list[type[AuditEvent]] = []
    todo = [AuditEvent]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            todo.append(sub)
    return sorted(found, key=lambda c: c.__qualname__)


@functools.cache
def events() -> dict[str, AuditEvent]:
    """Every declared audit event by its stored value (fixed once the apps are loaded, so it
    is collected once per process, not on every page that shows a history)."""
    return {event.value: event for cls in event_classes() for event in cls}


def label(action: str) -> str:
    """What the audit log page shows for a stored action: its event's label, else itself."""
    event = events().get(action)
    return str(event.label) if event is not None else action


@dataclass
class VerifyResult:
    checked: int
    problems: list[str]
    head: Checkpoint | None = None  # the last entry walked, with the count

    @property
    def ok(self) -> bool:
        return not self.problems


def current_head() -> Checkpoint | None:
    """The head as it stands, unverified (``dangbo audit head``)."""
    last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return None
    first_keyed = (
        AuditEntry.objects.filter(hash_version=KEYED).order_by("id").values_list("id").first()
    )
    return Checkpoint(
        id=last[0],
        hash=last[1],
        at=_now(),
        key_id=key_id(),
        count=AuditEntry.objects.filter(id__lte=last[0]).count(),
        keyed_from=first_keyed[0] if first_keyed else None,
    )


def _read_witnesses(paths: list[Path], problems: list[str]) -> list[Checkpoint]:
    found: list[Checkpoint] = []
    seen: set[Path] = set()
    own = witness_path().resolve()
    for path in [own, *(p.resolve() for p in paths)]:
        if path in seen:
            continue
        seen.add(path)
        try:
            found += read_witness(path, problems)
        except FileNotFoundError:
            if path != own:  # the own file is made by the first checkpoint
                problems.append(f"Không có tệp mốc kiểm tra {path}")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"Không đọc được tệp mốc kiểm tra {path}: {exc}")
    return found


def _count(n: int | None) -> str:
    return f"{n:,}".replace(",", ".") if n is not None else "?"


def verify(witnesses: list[Path] | None = None, *, checkpoint: bool = False) -> VerifyResult:
    """Walk the chain: a changed row breaks its own hash (HMAC: it cannot be re-sealed without
    the key), a deleted row breaks the link. Then hold it against every checkpoint of the
    witness file (and of ``witnesses``, an auditor's copies): entries up to a checkpoint must
    all be there with the same hash, so a cut tail, an emptied log or a chain re-hashed from
    an edit onwards is found too. ``checkpoint``: when all holds, append the head."""
    problems: list[str] = []
    checkpoints = _read_witnesses(list(witnesses or []), problems)
    key = audit_key()
    own_key_id = key_id(key)
    latest = max(checkpoints, key=lambda cp: cp.id, default=None)
    if latest is not None and latest.key_id and latest.key_id != own_key_id:
        problems.append(
            f"Khóa nhật ký hiện tại (mã {own_key_id}) khác khóa lúc ghi mốc kiểm tra {latest.at} "
            f"(mã {latest.key_id}, {latest.source}): kiểm tra DANGBO_AUDIT_KEY hoặc tệp "
            f"{settings.AUDIT_KEY_FILE}"
        )
    pending: dict[int, list[Checkpoint]] = {}
    for cp in checkpoints:
        pending.setdefault(cp.id, []).append(cp)
    keyed_from = min((cp.keyed_from for cp in checkpoints if cp.keyed_from), default=None)

    prev, checked, version = GENESIS, 0, PLAIN
    keyed, first_keyed, last_id = 0, None, 0
    unsealed: list[str] = []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if entry.prev_hash != prev:
            problems.append(f"#{entry.pk}: liên kết với bản ghi trước bị đứt (có bản ghi bị xóa?)")
        if entry.hash_version not in (PLAIN, KEYED):
            problems.append(f"#{entry.pk}: phiên bản mã băm lạ ({entry.hash_version})")
        elif entry.hash_version < version or (
            keyed_from is not None and entry.pk >= keyed_from and entry.hash_version != KEYED
        ):
            problems.append(
                f"#{entry.pk}: mã băm không khóa sau bản ghi đã có khóa (bị hạ cấp để viết lại?)"
            )
        else:
            if entry.hash_version == KEYED:
                version, keyed = KEYED, keyed + 1
                first_keyed = first_keyed or entry.pk
            if digest(entry, key) != entry.hash:
                problem = f"#{entry.pk}: nội dung không khớp mã băm (bản ghi bị sửa)"
                problems.append(problem)
                if entry.hash_version == KEYED:
                    unsealed.append(problem)
        for cp in pending.pop(entry.pk, ()):
            if cp.hash != entry.hash:
                problems.append(
                    f"#{entry.pk}: mã băm khác mốc kiểm tra lúc {cp.at} ({cp.source}): "
                    "chuỗi đã bị viết lại"
                )
            elif cp.count is not None and cp.count != checked:
                problems.append(
                    f"#{entry.pk}: mốc kiểm tra lúc {cp.at} ({cp.source}) ghi "
                    f"{_count(cp.count)} bản ghi đến đây, nay còn {_count(checked)}"
                )
        prev, last_id = entry.hash, entry.pk

    if keyed > 1 and len(unsealed) == keyed:  # a wrong key, not thousands of edits
        problems = [p for p in problems if p not in set(unsealed)]
        problems.append(
            f"Không bản ghi nào trong {_count(keyed)} bản ghi có khóa khớp mã HMAC: khóa nhật ký "
            "không đúng (DANGBO_AUDIT_KEY hoặc tệp audit_key), hoặc cả chuỗi đã bị viết lại"
        )
    missing = sorted({cp.id: cp for cps in pending.values() for cp in cps}.values(), key=_cp_id)
    beyond = [cp for cp in missing if cp.id > last_id]
    if beyond:
        cp = beyond[-1]
        if checked == 0:
            problems.append(
                f"Nhật ký trống nhưng mốc kiểm tra lúc {cp.at} ({cp.source}) ghi đến #{cp.id} "
                f"({_count(cp.count)} bản ghi): toàn bộ nhật ký đã bị xóa"
            )
        else:
            problems.append(
                f"Mất phần cuối nhật ký: mốc kiểm tra lúc {cp.at} ({cp.source}) ghi đến "
                f"#{cp.id} ({_count(cp.count)} bản ghi), nhật ký nay chỉ còn đến #{last_id} "
                f"({_count(checked)} bản ghi)"
            )
    for cp in missing:
        if cp.id <= last_id:
            problems.append(
                f"#{cp.id}: có trong mốc kiểm tra lúc {cp.at} ({cp.source}) nhưng không còn "
                "trong nhật ký (bản ghi bị xóa)"
            )

    head = None
    if checked:
        head = Checkpoint(
            id=last_id,
            hash=prev,
            at=_now(),
            key_id=own_key_id,
            count=checked,
            keyed_from=first_keyed,
        )
    result = VerifyResult(checked=checked, problems=problems, head=head)
    if checkpoint and result.ok and head is not None:
        own = [cp for cp in checkpoints if cp.source.startswith(f"{witness_path().resolve()}:")]
        if not own or (own[-1].id, own[-1].hash, own[-1].count) != (head.id, head.hash, checked):
            append_checkpoint(head)
    return result


def _cp_id(cp: Checkpoint) -> int:
    return cp.id


def snapshot(obj, fields: list[str]) -> dict:
    """A before/after dict of the named fields, in JSON-friendly form."""
    data = {}
    for name in fields:
        value = getattr(obj, name if not hasattr(obj, f"{name}_id") else f"{name}_id")
        data[name] = value
    return _jsonable(data)
