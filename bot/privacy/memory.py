"""A bounded memory of texts that holds keyed digests only: what it was told about a text, never the text."""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from typing import Any


class DigestMemory:
    """A bounded, thread-safe map keyed by keyed digests of texts: what it was told, never the texts.

    The key is random per process, so a digest says nothing outside it.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._key = os.urandom(32)
        self._items: OrderedDict[bytes, Any] = OrderedDict()
        self._lock = threading.Lock()

    def digest(self, *parts: str) -> bytes:
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16,
                               key=self._key).digest()

    def get(self, digest: bytes) -> Any:
        with self._lock:
            value = self._items.get(digest)
            if value is not None:
                self._items.move_to_end(digest)  # the least recently used goes first
            return value

    def put(self, digest: bytes, value: Any) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._items[digest] = value
            self._items.move_to_end(digest)
            if len(self._items) > self.capacity:
                self._items.popitem(last=False)
