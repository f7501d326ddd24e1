"""The clock: a fake that moves only when told, and the system's."""

from __future__ import annotations

import math
import time

import pytest

from bot.clock import SYSTEM_CLOCK, Clock, FakeClock, SystemClock


def test_a_fake_clock_stands_still_until_moved() -> None:
    clock = FakeClock()
    assert (clock.now(), clock.now()) == (1_800_000_000.0, 1_800_000_000.0)
    before = clock.monotonic()
    clock.advance(61.5)
    assert clock.now() == 1_800_000_061.5 and clock.monotonic() == before + 61.5
    assert FakeClock(1000.0).now() == 1000.0


def test_a_fake_sleep_moves_the_clock_and_is_recorded() -> None:
    clock = FakeClock()
    clock.sleep(1.0)
    clock.sleep(0.25)
    assert clock.slept == [1.0, 0.25] and clock.now() == 1_800_000_001.25


@pytest.mark.parametrize("seconds", [-0.001, math.nan])
def test_a_fake_clock_does_not_go_back(seconds: float) -> None:
    clock = FakeClock()
    with pytest.raises(ValueError):
        clock.advance(seconds)
    assert clock.now() == 1_800_000_000.0


def test_the_system_clock_reads_the_machine() -> None:
    assert isinstance(SYSTEM_CLOCK, SystemClock)
    before_wall, before_monotonic = time.time(), time.monotonic()
    wall, monotonic = SYSTEM_CLOCK.now(), SYSTEM_CLOCK.monotonic()
    assert before_wall <= wall <= time.time() and before_monotonic <= monotonic <= time.monotonic()


def test_both_clocks_are_clocks() -> None:
    clocks: list[Clock] = [SYSTEM_CLOCK, FakeClock()]  # mypy checks that both meet the protocol
    assert all(callable(clock.now) and callable(clock.sleep) for clock in clocks)
