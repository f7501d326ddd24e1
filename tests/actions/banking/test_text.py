"""What a redacted message says: accounts, counts, categories, choices, placeholders."""

from __future__ import annotations

from typing import List, Optional

import pytest

from actions.banking import text


@pytest.mark.parametrize(
    "words, kind",
    [
        ("what's in my savings", "savings"),
        ("balance of my current account", "current"),
        ("how much is in my checking account", "current"),
        ("what's my balance", None),
        ("move money from current to savings", None),  # both: not one account
    ],
)
def test_account_kind(words: str, kind: Optional[str]) -> None:
    assert text.account_kind(words) == kind


@pytest.mark.parametrize(
    "words, prepositions, kind",
    [
        ("move £300 to my savings", "to|into", "savings"),
        ("transfer 100 from savings to current", "to|into", "current"),
        ("transfer 100 from savings to current", "from|out of", "savings"),
        ("put 100 into the savings account", "to|into", "savings"),
        ("pay my landlord from my current account", "from|out of", "current"),
        ("pay my landlord", "to|into", None),
    ],
)
def test_account_after(words: str, prepositions: str, kind: Optional[str]) -> None:
    assert text.account_after(words, prepositions) == kind


@pytest.mark.parametrize(
    "words, count",
    [
        ("show me my last 10 transactions", 10),
        ("the last five payments", 5),
        ("my last 3 card payments", 3),
        ("transactions in the last 30 days", None),
        ("show my transactions", None),
    ],
)
def test_count(words: str, count: Optional[int]) -> None:
    assert text.count(words) == count


@pytest.mark.parametrize(
    "words, category",
    [
        ("how much did I spend on groceries last month", "groceries"),
        ("what did I spend on takeaways", "eating out"),
        ("how much goes on my energy bill", "bills"),
        ("spending on uber and trains", "transport"),
        ("how much did I spend", None),
        ("groceries and rent", None),  # two: no single focus
    ],
)
def test_category(words: str, category: Optional[str]) -> None:
    assert text.category(words) == category


@pytest.mark.parametrize(
    "words, options, pick",
    [
        ("2", 5, 2),
        ("the second one", 5, 2),
        ("number three", 5, 3),
        ("the last one", 5, 5),
        ("6", 5, None),
        ("£2.50", 5, None),
        ("1 or 2", 5, None),
        ("none of them", 5, None),
    ],
)
def test_choice(words: str, options: int, pick: Optional[int]) -> None:
    assert text.choice(words, options) == pick


@pytest.mark.parametrize(
    "words, found",
    [
        ("send 50 to <PERSON_1> or <ACCOUNT_NUMBER_2>", ["<ACCOUNT_NUMBER_2>"]),
        ("pay <IBAN_CODE_1> and <IBAN_CODE_1> again", ["<IBAN_CODE_1>"]),
        ("pay <CREDIT_CARD_1>", []),
        ("pay <account_number_1>", []),  # not the engine's spelling
    ],
)
def test_payee_account_placeholders(words: str, found: List[str]) -> None:
    assert text.placeholders(words, text.PAYEE_ACCOUNT_TYPES) == found


@pytest.mark.parametrize(
    "value, kind", [("<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER"), (" <IBAN_CODE_12> ", "IBAN_CODE"),
                    ("to <PERSON_1>", None), ("payee:3", None)])
def test_placeholder_type(value: str, kind: Optional[str]) -> None:
    assert text.placeholder_type(value) == kind
