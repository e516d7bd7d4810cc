"""FailSoftRedisCache: Redis errors become local-memory cache calls, once logged."""

import logging
from http import HTTPStatus
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from core.cache import FailSoftRedisCache
from core.resilience import CircuitBreaker

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def make_cache(url: str = DOWN, *, clock=None) -> FailSoftRedisCache:
    cache = FailSoftRedisCache(url, {"KEY_PREFIX": "t"})
    if clock is not None:
        cache.breaker = CircuitBreaker(cooldown=5.0, clock=clock)
    return cache


def test_down_redis_is_served_from_local_memory():
    """With Redis down, writes and reads still work, from this process's memory."""
    cache = make_cache()
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert cache.add("greeting", "other") is False
    assert cache.add("fresh", 1) is True
    assert cache.incr("fresh") == 2
    assert cache.get_many(["greeting", "fresh", "absent"]) == {"greeting": "hello", "fresh": 2}
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.has_key("computed")
    cache.delete("greeting")
    assert cache.get("greeting", "missing") == "missing"


def test_unknown_key_is_a_miss():
    """A read of a key nobody wrote during the outage is a miss, not an error."""
    assert make_cache().get("never-written") is None


def test_options_default_to_short_time_outs_and_settings_win():
    """Socket time-outs are short unless settings say otherwise."""
    cache = make_cache()
    assert cache._options["socket_timeout"] < 1
    assert cache._options["socket_connect_timeout"] < 1
    custom = FailSoftRedisCache(DOWN, {"OPTIONS": {"socket_timeout": 0.1}})
    assert custom._options["socket_timeout"] == 0.1


def test_outage_is_logged_once(caplog):
    """A hundred failing calls give one warning line, not a hundred."""
    cache = make_cache()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for number in range(100):
            cache.set(f"key-{number}", number)
            cache.breaker._open_until = 0  # let every call try Redis again
    lines = [record for record in caplog.records if record.name == "core.cache"]
    assert len(lines) == 1
    assert "Redis cache unavailable" in lines[0].getMessage()
    assert "ConnectionError" in lines[0].getMessage()


def test_breaker_skips_redis_until_the_cooldown_is_over(clock):
    """After a failure, calls go straight to local memory; after the cooldown, one tries."""
    cache = make_cache(clock=clock)
    failing = mock.Mock(side_effect=redis.ConnectionError("refused"))
    with mock.patch.object(RedisCache, "get", failing):
        cache.get("a")
        cache.get("b")
        cache.get("c")
        assert failing.call_count == 1
        clock.now += 6
        cache.get("d")
        assert failing.call_count == 2
        cache.get("e")  # failed again: skipped for another cooldown
        assert failing.call_count == 2


def test_silent_redis_timeout_is_a_failure_too(clock):
    """A Redis that accepts and never answers (a time-out) is treated as down."""
    cache = make_cache(clock=clock)
    with mock.patch.object(RedisCache, "get", side_effect=redis.TimeoutError("timed out")):
        assert cache.get("a", "default") == "default"
    assert cache.breaker.failed


def test_recovery_forgets_in_redis_what_changed_during_the_outage(clock, caplog):
    """When Redis is back, keys written during the outage are deleted there (no stale
    value is read) and the local memory is emptied."""
    cache = make_cache(clock=clock)
    with mock.patch.object(RedisCache, "set", side_effect=redis.ConnectionError("refused")):
        cache.set("site-root-paths", ["/"])
    cache.delete("lock")
    assert cache.get("site-root-paths") == ["/"]
    clock.now += 6
    client = mock.Mock()
    with (
        mock.patch.object(RedisCache, "get", return_value="from redis") as redis_get,
        mock.patch.object(cache._cache, "get_client", return_value=client),
        caplog.at_level(logging.WARNING, logger="core.cache"),
    ):
        assert cache.get("site-root-paths") == "from redis"
    redis_get.assert_called_once()
    deleted = set(client.delete.call_args.args)
    assert deleted == {cache.make_key("site-root-paths"), cache.make_key("lock")}
    assert not cache.breaker.failed
    assert cache._fallback.get("site-root-paths") is None
    assert "available again" in caplog.records[-1].getMessage()


def test_programming_errors_are_not_swallowed():
    """Only Redis and socket errors fall back; a bug still raises."""
    cache = make_cache()
    with (
        mock.patch.object(RedisCache, "get", side_effect=TypeError("bug")),
        pytest.raises(TypeError),
    ):
        cache.get("a")


def test_log_in_rate_limit_holds_while_redis_is_down(client, learner, password, settings):
    """allauth's failed log-in limit keeps counting while Redis is down (per process):
    after three wrong guesses even the right password is refused."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": DOWN}}
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    assert isinstance(caches["default"], FailSoftRedisCache)  # Django swapped the handler
    url = reverse("account_login")
    for _attempt in range(3):
        response = client.post(url, {"login": learner.email, "password": "wrong"})
        assert "not correct" in response.content.decode()
    response = client.post(url, {"login": learner.email, "password": password})
    assert response.status_code == HTTPStatus.OK
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_recovery_keeps_what_the_first_call_back_wrote(clock):
    """The write that finds Redis back is current: only the other changed keys are
    forgotten in Redis."""
    cache = make_cache(clock=clock)
    cache.set("a", 1)
    cache.set("b", 2)
    clock.now += 6
    client = mock.Mock()
    with (
        mock.patch.object(RedisCache, "set") as redis_set,
        mock.patch.object(cache._cache, "get_client", return_value=client),
    ):
        cache.set("a", 3)
    redis_set.assert_called_once()
    assert client.delete.call_args.args == (cache.make_key("b"),)


def test_clear_leaves_the_brokers_keys_in_the_same_database():
    """One REDIS_URL serves the cache and Celery's broker: clearing the cache deletes its own
    keys (under its prefix), never the queued tasks beside them (Django's clear is FLUSHDB)."""
    from tests.conftest import require_service

    url = "redis://127.0.0.1:6379/13"
    try:
        available = bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        available = False
    require_service(available, f"Redis does not answer at {url}")
    server = redis.Redis.from_url(url)
    server.delete("celery", "other:1:kept")
    server.rpush("celery", "a queued task")
    server.set("other:1:kept", "another prefix")
    cache = make_cache(url)
    cache.set_many({f"page-{n}": n for n in range(1500)})

    assert cache.clear()

    assert cache.get("page-7") is None
    assert not list(server.scan_iter(match="t:*"))
    assert server.lrange("celery", 0, -1) == [b"a queued task"]
    assert server.get("other:1:kept") == b"another prefix"
    server.delete("celery", "other:1:kept")
