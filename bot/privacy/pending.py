"""What a message left unfinished, per conversation: types and digit counts, never values.

A value split over two messages ("my card is 4111 1111" / "1111 1111") is only
caught in the second message if the redactor remembers what the first one left
open. Two things are remembered, both without the value:

- the *pending* identifier of a conversation: the type and the number of
  digits given so far, for the channel to continue in the person's next message;
- the *partial* placeholders: a placeholder that stands for the first part of
  a value, so that a store or the NLU step, which see only the redacted
  message before, can still tell that it was unfinished.

``InMemoryContinuations`` is the one-process default; ``bot.privacy.shared``
keeps the same state in a database, for several servers.
"""

from __future__ import annotations

import threading
from typing import Dict, Optional, Protocol, Tuple

from bot.clock import SYSTEM_CLOCK, Clock

# How long an unfinished identifier waits for its continuation in the next message.
CONTINUATION_SECONDS = 300.0
MAX_PARTIALS = 10_000

Unfinished = Tuple[str, int]  # (entity type, digits given so far)


class Continuations(Protocol):
    """Where a redactor keeps what messages left unfinished."""

    def take_pending(self, conversation: str) -> Optional[Unfinished]:
        """The conversation's pending identifier, removed; None if none or older than CONTINUATION_SECONDS."""
        ...

    def put_pending(self, conversation: str, entity_type: str, given: int) -> None: ...

    def partial(self, conversation: str, placeholder: str) -> Optional[Unfinished]:
        """What ``placeholder`` stood for if it was the first part of a value, else None."""
        ...

    def put_partial(self, conversation: str, placeholder: str, entity_type: str, given: int) -> None: ...

    def erase(self, conversation: str) -> None: ...


class InMemoryContinuations:
    """Continuations in this process only (the embedded default: one Rasa server)."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: Dict[str, Tuple[str, int, float]] = {}
        self._partials: Dict[Tuple[str, str], Unfinished] = {}

    def take_pending(self, conversation: str) -> Optional[Unfinished]:
        now = self._clock.monotonic()
        with self._lock:
            pending = self._pending.pop(conversation, None)
            for stale in [c for c, (_, _, until) in self._pending.items() if until < now]:
                del self._pending[stale]
        if pending is None or pending[2] < now:
            return None
        return pending[0], pending[1]

    def put_pending(self, conversation: str, entity_type: str, given: int) -> None:
        with self._lock:
            self._pending[conversation] = (entity_type, given, self._clock.monotonic() + CONTINUATION_SECONDS)

    def partial(self, conversation: str, placeholder: str) -> Optional[Unfinished]:
        with self._lock:
            return self._partials.get((conversation, placeholder))

    def put_partial(self, conversation: str, placeholder: str, entity_type: str, given: int) -> None:
        with self._lock:
            self._partials[(conversation, placeholder)] = (entity_type, given)
            while len(self._partials) > MAX_PARTIALS:
                self._partials.pop(next(iter(self._partials)))

    def erase(self, conversation: str) -> None:
        with self._lock:
            self._pending.pop(conversation, None)
            for key in [k for k in self._partials if k[0] == conversation]:
                del self._partials[key]
