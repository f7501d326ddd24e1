"""Idempotency keys: a retry gets the first response, is handled once, and never crosses subjects."""

from __future__ import annotations

import asyncio
from typing import List

import pytest

from bot.channels.idempotency import (
    IdempotencyCache,
    IdempotencyConflict,
    IdempotencyInProgress,
    IdempotencyRefused,
    IdempotencyUnavailable,
    Result,
    valid_key,
)
from bot.channels.idempotency_redis import RedisIdempotencyStore, idempotency_store
from bot.clock import FakeClock
from bot.privacy.keys import generate_key
from tests.support.servers import free_port


class Handler:
    """Counts how often a request is really handled; answers with the call number."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.calls = 0
        self.status = status
        self.delay = delay

    async def __call__(self) -> Result:
        self.calls += 1
        call = self.calls
        await asyncio.sleep(self.delay)
        return self.status, {"call": call}


@pytest.mark.parametrize(
    "key, valid",
    [("a", True), ("k" * 128, True), ("3f1c-uuid-like", True), ("", False), ("k" * 129, False),
     ("tab\there", False), ("é", False), ("new\nline", False)],
)
def test_key_format(key: str, valid: bool) -> None:
    assert valid_key(key) is valid


def test_a_retry_gets_the_first_response_without_being_handled_again() -> None:
    cache, handler = IdempotencyCache(), Handler()

    async def scenario() -> None:
        first = await cache.run("alice", "k1", b'{"message": "hi"}', handler)
        again = await cache.run("alice", "k1", b'{"message": "hi"}', handler)
        assert first == ((200, {"call": 1}), False)
        assert again == ((200, {"call": 1}), True)
        other_key = await cache.run("alice", "k2", b'{"message": "hi"}', handler)
        assert other_key == ((200, {"call": 2}), False)

    asyncio.run(scenario())
    assert handler.calls == 2


def test_the_same_key_of_another_subject_is_another_request() -> None:
    cache, handler = IdempotencyCache(), Handler()

    async def scenario() -> None:
        await cache.run("alice", "k", b"{}", handler)
        (_, body), replayed = await cache.run("bob", "k", b"{}", handler)
        assert body == {"call": 2} and not replayed

    asyncio.run(scenario())


def test_a_request_in_progress_is_waited_for() -> None:
    cache, handler = IdempotencyCache(), Handler(delay=0.05)

    async def scenario() -> List[bool]:
        results = await asyncio.gather(*(cache.run("alice", "k", b"{}", handler) for _ in range(5)))
        assert {body["call"] for (_, body), _ in results} == {1}
        return [replayed for _, replayed in results]

    assert sorted(asyncio.run(scenario())) == [False, True, True, True, True]
    assert handler.calls == 1


def test_a_failed_request_is_not_kept_so_a_retry_is_handled() -> None:
    cache, failing = IdempotencyCache(), Handler(status=500)

    async def scenario() -> None:
        assert (await cache.run("alice", "k", b"{}", failing))[0][0] == 500
        assert (await cache.run("alice", "k", b"{}", failing))[1] is False

        async def broken() -> Result:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            await cache.run("alice", "k2", b"{}", broken)
        assert (await cache.run("alice", "k2", b"{}", Handler()))[1] is False

    asyncio.run(scenario())
    assert failing.calls == 2


def test_a_key_reused_with_another_body_is_a_conflict() -> None:
    cache = IdempotencyCache()

    async def scenario() -> None:
        await cache.run("alice", "k", b'{"message": "pay 10"}', Handler())
        with pytest.raises(IdempotencyConflict):
            await cache.run("alice", "k", b'{"message": "pay 1000"}', Handler())

    asyncio.run(scenario())


def test_entries_expire_and_the_cache_stays_bounded() -> None:
    clock = FakeClock()
    cache, handler = IdempotencyCache(ttl_seconds=600, max_entries=3, clock=clock), Handler()

    async def scenario() -> None:
        await cache.run("alice", "k", b"{}", handler)
        clock.advance(599)
        assert (await cache.run("alice", "k", b"{}", handler))[1] is True
        clock.advance(2)
        assert (await cache.run("alice", "k", b"{}", handler))[1] is False  # older than 10 minutes
        for number in range(10):
            await cache.run("alice", f"many-{number}", b"{}", handler)
            assert len(cache) <= 3

    asyncio.run(scenario())


def test_forgetting_a_subject_drops_its_kept_responses_only() -> None:
    cache, handler = IdempotencyCache(), Handler()

    async def scenario() -> None:
        await cache.run("alice", "k", b"{}", handler)
        await cache.run("bob", "k", b"{}", handler)
        assert await cache.forget("alice") == 1
        assert (await cache.run("alice", "k", b"{}", handler))[1] is False
        assert (await cache.run("bob", "k", b"{}", handler))[1] is True

    asyncio.run(scenario())


def test_nothing_in_clear_is_kept() -> None:
    cache = IdempotencyCache()
    asyncio.run(cache.run("alice-subject", "secret-key-123", b'{"message": "4111 1111 1111 1111"}', Handler()))
    kept = repr(cache._entries)
    assert "alice-subject" not in kept and "secret-key-123" not in kept and "4111" not in kept


@pytest.mark.parametrize(
    "error, status, headers",
    [(IdempotencyConflict, 422, {}), (IdempotencyInProgress, 409, {"Retry-After": "1"}),
     (IdempotencyUnavailable, 503, {"Retry-After": "2"})],
)
def test_each_refusal_carries_its_status_and_headers(error: type, status: int, headers: dict) -> None:
    refused = error("why")
    assert isinstance(refused, IdempotencyRefused)
    assert (refused.status, dict(refused.headers), str(refused)) == (status, headers, "why")


# --- the Redis store, where no Redis is needed (tests/services/test_idempotency_redis.py runs it on one) ---


def test_the_app_channel_shares_keys_through_redis_only_when_the_deployment_has_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FINBOT_VAULT_KEY", generate_key())
    assert isinstance(idempotency_store(None, {}), IdempotencyCache)
    shared = idempotency_store(None, {"FINBOT_REDIS_HOST": "127.0.0.1", "FINBOT_REDIS_PORT": "6390",
                                      "FINBOT_REDIS_PASSWORD": "not-logged"})
    assert isinstance(shared, RedisIdempotencyStore)
    kwargs = shared._client.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("127.0.0.1", 6390, 1)  # as the lock store's


def test_every_server_of_a_deployment_finds_the_same_entry_and_no_value_is_in_a_key() -> None:
    import redis.asyncio

    key, other_key = generate_key().encode(), generate_key().encode()
    one, two = (RedisIdempotencyStore(redis.asyncio.Redis(), key) for _ in range(2))
    elsewhere = RedisIdempotencyStore(redis.asyncio.Redis(), other_key)
    slot, index = one.keys("app:alice", "key-123")
    assert (slot, index) == two.keys("app:alice", "key-123")
    assert slot.startswith(index + ":") and index.startswith("finbot:idempotency:{")
    assert slot != one.keys("app:bob", "key-123")[0] and slot != elsewhere.keys("app:alice", "key-123")[0]
    assert "alice" not in slot and "key-123" not in slot


def test_an_unreachable_redis_refuses_and_handles_nothing() -> None:
    import redis.asyncio

    client = redis.asyncio.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    store, handler = RedisIdempotencyStore(client, generate_key().encode()), Handler()

    async def scenario() -> None:
        with pytest.raises(IdempotencyUnavailable):
            await store.run("alice", "k", b"{}", handler)
        with pytest.raises(IdempotencyUnavailable):
            await store.forget("alice")

    asyncio.run(scenario())
    assert handler.calls == 0
