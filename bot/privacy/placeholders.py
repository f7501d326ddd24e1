"""Typed placeholders, numbered per conversation.

``<CREDIT_CARD_1>``: angle brackets keep it apart from Rasa's entity markup,
and the whitespace tokenizer keeps ``CREDIT_CARD_1`` as one token, so NLU
learns on exactly what it sees at run time. The same value in one
conversation always gets the same number; different values get new numbers.

To remember which value got which number without keeping the value, the
index stores a keyed hash (HMAC-SHA256) of the normalised value: it cannot be
reversed, and without the key it cannot be checked against guesses either
(an SSN has only 10^9 possible values).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import unicodedata
from typing import Dict, Optional, Protocol, Tuple

from bot.clock import SYSTEM_CLOCK, Clock

PLACEHOLDER_PATTERN = re.compile(r"<([A-Z][A-Z0-9_]*?)_(\d+)>")
_NUMERIC_TYPES = frozenset({
    "CREDIT_CARD", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SORT_CODE", "US_SSN", "US_ITIN",
    "PHONE_NUMBER", "PIN", "ONE_TIME_CODE", "CARD_CVV", "CARD_EXPIRY",
})


def placeholder(entity_type: str, number: int) -> str:
    return f"<{entity_type}_{number}>"


def normalise(entity_type: str, value: str) -> str:
    """The form under which two spellings of one value are the same value."""
    # Full-width and other compatibility forms (４１１１) spell the same value as ASCII.
    value = unicodedata.normalize("NFKC", value)
    if entity_type in _NUMERIC_TYPES:
        digits = "".join(str(unicodedata.digit(ch)) for ch in value if ch.isdigit())
        if digits:
            return digits
    return " ".join("".join(ch for ch in value.casefold() if ch.isalnum() or ch.isspace()).split())


class PlaceholderIndex(Protocol):
    """Numbers placeholders per conversation from keyed hashes of values."""

    def number(self, conversation: str, entity_type: str, fingerprint: str) -> int: ...

    def erase(self, conversation: str) -> None: ...


class InMemoryPlaceholderIndex:
    """A process-local index; conversations unused for ``ttl_seconds`` are forgotten."""

    def __init__(self, ttl_seconds: float = 86400.0, clock: Clock = SYSTEM_CLOCK) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._numbers: Dict[str, Dict[Tuple[str, str], int]] = {}
        self._counts: Dict[str, Dict[str, int]] = {}
        self._touched: Dict[str, float] = {}

    def number(self, conversation: str, entity_type: str, fingerprint: str) -> int:
        with self._lock:
            now = self._clock.monotonic()
            self._expire(now)
            self._touched[conversation] = now
            numbers = self._numbers.setdefault(conversation, {})
            key = (entity_type, fingerprint)
            if key not in numbers:
                counts = self._counts.setdefault(conversation, {})
                counts[entity_type] = counts.get(entity_type, 0) + 1
                numbers[key] = counts[entity_type]
            return numbers[key]

    def erase(self, conversation: str) -> None:
        with self._lock:
            self._numbers.pop(conversation, None)
            self._counts.pop(conversation, None)
            self._touched.pop(conversation, None)

    def _expire(self, now: float) -> None:
        stale = [c for c, at in self._touched.items() if now - at > self._ttl]
        for conversation in stale:
            self._numbers.pop(conversation, None)
            self._counts.pop(conversation, None)
            self._touched.pop(conversation, None)


class Fingerprinter:
    """Keyed hashes of normalised values."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the fingerprint key must be at least 16 bytes")
        self._key = key

    def __call__(self, conversation: str, entity_type: str, value: str) -> str:
        message = "\0".join((conversation, entity_type, normalise(entity_type, value))).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def parse_placeholder(text: str) -> Optional[Tuple[str, int]]:
    """``("CREDIT_CARD", 1)`` for ``"<CREDIT_CARD_1>"``, else None."""
    match = PLACEHOLDER_PATTERN.fullmatch(text.strip())
    return (match.group(1), int(match.group(2))) if match else None
