"""Money in cents: turning user-supplied numbers into validated ``Decimal`` values, and rounding.

Amounts arrive from entities as floats (``2500.0``), from slots as strings (``"2500.00"``) or from
code as ``Decimal``; all become ``Decimal`` rounded to the cent, half up, as a bank statement shows
them. Rates are percentages (``5.5`` for 5.5 %), as the NLU ``percent`` entity produces them.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Union

from actions.finance.errors import FinanceInputError

Number = Union[Decimal, int, float, str]

CENT = Decimal("0.01")
# Far above any personal-finance figure; keeps schedules and Decimal arithmetic sane.
MAX_AMOUNT = Decimal("1000000000")
# 100 years: no personal loan, savings plan or payoff schedule runs longer.
MAX_MONTHS = 1200


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half up (2.345 -> 2.35)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_up(value: Decimal) -> Decimal:
    """``value`` rounded up to the next cent (2.341 -> 2.35): for a deposit that must reach a goal."""
    return value.quantize(CENT, rounding=ROUND_CEILING)


def format_money(value: Decimal) -> str:
    """``value`` with thousands separators and two decimals: ``Decimal("1199.1")`` -> ``"1,199.10"``."""
    return f"{cents(value):,.2f}"


def to_decimal(value: Number, field: str, label: str) -> Decimal:
    """``value`` as a finite ``Decimal``; a string may carry thousands separators ("2,500.00")."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise FinanceInputError(f"The {label} must be a number.", field)
    try:
        # str() of a float is its shortest repr, so 0.1 becomes Decimal("0.1"), not 0.1000000000000000055...
        number = Decimal(value.replace(",", "").strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        raise FinanceInputError(f"The {label} must be a number.", field) from None
    if not number.is_finite():
        raise FinanceInputError(f"The {label} must be a number.", field)
    return number


def amount(value: Number, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    """A money amount in cents: positive (or zero when ``allow_zero``) and below ``MAX_AMOUNT``."""
    number = cents(to_decimal(value, field, label))
    if number < 0:
        raise FinanceInputError(f"The {label} cannot be negative.", field)
    if number == 0 and not allow_zero:
        raise FinanceInputError(f"The {label} must be more than zero.", field)
    if number > MAX_AMOUNT:
        raise FinanceInputError(f"The {label} is too large: please give an amount under {MAX_AMOUNT:,}.", field)
    return number


def percent(value: Number, field: str, label: str) -> Decimal:
    """A percentage between 0 and 100 inclusive (``5.5`` means 5.5 %)."""
    number = to_decimal(value, field, label)
    if not Decimal(0) <= number <= Decimal(100):
        raise FinanceInputError(f"The {label} must be between 0 and 100 %.", field)
    return number


def whole_number(value: Number, field: str, label: str, *, minimum: int, maximum: int) -> int:
    """A whole number from ``minimum`` to ``maximum``; ``18.0`` is accepted, ``18.5`` is not."""
    number = to_decimal(value, field, label)
    if number != number.to_integral_value():
        raise FinanceInputError(f"The {label} must be a whole number.", field)
    if number < minimum:
        raise FinanceInputError(f"The {label} must be at least {minimum}.", field)
    if number > maximum:
        raise FinanceInputError(f"The {label} must be at most {maximum}.", field)
    return int(number)


def whole_months(value: Number, field: str, label: str = "number of months") -> int:
    """A whole number of months from 1 to ``MAX_MONTHS`` (100 years)."""
    return whole_number(value, field, label, minimum=1, maximum=MAX_MONTHS)


def monthly_rate(annual_percent: Decimal) -> Decimal:
    """The monthly rate as a fraction: an APR of 6 (%) gives 0.005. Lenders quote APR/12 per month."""
    return annual_percent / Decimal(1200)


def interest_for_month(balance: Decimal, annual_percent: Decimal) -> Decimal:
    """One month's interest at APR/12, rounded to the cent, half up.

    The product is taken before dividing so that an exact half cent stays exact (and rounds up)
    instead of going through a rounded rate such as 18.5/1200 = 0.0154166...67.
    """
    return cents(balance * annual_percent / 1200)

