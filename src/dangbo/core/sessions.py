"""Sessions read from the cache and kept in the database (``SESSION_ENGINE``).

Django's ``cached_db`` with one change: a cache server that does not answer is a miss, so a
Redis outage costs a query per page instead of every page. Deleting (a logout) still fails
loudly when the cache cannot be told: a session left behind in the cache would outlive
its logout once the server came back.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

log = logging.getLogger("dangbo.cache")


class _Tolerant:
    def __init__(self, cache):
        self._cache = cache

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except Exception as exc:  # noqa: BLE001 - any cache failure is a miss
            log.warning("session cache get failed: %s", exc.__class__.__name__)
            return default

    def set(self, key, value, timeout=None):
        try:
            self._cache.set(key, value, timeout)
        except Exception as exc:  # noqa: BLE001
            log.warning("session cache set failed: %s", exc.__class__.__name__)

    def __contains__(self, key):
        try:
            return key in self._cache
        except Exception:  # noqa: BLE001
            return False

    def delete(self, key):
        return self._cache.delete(key)


class SessionStore(CachedDbStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Tolerant(self._cache)
