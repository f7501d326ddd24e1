"""The default-deny net: what it hides after the specific recognizers, and what it leaves to the dialogue."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import pytest

from bot.privacy.recognizers.net import DefaultDenyNet

NET = DefaultDenyNet()


def found(text: str, taken: Sequence[Tuple[int, int]] = ()) -> List[Tuple[str, str]]:
    return [(f.type, text[f.start:f.end]) for f in NET.find(text, taken)]


@pytest.mark.parametrize("text, kind, value", [
    ("Balance on 01234567890?", "ACCOUNT_NUMBER", "01234567890"),
    ("paying my rent by standing order every month from 12345678", "ACCOUNT_NUMBER", "12345678"),
    ("use 1234 5678 901 for it", "ACCOUNT_NUMBER", "1234 5678 901"),
    ("ref 12.345.678.9", "ACCOUNT_NUMBER", "12.345.678.9"),
    ("is ab1234567 mine", "REFERENCE_NUMBER", "ab1234567"),
    ("ticket x7-90210-q", "REFERENCE_NUMBER", "x7-90210-q"),
    ("the code they sent me is 123 456", "ONE_TIME_CODE", "123 456"),
    ("verification: 123-456", "ONE_TIME_CODE", "123-456"),
    ("my pin, i think, is 0000", "PIN", "0000"),
    ("CVC on the back says 902", "CARD_CVV", "902"),
    ("is 70-04-55 a halifax one", "SORT_CODE", "70-04-55"),
    ("iban AL47 212A 1009 0000 0002 3569 8741", "IBAN_CODE", "AL47 212A 1009 0000 0002 3569 8741"),
    ("nino aa 12 34 56 h", "UK_NINO", "aa 12 34 56 h"),
    ("my reefrence is inc-6214200", "REFERENCE_NUMBER", "inc-6214200"),
])  # fmt: skip
def test_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "I earn 3000000 a year",                      # no: see below, it is found (no currency)
])  # fmt: skip
def test_an_uncued_long_number_is_hidden_even_when_it_may_be_money(text: str) -> None:
    # Without a currency, a multiplier or decimals, seven digits may as well be an account: privacy first.
    assert found(text) == [("ACCOUNT_NUMBER", "3000000")]


@pytest.mark.parametrize("text", [
    "transfer $1250000 to savings", "I have 3500000 dollars", "£2000000 mortgage", "12500000.50 in total",
    "a 1200000k budget", "USD1500000 wire", "up 1500000%", "2500000 euros",
    "statement from 2024-01-15 and 15.01.2024", "years 2019 2020 2021", "1 2 3 4 5 6 7",
    "phone at 10:30:45", "401k, W-2, 1099-INT, S&P 500, covid19", "250000km on the car",
    "a 123456th visitor", "code 12 again", "my pin was reset 2 times", "the code costs $500",
    "1,250,000 pounds", "only 123456 left", "explain the 50 30 20 budget",
    "on 12-03-45 we met", "When: 1993-01-04 14:56:41", "my zip code is 35649",
    "the promo code 20547 failed", "<ACCOUNT_NUMBER_1> and <CREDIT_CARD_12>",
])  # fmt: skip
def test_kept(text: str) -> None:
    assert found(text) == []


def test_what_a_specific_recognizer_took_is_cut_out_and_the_rest_judged_alone() -> None:
    text = "4111 1111 1111 1111 5500 0000 0000 0004"
    assert found(text, [(0, 19)]) == [("ACCOUNT_NUMBER", "5500 0000 0000 0004")]
    assert found(text, [(0, 19), (20, 39)]) == []
    # A short rest glued to what was taken is still part of one number: it is hidden too.
    glued = "63759531361757"
    assert found(glued, [(6, 14)]) == [("ACCOUNT_NUMBER", "637595")]
    # A short rest after a separator is a number of its own.
    assert found("4111111111111111 123", [(0, 16)]) == []


def test_a_code_or_an_id_is_judged_whole() -> None:
    text = "otp 123456"
    assert found(text, [(4, 7)]) == []
