"""Read-only work on PostgreSQL streaming replicas (``DANGBO_REPLICA_URLS``).

Only work that is marked as reading (``reads`` on a view, ``reading()`` around a block:
statistics, reports, search, exports, dashboards) goes to a replica, and only when all of
these hold:

- nothing was written in this request (every change in dangbo is audited, and
  ``audit.record`` calls ``note_write``), and no transaction is open on the primary;
- the replica answers, is still in recovery, and lags the primary by at most
  ``DANGBO_REPLICA_MAX_LAG`` seconds (checked at most every ``DANGBO_REPLICA_CHECK_SECONDS``
  per process; a replica that failed is left alone for ``DOWN_SECONDS``);
- it has replayed the client's own last write: a request that writes sends back a signed
  cookie with the primary's WAL position, and until a replica has replayed that position
  the client's reads stay on the primary. No one reads the state from before their own
  change.

Otherwise the primary answers, so a replica that is down or behind costs nothing but load.
Accounts, sessions and login throttles are always read on the primary.

Without replicas none of this runs: no cookie, no query.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections

log = logging.getLogger("dangbo.replicas")

PRIMARY = "default"
COOKIE = "dangbo_lsn"
COOKIE_SALT = "dangbo.replicas.lsn"
COOKIE_AGE = 300  # seconds; a replica this far behind is past any sensible lag limit
DOWN_SECONDS = 10.0
# Read on the primary whatever the view: who is logged in, with which session, and the
# login throttle's counters must never be a replica's stale copy.
PRIMARY_APPS = frozenset({"auth", "sessions", "axes", "accounts"})


def aliases() -> list[str]:
    return [a for a in settings.DATABASES if a.startswith("replica")]


def lsn_number(text: str | None) -> int | None:
    """PostgreSQL's ``X/Y`` WAL position as one comparable number."""
    if not text:
        return None
    high, _, low = str(text).partition("/")
    try:
        return (int(high, 16) << 32) + int(low, 16)
    except ValueError:
        return None


# ---------------------------------------------------------------- per-request state


@dataclass
class _State:
    reading: int = 0  # depth of reads()/reading() blocks
    wrote: bool = False
    min_lsn: int | None = None
    chosen: str | None = None
    picked: bool = False


_state: contextvars.ContextVar[_State | None] = contextvars.ContextVar(
    "dangbo_replica_state", default=None
)


def note_write() -> None:
    """Called on every audited change: this request's further reads stay on the primary."""
    state = _state.get()
    if state is not None:
        state.wrote = True


@contextmanager
def reading() -> Iterator[None]:
    """Mark a block as read-only work a replica may answer."""
    state = _state.get()
    token = None
    if state is None:
        state = _State()
        token = _state.set(state)
    state.reading += 1
    try:
        yield
    finally:
        state.reading -= 1
        if token is not None:
            _state.reset(token)


@contextmanager
def primary() -> Iterator[None]:
    """A block that must read the primary even inside ``reading()`` (who is logged in)."""
    state = _state.get()
    if state is None:
        yield
        return
    saved = state.reading
    state.reading = 0
    try:
        yield
    finally:
        state.reading = saved


def reads(view: Callable) -> Callable:
    """View decorator: the view only reads, so a replica may answer it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with reading():
            return view(request, *args, **kwargs)

    return wrapped


def current() -> str:
    """The database this request's reads go to now."""
    return _choose() or PRIMARY


def _choose() -> str | None:
    state = _state.get()
    if state is None or not state.reading or state.wrote:
        return None
    if connections[PRIMARY].in_atomic_block:
        return None
    if not state.picked:
        state.chosen = _pick(state.min_lsn)
        state.picked = True
    return state.chosen


# ---------------------------------------------------------------- health


@dataclass
class _Health:
    checked: float
    usable: bool
    lag: float = 0.0
    replayed: int | None = None


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()
_turn = itertools.count()

_HEALTH_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn()::text,
       CASE WHEN pg_last_wal_receive_lsn() IS NULL
              OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def _check(alias: str) -> _Health:
    now = time.monotonic()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_HEALTH_SQL)
            in_recovery, replayed, lag = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("replica %s unusable: %s", alias, exc.__class__.__name__)
        with suppress(DatabaseError):
            connections[alias].close()
        return _Health(checked=now + DOWN_SECONDS, usable=False)
    if not in_recovery:  # promoted or misconfigured: its data may have diverged
        log.warning("replica %s is not in recovery; not used", alias)
        return _Health(checked=now + DOWN_SECONDS, usable=False)
    return _Health(checked=now, usable=True, lag=float(lag), replayed=lsn_number(replayed))


def health(alias: str) -> _Health:
    """The replica's state, read again after ``DANGBO_REPLICA_CHECK_SECONDS``."""
    conf = settings.DANGBO
    with _health_lock:
        known = _health.get(alias)
    if known is not None and time.monotonic() - known.checked < conf["REPLICA_CHECK_SECONDS"]:
        return known
    fresh = _check(alias)
    with _health_lock:
        _health[alias] = fresh
    return fresh


def forget_health() -> None:
    with _health_lock:
        _health.clear()


def _pick(min_lsn: int | None) -> str | None:
    names = aliases()
    if not names:
        return None
    start = next(_turn) % len(names)
    max_lag = settings.DANGBO["REPLICA_MAX_LAG"]
    for alias in names[start:] + names[:start]:
        state = health(alias)
        if not state.usable or state.lag > max_lag:
            continue
        if min_lsn is not None and (state.replayed is None or state.replayed < min_lsn):
            # Behind this client's own last write: look again now rather than in a second.
            state = _check(alias)
            with _health_lock:
                _health[alias] = state
            if not state.usable or state.replayed is None or state.replayed < min_lsn:
                continue
        return alias
    return None


# ---------------------------------------------------------------- router and middleware


class Router:
    """``DATABASE_ROUTERS``: reads of ``reading()`` work to a replica, everything else to the
    primary; migrations only on the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_APPS:
            return PRIMARY
        return _choose()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, whichever copy it was read from

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class Middleware:
    """Reads the client's last-write cookie and, after a request that wrote, sends the
    primary's WAL position back in it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.active = bool(aliases())

    def __call__(self, request):
        if not self.active:
            return self.get_response(request)
        state = _State(min_lsn=_cookie_lsn(request))
        token = _state.set(state)
        try:
            response = self.get_response(request)
            if state.wrote:
                position = _primary_position()
                if position:
                    response.set_cookie(
                        COOKIE,
                        signing.dumps(position, salt=COOKIE_SALT),
                        max_age=COOKIE_AGE,
                        httponly=True,
                        samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE,
                    )
            return response
        finally:
            _state.reset(token)


def _cookie_lsn(request) -> int | None:
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        return lsn_number(signing.loads(raw, salt=COOKIE_SALT, max_age=COOKIE_AGE))
    except signing.BadSignature:
        return None


def _primary_position() -> str | None:
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]
    except DatabaseError:
        return None
