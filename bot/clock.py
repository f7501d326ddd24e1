"""Time, read in one place: the system's clock in the servers, a clock the test moves in tests.

Code that decides by time (what has expired, whether a seal is fresh, how long
to wait before a retry) takes a ``Clock`` in its constructor, with
``SYSTEM_CLOCK`` as the default, and never reads ``time.time()`` itself. A test
hands it a ``FakeClock`` and moves it: a time to live passes in no time, and
the same test gives the same answer on any day, at any machine's speed.

Two readings, for two uses:

- ``now()``: Unix time in seconds. For a time that is stored (a vault row's
  expiry) or compared with another process's (a token's ``exp``, a seal's
  timestamp, an event's ``timestamp``).
- ``monotonic()``: seconds from an arbitrary start, never going back. For an
  interval within this process (a cache entry's age, a rate limit's refill).

``sleep(seconds)`` waits (a ``FakeClock`` moves on instead, and records the wait).

Left on the system clock on purpose (tests/test_clock.py keeps the list):
durations measured for metrics and logs, the time limit of detection in a
worker thread (it bounds real work), readiness waits for a child process,
the deadline sent to the action server (the other process compares it with
its own system clock), and token expiry (PyJWT reads the system clock). The
bank's and the advice forms' calendars (actions/) are days, not seconds: they
take a callable that returns today's date or time, the calendar by default.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, List, Protocol, runtime_checkable

__all__ = ["SYSTEM_CLOCK", "Clock", "FakeClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Where code that decides by time reads it."""

    def now(self) -> float:
        """Unix time, in seconds."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never less than an earlier reading."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK: Clock = SystemClock()


class FakeClock:
    """A clock that stands still until it is moved: ``advance``, or ``sleep``, which also records the wait.

    ``now()`` starts at ``start`` (a fixed Unix time, not today's); ``monotonic()`` starts at 1000 (an
    arbitrary origin, as the system's is) and moves with it.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = float(start)
        self._monotonic = 1000.0
        self.slept: List[float] = []

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        """Move both readings on by ``seconds`` (time never runs backwards here: negative is a ValueError)."""
        if not seconds >= 0:  # also refuses nan
            raise ValueError(f"a clock cannot go back ({seconds} s)")
        self._now += seconds
        self._monotonic += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now}, monotonic={self._monotonic})"


if TYPE_CHECKING:
    _FAKE_IS_A_CLOCK: Clock = FakeClock()  # mypy holds the fake to the protocol too
