"""Amounts, percents, durations (in months) and bare numbers: text in, (entity, surface form, value) out."""

from __future__ import annotations

import itertools
import time
from typing import List, Tuple

import pytest

from bot.nlu.numbers import find_numbers

Found = List[Tuple[str, str, float]]


def found(text: str) -> Found:
    return [(span.entity, span.text, span.value) for span in find_numbers(text)]  # type: ignore[misc]


AMOUNTS = [
    ("£2,500", [("amount", "£2,500", 2500.0)]),
    ("$40", [("amount", "$40", 40.0)]),
    ("$3k", [("amount", "$3k", 3000.0)]),
    ("£2.5m please", [("amount", "£2.5m", 2_500_000.0)]),
    ("€1,000.50", [("amount", "€1,000.50", 1000.5)]),
    ("US$40", [("amount", "US$40", 40.0)]),
    ("USD 250", [("amount", "USD 250", 250.0)]),
    ("250 usd", [("amount", "250 usd", 250.0)]),
    ("2500€", [("amount", "2500€", 2500.0)]),
    ("2500 dollars", [("amount", "2500 dollars", 2500.0)]),
    ("40 quid", [("amount", "40 quid", 40.0)]),
    ("10 pounds", [("amount", "10 pounds", 10.0)]),
    ("50p", [("amount", "50p", 0.5)]),
    ("75 cents", [("amount", "75 cents", 0.75)]),
    ("3k", [("amount", "3k", 3000.0)]),
    ("1.2 million", [("amount", "1.2 million", 1_200_000.0)]),
    ("1.5 million", [("amount", "1.5 million", 1_500_000.0)]),
    ("3 grand", [("amount", "3 grand", 3000.0)]),
    ("2bn", [("amount", "2bn", 2e9)]),
    ("five hundred pounds", [("amount", "five hundred pounds", 500.0)]),
    ("a hundred quid", [("amount", "a hundred quid", 100.0)]),
    ("two thousand", [("amount", "two thousand", 2000.0)]),
    ("twenty-five thousand dollars", [("amount", "twenty-five thousand dollars", 25000.0)]),
    # A money word before a bare number, and only a small word (or nothing) after it.
    ("I earn 3000 a month, how should I budget?", [("amount", "3000", 3000.0)]),
    ("I make 6,200 a month", [("amount", "6,200", 6200.0)]),
    ("how would you split 5000 a month", [("amount", "5000", 5000.0)]),
    ("I take home 2800 monthly", [("amount", "2800", 2800.0)]),
    ("500/month on rent", [("amount", "500", 500.0)]),
    ("my salary is 45000", [("amount", "45000", 45000.0)]),
    ("transfer 200 to <PERSON_1>", [("amount", "200", 200.0)]),
    ("I owe 12,000 on my card", [("amount", "12,000", 12000.0)]),
    ("my balance is 1,250.50.", [("amount", "1,250.50", 1250.5)]),
    ("net income of $2,100", [("amount", "$2,100", 2100.0)]),
    ("how should I divide 4000 dollars each month", [("amount", "4000 dollars", 4000.0)]),
]

PERCENTS = [
    ("19.9%", [("percent", "19.9%", 19.9)]),
    ("5 %", [("percent", "5 %", 5.0)]),
    ("5 percent", [("percent", "5 percent", 5.0)]),
    ("5.5 per cent", [("percent", "5.5 per cent", 5.5)]),
    ("ten percent", [("percent", "ten percent", 10.0)]),
    ("19.9 APR", [("percent", "19.9 APR", 19.9)]),
    ("an APR of 19.9 on my card", [("percent", "19.9", 19.9)]),
    ("the interest rate is 5.5", [("percent", "5.5", 5.5)]),
    ("rate: 4", [("percent", "4", 4.0)]),
]

