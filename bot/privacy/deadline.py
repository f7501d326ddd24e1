"""The time limit of the detection running in this thread, for the code that does the work.

The engine waits for detection at most the policy's time limit, and then
refuses the message. Waiting is not enough: a detection thread that went on
would keep a worker and a core from every other conversation. So the worker
sets its deadline here, every pattern runs under the regex module's
``timeout`` (it raises ``TimeoutError`` when the time is up), and the analyzer
checks the deadline between recognizers. A detection past its limit stops.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional

_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Detection in this thread, inside the block, must finish within ``seconds``."""
    previous = getattr(_local, "at", None)
    _local.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.at = previous


def remaining() -> Optional[float]:
    """Seconds left for this thread's detection (None: no limit); ``TimeoutError`` once none are left."""
    at: Optional[float] = getattr(_local, "at", None)
    if at is None:
        return None
    left = at - time.monotonic()
    if left <= 0:
        raise TimeoutError("detection passed its time limit")
    return left


def check() -> None:
    """``TimeoutError`` if this thread's detection has passed its time limit."""
    remaining()
