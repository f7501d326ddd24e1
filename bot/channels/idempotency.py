"""Idempotency keys: a retried request gets the first response again and is not handled twice.

A bank's backend retries a message when the network drops the answer; the
``Idempotency-Key`` header (one per message) tells the app channel it has
seen this request. ``IdempotencyCache`` keeps entries in this process, for
``ttl_seconds`` (10 minutes), at most ``max_entries`` of them, keyed by a
keyed digest of (subject, key): neither the key nor the subject is kept in the
clear, and another subject's key can never reach this subject's entry. A second request
with a key still being handled waits for the first one's response.

Only successful responses are kept: after a failure, a retry is handled anew.
A key reused with a different body is a conflict (the caller has a bug).

Two stores keep that promise: ``IdempotencyCache`` here, for one server
process, and ``RedisIdempotencyStore`` (``bot.channels.idempotency_redis``),
shared by every server of a deployment through its Redis, so that a retry
that a load balancer sends to another server still gets the first answer.
The app channel takes the Redis one when ``FINBOT_REDIS_HOST`` is set.

Errors (each carries the HTTP status and headers the channel answers with)::

    IdempotencyRefused                 the request is not handled
    ├── IdempotencyConflict            422: the key was used with another body
    ├── IdempotencyInProgress          409 + Retry-After: still being handled elsewhere
    └── IdempotencyUnavailable         503 + Retry-After: the shared store cannot be asked
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Protocol, Tuple

from bot.clock import SYSTEM_CLOCK, Clock

MAX_KEY_CHARS = 128
DEFAULT_TTL_SECONDS = 600.0
DEFAULT_MAX_ENTRIES = 4096

Result = Tuple[int, Dict[str, Any]]
Produce = Callable[[], Awaitable[Result]]


class IdempotencyRefused(Exception):
    """A request with an Idempotency-Key that is not handled; ``status`` and ``headers`` to answer with."""

    status = 400
    retry_after: Optional[int] = None

    @property
    def headers(self) -> Mapping[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


class IdempotencyConflict(IdempotencyRefused):
    """The key was used before, by this subject, with a different request body."""

    status = 422


class IdempotencyInProgress(IdempotencyRefused):
    """The first request with this key is still being handled (by another server): retry shortly."""

    status = 409
    retry_after = 1


class IdempotencyUnavailable(IdempotencyRefused):
    """The shared store cannot be asked: refused rather than maybe handled twice."""

    status = 503
    retry_after = 2


class IdempotencyStore(Protocol):
    """Where the responses of keyed requests are kept: in this process, or shared (Redis)."""

    async def run(self, subject: str, key: str, body: bytes, produce: Produce) -> Tuple[Result, bool]:
        """``produce()``'s result, or the kept result of the first request with this key; and whether kept."""

    async def forget(self, subject: str) -> int:
        """Drop every kept response of ``subject``; how many."""


def valid_key(key: str) -> bool:
    """Whether ``key`` is an acceptable Idempotency-Key: 1 to 128 printable ASCII characters."""
    return 0 < len(key) <= MAX_KEY_CHARS and all(" " <= ch <= "~" for ch in key)


@dataclass
class _Entry:
    subject: bytes  # keyed digest of the subject, so that erasing a conversation drops its entries
    body: bytes  # keyed digest of the request body
    created_at: float
    done: asyncio.Event = field(default_factory=asyncio.Event)
    result: Optional[Result] = None


class IdempotencyCache:
    """Responses of recent requests, by keyed digest of (subject, Idempotency-Key)."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if max_entries < 1 or ttl_seconds <= 0:
            raise ValueError("an idempotency cache needs a positive size and time to live")
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._secret = os.urandom(32)
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def _digest(self, *parts: bytes) -> bytes:
        return hmac.new(self._secret, b"\0".join(parts), hashlib.sha256).digest()

    def _expire(self) -> None:
        now = self._clock.monotonic()
        for slot in [slot for slot, entry in self._entries.items() if now - entry.created_at > self.ttl]:
            if self._entries[slot].result is not None:  # one in progress stays until it ends
                del self._entries[slot]
        # Over the bound, the oldest finished entries go; one in progress is never dropped, or its
        # waiters would handle the same request again.
        excess = len(self._entries) - self.max_entries
        for slot in [slot for slot, entry in self._entries.items() if entry.result is not None][:max(excess, 0)]:
            del self._entries[slot]

    async def run(self, subject: str, key: str, body: bytes, produce: Produce) -> Tuple[Result, bool]:
        """``produce()``'s result, or the kept result of the first request with this key; and whether kept.

        Raises IdempotencyConflict when the key was used with another body.
        """
        slot = self._digest(b"key", subject.encode(), key.encode())
        fingerprint = self._digest(b"body", body)
        while True:
            self._expire()
            entry = self._entries.get(slot)
            if entry is None:
                break
            if not hmac.compare_digest(entry.body, fingerprint):
                raise IdempotencyConflict("this Idempotency-Key was used with a different request body")
            if entry.result is None:
                await entry.done.wait()
            if entry.result is not None:
                return entry.result, True
            # The first request failed (or its entry was evicted): handle this one ourselves.
        entry = _Entry(subject=self._digest(b"subject", subject.encode()), body=fingerprint,
                       created_at=self._clock.monotonic())
        self._entries[slot] = entry
        self._expire()  # keep the bound with the new entry counted
        try:
            result = await produce()
        except BaseException:
            self._drop(slot, entry)
            raise
        if result[0] == 200:
            entry.result = result
        else:
            self._drop(slot, entry)
        entry.done.set()
        return result, False

    def _drop(self, slot: bytes, entry: _Entry) -> None:
        if self._entries.get(slot) is entry:
            del self._entries[slot]
        entry.done.set()

    async def forget(self, subject: str) -> int:
        """Drop every kept response of ``subject`` (its conversation was erased); how many."""
        digest = self._digest(b"subject", subject.encode())
        slots = [slot for slot, entry in self._entries.items() if hmac.compare_digest(entry.subject, digest)]
        for slot in slots:
            self._entries.pop(slot).done.set()
        return len(slots)