DURATIONS = [
    ("3 years", [("duration", "3 years", 36.0)]),
    ("18 months", [("duration", "18 months", 18.0)]),
    ("6 mo", [("duration", "6 mo", 6.0)]),
    ("2 yrs", [("duration", "2 yrs", 24.0)]),
    ("a 5-year fixed", [("duration", "5-year", 60.0)]),
    ("52 weeks", [("duration", "52 weeks", 12.0)]),
    ("a decade", [("duration", "a decade", 120.0)]),
    ("for a year", [("duration", "a year", 12.0)]),
    ("a year and a half", [("duration", "a year and a half", 18.0)]),
    ("one and a half years", [("duration", "one and a half years", 18.0)]),
    ("2 and a half years", [("duration", "2 and a half years", 30.0)]),
    ("2 years and a half", [("duration", "2 years and a half", 30.0)]),
    ("half a year", [("duration", "half a year", 6.0)]),
    ("a couple of years", [("duration", "a couple of years", 24.0)]),
    ("two years", [("duration", "two years", 24.0)]),
    ("2 years and 6 months", [("duration", "2 years and 6 months", 30.0)]),
    ("1 year, 3 months", [("duration", "1 year, 3 months", 15.0)]),
]

MIXED = [
    ("a 5-year fixed mortgage at 4.5%", [("duration", "5-year", 60.0), ("percent", "4.5%", 4.5)]),
    ("I'd like to borrow 20000 over 5 years", [("amount", "20000", 20000.0), ("duration", "5 years", 60.0)]),
    ("£10k at 6.9% APR for 3 years",
     [("amount", "£10k", 10000.0), ("percent", "6.9%", 6.9), ("duration", "3 years", 36.0)]),
    ("save 10% of my pay", [("percent", "10%", 10.0)]),
    ("I pay £50 a month", [("amount", "£50", 50.0)]),
]

# Numbers that are not amounts, and text with no number entity at all.
OTHERS = [
    ("I have 2 cards", [("number", "2", 2.0)]),
    ("I need to pay 3 bills", [("number", "3", 3.0)]),
    ("I spent 3 hours on hold", [("number", "3", 3.0)]),
    ("in 2024 I spent too much", [("number", "2024", 2024.0)]),
    ("which one is best", []),
    ("no one told me", []),
    ("once a year", []),
    ("I got paid twice a month", []),
    ("12/05/2024 at 10:30", []),
    ("the 1st of May", []),
    ("3-5 years", []),
    ("version v2.5", []),
    ("5m away", []),
    ("", []),
    ("hello", []),
]

# Placeholders hide digits (and may sit right beside numbers): nothing inside them is a number.
PLACEHOLDERS = [
    ("my account is <ACCOUNT_NUMBER_1>", []),
    ("<CREDIT_CARD_2> and <PHONE_NUMBER_13>", []),
    ("send 40 quid from <ACCOUNT_NUMBER_1> to <IBAN_CODE_2>", [("amount", "40 quid", 40.0)]),
    ("<PERSON_1> owes me 20", [("amount", "20", 20.0)]),
    ("my pin is <PIN_1> and I have 2 cards", [("number", "2", 2.0)]),
    ("<ACCOUNT_NUMBER_1>5", []),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS + PERCENTS + DURATIONS + MIXED + OTHERS + PLACEHOLDERS)
def test_find_numbers(text: str, expected: Found) -> None:
    assert found(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", [text for text, _ in AMOUNTS + PERCENTS + DURATIONS + MIXED + PLACEHOLDERS])
def test_spans_point_at_their_text(text: str) -> None:
    for span in find_numbers(text):
        assert text[span.start:span.end] == span.text
        assert isinstance(span.value, float)


def test_spans_never_overlap_and_come_in_reading_order() -> None:
    spans = find_numbers("borrow £12,000 at 7.9% APR over 3 years and 6 months, paying 300 a month, 2 cards")
    assert [s.entity for s in spans] == ["amount", "percent", "duration", "amount", "number"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_durations_are_in_months() -> None:
    (weeks,) = find_numbers("2 weeks")
    (days,) = find_numbers("30 days")
    assert weeks.value == pytest.approx(24 / 52)
    assert days.value == pytest.approx(30 * 12 / 365)


def test_a_long_message_takes_linear_time() -> None:
    # 64 KB of numbers and cue words (the channels' size limit): context is looked at locally, not re-scanned.
    text = "I earn 3000 a month, pay £40 for 2 years at 5% and have 3 cards; " * 1000
    started = time.perf_counter()
    spans = find_numbers(text)
    assert len(spans) == 5000
    assert time.perf_counter() - started < 5.0
