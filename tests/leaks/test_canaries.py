"""The leak search itself: it finds a canary in every form a leak takes, and not in a log line's time."""

from __future__ import annotations

import pytest

from tests.leaks.canaries import Canary, chat_style, generate, search

ACCOUNT = Canary("ACCOUNT_NUMBER", "1016281234", "my account number is", followup="1016281234")


@pytest.mark.parametrize("sink", [
    "user said 1016281234", "acct 10 16 28 12 34", "1016-2812-34", '{"text": "1016281234"}',
    "masked badly: 101628****", "ACCT NO. 1016.281.234", "sent $1,016,281,234.00 today",
    "acct1016281234", "no.1016281234",
])
def test_a_long_number_is_found_in_any_form_it_was_written(sink: str) -> None:
    assert search({"log": sink}, [ACCOUNT]) == ["canary #0 (ACCOUNT_NUMBER) in log"]


@pytest.mark.parametrize("sink", [
    "2026-11-29 10:16:28,123 INFO rasa.core - received a message",  # the first six digits are this time
    "[10:16:28] action_transfer ran", "10:16:28.123 saved", "10162812345 is longer",
    '"message_id": "4dd99ce5072141cfb7dd101628fe7a3b"',  # six of its digits inside a hex id
])
def test_a_time_or_a_longer_number_is_not_a_leak(sink: str) -> None:
    assert search({"log": sink}, [ACCOUNT]) == []


def test_every_generated_canary_is_found_in_its_own_message() -> None:
    canaries = generate() + chat_style()
    for index, canary in enumerate(canaries):
        typed = " ".join(canary.messages)
        assert search({"typed": typed}, [canary]) == [f"canary #0 ({canary.kind}) in typed"], index


def test_a_short_number_in_the_decimals_of_a_timestamp_is_not_a_leak() -> None:
    # CI once found a canary sort code's six digits as the decimals of an event's timestamp.
    sort_code, pin = (next(c for c in generate() if c.kind == kind) for kind in ("SORT_CODE", "PIN"))
    for canary in (sort_code, pin):
        digits = "".join(ch for ch in canary.value if ch.isdigit())
        assert search({"events": f'{{"event": "action", "timestamp": 1765123456.{digits}}}'}, [canary]) == []
        assert search({"events": f'{{"text": "{canary.message}"}}'}, [canary]) != []  # but where it was typed
