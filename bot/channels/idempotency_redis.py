"""Idempotency keys shared by every Rasa server of a deployment, in its Redis.

Behind a load balancer without affinity, a retried request can reach another
server than the first one; with ``IdempotencyCache`` (one process) that server
would handle the message a second time. ``RedisIdempotencyStore`` keeps the
same promises for the whole deployment:

- keys are keyed digests (HMAC under a key derived from the deployment's
  master key, the same on every server) of (subject, Idempotency-Key), and of
  the body: no key, subject or body is kept in the clear;
- a request claims its key with a *pending* marker (``SET NX``, expiring after
  ``pending_seconds`` so that a server that died does not block the key); a
  success replaces the marker with the response, for ``ttl_seconds``; a
  failure deletes it, so a retry is handled anew;
- the response is kept encrypted (AES-GCM under another derived key, bound to
  its Redis key): it holds the bot's answers to a customer;
- a duplicate that arrives while the first is still being handled (on any
  server) polls for up to ``wait_seconds``, then gets the first answer; if the
  first is still not done, it is refused with 409 and ``Retry-After``
  (``IdempotencyInProgress``), as the IETF Idempotency-Key draft asks, rather
  than held until the caller's own timeout;
- a key reused with another body is a conflict (422);
- if Redis cannot be asked, the request is refused with 503 and
  ``Retry-After`` (``IdempotencyUnavailable``) rather than maybe handled twice.

Entries expire on Redis's own clock (``PX``); the store's ``clock`` (bot.clock)
times only this process's wait for a pending key.

Values are JSON: ``{"v": 1, "state": "pending", "body": <digest>, "owner": <random>}``
or ``{"v": 1, "state": "done", "body": <digest>, "result": <sealed response>}``.
Keys: ``finbot:idempotency:{<subject digest>}:<key digest>`` and, per subject,
a set of them (``finbot:idempotency:{<subject digest>}``) so that erasing a
conversation drops its responses (the braces keep both in one Redis Cluster slot).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.channels.auth import deployment_key
from bot.channels.idempotency import (
    DEFAULT_TTL_SECONDS,
    IdempotencyCache,
    IdempotencyConflict,
    IdempotencyInProgress,
    IdempotencyRefused,
    IdempotencyStore,
    IdempotencyUnavailable,
    Produce,
    Result,
)
from bot.clock import SYSTEM_CLOCK, Clock
from bot.redis_settings import RedisSettings

logger = logging.getLogger(__name__)

KEY_PURPOSE = "idempotency/v1"
DEFAULT_PREFIX = "finbot:idempotency:"
DEFAULT_PENDING_SECONDS = 120.0  # longer than a message takes, short enough that a dead server's claim goes
DEFAULT_WAIT_SECONDS = 5.0  # below a client's usual timeout (finbot_client: 10 s)
POLL_SECONDS = (0.05, 0.5)  # first and longest pause between two looks at a pending key
NONCE_BYTES = 12

# Claim the key, or read what holds it, in one step; the subject's set learns the key.
CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('SADD', KEYS[2], KEYS[1])
  if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
  return 1
end
return redis.call('GET', KEYS[1])
"""
# Replace our own pending marker with the response (not a marker that expired and was claimed again).
FINISH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
  return 1
