"""Action calls that prove who sent them, scrubbed once, by the Rasa server that sends them.

An action call can move money and read accounts, so the action server runs
one only when it carries a valid seal from a Rasa server of the same
deployment, in the ``X-Finbot-Seal`` header::

    v1;k=<key id>;t=<unix time>;n=<nonce>;p=<policy fingerprint or ->;s=<HMAC-SHA256>

The HMAC covers the version, the timestamp, the nonce, the policy field and
the body (decompressed), under a key derived from the deployment's master key
for this purpose only. The action server accepts a seal within
``FRESHNESS_SECONDS`` of its own clock and each nonce once (``ReplayCache``:
in memory, or in Redis so that several action servers share it). Anything
else (no seal, another body, a stale or future timestamp, a nonce seen
before, another deployment's key) is refused with 401 and runs nothing.

Every action call carries the whole tracker. The Rasa server scrubs it with its
tracker store's scrubber (whose memory holds nearly every text of the tracker)
before it seals it, and says so in ``p``: the fingerprint of the privacy policy
it scrubbed under. The action server uses a call scrubbed under its own policy
as it is, and scrubs any other itself (``p=-``: the Rasa server could not
scrub it, e.g. its vault was down; or another policy). Nothing of a call is
kept to seal or check it, only its nonce until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Protocol, Tuple

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.keys import KEY_FILE, key_id, load_key_ring
from bot.redis_settings import RedisSettings
from bot.stores.scrub import EventScrubber

logger = logging.getLogger(__name__)

SEAL_HEADER = "X-Finbot-Seal"
SEAL_VERSION = "v1"
SEAL_PURPOSE = "action-calls/v1"
NOT_SCRUBBED = "-"
FRESHNESS_SECONDS = 60.0
NONCE_BYTES = 16
MAX_HEADER_CHARS = 512

class CallRefused(Exception):
    """An action call without a valid seal: ``reason`` says why, in words safe to log (never a value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ReplayCacheUnavailable(Exception):
    """The shared replay cache cannot be asked: a call is not run rather than maybe run twice."""


def call_keys(var_dir: Optional[Path] = None) -> Dict[str, bytes]:
    """This deployment's keys for action-call seals, by key id, current first: one per master key of the ring
    ($FINBOT_VAULT_KEY, or the key file under ``var_dir``, $FINBOT_VAR_DIR, else ``var``). The action server
    accepts a seal under any of them, so that after a rotation a server that still signs with the old key and
    one that signs with the new one are both understood."""
    folder = Path(var_dir or os.environ.get("FINBOT_VAR_DIR") or "var")
    return load_key_ring(folder / KEY_FILE).derived(SEAL_PURPOSE)


def call_key(var_dir: Optional[Path] = None) -> bytes:
    """This deployment's key for sealing action calls: the current one of ``call_keys``, as the Rasa server
    signs with it."""
    return next(iter(call_keys(var_dir).values()))


def _mac(key: bytes, stamp: str, nonce: str, policy: str, body: bytes) -> str:
    head = "\n".join((SEAL_VERSION, stamp, nonce, policy, "")).encode("ascii")
    return hmac.new(key, head + body, hashlib.sha256).hexdigest()


class CallSigner:
    """The Rasa server's side: a fresh seal for each body."""

    def __init__(self, key: bytes, clock: Clock = SYSTEM_CLOCK, nonce: Callable[[], str] | None = None) -> None:
        self._key = key
        self._id = key_id(key)
        self._clock = clock
        self._nonce = nonce or (lambda: secrets.token_hex(NONCE_BYTES))

    def __call__(self, body: bytes, scrubbed_under: Optional[str] = None) -> str:
        """The ``X-Finbot-Seal`` value for ``body``; ``scrubbed_under`` is the policy fingerprint it was
        scrubbed under (None: not scrubbed)."""
        stamp, nonce = f"{self._clock.now():.3f}", self._nonce()
        policy = scrubbed_under or NOT_SCRUBBED
        mac = _mac(self._key, stamp, nonce, policy, body)
        return f"{SEAL_VERSION};k={self._id};t={stamp};n={nonce};p={policy};s={mac}"


class ReplayCache(Protocol):
    def first_use(self, nonce: str, ttl_seconds: float) -> bool:
        """True the first time ``nonce`` is offered within ``ttl_seconds``, False after."""


class MemoryReplayCache:
    """Nonces seen by this process, each forgotten once its seal could no longer be fresh."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, nonce: str, ttl_seconds: float) -> bool:
        now = self._clock.now()
        with self._lock:
            while self._seen:
                oldest, expiry = next(iter(self._seen.items()))
                if expiry > now:
                    break
                del self._seen[oldest]
            if nonce in self._seen:
                return False
            self._seen[nonce] = now + ttl_seconds
            return True


class RedisReplayCache:
    """Nonces shared by every action server of a deployment: ``SET NX`` with an expiry in Redis."""

    def __init__(self, client: Any, prefix: str = "finbot:action-nonce:") -> None:
        self._client = client
        self._prefix = prefix

    def first_use(self, nonce: str, ttl_seconds: float) -> bool:
        try:
            return bool(self._client.set(self._prefix + nonce, b"1", nx=True, px=max(1, int(ttl_seconds * 1000))))
        except Exception as error:  # redis.exceptions.RedisError, OSError: refuse rather than risk a replay
            raise ReplayCacheUnavailable(type(error).__name__) from None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Optional[RedisReplayCache]:
        """The deployment's Redis (``bot.redis_settings``: ``FINBOT_REDIS_HOST``, ``_PORT``, ``_DB``,
        ``_PASSWORD``, as the lock store's), or None when no Redis is configured."""
        settings = RedisSettings.from_environment(environ)
        return None if settings is None else cls(settings.client())


@dataclass(frozen=True)
class Verdict:
    """What a valid seal says: the policy the sender scrubbed the call under (None: not scrubbed)."""

    scrubbed_under: Optional[str]


def _fields(header: str) -> Dict[str, str]:
    version, _, rest = header.partition(";")
    if version != SEAL_VERSION:
        raise CallRefused("the seal is not of a known version")
    fields: Dict[str, str] = {}
    for part in rest.split(";"):
        name, equals, value = part.partition("=")
        if not equals or name in fields:
            raise CallRefused("the seal is malformed")
        fields[name] = value
    if set(fields) != {"k", "t", "n", "p", "s"}:
        raise CallRefused("the seal is malformed")
    return fields


class CallVerifier:
    """The action server's side: accepts a body whose seal is valid, fresh and new; CallRefused else."""

    def __init__(
        self, keys: Mapping[str, bytes] | bytes, replays: Optional[ReplayCache] = None, clock: Clock = SYSTEM_CLOCK,
        freshness_seconds: float = FRESHNESS_SECONDS,
    ) -> None:
        self._keys = {key_id(keys): keys} if isinstance(keys, bytes) else dict(keys)
        self._clock = clock
        self._replays = replays if replays is not None else MemoryReplayCache(clock)
        self.freshness_seconds = freshness_seconds

    def verify(self, body: bytes, header: Optional[str]) -> Verdict:
        if not header:
            raise CallRefused("the call carries no seal")
        if len(header) > MAX_HEADER_CHARS or not header.isascii():
            raise CallRefused("the seal is malformed")
        fields = _fields(header.strip())
        key = self._keys.get(fields["k"])
        if key is None:
            raise CallRefused("the seal is under a key this server does not hold")
        expected = _mac(key, fields["t"], fields["n"], fields["p"], body)
        if not hmac.compare_digest(expected.encode("ascii"), fields["s"].encode("ascii")):
            raise CallRefused("the seal does not match the call")
        try:
            sent = float(fields["t"])
        except ValueError:
            raise CallRefused("the seal is malformed") from None
        if not abs(self._clock.now() - sent) <= self.freshness_seconds:  # also refuses nan
            raise CallRefused("the seal is not fresh")
        # Valid and fresh: its nonce is remembered for as long as the seal could still be fresh.
        if not self._replays.first_use(fields["n"], 2 * self.freshness_seconds):
            raise CallRefused("the seal was used before")
        policy = fields["p"]
        return Verdict(None if policy == NOT_SCRUBBED else policy)


def scrub_action_call(call: Dict[str, Any], scrubber: EventScrubber) -> Dict[str, Any]:
    """The action call with its tracker redacted; the domain (our own responses) is left as it is."""
    tracker = call.get("tracker")
    if isinstance(tracker, dict):
        conversation = str(tracker.get("sender_id") or call.get("sender_id") or "")
        call = {**call, "tracker": scrubber.event(tracker, conversation)}
    return call


def encode_call(call: Dict[str, Any]) -> bytes:
    return json.dumps(call, separators=(",", ":")).encode("utf-8")


class CallSealer:
    """The Rasa server's side: scrubs a call with the tracker store's scrubber (when it has one), and seals it.

    A call that cannot be scrubbed here (no scrubber, the vault down) is sealed as not scrubbed: the action
    server scrubs it. A call is never sent unsealed: the action server would refuse it.
    """

    def __init__(
        self, signer: CallSigner, scrubber: Optional[EventScrubber] = None, policy: Optional[str] = None
    ) -> None:
        self.signer = signer
        self.scrubber = scrubber if policy else None
        self.policy = policy

    def __call__(self, call: Dict[str, Any]) -> Tuple[bytes, str]:
        """The call as a JSON body, scrubbed if it could be, and its seal."""
        if self.scrubber is not None:
            try:
                body = encode_call(scrub_action_call(call, self.scrubber))
            except Exception as error:  # e.g. the vault database is down: the action server scrubs without it
                logger.warning("an action call could not be scrubbed before sending (%s)", type(error).__name__)
            else:
                return body, self.signer(body, self.policy)
        body = encode_call(call)
        return body, self.signer(body, None)
