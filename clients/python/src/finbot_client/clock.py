"""Time for the client: when to retry, and how far off a ``Retry-After`` date is.

``FinbotClient(..., clock=...)`` reads it here and never calls ``time`` itself,
so a test can pass a clock that does not wait (``finbot_client.testing.FakeClock``)
and see every pause the client took. Any object with these two methods will do.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

__all__ = ["SYSTEM_CLOCK", "Clock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """What the client reads time from."""

    def now(self) -> float:
        """Unix time, in seconds (a ``Retry-After`` date is counted from it)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (between two attempts)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK: Clock = SystemClock()
