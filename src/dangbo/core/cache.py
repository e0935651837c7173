"""Figures that are expensive at national scale, cached until anything changes.

Every change in dangbo writes an audit entry, so the newest entry's id is a version of the
whole database: a cached figure carries the version it was computed at and is used only
while that is still the newest. One indexed ``max(id)`` per request replaces seconds of
aggregation on a province's page, and nothing stale is ever shown after a change made
through dangbo.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max

from .models import AuditEntry

TIMEOUT = 600


def data_version() -> int:
    return AuditEntry.objects.aggregate(v=Max("id"))["v"] or 0


def versioned(key: tuple, compute: Callable, *, version: int | None = None):
    """``compute()`` or its cached result for ``key`` at the current data version."""
    version = data_version() if version is None else version
    cache_key = "dangbo:" + ":".join(str(k) for k in key)
    hit = cache.get(cache_key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    cache.set(cache_key, (version, value), TIMEOUT)
    return value
