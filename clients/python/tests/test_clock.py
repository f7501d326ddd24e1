"""finbot_client.clock and finbot_client.testing: the clock the client waits on, and the one tests move."""

from __future__ import annotations

import math
import time

import pytest

from finbot_client.clock import SYSTEM_CLOCK, Clock
from finbot_client.testing import FakeClock


def test_the_system_clock_reads_and_waits_on_the_machines_time() -> None:
    assert isinstance(SYSTEM_CLOCK, Clock)
    assert abs(SYSTEM_CLOCK.now() - time.time()) < 5
    started = time.monotonic()
    SYSTEM_CLOCK.sleep(0.01)
    assert time.monotonic() - started >= 0.01


def test_the_fake_clock_moves_only_when_told_and_records_each_wait() -> None:
    clock = FakeClock(start=100.0)
    assert isinstance(clock, Clock) and clock.now() == 100.0 and clock.slept == []
    clock.sleep(1.5)
    clock.advance(0.5)
    assert clock.now() == 102.0 and clock.slept == [1.5]


@pytest.mark.parametrize("seconds", [-1.0, math.nan])
def test_the_fake_clock_never_goes_back(seconds: float) -> None:
    with pytest.raises(ValueError, match="cannot go back"):
        FakeClock().advance(seconds)
