"""Input validation and rounding shared by every calculator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from actions.finance.errors import FinanceInputError
from actions.finance.money import (
    MAX_MONTHS,
    amount,
    cents,
    cents_up,
    format_money,
    percent,
    to_decimal,
    whole_months,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (2500.0, Decimal("2500.00")),
        (0.1, Decimal("0.10")),  # the float's repr, not its binary expansion
        ("2,500.50", Decimal("2500.50")),
        (" 42 ", Decimal("42.00")),
        (Decimal("19.999"), Decimal("20.00")),
        (Decimal("0.005"), Decimal("0.01")),  # half up, as statements round
        (7, Decimal("7.00")),
    ],
)
def test_amount_accepts_numbers_from_entities_slots_and_code(value: Any, expected: Decimal) -> None:
    assert amount(value, "x", "amount") == expected


@pytest.mark.parametrize(
    "value, allow_zero, message",
    [
        (-5, False, "The loan amount cannot be negative."),
        (0, False, "The loan amount must be more than zero."),
        (Decimal("0.004"), False, "The loan amount must be more than zero."),
        ("abc", False, "The loan amount must be a number."),
        (float("nan"), True, "The loan amount must be a number."),
        (float("inf"), True, "The loan amount must be a number."),
        (True, True, "The loan amount must be a number."),
        (None, True, "The loan amount must be a number."),
        (2e9, True, "The loan amount is too large: please give an amount under 1,000,000,000."),
    ],
)
def test_amount_rejects_impossible_values_with_a_sentence(value: Any, allow_zero: bool, message: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        amount(value, "principal", "loan amount", allow_zero=allow_zero)
    assert str(caught.value) == message
    assert caught.value.field == "principal"


def test_zero_is_allowed_when_asked() -> None:
    assert amount(0, "x", "starting balance", allow_zero=True) == Decimal("0.00")


@pytest.mark.parametrize("value", [0, 5.5, "19.9", 100])
def test_percent_in_range(value: Any) -> None:
    assert percent(value, "apr", "interest rate") == to_decimal(value, "apr", "interest rate")


@pytest.mark.parametrize("value", [-0.1, 100.01, 250])
def test_percent_out_of_range(value: Any) -> None:
    with pytest.raises(FinanceInputError, match=r"^The interest rate must be between 0 and 100 %\.$"):
        percent(value, "apr", "interest rate")


@pytest.mark.parametrize("value, expected", [(1, 1), (18.0, 18), ("360", 360), (MAX_MONTHS, MAX_MONTHS)])
def test_whole_months_accepts(value: Any, expected: int) -> None:
    assert whole_months(value, "months") == expected


@pytest.mark.parametrize(
    "value, message",
    [
        (0, "The number of months must be at least 1."),
        (-3, "The number of months must be at least 1."),
        (18.5, "The number of months must be a whole number."),
        (MAX_MONTHS + 1, "The number of months must be at most 1200."),
    ],
)
def test_whole_months_rejects(value: Any, message: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        whole_months(value, "months")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "value, half_up, up",
    [("2.345", "2.35", "2.35"), ("2.344", "2.34", "2.35"), ("2.3400", "2.34", "2.34"), ("-2.345", "-2.35", "-2.34")],
)
def test_rounding(value: str, half_up: str, up: str) -> None:
    assert cents(Decimal(value)) == Decimal(half_up)
    assert cents_up(Decimal(value)) == Decimal(up)


@pytest.mark.parametrize(
    "value, text",
    [(Decimal("1199.1"), "1,199.10"), (Decimal("0.005"), "0.01"), (Decimal("1234567.891"), "1,234,567.89")],
)
def test_format_money(value: Decimal, text: str) -> None:
    assert format_money(value) == text


def test_finance_input_error_is_a_value_error() -> None:
    # Callers that already catch ValueError (the advice action's budget_split) keep working.
    assert issubclass(FinanceInputError, ValueError)
