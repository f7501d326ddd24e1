"""Test doubles for code that uses the client: a clock that does not wait.

::

    clock = FakeClock()
    with FinbotClient(url, token, clock=clock) as finbot:
        ...                 # retries pause at once
    clock.slept             # [0.51, 1.07]: every pause the client asked for, in seconds
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from finbot_client.clock import Clock

__all__ = ["FakeClock"]


class FakeClock:
    """A clock that stands still until it is moved: ``advance``, or ``sleep``, which also records the wait.

    ``now()`` starts at ``start`` (a fixed Unix time, not today's).
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = float(start)
        self.slept: List[float] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock on by ``seconds`` (time never runs backwards here: negative is a ValueError)."""
        if not seconds >= 0:  # also refuses nan
            raise ValueError(f"a clock cannot go back ({seconds} s)")
        self._now += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now})"


if TYPE_CHECKING:
    _FAKE_IS_A_CLOCK: Clock = FakeClock()  # mypy holds the fake to the protocol too
