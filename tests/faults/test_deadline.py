"""The action server does not run an action its caller has given up on."""

from __future__ import annotations

import asyncio
import time
from typing import List

import pytest

from bot.faults.deadline import CLOCK_SKEW_SECONDS, DeadlinePassed, before_deadline, parse_deadline


async def action(ran: List[str], seconds: float = 0.0) -> str:
    ran.append("started")
    await asyncio.sleep(seconds)
    ran.append("finished")
    return "done"


def test_an_action_whose_deadline_passed_is_not_started() -> None:
    ran: List[str] = []
    with pytest.raises(DeadlinePassed):
        asyncio.run(before_deadline(action(ran), time.time() + CLOCK_SKEW_SECONDS - 0.1))  # inside the margin
    assert ran == []


def test_an_action_that_outlives_its_deadline_is_cancelled() -> None:
    ran: List[str] = []
    started = time.monotonic()
    with pytest.raises(DeadlinePassed):
        asyncio.run(before_deadline(action(ran, seconds=30), time.time() + CLOCK_SKEW_SECONDS + 0.2))
    assert ran == ["started"]
    assert time.monotonic() - started < 0.2 + CLOCK_SKEW_SECONDS + 1


def test_an_action_in_time_or_without_a_deadline_runs() -> None:
    ran: List[str] = []
    assert asyncio.run(before_deadline(action(ran), time.time() + 5)) == "done"
    assert asyncio.run(before_deadline(action(ran), None)) == "done"
    assert ran == ["started", "finished"] * 2


@pytest.mark.parametrize("header, expected", [("1795936081.25", 1795936081.25), (None, None), ("", None),
                                              ("tomorrow", None)])
def test_the_header_is_read_leniently(header: str, expected: float) -> None:
    assert parse_deadline(header) == expected
