"""Seals of action calls: only a fresh, unused seal over exactly the body, under this deployment's key, passes."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import List, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.action_calls import (
    FRESHNESS_SECONDS,
    SEAL_PURPOSE,
    CallRefused,
    CallSigner,
    CallVerifier,
    MemoryReplayCache,
    RedisReplayCache,
    ReplayCacheUnavailable,
    Verdict,
    call_key,
    call_keys,
    key_id,
)
from bot.clock import FakeClock
from bot.privacy import keys
from bot.privacy.keys import KEY_ENV, KEY_FILE, derive_key, load_key_ring, write_key_file

KEY = b"k" * 32
OTHER = b"o" * 32
BODY = b'{"next_action":"action_transfer_money","sender_id":"c1"}'


def pair(clock: FakeClock, verifier_clock: Optional[FakeClock] = None) -> tuple[CallSigner, CallVerifier]:
    """A Rasa server's signer and an action server's verifier, on one clock or (two processes) on two."""
    counter = itertools.count()
    return (CallSigner(KEY, clock, nonce=lambda: f"nonce{next(counter)}"),
            CallVerifier(KEY, clock=verifier_clock or clock))


def test_a_fresh_seal_passes_once_and_says_what_the_sender_scrubbed_under() -> None:
    clock = FakeClock()
    sign, verifier = pair(clock)
    assert verifier.verify(BODY, sign(BODY, "abc123")) == Verdict("abc123")
    assert verifier.verify(BODY, sign(BODY)) == Verdict(None)


def test_a_replayed_seal_is_refused_even_within_the_window() -> None:
    clock = FakeClock()
    sign, verifier = pair(clock)
    mark = sign(BODY)
    verifier.verify(BODY, mark)
    clock.advance(1)
    with pytest.raises(CallRefused, match="used before"):
        verifier.verify(BODY, mark)


@pytest.mark.parametrize("skew", [FRESHNESS_SECONDS + 0.5, -(FRESHNESS_SECONDS + 0.5), 10 * 365 * 86400])
def test_a_stale_or_future_seal_is_refused(skew: float) -> None:
    # The action server's clock reads ``skew`` seconds past the Rasa server's (negative: the seal is from its
    # future).
    signer_clock = FakeClock()
    sign, verifier = pair(signer_clock, FakeClock(signer_clock.now() + skew))
    mark = sign(BODY)
    with pytest.raises(CallRefused, match="not fresh"):
        verifier.verify(BODY, mark)


def test_a_seal_at_the_edge_of_the_window_passes() -> None:
    clock = FakeClock()
    sign, verifier = pair(clock)
    mark = sign(BODY)
    clock.advance(FRESHNESS_SECONDS - 0.01)
    assert verifier.verify(BODY, mark) == Verdict(None)


def field(mark: str, name: str, value: str) -> str:
    return ";".join(f"{name}={value}" if part.startswith(f"{name}=") else part for part in mark.split(";"))


@pytest.mark.parametrize("forge", [
    "another body", "another key", "other key id", "timestamp moved", "nonce changed", "policy claimed",
    "no seal", "empty", "unknown version", "field missing", "field twice", "not ascii", "huge", "nan time",
])
def test_a_forged_or_altered_seal_is_refused(forge: str) -> None:
    clock = FakeClock()
    sign, verifier = pair(clock)
    mark = sign(BODY)
    other_sign = CallSigner(OTHER, clock)
    forged_body, forged = {
        "another body": (BODY.replace(b"c1", b"c2"), mark),
        "another key": (BODY, other_sign(BODY)),
        "other key id": (BODY, field(other_sign(BODY), "k", key_id(KEY))),
        "timestamp moved": (BODY, field(mark, "t", f"{clock.now() + 5:.3f}")),
        "nonce changed": (BODY, field(mark, "n", "nonce99")),
        "policy claimed": (BODY, field(mark, "p", "abc123")),
        "no seal": (BODY, None),
        "empty": (BODY, ""),
        "unknown version": (BODY, "v0" + mark[2:]),
        "field missing": (BODY, ";".join(part for part in mark.split(";") if not part.startswith("n="))),
        "field twice": (BODY, mark + ";n=again"),
        "not ascii": (BODY, mark + "\u00e9"),
        "huge": (BODY, mark + "x" * 5000),
        "nan time": (BODY, field(mark, "t", "nan")),
    }[forge]
    with pytest.raises(CallRefused):
        verifier.verify(forged_body, forged)
    # A refused forgery does not spend the genuine seal's nonce.
    assert verifier.verify(BODY, mark) == Verdict(None)


@given(st.text(max_size=300))
def test_no_header_text_is_accepted_or_raises_anything_but_a_refusal(header: str) -> None:
    with pytest.raises(CallRefused):
        CallVerifier(KEY).verify(BODY, header)


def test_a_verifier_holding_an_old_and_a_new_key_accepts_both() -> None:
    clock = FakeClock()
    verifier = CallVerifier({key_id(KEY): KEY, key_id(OTHER): OTHER}, clock=clock)
    assert verifier.verify(BODY, CallSigner(KEY, clock)(BODY)) == Verdict(None)
    assert verifier.verify(BODY, CallSigner(OTHER, clock)(BODY)) == Verdict(None)


def test_after_a_rotation_seals_under_the_old_and_the_new_key_both_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    var = tmp_path / "var"
    clock = FakeClock()
    old_server = CallSigner(call_key(var), clock)  # a Rasa server started before the rotation
    (old,) = load_key_ring(var / KEY_FILE).masters
    write_key_file(var / KEY_FILE, (b"n" * 32, old))  # finbot keys rotate
    new_server = CallSigner(call_key(var), clock)  # one started after it
    assert field_of(new_server(BODY), "k") == key_id(derive_key(b"n" * 32, SEAL_PURPOSE)) != field_of(
        old_server(BODY), "k")
    verifier = CallVerifier(call_keys(var), clock=clock)  # an action server that loaded the new ring
    assert verifier.verify(BODY, old_server(BODY)) == Verdict(None)
    assert verifier.verify(BODY, new_server(BODY)) == Verdict(None)
    write_key_file(var / KEY_FILE, (b"n" * 32,))  # finbot keys retire
    with pytest.raises(CallRefused, match="does not hold"):
        CallVerifier(call_keys(var), clock=clock).verify(BODY, old_server(BODY))
    assert key_id is keys.key_id  # one key id for seals and vault rows


def field_of(mark: str, name: str) -> str:
    return next(part[len(name) + 1:] for part in mark.split(";") if part.startswith(f"{name}="))


def test_the_memory_cache_forgets_a_nonce_only_after_its_time_to_live() -> None:
    clock = FakeClock()
    cache = MemoryReplayCache(clock)
    assert cache.first_use("a", 10) and not cache.first_use("a", 10)
    clock.advance(9.9)
    assert not cache.first_use("a", 10)
    clock.advance(0.2)
    assert cache.first_use("a", 10)
    assert len(cache._seen) == 1  # what expired was dropped


class FakeRedis:
    def __init__(self, fail: bool = False) -> None:
        self.calls: List[tuple] = []
        self.keys: set = set()
        self.fail = fail

    def set(self, name: str, value: bytes, nx: bool, px: int) -> bool | None:
        if self.fail:
            raise ConnectionError("refused")
        self.calls.append((name, nx, px))
        if name in self.keys:
            return None
        self.keys.add(name)
        return True


def test_the_redis_cache_sets_each_nonce_once_with_an_expiry() -> None:
    client = FakeRedis()
    cache = RedisReplayCache(client, prefix="p:")
    assert cache.first_use("n1", 120) and not cache.first_use("n1", 120)
    assert client.calls[0] == ("p:n1", True, 120_000)


def test_an_unreachable_redis_refuses_rather_than_risks_a_replay() -> None:
    with pytest.raises(ReplayCacheUnavailable):
        RedisReplayCache(FakeRedis(fail=True)).first_use("n1", 120)


def test_redis_is_used_only_when_configured() -> None:
    assert RedisReplayCache.from_environment({}) is None
    cache = RedisReplayCache.from_environment({"FINBOT_REDIS_HOST": "127.0.0.1", "FINBOT_REDIS_PORT": "6390"})
    assert cache is not None
    kwargs = cache._client.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("127.0.0.1", 6390, 1)
