"""Identifiers split over two messages of one conversation are hidden in both; nothing else is carried."""

from __future__ import annotations

import dataclasses
from typing import Iterator, List

import pytest

from bot.clock import FakeClock
from bot.privacy import Policy, Redactor
from bot.privacy.pending import CONTINUATION_SECONDS


@pytest.fixture(scope="module")
def redactor() -> Iterator[Redactor]:
    # Without the default-deny net, which would hide any bare 8 digits: these tests are about what is carried.
    engine = Redactor(policy=dataclasses.replace(Policy.load(), default_deny=False))
    yield engine
    engine.close()


def conversation(redactor: Redactor, name: str, messages: List[str]) -> List[str]:
    return [redactor.redact(message, name, carry=True).text for message in messages]


@pytest.mark.parametrize(
    "messages, expected",
    [
        (["my card number is 4111 1111", "1111 1111"], ["my card number is <CREDIT_CARD_1>", "<CREDIT_CARD_2>"]),
        (["my card number is 4111 1111", "and the rest is 1111 1111."],
         ["my card number is <CREDIT_CARD_1>", "and the rest is <CREDIT_CARD_2>."]),
        (["my account number is", "12345678"], ["my account number is", "<ACCOUNT_NUMBER_1>"]),
        (["IBAN GB82 WEST 1234", "5698 7654 32"], ["IBAN <IBAN_CODE_1>", "<IBAN_CODE_2>"]),
        (["my ssn is 123-45", "6789"], ["my ssn is <US_SSN_1>", "<US_SSN_2>"]),
        (["sort code:", "12-34-56"], ["sort code:", "<SORT_CODE_1>"]),
    ],
)
def test_the_second_half_is_hidden_too(redactor: Redactor, messages: List[str], expected: List[str]) -> None:
    assert conversation(redactor, f"split-{messages[0]}", messages) == expected


@pytest.mark.parametrize(
    "messages",
    [
        ["how do I close my account", "500 dollars please"],  # a cue word, but no value announced
        ["my card 4111 1111 1111 1111", "500"],  # the card was complete
        ["what is a good credit score?", "720"],
    ],
)
def test_nothing_is_carried_when_nothing_was_left_unfinished(redactor: Redactor, messages: List[str]) -> None:
    assert conversation(redactor, f"whole-{messages[0]}", messages)[1] == messages[1]


def test_the_carry_belongs_to_its_conversation(redactor: Redactor) -> None:
    def say(text: str, conversation: str) -> str:
        return redactor.redact(text, conversation, carry=True).text

    assert say("my card number is 4111 1111", "one") == "my card number is <CREDIT_CARD_1>"
    assert say("1111 1111", "other") == "1111 1111"
    assert redactor.redact("1111 1111 is in my tracker", "one").text == "1111 1111 is in my tracker"  # a store
    assert say("1111 1111", "one") == "<CREDIT_CARD_2>"
    assert say("2222 2222", "one") == "2222 2222"  # only the next message continues it


def test_an_unfinished_value_waits_for_its_continuation_a_limited_time(redactor: Redactor) -> None:
    clock = FakeClock()
    engine = Redactor(policy=redactor.policy, analyzer=redactor.analyzer, clock=clock)
    try:
        engine.redact("my account number is", "c1", carry=True)
        clock.advance(CONTINUATION_SECONDS - 1)
        assert engine.redact("12345678", "c1", carry=True).text == "<ACCOUNT_NUMBER_1>"
        engine.redact("my account number is", "c2", carry=True)
        clock.advance(CONTINUATION_SECONDS + 1)
        assert engine.redact("12345678", "c2", carry=True).text == "12345678"  # too late to be its continuation
    finally:
        engine.close()
