"""The clock: a fake that moves only when told, the system's, and the few reads of time left outside them."""

from __future__ import annotations

import ast
import math
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.clock import SYSTEM_CLOCK, Clock, FakeClock, SystemClock

ROOT = Path(__file__).resolve().parents[1]

# Reads of the machine's time: module or class, and attribute.
READS = {"time": {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns"},
         "datetime": {"now", "utcnow", "today"}, "date": {"today"}}

# Every direct read of time left in bot/ and actions/, and why it is not the injected clock's.
LEFT_ON_THE_SYSTEM_CLOCK = {
    "bot/clock.py": (2, "the system clock itself"),
    "bot/channels/gate.py": (4, "durations measured for the metrics"),
    "bot/privacy/evaluation.py": (2, "durations in the evaluation report"),
    "bot/training.py": (2, "the training's duration, printed"),
    "bot/privacy/deadline.py": (2, "detection's time limit in its worker thread: it bounds real work"),
    "bot/server.py": (2, "the wait for the child processes to answer: they run in real time"),
    "bot/faults/actions.py": (1, "the deadline sent to the action server, which reads it on its own system clock"),
    "bot/faults/deadline.py": (1, "that deadline, on the action server (before_deadline takes `now` for tests)"),
    "bot/channels/auth.py": (2, "token times: PyJWT checks exp on the system clock; mint() takes `now`"),
    "actions/banking/core_bank.py": (1, "the default of CoreBank's calendar clock (CoreBank(clock=...))"),
    "actions/advice/savings.py": (1, "the default of the savings form's calendar clock (clock=...)"),
}


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
    assert isinstance(SYSTEM_CLOCK, Clock) and isinstance(FakeClock(), Clock)


def direct_reads(path: Path) -> int:
    """How often the module names one of READS (a call, or a reference such as a default argument)."""
    found = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            found += node.attr in READS.get(name, ())
        elif isinstance(node, ast.ImportFrom) and node.module == "time":  # from time import monotonic
            found += sum(alias.name in READS["time"] for alias in node.names)
    return found


def test_time_is_read_through_the_clock_except_where_listed() -> None:
    found = Counter({
        str(path.relative_to(ROOT)): direct_reads(path)
        for folder in ("bot", "actions") for path in sorted((ROOT / folder).rglob("*.py"))
    })
    found = +found  # files without a read drop out
    expected = {path: count for path, (count, _) in LEFT_ON_THE_SYSTEM_CLOCK.items()}
    assert dict(found) == expected, (
        "read time through an injected bot.clock.Clock (constructor argument, SYSTEM_CLOCK by default); "
        "a read that must stay on the system clock goes into LEFT_ON_THE_SYSTEM_CLOCK with its reason")
