"""A Redis cache that the site survives losing.

``FailSoftRedisCache`` is Django's ``RedisCache`` with three changes:

- short socket time-outs and no retries (``DEFAULT_OPTIONS``; ``OPTIONS`` in settings win),
  so a Redis that is down, or that accepts connections and never answers, costs a call a
  fraction of a second, not thirty;
- every operation that fails with a Redis or socket error is served instead by a
  local-memory cache in this process, with one log line per outage (``OutageLog``), and
  a circuit breaker sends the calls of the next few seconds straight to that local cache
  instead of paying the time-out again on each of them;
- when Redis answers again, the keys written or deleted during the outage are deleted in
  Redis (so nobody reads a value that was replaced while Redis could not hear about it),
  and the local cache is emptied.

Why a local cache and not plain misses: what counts in the cache keeps counting. allauth's
rate limits (failed log-ins, password resets, e-mail sends) and its one-time-code replay
guard for two-factor log-in use ``cache.add``/``get``/``set``; with misses they would stop
counting (brute-force protection off) and ``add`` would refuse every TOTP code (staff
locked out). With the local cache they hold per process until Redis is back. See
docs/running.md, "When Redis is down".
"""

import logging
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

from .resilience import CircuitBreaker, OutageLog

logger = logging.getLogger(__name__)

# Well under a second each: a page makes a handful of cache calls, and the breaker makes
# sure only the first of them pays this when Redis has gone away.
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.25,
    "retry_on_timeout": False,
}
BREAKER_COOLDOWN = 5.0  # seconds during which a process does not try Redis after a failure
MAX_DIRTY_KEYS = 10_000  # keys remembered to forget in Redis once it is back
FALLBACK_NOTE = "serving the cache from this process's memory"


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    # OSError covers socket errors that reach us unwrapped (and redis-py's own
    # ConnectionError/TimeoutError subclass RedisError).
    return (redis.RedisError, OSError)


class PrefixClearingRedisClient(RedisCacheClient):
    """Django's Redis client whose ``clear`` deletes only the keys under the cache's prefix.

    Spoke's cache shares its Redis database with Celery's broker (one ``REDIS_URL``), and
    Django's ``clear`` is FLUSHDB: it would drop the queued tasks with the cached pages.
    """

    key_prefix = ""

    def clear(self):
        if not self.key_prefix:
            return super().clear()
        client = self.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, served from local memory while Redis is unavailable."""

    @cached_property
    def _cache(self):
        client = PrefixClearingRedisClient(self._servers, **self._options)
        client.key_prefix = self.key_prefix
        return client

    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        cooldown = params["OPTIONS"].pop("breaker_cooldown", BREAKER_COOLDOWN)
        super().__init__(server, params)
        fallback_params = {
            key: params[key]
            for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
            if key in params
        }
        self._fallback = LocMemCache(f"spoke-fail-soft-{id(self)}", fallback_params)
        self._errors = _redis_errors()
        self.breaker = CircuitBreaker(cooldown=cooldown)
        self._outage = OutageLog(logger, what="Redis cache", interval=60.0)
        self._dirty: set[str] = set()
        self._dirty_overflow = False
        self._lock = threading.Lock()

    # --- the switch between Redis and the local cache -------------------------------------

    def _call(self, method: str, *args, dirty=(), **kwargs):
        if self.breaker.allow():
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except self._errors as exc:
                self.breaker.record_failure()
                self._outage.failure(exc, consequence=FALLBACK_NOTE)
            else:
                if self.breaker.record_success():
                    self._recovered(written_now=dirty)
                return result
        self._remember_dirty(dirty)
        return getattr(self._fallback, method)(*args, **kwargs)

    def _remember_dirty(self, keys) -> None:
        if not keys:
            return
        with self._lock:
            for key in keys:
                if len(self._dirty) >= MAX_DIRTY_KEYS:
                    self._dirty_overflow = True
                    break
                self._dirty.add(key)

    def _recovered(self, *, written_now=()) -> None:
        with self._lock:
            # What this very call wrote to Redis is current: keep it.
            dirty, self._dirty = list(self._dirty.difference(written_now)), set()
            overflow, self._dirty_overflow = self._dirty_overflow, False
        self._fallback.clear()
        self._outage.recovered()
        if overflow:
            logger.warning(
                "More than %d cache keys changed while Redis was unavailable; "
                "some may hold values from before the outage until they expire",
                MAX_DIRTY_KEYS,
            )
        if not dirty:
            return
        try:
            # Raw keys (already prefixed and versioned), straight to the client.
            for start in range(0, len(dirty), 1000):
                self._cache.get_client(write=True).delete(*dirty[start : start + 1000])
        except self._errors as exc:
            self.breaker.record_failure()
            self._outage.failure(exc, consequence=FALLBACK_NOTE)
            self._remember_dirty(dirty)

    def _keys(self, keys, version):
        return [self.make_key(key, version=version) for key in keys]

    # --- the cache API ----------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        dirty = self._keys([key], version)
        return self._call("add", key, value, timeout, version, dirty=dirty)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        dirty = self._keys([key], version)
        return self._call("set", key, value, timeout, version, dirty=dirty)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        dirty = self._keys([key], version)
        return self._call("touch", key, timeout, version, dirty=dirty)

    def delete(self, key, version=None):
        dirty = self._keys([key], version)
        return self._call("delete", key, version, dirty=dirty)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        dirty = self._keys([key], version)
        return self._call("incr", key, delta, version, dirty=dirty)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        dirty = self._keys(list(data), version)
        return self._call("set_many", data, timeout, version, dirty=dirty)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        dirty = self._keys(keys, version)
        return self._call("delete_many", keys, version, dirty=dirty)

    def clear(self):
        # A clear that Redis did not hear about cannot be replayed key by key; the local
        # cache is emptied and Redis keeps what it had (entries expire as usual).
        return self._call("clear")
