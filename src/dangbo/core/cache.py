"""Figures that are expensive at national scale, cached until anything changes.

Every change in dangbo writes an audit entry, so the newest entry's id is a version of the
whole database: a cached figure carries the version it was computed at and is used only
while that is still the newest. One indexed ``max(id)`` per request replaces seconds of
aggregation on a province's page, and nothing stale is ever shown after a change made
through dangbo.
"""

import contextvars
import threading
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max

from . import context
from .models import AuditEntry

TIMEOUT = 600


# The version read once per request (a page's blocks and charts share it); an audit entry
# written during the request forgets it, so a request never reads its own change as stale.
_seen: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "dangbo_data_version", default=None
)


def data_version() -> int:
    request = context.current_request_id()
    seen = _seen.get()
    if request and seen is not None and seen[0] == request:
        return seen[1]
    version = AuditEntry.objects.aggregate(v=Max("id"))["v"] or 0
    if request:
        _seen.set((request, version))
    return version


def forget_version() -> None:
    """Called by the audit log on every entry: the data changed."""
    _seen.set(None)


# One computation per key at a time in this process: after a change, twenty clients asking
# for a province's page would otherwise each spend seconds computing the same figures, and
# the last would wait for all of them (p95 15 s at national scale, issue 17). The others
# wait for the first and take its result from the cache.
_computing: dict[str, threading.RLock] = {}
_computing_guard = threading.Lock()
_MAX_LOCKS = 10_000


def _lock_for(cache_key: str) -> threading.RLock:
    with _computing_guard:
        lock = _computing.get(cache_key)
        if lock is None:
            if len(_computing) >= _MAX_LOCKS:
                _computing.clear()  # holders keep their own reference
            lock = _computing[cache_key] = threading.RLock()
        return lock


def versioned(key: tuple, compute: Callable, *, version: int | None = None):
    """``compute()`` or its cached result for ``key`` at the current data version."""
    version = data_version() if version is None else version
    cache_key = "dangbo:" + ":".join(str(k) for k in key)
    hit = cache.get(cache_key)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _lock_for(cache_key):
        hit = cache.get(cache_key)  # computed meanwhile by the request we waited for
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        cache.set(cache_key, (version, value), TIMEOUT)
    return value
