"""One balance paid down month by month: the loop shared by loans and credit cards.

Each month the balance earns interest at APR/12, rounded to the cent (as lenders post it),
then the payment is taken. The payment rule decides how much is paid; the last payment is
never more than what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, List, Tuple

from actions.finance.errors import NeverPaidOffError
from actions.finance.money import MAX_MONTHS, cents, format_money, interest_for_month

# (month number from 1, amount owed this month including its interest) -> payment wanted.
PaymentRule = Callable[[int, Decimal], Decimal]

TOO_LONG = "At that payment it would take more than 100 years to pay off. Try a larger monthly payment."


@dataclass(frozen=True)
class PaymentRow:
    """One month of a repayment schedule; ``balance`` is what is still owed after the payment."""

    month: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Repayment:
    """A balance repaid month by month until it reaches zero."""

    starting_balance: Decimal
    annual_rate: Decimal
    rows: Tuple[PaymentRow, ...]

    @property
    def months(self) -> int:
        """Number of monthly payments until the balance is zero."""
        return len(self.rows)

    @property
    def total_interest(self) -> Decimal:
        return sum((row.interest for row in self.rows), Decimal(0))

    @property
    def total_paid(self) -> Decimal:
        """Everything paid: always ``starting_balance + total_interest``."""
        return sum((row.payment for row in self.rows), Decimal(0))

    def balances(self) -> List[Decimal]:
        """Balance owed at the start (index 0) and after each month, for a chart."""
        return [self.starting_balance, *(row.balance for row in self.rows)]


def amortise(
    balance: Decimal,
    annual_rate: Decimal,
    payment_for: PaymentRule,
    *,
    max_months: int = MAX_MONTHS,
    stop_if_not_shrinking: bool = True,
) -> Tuple[PaymentRow, ...]:
    """Pay ``balance`` down with ``payment_for`` until it is zero.

    With ``stop_if_not_shrinking``, a month in which the balance does not fall raises
    ``NeverPaidOffError`` at once. That is only sound for rules whose payment minus interest
    never shrinks as the balance grows (a fixed payment, a card minimum), which is why a
    loan whose final payment is forced by its term turns it off. Past ``max_months`` the
    schedule raises ``NeverPaidOffError`` too.
    """
    rows: List[PaymentRow] = []
    month = 0
    while balance > 0:
        month += 1
        if month > max_months:
            raise NeverPaidOffError(TOO_LONG)
        interest = interest_for_month(balance, annual_rate)
        owed = balance + interest
        payment = min(cents(payment_for(month, owed)), owed)
        remaining = owed - payment
        if stop_if_not_shrinking and remaining >= balance:
            raise NeverPaidOffError(
                f"A payment of {format_money(payment)} does not cover the month's interest of "
                f"{format_money(interest)}, so the balance would never be paid off. Try a larger payment."
            )
        rows.append(PaymentRow(month, payment, interest, payment - interest, remaining))
        balance = remaining
    return tuple(rows)
