"""Rate limits: buckets on an injected clock, the settings, the client address; then a flood against the server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid
from typing import Any, Dict, List, Tuple

import pytest
import requests

from bot.channels.ratelimit import (
    APP_DEFAULTS,
    RateLimitConfigError,
    RateLimiter,
    RateLimits,
    TokenBuckets,
    client_address,
    retry_after,
)
from bot.clock import FakeClock
from tests.support.servers import RunningAssistant
from tests.support.sockets import ChatSocket


def test_a_bucket_gives_its_burst_then_one_message_per_refill() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    for _ in range(3):
        assert buckets.wait(b"a") == 0
        buckets.take(b"a")
    assert buckets.wait(b"a") == pytest.approx(1.0)
    clock.advance(0.5)
    assert buckets.wait(b"a") == pytest.approx(0.5)
    clock.advance(0.5)
    assert buckets.wait(b"a") == 0
    # Refilled to the burst and no further, however long it rested.
    clock.advance(3600)
    for _ in range(3):
        buckets.take(b"a")
    assert buckets.wait(b"a") > 0


def test_one_sender_over_its_limit_leaves_another_sender_of_the_same_address_alone() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(sender_per_minute=6, sender_burst=2, address_per_minute=60, address_burst=5),
                          clock=clock)
    assert [limiter.check("flood", "10.0.0.1") for _ in range(2)] == [0, 0]
    refused = [limiter.check("flood", "10.0.0.1") for _ in range(50)]
    assert all(wait == pytest.approx(10.0) for wait in refused)
    # The refused ones took nothing from the address: the others there still have 3 of its 5.
    assert [limiter.check("other", "10.0.0.1") for _ in range(2)] == [0, 0]
    assert limiter.check("third", "10.0.0.1") == 0
    assert limiter.check("fourth", "10.0.0.1") == pytest.approx(1.0)  # now the address is spent
    assert limiter.check("fourth", "10.0.0.2") == 0


def test_a_rate_of_zero_switches_that_limit_off() -> None:
    limiter = RateLimiter(RateLimits(sender_per_minute=0, address_per_minute=0))
    assert all(limiter.check("one", "10.0.0.1") == 0 for _ in range(1000))


def test_the_buckets_forget_the_least_recently_used_keys_beyond_their_bound() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=1, burst=1, max_keys=2, clock=clock)
    for key in (b"a", b"b", b"c"):
        buckets.take(key)
    assert buckets.wait(b"a") == 0  # forgotten: a new full bucket
    assert buckets.wait(b"c") > 0


def test_the_limiter_keeps_no_sender_or_address_in_the_clear() -> None:
    limiter = RateLimiter(RateLimits())
    limiter.check("alice@example.com", "192.0.2.7")
    held = repr(vars(limiter._senders)) + repr(vars(limiter._addresses))  # type: ignore[arg-type]
    assert "alice" not in held and "192.0.2.7" not in held


@pytest.mark.parametrize("block, message", [
    ("sixty", "mapping"),
    ({"sender_per_minut": 60}, "no setting sender_per_minut"),
    ({"sender_per_minute": -1}, "at least 0"),
    ({"sender_per_minute": True}, "at least 0"),
    ({"address_per_minute": float("inf")}, "at least 0"),
    ({"sender_burst": 2.5}, "whole number"),
    ({"sender_burst": 0}, "burst must be at least 1"),
])
def test_settings_that_cannot_work_are_refused_with_a_reason(block: Any, message: str) -> None:
    with pytest.raises(RateLimitConfigError, match=message):
        RateLimits.from_credentials({"rate_limits": block})


def test_settings_default_and_override_key_by_key() -> None:
    assert RateLimits.from_credentials({}) == RateLimits()
    assert RateLimits.from_credentials({"rate_limits": {"sender_per_minute": 0, "trusted_proxies": 1}}) == \
        RateLimits(sender_per_minute=0, trusted_proxies=1)
    # The app channel's callers are banks' backends: no limit per address unless configured.
    assert RateLimits.from_credentials({}, APP_DEFAULTS).address_per_minute == 0
    assert RateLimits.from_credentials({"rate_limits": {"sender_burst": 5}}, APP_DEFAULTS) == \
        RateLimits(sender_burst=5, address_per_minute=0)


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("198.51.100.9", None, 0, "198.51.100.9"),
    # Without trusted proxies the header is the client's own word: ignored.
    ("198.51.100.9", "203.0.113.5", 0, "198.51.100.9"),
    # One proxy (nginx) appends the address it saw; what the client wrote before it does not count.
    ("10.0.0.2", "1.2.3.4, 203.0.113.5", 1, "203.0.113.5"),
    ("10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9", 2, "203.0.113.5"),
    ("10.0.0.2", "", 1, "10.0.0.2"),
    ("10.0.0.2", "203.0.113.5", 2, "10.0.0.2"),
])
def test_the_client_address_behind_trusted_proxies(peer: str, forwarded: str, proxies: int, expected: str) -> None:
    assert client_address(peer, forwarded, proxies) == expected


def test_retry_after_is_whole_seconds_of_at_least_one() -> None:
    assert [retry_after(s) for s in (0.01, 1.0, 1.2, 9.99)] == ["1", "1", "2", "10"]


# --- against the server (default limits: 20 messages at once per sender, then one a second) -------------


def test_a_flooding_sender_gets_429_and_another_sender_is_served(assistant: RunningAssistant) -> None:
    flood, other = f"flood-{uuid.uuid4().hex[:8]}", f"calm-{uuid.uuid4().hex[:8]}"
    url = assistant.rasa_url + "/webhooks/rest/webhook"

    def send(sender: str) -> Tuple[int, Dict[str, str], Any]:
        answer = requests.post(url, json={"sender": sender, "message": "hi"}, timeout=120)
        return answer.status_code, dict(answer.headers), answer.json()

    with concurrent.futures.ThreadPoolExecutor(max_workers=60) as pool:  # all at once: over the burst
        results: List[Tuple[int, Dict[str, str], Any]] = list(pool.map(send, [flood] * 60))
    statuses = [status for status, _, _ in results]
    assert set(statuses) == {200, 429}
    assert 20 <= statuses.count(200) < 60
    limited = [(headers, body) for status, headers, body in results if status == 429]
    assert all(1 <= int(headers["Retry-After"]) <= 60 and "too many messages" in body["error"]
               for headers, body in limited)
    status, _, body = send(other)
    assert status == 200 and body and body[0].get("text")


def test_a_flooding_widget_session_is_told_to_wait_and_another_session_is_served(
        assistant: RunningAssistant) -> None:
    async def scenario() -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
        flood, calm = ChatSocket(assistant.rasa_url), ChatSocket(assistant.rasa_url)
        try:
            await flood.connect()
            session = await flood.session()
            for _ in range(60):
                await flood.client.emit("user_uttered", {"message": "hi", "session_id": session})
            flooded = await flood.until(lambda message: message.get("error") == "too many messages")
            await calm.connect()
            return flooded, await calm.say("hi", await calm.session())
        finally:
            await flood.close()
            await calm.close()

    flooded, answered = asyncio.run(scenario())
    told = [message for message in flooded if message.get("error") == "too many messages"]
    assert told and all(1 <= message["retry_after"] <= 60 and "wait" in message["text"] for message in told)
    assert answered and answered[0].get("text") and "error" not in answered[0]
