"""How many messages one sender, and one client address, may send: token buckets per process.

Every channel that takes messages (REST, socket.io, the app) asks a ``RateLimiter``
before a message reaches the privacy gate. Each sender (conversation) and each
client address has a bucket of ``burst`` messages that refills at ``per_minute``
a minute; a message finds both buckets with a whole token left or is refused,
with the seconds until it would be taken (HTTP: 429 and ``Retry-After``). A
refused message costs nothing from either bucket, so a flood of one sender does
not drain its address's bucket for the other people behind the same address.

The limits are per server process: a deployment's proxy (deploy/nginx.conf,
deploy/k8s/ingress.yml) carries a limit per address of the same order in front
of all of them. Behind such a proxy every request comes from the proxy's
address: ``trusted_proxies`` says how many proxies append to
``X-Forwarded-For``, and the client is the address the outermost of them saw.
Without it the header is ignored (a client can write anything there).

The app channel's callers are a bank's backends, each speaking for all its
customers from one address: it limits each customer, not addresses
(``APP_DEFAULTS``). A limit per address is for browsers and open clients.

Buckets are kept under a keyed digest of the sender or address, never the
value, and at most ``max_keys`` of each (the ones used longest ago go first).
Configured in ``credentials.yml`` under each channel::

    rate_limits:
      sender_per_minute: 60     # 0 switches the sender limit off
      sender_burst: 20
      address_per_minute: 3000  # 0 switches the address limit off (the app channel's default)
      address_burst: 300
      trusted_proxies: 0
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional, Tuple

from bot.clock import SYSTEM_CLOCK, Clock

DEFAULT_MAX_KEYS = 100_000


class RateLimitConfigError(ValueError):
    """The ``rate_limits`` settings of a channel cannot work."""


@dataclass(frozen=True)
class RateLimits:
    """Messages a minute and burst, per sender and per client address (a rate of 0: no limit)."""

    sender_per_minute: float = 60.0
    sender_burst: int = 20
    address_per_minute: float = 3000.0
    address_burst: int = 300
    trusted_proxies: int = 0

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]],
                         defaults: Optional[RateLimits] = None) -> RateLimits:
        """The channel's ``rate_limits`` block (every key optional, the others from ``defaults``), checked."""
        defaults = defaults or cls()
        block = (credentials or {}).get("rate_limits")
        if block is None:
            return defaults
        if not isinstance(block, Mapping):
            raise RateLimitConfigError("rate_limits must be a mapping, e.g. {sender_per_minute: 60}")
        known = [field.name for field in fields(cls)]
        unknown = sorted(set(block) - set(known))
        if unknown:
            raise RateLimitConfigError(f"rate_limits has no setting {', '.join(map(str, unknown))} "
                                       f"(known: {', '.join(known)})")
        values: dict = {}
        for name, value in block.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise RateLimitConfigError(f"rate_limits.{name} must be a number of at least 0")
            values[name] = value
        limits = dataclasses.replace(defaults, **values)
        for name in ("sender_burst", "address_burst", "trusted_proxies"):
            if float(getattr(limits, name)) != int(getattr(limits, name)):
                raise RateLimitConfigError(f"rate_limits.{name} must be a whole number")
        if (limits.sender_per_minute and limits.sender_burst < 1) or \
                (limits.address_per_minute and limits.address_burst < 1):
            raise RateLimitConfigError("a burst must be at least 1 message where its rate is on")
        return limits


# The app channel: one limit per customer; none per address (a bank's backend calls for every customer).
APP_DEFAULTS = RateLimits(address_per_minute=0.0)


class TokenBuckets:
    """One bucket per key: ``burst`` tokens, refilled at ``per_minute`` a minute."""

    def __init__(self, per_minute: float, burst: int, max_keys: int = DEFAULT_MAX_KEYS,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[bytes, Tuple[float, float]] = OrderedDict()  # key -> (tokens, as of)

    def wait(self, key: bytes) -> float:
        """Seconds until ``key`` has a whole token (0: it has one now). Takes nothing."""
        tokens = self._tokens(key)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def take(self, key: bytes) -> None:
        """Take one token from ``key``'s bucket (call after ``wait`` said 0)."""
        self._buckets[key] = (self._tokens(key) - 1.0, self._clock.monotonic())
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)

    def _tokens(self, key: bytes) -> float:
        held = self._buckets.get(key)
        if held is None:
            return self.burst
        tokens, since = held
        return min(self.burst, tokens + (self._clock.monotonic() - since) * self.rate)


class RateLimiter:
    """The limits of one channel: ``check(sender, address)`` is 0 for a message that may pass (and counts
    it), else the seconds to wait before the next one would."""

    def __init__(self, limits: Optional[RateLimits] = None, max_keys: int = DEFAULT_MAX_KEYS,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.limits = limits or RateLimits()
        self._key = os.urandom(32)  # digests of this process only: the buckets never hold a sender in the clear
        self._senders = self._buckets(self.limits.sender_per_minute, self.limits.sender_burst, max_keys, clock)
        self._addresses = self._buckets(self.limits.address_per_minute, self.limits.address_burst, max_keys, clock)

    @staticmethod
    def _buckets(per_minute: float, burst: int, max_keys: int,
                 clock: Clock) -> Optional[TokenBuckets]:
        return TokenBuckets(per_minute, int(burst), max_keys, clock) if per_minute > 0 else None

    def check(self, sender: str, address: Optional[str]) -> float:
        taken = [(buckets, self._digest(kind, value)) for kind, value, buckets in (
            ("sender", sender, self._senders), ("address", address, self._addresses))
            if buckets is not None and value]
        wait = max((buckets.wait(key) for buckets, key in taken), default=0.0)
        if wait > 0:
            return wait
        for buckets, key in taken:
            buckets.take(key)
        return 0.0

    def _digest(self, kind: str, value: str) -> bytes:
        return hashlib.blake2b(f"{kind}\0{value}".encode("utf-8", "surrogatepass"), key=self._key,
                               digest_size=16).digest()


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


def client_address(peer: Optional[str], forwarded_for: Optional[str], trusted_proxies: int) -> Optional[str]:
    """The client's address: the peer's, or behind ``trusted_proxies`` proxies the address the outermost of
    them saw (the ``trusted_proxies``-th entry of ``X-Forwarded-For`` from the right)."""
    if trusted_proxies > 0 and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return peer or None
