"""Amounts from the NLU pipeline and from text; pence; how money and identifiers are shown."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

import pytest

from actions.banking.errors import InvalidAmount
from actions.banking.money import format_money, last4, masked, to_decimal, to_pence


@pytest.mark.parametrize(
    "value, expected",
    [
        (50.0, Decimal("50.0")),
        (19.99, Decimal("19.99")),  # through str: no binary float residue
        (7, Decimal("7")),
        (Decimal("2.50"), Decimal("2.50")),
        ("£1,250.50", Decimal("1250.50")),
        ("50 pounds", Decimal("50")),
        ("3k", Decimal("3000")),
        ("-20", Decimal("-20")),
        ("0", Decimal("0")),
        ("send 50 or 60", None),  # two numbers: not an amount
        ("fifty", None),
        ("to <PERSON_1>", None),  # a placeholder's number is no amount
        (None, None),
        (True, None),
        (float("nan"), None),
        ([50], None),
    ],
)
def test_to_decimal(value: object, expected: Optional[Decimal]) -> None:
    assert to_decimal(value) == expected


@pytest.mark.parametrize("amount, pence", [("0.01", 1), ("12.5", 1250), ("5000", 500000)])
def test_to_pence(amount: str, pence: int) -> None:
    assert to_pence(Decimal(amount)) == pence


@pytest.mark.parametrize("amount", ["0", "-1", "0.001", "12.345", "NaN", "Infinity"])
def test_to_pence_refuses_what_is_not_whole_positive_pence(amount: str) -> None:
    with pytest.raises(InvalidAmount):
        to_pence(Decimal(amount))


@pytest.mark.parametrize(
    "amount, shown", [("1234.5", "£1,234.50"), ("-20", "-£20.00"), ("0.005", "£0.01"), ("0", "£0.00")])
def test_format_money(amount: str, shown: str) -> None:
    assert format_money(Decimal(amount)) == shown


@pytest.mark.parametrize(
    "identifier, ending",
    [("12345678", "5678"), ("GB82 WEST 1234 5698 7654 32", "5432"), ("gb82west12345698765432", "5432"), ("12", "12")])
def test_last4_ignores_separators(identifier: str, ending: str) -> None:
    assert last4(identifier) == ending
    assert masked(ending) == f"****{ending}"
