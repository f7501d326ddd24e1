"""The app channel's idempotency keys in Redis: one answer per key across every server of a deployment.

Two stores on one Redis with one deployment key stand for two Rasa servers;
``tests/services/test_scale_out.py`` does the same through two real servers.
Each test uses a key prefix of its own, deleted at the end.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Awaitable, Callable, Iterator, List, Tuple, TypeVar

import pytest
import redis
import redis.asyncio

from bot.channels.idempotency import IdempotencyConflict, IdempotencyInProgress, Result
from bot.channels.idempotency_redis import RedisIdempotencyStore
from bot.privacy.keys import generate_key

pytestmark = pytest.mark.services

T = TypeVar("T")
CARD = "4111 1111 1111 1111"


class Handler:
    """Counts how often a request is really handled; answers with the call number (after ``delay`` s, a slow
    handler); ``started`` is set once a request is being handled."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.calls = 0
        self.status = status
        self.delay = delay
        self.started = asyncio.Event()

    async def __call__(self) -> Result:
        self.calls += 1
        self.started.set()
        call = self.calls
        await asyncio.sleep(self.delay)
        return self.status, {"call": call, "messages": [{"text": f"your card {CARD[-4:]} is frozen"}]}


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    prefix = f"finbot-test-idem-{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def servers(redis_url: str, prefix: str, count: int = 2, **settings: Any) -> List[RedisIdempotencyStore]:
    """``count`` stores as ``count`` servers of one deployment would have them: one Redis, one master key."""
    key = generate_key().encode()
    return [RedisIdempotencyStore(redis.asyncio.Redis.from_url(redis_url), key, prefix=prefix, **settings)
            for _ in range(count)]


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(scenario())


# An idempotency key that random ciphertext cannot hold by chance ("k1" turned up inside base64 once): "~" is in
# no base64 alphabet.
KEY = "key~one"


def test_a_retry_on_another_server_gets_the_first_answer(redis_url: str, prefix: str) -> None:
    first, second = servers(redis_url, prefix)
    handler = Handler()

    async def scenario() -> Tuple[Any, Any]:
        answer = await first.run("app:alice", KEY, b'{"message": "freeze my card"}', handler)
        again = await second.run("app:alice", KEY, b'{"message": "freeze my card"}', handler)
        return answer, again

    answer, again = run(scenario)
    assert handler.calls == 1
    assert answer == ((200, {"call": 1, "messages": [{"text": "your card 1111 is frozen"}]}), False)
    assert again == (answer[0], True)
    client = redis.Redis.from_url(redis_url)
    slot, index = first.keys("app:alice", KEY)
    assert 0 < client.pttl(slot) <= 600_000 and client.pttl(index) > 0
    assert client.smembers(index) == {slot.encode()}
    stored = json.loads(client.get(slot))
    assert stored["state"] == "done" and set(stored) == {"v", "state", "body", "result"}
    # The response is sealed: nothing of it, of the key or of the subject is in Redis in the clear.
    dump = " ".join(f"{k!r} {client.get(k)!r}" for k in client.scan_iter(match=f"{prefix}*") if k != index.encode())
    assert "alice" not in dump and KEY not in dump and "frozen" not in dump and "1111" not in dump
    client.close()


def test_concurrent_duplicates_on_two_servers_are_handled_once(redis_url: str, prefix: str) -> None:
    first, second = servers(redis_url, prefix)
    handler = Handler(delay=0.3)

    async def scenario() -> List[Tuple[Result, bool]]:
        return list(await asyncio.gather(*(store.run("app:bob", "k", b"{}", handler)
                                           for store in (first, second, first, second))))

    answers = run(scenario)
    assert handler.calls == 1
    assert {json.dumps(result) for result, _ in answers} == {json.dumps(answers[0][0])}
    assert sorted(replayed for _, replayed in answers) == [False, True, True, True]


def test_a_duplicate_still_in_progress_after_the_wait_is_told_to_retry(redis_url: str, prefix: str) -> None:
    first, second = servers(redis_url, prefix, wait_seconds=0.2)
    slow = Handler(delay=1.0)

    async def scenario() -> Tuple[Result, bool]:
        handling = asyncio.ensure_future(first.run("app:carol", "k", b"{}", slow))
        await asyncio.wait_for(slow.started.wait(), 10)  # the first server claimed the key and is handling it
        with pytest.raises(IdempotencyInProgress) as refused:
            await second.run("app:carol", "k", b"{}", slow)
        assert (refused.value.status, dict(refused.value.headers)) == (409, {"Retry-After": "1"})
        await handling
        return await second.run("app:carol", "k", b"{}", slow)  # the retry it was told to make

    assert run(scenario)[1] is True
    assert slow.calls == 1


def test_a_failure_is_not_kept_and_another_body_is_a_conflict(redis_url: str, prefix: str) -> None:
    first, second = servers(redis_url, prefix)
    failing, working = Handler(status=500), Handler()

    async def broken() -> Result:
        raise RuntimeError("boom")

    async def scenario() -> None:
        assert (await first.run("app:dan", "k", b"a", failing))[0][0] == 500
        assert (await second.run("app:dan", "k", b"a", working))[1] is False  # handled anew
        with pytest.raises(RuntimeError):
            await first.run("app:dan", "k2", b"a", broken)
        assert (await second.run("app:dan", "k2", b"a", working))[1] is False  # the claim was released
        with pytest.raises(IdempotencyConflict):
            await second.run("app:dan", "k", b"b", working)

    run(scenario)
    assert failing.calls == 1 and working.calls == 2


def test_erasing_a_conversation_forgets_its_answers_on_every_server(redis_url: str, prefix: str) -> None:
    first, second = servers(redis_url, prefix)
    handler = Handler()

    async def scenario() -> None:
        await first.run("app:erin", "k1", b"{}", handler)
        await first.run("app:erin", "k2", b"{}", handler)
        await first.run("app:frank", "k1", b"{}", handler)
        assert await second.forget("app:erin") == 2
        assert (await first.run("app:erin", "k1", b"{}", handler))[1] is False
        assert (await second.run("app:frank", "k1", b"{}", handler))[1] is True

    run(scenario)


@pytest.mark.parametrize("damage", ["sealed", "not json", "unknown state"])
def test_an_entry_that_cannot_be_read_is_dropped_and_the_request_handled_anew(
    redis_url: str, prefix: str, damage: str
) -> None:
    [store] = servers(redis_url, prefix, count=1)
    handler = Handler()
    slot = store.keys("app:gina", "k")[0]
    client = redis.Redis.from_url(redis_url)

    async def scenario() -> Tuple[Result, bool]:
        await store.run("app:gina", "k", b"{}", handler)
        entry = json.loads(client.get(slot))
        if damage == "sealed":
            entry["result"] = entry["result"][:-8] + "AAAAAAA="
        elif damage == "unknown state":
            entry["state"] = "maybe"
        client.set(slot, "{not json" if damage == "not json" else json.dumps(entry))
        return await store.run("app:gina", "k", b"{}", handler)

    assert run(scenario)[1] is False
    assert handler.calls == 2 and json.loads(client.get(slot))["state"] == "done"
    client.close()
