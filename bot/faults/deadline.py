"""An action call's deadline, so that the action server does not run an action its caller gave up on.

``BoundedActionEndpoint`` sends ``X-Finbot-Deadline`` (Unix time, seconds)
with each call. Past it, Rasa has told the person "I can't do that right now"
and rewound their message: running the action then (a transfer, say) would do
what the person was told had not been done, and again when they retry.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Optional, TypeVar

DEADLINE_HEADER = "X-Finbot-Deadline"
# The action server stops this long before the caller's deadline: across machines the clocks differ a
# little (NTP), and an action must be over before Rasa tells the person it was not done. (An action that
# cannot be cancelled and commits late anyway is caught by the bank's one-transfer-per-form key.)
CLOCK_SKEW_SECONDS = 0.5

T = TypeVar("T")


class DeadlinePassed(Exception):
    """The caller's deadline passed before the action ran or finished."""


def parse_deadline(value: Optional[str]) -> Optional[float]:
    """The deadline in a header value, or None when there is none or it is not a number."""
    try:
        return float(value) if value else None
    except ValueError:
        return None


async def before_deadline(work: Awaitable[T], deadline: Optional[float], now: Optional[float] = None) -> T:
    """``work``'s result, if it can start and finish before ``deadline``; else DeadlinePassed.

    ``work`` is not started when the deadline has passed already, and is
    cancelled (at its next ``await``) when it passes.
    """
    if deadline is None:
        return await work
    left = deadline - CLOCK_SKEW_SECONDS - (time.time() if now is None else now)
    if left <= 0:
        if asyncio.iscoroutine(work):
            work.close()  # never started: no "was never awaited" warning
        raise DeadlinePassed()
    try:
        return await asyncio.wait_for(work, left)
    except asyncio.TimeoutError:
        raise DeadlinePassed() from None