end
return 0
"""
# Delete the key only if it still holds this value.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisIdempotencyStore:
    """Responses of recent keyed requests, shared through Redis (``redis.asyncio`` client)."""

    def __init__(
        self,
        client: Any,
        key: bytes,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        pending_seconds: float = DEFAULT_PENDING_SECONDS,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
        prefix: str = DEFAULT_PREFIX,
        clock: Clock = SYSTEM_CLOCK,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if ttl_seconds <= 0 or pending_seconds <= 0 or wait_seconds < 0:
            raise ValueError("an idempotency store needs a positive time to live and claim time")
        if len(key) < 32:
            raise ValueError("an idempotency store needs a key of at least 32 bytes")
        self._client = client
        self._index_key = hmac.new(key, b"finbot idempotency index", hashlib.sha256).digest()
        self._seal = AESGCM(hmac.new(key, b"finbot idempotency responses", hashlib.sha256).digest())
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.pending_ms = max(1, int(pending_seconds * 1000))
        self.wait_seconds = wait_seconds
        self.prefix = prefix
        self._clock = clock
        self._sleep = sleep
        self._claim = client.register_script(CLAIM)
        self._finish = client.register_script(FINISH)
        self._release = client.register_script(RELEASE)

    @classmethod
    def for_deployment(
        cls, var_dir: Optional[str] = None, environ: Mapping[str, str] = os.environ
    ) -> Optional[RedisIdempotencyStore]:
        """A store on the deployment's Redis (``bot.redis_settings``), or None when none is configured."""
        settings = RedisSettings.from_environment(environ)
        if settings is None:
            return None
        return cls(settings.async_client(), deployment_key(var_dir, KEY_PURPOSE))

    # --- keys and values ----------------------------------------------------------------------------

    def _digest(self, *parts: bytes) -> str:
        return hmac.new(self._index_key, b"\0".join(parts), hashlib.sha256).hexdigest()

    def _subject_key(self, subject: str) -> str:
        return f"{self.prefix}{{{self._digest(b'subject', subject.encode())}}}"

    def keys(self, subject: str, key: str) -> Tuple[str, str]:
        """The Redis key of (subject, key)'s entry, and of the subject's set of entries."""
        index = self._subject_key(subject)
        return f"{index}:{self._digest(b'key', subject.encode(), key.encode())}", index

    def _sealed(self, slot: str, result: Result) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps([result[0], result[1]], separators=(",", ":")).encode()
        return base64.b64encode(nonce + self._seal.encrypt(nonce, plain, slot.encode())).decode("ascii")

    def _opened(self, slot: str, sealed: Any) -> Optional[Result]:
        try:
            raw = base64.b64decode(str(sealed), validate=True)
            status, body = json.loads(self._seal.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], slot.encode()))
        except (InvalidTag, ValueError, TypeError):  # another key (rotated), or not ours
            return None
        return (int(status), body) if isinstance(body, dict) else None

    @staticmethod
    def _entry(raw: Any) -> Optional[Dict[str, Any]]:
        try:
            entry = json.loads(raw)
        except (TypeError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("state") not in ("pending", "done"):
            return None
        return entry if isinstance(entry.get("body"), str) else None

    # --- the store ----------------------------------------------------------------------------------

    async def _ask(self, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except IdempotencyRefused:
            raise
        except Exception as error:  # redis.exceptions.RedisError, OSError, timeouts: never a value
            logger.error("the shared idempotency store could not be asked (%s)", type(error).__name__)
            raise IdempotencyUnavailable("the assistant cannot check this Idempotency-Key now; please retry") from None

    async def _quietly(self, call: Awaitable[Any]) -> None:
        """After the message was handled: a failure here must not turn its answer into an error."""
        try:
            await call
        except Exception as error:
            logger.warning("an idempotency entry could not be updated in Redis (%s)", type(error).__name__)

    async def run(self, subject: str, key: str, body: bytes, produce: Produce) -> Tuple[Result, bool]:
        """``produce()``'s result, or the kept result of the first request with this key; and whether kept.

        Raises IdempotencyConflict (another body), IdempotencyInProgress (the first is still being
        handled after ``wait_seconds``) or IdempotencyUnavailable (Redis cannot be asked).
        """
        slot, index = self.keys(subject, key)
        fingerprint = self._digest(b"body", body)
        deadline = self._clock.monotonic() + self.wait_seconds
        pause = POLL_SECONDS[0]
        while True:
            pending = json.dumps({"v": 1, "state": "pending", "body": fingerprint, "owner": secrets.token_hex(16)})
            found = await self._ask(self._claim(keys=[slot, index],
                                                args=[pending, self.pending_ms, max(self.ttl_ms, self.pending_ms)]))
            if isinstance(found, int):
                break  # ours to handle
            entry = self._entry(found)
            if entry is not None and not hmac.compare_digest(entry["body"], fingerprint):
                raise IdempotencyConflict("this Idempotency-Key was used with a different request body")
            if entry is not None and entry["state"] == "done":
                kept = self._opened(slot, entry.get("result"))
                if kept is not None:
                    return kept, True
            if entry is None or entry["state"] == "done":
                # Unreadable (another format, another key): dropped, and this request handled anew.
                logger.warning("an unreadable idempotency entry was dropped")
                await self._ask(self._release(keys=[slot], args=[found]))
                continue
            if self._clock.monotonic() >= deadline:
                raise IdempotencyInProgress("a request with this Idempotency-Key is still being handled; "
                                            "retry shortly for its answer")
            await self._sleep(pause)
            pause = min(pause * 2, POLL_SECONDS[1])
        try:
            result = await produce()
        except BaseException:
            await self._quietly(self._release(keys=[slot], args=[pending]))
            raise
        if result[0] == 200:
            done = json.dumps({"v": 1, "state": "done", "body": fingerprint, "result": self._sealed(slot, result)})
            await self._quietly(self._finish(keys=[slot, index], args=[pending, done, self.ttl_ms]))
        else:
            await self._quietly(self._release(keys=[slot], args=[pending]))
        return result, False

    async def forget(self, subject: str) -> int:
        """Drop every kept response (and pending claim) of ``subject``; how many."""
        index = self._subject_key(subject)
        members = await self._ask(self._client.smembers(index))
        dropped = int(await self._ask(self._client.delete(*members))) if members else 0
        await self._ask(self._client.delete(index))
        return dropped


def idempotency_store(var_dir: Optional[str] = None, environ: Mapping[str, str] = os.environ) -> IdempotencyStore:
    """The app channel's store: shared through Redis when the deployment has one, else this process's."""
    shared = RedisIdempotencyStore.for_deployment(var_dir, environ)
    if shared is None:
        return IdempotencyCache()
    logger.info("idempotency keys are shared through Redis")
    return shared
