"""Credit cards: a month's interest, paying a card off at a fixed or a minimum payment, and utilization."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from actions.finance.money import Number, amount, cents, interest_for_month, percent
from actions.finance.schedule import Repayment, amortise

# A common card minimum: 2 % of the statement balance, but never less than 25.
DEFAULT_MINIMUM_PERCENT = Decimal(2)
DEFAULT_MINIMUM_FLOOR = Decimal(25)


def monthly_interest(balance: Number, apr: Number) -> Decimal:
    """One month's interest on ``balance`` at ``apr`` % a year (APR/12 a month), rounded to the cent.

    Issuers charge a daily rate over the actual days; APR/12 is the usual monthly approximation.
    """
    owed = amount(balance, "balance", "card balance", allow_zero=True)
    rate = percent(apr, "apr", "interest rate")
    return interest_for_month(owed, rate)


def utilization(balance: Number, credit_limit: Number) -> Decimal:
    """Balance as a percentage of the credit limit, to one decimal (may exceed 100 when over the limit)."""
    owed = amount(balance, "balance", "card balance", allow_zero=True)
    limit = amount(credit_limit, "credit_limit", "credit limit")
    return (owed * 100 / limit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def minimum_payment(
    balance: Number,
    *,
    minimum_percent: Number = DEFAULT_MINIMUM_PERCENT,
    minimum_floor: Number = DEFAULT_MINIMUM_FLOOR,
) -> Decimal:
    """The minimum payment on a statement ``balance``: the larger of a percentage and a floor, at most the balance."""
    owed = amount(balance, "balance", "card balance", allow_zero=True)
    share = percent(minimum_percent, "minimum_percent", "minimum payment percentage")
    floor = amount(minimum_floor, "minimum_floor", "minimum payment floor", allow_zero=True)
    return min(owed, max(cents(owed * share / 100), floor))


def payoff_with_fixed_payment(balance: Number, apr: Number, payment: Number) -> Repayment:
    """Pay the card off with the same ``payment`` every month and no new spending.

    Raises ``NeverPaidOffError`` when the payment does not cover the first month's interest.
    """
    owed = amount(balance, "balance", "card balance")
    rate = percent(apr, "apr", "interest rate")
    fixed = amount(payment, "payment", "monthly payment")
    return Repayment(owed, rate, amortise(owed, rate, lambda _month, _owed: fixed))


def payoff_with_minimum_payment(
    balance: Number,
    apr: Number,
    *,
    minimum_percent: Number = DEFAULT_MINIMUM_PERCENT,
    minimum_floor: Number = DEFAULT_MINIMUM_FLOOR,
) -> Repayment:
    """Pay only the minimum each month: max(``minimum_percent`` of the statement balance, ``minimum_floor``).

    The statement balance includes the month's interest. Raises ``NeverPaidOffError`` when the
    minimum does not cover the interest (a percentage below the monthly rate and a floor below it too).
    """
    owed = amount(balance, "balance", "card balance")
    rate = percent(apr, "apr", "interest rate")
    share = percent(minimum_percent, "minimum_percent", "minimum payment percentage")
    floor = amount(minimum_floor, "minimum_floor", "minimum payment floor", allow_zero=True)

    def minimum(_month: int, statement: Decimal) -> Decimal:
        return max(cents(statement * share / 100), floor)

    return Repayment(owed, rate, amortise(owed, rate, minimum))
