"""The audit log: one call per change, inside the service's transaction."""

import functools
import hashlib
import importlib
import json
import pkgutil
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import context
from .choices import AuditEvent
from .models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x64616E67  # "dang"


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so that what is hashed is exactly what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _digest(prev_hash: str, entry: AuditEntry) -> str:
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
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


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
) -> AuditEntry:
    """Append one entry; callers are services, inside their transaction. ``scope_org`` says
    whose auditors see it when that is not the object's own organisation. ``action`` is a
    member of an app's ``AuditEvent`` enumeration; its value is what is stored."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
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
            prev_hash=prev or GENESIS,
        )
        entry.hash = _digest(entry.prev_hash, entry)
        entry.save()
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

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerifyResult:
    """Walk the chain: a changed row breaks its own hash, a deleted row breaks the link."""
    problems: list[str] = []
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if entry.prev_hash != prev:
            problems.append(f"#{entry.pk}: liên kết với bản ghi trước bị đứt (có bản ghi bị xóa?)")
        if _digest(entry.prev_hash, entry) != entry.hash:
            problems.append(f"#{entry.pk}: nội dung không khớp mã băm (bản ghi bị sửa)")
        prev = entry.hash
    return VerifyResult(checked=checked, problems=problems)


def snapshot(obj, fields: list[str]) -> dict:
    """A before/after dict of the named fields, in JSON-friendly form."""
    data = {}
    for name in fields:
        value = getattr(obj, name if not hasattr(obj, f"{name}_id") else f"{name}_id")
        data[name] = value
    return _jsonable(data)
