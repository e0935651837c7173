"""Figures and pages that are expensive at national scale, cached until anything changes.

Every change in dangbo writes an audit entry, so the newest entry's id is a version of the
whole database: a cached value carries the version it was computed at and is used only
while that is still the newest. One indexed ``max(id)`` per request replaces seconds of
aggregation on a province's page, and nothing stale is ever shown after a change made
through dangbo.

The version is read on the database the request reads (a replica inside
``replicas.reading()``), so a value computed from a replica is filed under the replica's
version, never under a newer one it does not reflect.

The cache itself is Django's: in memory per process by default, Redis when shared
(``DANGBO_CACHE_URL``). A cache server that fails is a miss, never an error page.
"""

import contextvars
import hashlib
import logging
import re
import threading
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db.models import Max
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from . import context, replicas
from .dates import today
from .models import AuditEntry
from .period import SESSION_KEY

TIMEOUT = 600
PAGE_TIMEOUT = 600

log = logging.getLogger("dangbo.cache")

# The version read once per request and database (a page's blocks and charts share it); an
# audit entry written during the request forgets it, so a request never reads its own
# change as stale.
_seen: contextvars.ContextVar[tuple[str, str, int] | None] = contextvars.ContextVar(
    "dangbo_data_version", default=None
)


def data_version() -> int:
    request = context.current_request_id()
    alias = replicas.current()
    seen = _seen.get()
    if request and seen is not None and seen[0] == request and seen[1] == alias:
        return seen[2]
    version = AuditEntry.objects.using(alias).aggregate(v=Max("id"))["v"] or 0
    if request:
        _seen.set((request, alias, version))
    return version


def forget_version() -> None:
    """Called by the audit log on every entry: the data changed."""
    _seen.set(None)


def _get(cache_key: str):
    try:
        return cache.get(cache_key)
    except Exception as exc:  # noqa: BLE001 - a failing cache server is a miss
        log.warning("cache get failed: %s", exc.__class__.__name__)
        return None


def _set(cache_key: str, value, timeout: int) -> None:
    try:
        cache.set(cache_key, value, timeout)
    except Exception as exc:  # noqa: BLE001 - a failing cache server is a miss
        log.warning("cache set failed: %s", exc.__class__.__name__)


def _cache_key(key: tuple) -> str:
    return "dangbo:" + ":".join(str(k) for k in key)


def forget(key: tuple) -> None:
    try:
        cache.delete(_cache_key(key))
    except Exception as exc:  # noqa: BLE001
        log.warning("cache delete failed: %s", exc.__class__.__name__)


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


def versioned(key: tuple, compute: Callable, *, version: int | None = None, timeout: int = TIMEOUT):
    """``compute()`` or its cached result for ``key`` at the current data version."""
    version = data_version() if version is None else version
    cache_key = _cache_key(key)
    hit = _get(cache_key)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _lock_for(cache_key):
        hit = _get(cache_key)  # computed meanwhile by the request we waited for
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        _set(cache_key, (version, value), timeout)
    return value


# ---------------------------------------------------------------- whole pages

# The form token is the one part of a page that belongs to the browser, not to the user:
# it is cut out when the page is stored and this request's own put back when it is served.
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_SLOT = b"\x00dangbo-csrf\x00"
_PAGE_HEADERS = ("Content-Type", "Content-Language", "Vary")


def _page_key(request) -> str | None:
    """The page's identity: what it shows depends on who asks (their grants are part of
    the data version), the language, the day, the session's period and the address."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    session = request.session
    # A page with a message to show, or one that changes the session's period, is built.
    if "ngay" in request.GET or request.COOKIES.get("messages") or "_messages" in session:
        return None
    parts = "\x1f".join(
        (
            str(request.user.pk),
            translation.get_language() or "",
            today().isoformat(),
            str(session.get(SESSION_KEY, "")),
            request.get_full_path(),
        )
    )
    return "dangbo:page:" + hashlib.sha256(parts.encode()).hexdigest()


def page(view: Callable) -> Callable:
    """Serve a read-only page from the cache while nothing has changed.

    For the national world's province page this turns ~30 ms of rendering into one lookup
    (issue 17). A response is stored only when it is a plain 200 that set no cookie, left
    the session as it was and wrote nothing (a sensitive read is audited, which moves the
    version: such a page is never stored)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        base = _page_key(request)
        if base is None:
            return view(request, *args, **kwargs)
        version = data_version()
        cache_key = f"{base}:{version}"
        hit = _get(cache_key)
        if hit is not None:
            headers, body = hit
            response = HttpResponse(body.replace(_TOKEN_SLOT, get_token(request).encode()))
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.session.modified
            and data_version() == version
        ):
            body = _TOKEN.sub(lambda m: m.group(1) + _TOKEN_SLOT + m.group(2), response.content)
            headers = [(h, response[h]) for h in _PAGE_HEADERS if response.has_header(h)]
            _set(cache_key, (headers, body), PAGE_TIMEOUT)
        return response

    return wrapped
