"""Card number, expiry and security code recognizers."""

from __future__ import annotations

from typing import Callable, List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS
from stdnum import luhn

from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.recognizers import cards

Detect = Callable[[str, str], List[RecognizerResult]]
AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]

# Published test numbers only.
CARDS = [
    ("my card is 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("visa 4111-1111-1111-1111 please", "4111-1111-1111-1111"),
    ("card number:4111111111111111.", "4111111111111111"),
    ("mastercard 5555 5555 5555 4444", "5555 5555 5555 4444"),
    ("my new 2-series card 2221 0000 0000 0009", "2221 0000 0000 0009"),
    ("maestro 6759 6498 2643 8453 expires soon", "6759 6498 2643 8453"),
    ("the 19 digit one is 4000 0000 0000 0000 006", "4000 0000 0000 0000 006"),
    ("amex 3782 822463 10005", "3782 822463 10005"),
    ("amex 378282246310005", "378282246310005"),
    ("diners 3056 930902 5904", "3056 930902 5904"),
    ("discover 6011 1111 1111 1117", "6011 1111 1111 1117"),
    ("jcb 3530 1113 3330 0000", "3530 1113 3330 0000"),
    ("unionpay 6200000000000005", "6200000000000005"),
    ("old visa 4222222222222", "4222222222222"),
    ("4111 1111 1111 1111 12/27 is on the card", "4111 1111 1111 1111"),
    ("card 4111 1111 1111 1111 12 months old", "4111 1111 1111 1111"),
    ("(5200828282828210)", "5200828282828210"),
]

NOT_CARDS = [
    "my card is 4111 1111 1111 1112",  # Luhn fails
    "0000 0000 0000 0000",  # Luhn passes, no card scheme starts with 0
    "order 1234567890123",
    "I paid $1,200 on 12/03 for 30 years of 4.5% APR",
    "41111111111111111111",  # 20 digits
    "IBAN GB82 WEST 1234 5698 7654 32",
    "wallet 0x52908400098527886E0F7030069857D2E4169EE7",
    "call +44 20 7946 0958",
]

EXPIRIES = [
    ("exp 04/27", "04/27"),
    ("it expires 04/2027", "04/2027"),
    ("expiry date: 12/26", "12/26"),
    ("valid thru 04/27", "04/27"),
    ("expiration 4/28 thanks", "4/28"),
    ("Exp. 11/25", "11/25"),
    ("good thru 01/30", "01/30"),
    ("exp 0427", "0427"),
    ("the card expires April 2027", "April 2027"),
    ("the card expires on 05-29", "05-29"),
    ("04/27 is the expiry", "04/27"),
]

NOT_EXPIRIES = [
    "I paid on 12/03",
    "next Friday, in March",
    "my expenses 04/25 were high",
    "expected 04/27 delivery",
    "exp 13/27",
    "the offer is valid until 2024",
]

CVVS = [
    ("cvv 123", "123"),
    ("CVV: 1234", "1234"),
    ("my cvc2 is 456", "456"),
    ("security code 737", "737"),
    ("the 3 digits on the back are 123", "123"),
    ("the three digits on the back of my card are 321", "321"),
    ("123 is the cvv", "123"),
    ("my card's cvv number is 999", "999"),
]

NOT_CVVS = [
    "social security number 123-45-6789",
    "cvv 12345",
    "I paid 123 dollars",
    "security code 654321",
    "the back of the card is blue",
]


def test_luhn_of_test_numbers() -> None:
    for _, value in CARDS:
        assert luhn.is_valid(value.replace(" ", "").replace("-", "")), value


@pytest.mark.parametrize(("text", "value"), CARDS)
def test_card_numbers_found(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("cards", text, "CREDIT_CARD", value)


@pytest.mark.parametrize("text", NOT_CARDS)
def test_not_card_numbers(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("all", text, "CREDIT_CARD")


@pytest.mark.parametrize(("text", "value"), EXPIRIES)
def test_expiries_found(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("cards", text, "CARD_EXPIRY", value)


@pytest.mark.parametrize("text", NOT_EXPIRIES)
def test_not_expiries(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("cards", text, "CARD_EXPIRY")


@pytest.mark.parametrize(("text", "value"), CVVS)
def test_cvvs_found(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("cards", text, "CARD_CVV", value)


@pytest.mark.parametrize("text", NOT_CVVS)
def test_not_cvvs(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("all", text, "CARD_CVV")


def test_whole_card_message(detect: Detect) -> None:
    text = "card 4111 1111 1111 1111 exp 04/27 cvv 123"
    found = {(r.entity_type, text[r.start : r.end]) for r in detect("cards", text)}
    assert found == {("CREDIT_CARD", "4111 1111 1111 1111"), ("CARD_EXPIRY", "04/27"), ("CARD_CVV", "123")}


def test_recognizers_are_fresh_and_typed() -> None:
    first, second = cards.recognizers(), cards.recognizers()
    assert len(first) == len(second) and all(a is not b for a, b in zip(first, second))
    assert {e for r in first for e in r.supported_entities} == {"CREDIT_CARD", "CARD_EXPIRY", "CARD_CVV"}
    assert {e for r in first for e in r.supported_entities} <= ALL_ENTITIES
    assert not [w for r in first for w in r.context if w in STOP_WORDS]


# Leading digits of schemes and the lengths they issue.
SCHEMES = [("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15),
           ("37", 15), ("36", 14), ("6011", 16), ("65", 19), ("3528", 16), ("6759", 18), ("62", 17)]  # fmt: skip


@st.composite
def luhn_cards(draw: st.DrawFn) -> str:
    prefix, length = draw(st.sampled_from(SCHEMES))
    body = prefix + draw(st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1))
    number = body + luhn.calc_check_digit(body)
    if length == 16 and draw(st.booleans()):
        sep = draw(st.sampled_from([" ", "-"]))
        return sep.join(number[i : i + 4] for i in range(0, 16, 4))
    return number


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(card=luhn_cards(), before=st.sampled_from(["my card is ", "card: ", "", "use "]),
       after=st.sampled_from(["", " thanks", ", exp 04/27", "."]))  # fmt: skip
def test_luhn_valid_cards_always_found(detect: Detect, card: str, before: str, after: str) -> None:
    text = f"{before}{card}{after}"
    spans = {(r.start, r.end) for r in detect("cards", text) if r.entity_type == "CREDIT_CARD"}
    assert (len(before), len(before) + len(card)) in spans


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises(detect: Detect, text: str) -> None:
    for result in detect("cards", text):
        assert 0 <= result.start < result.end <= len(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("card: 5018 1992 0452 - is this a maestro?", "5018 1992 0452"),
        ("my maestro card 501819920452", "501819920452"),
    ],
)
def test_twelve_digit_maestro_with_a_card_word(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("cards", text, "CREDIT_CARD", value)


@pytest.mark.parametrize(
    "text",
    [
        "reference 501819920452 on the statement",  # Luhn-valid, but no card word
        "card 5018 1992 0453",  # checksum fails
        "card 4018 1992 0452",  # not a Maestro prefix
    ],
)
def test_twelve_digits_need_a_card_word_and_checksum(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("cards", text, "CREDIT_CARD")


# Two (or more) cards in a row, a single space or dash between them: each is its own card.
CARDS_IN_A_ROW = [
    ("4111 1111 1111 1111 5500 0000 0000 0004", ["4111 1111 1111 1111", "5500 0000 0000 0004"]),
    ("cards 4111-1111-1111-1111 5555-5555-5555-4444 ok", ["4111-1111-1111-1111", "5555-5555-5555-4444"]),
    ("4111111111111111 5500000000000004", ["4111111111111111", "5500000000000004"]),
    (
        "4111 1111 1111 1111 5500 0000 0000 0004 3782 822463 10005",
        ["4111 1111 1111 1111", "5500 0000 0000 0004", "3782 822463 10005"],
    ),
]


@pytest.mark.parametrize(("text", "values"), CARDS_IN_A_ROW)
def test_cards_in_a_row_all_found(detect: Detect, text: str, values: List[str]) -> None:
    found = [text[r.start : r.end] for r in sorted(detect("cards", text), key=lambda r: r.start)]
    assert found == values


@pytest.mark.parametrize(
    "text",
    [
        "1234 4111 1111 1111 1111",  # a valid card inside a longer run of groups
        "9999 4111-1111-1111-1111",
        "4111 1111 1111 1112 5500 0000 0000 0004",  # the first fails Luhn: one run of eight groups
        "ref 0000 0000 0000 0000 4111111111111111",
    ],
)
def test_longer_digit_runs_are_not_split_into_cards(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("cards", text, "CREDIT_CARD")
