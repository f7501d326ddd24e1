"""The leak search itself: it finds a canary in every form a leak takes, and not in a log line's time."""

from __future__ import annotations

import pytest

from tests.leaks.canaries import Canary, generate, search

ACCOUNT = Canary("ACCOUNT_NUMBER", "1016281234", "my account number is", followup="1016281234")


@pytest.mark.parametrize("sink", [
    "user said 1016281234", "acct 10 16 28 12 34", "1016-2812-34", '{"text": "1016281234"}',
    "masked badly: 101628****", "ACCT NO. 1016.281.234", "sent $1,016,281,234.00 today",
])
def test_a_long_number_is_found_in_any_form_it_was_written(sink: str) -> None:
    assert search({"log": sink}, [ACCOUNT]) == ["canary #0 (ACCOUNT_NUMBER) in log"]


@pytest.mark.parametrize("sink", [
    "2026-11-29 10:16:28,123 INFO rasa.core - received a message",  # the first six digits are this time
    "[10:16:28] action_transfer ran", "10:16:28.123 saved", "10162812345 is longer",
])
def test_a_time_or_a_longer_number_is_not_a_leak(sink: str) -> None:
    assert search({"log": sink}, [ACCOUNT]) == []


def test_every_generated_canary_is_found_in_its_own_message() -> None:
    canaries = generate()
    for index, canary in enumerate(canaries):
        typed = " ".join(canary.messages)
        assert search({"typed": typed}, [canary]) == [f"canary #0 ({canary.kind}) in typed"], index
