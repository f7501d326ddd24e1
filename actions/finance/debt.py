"""Paying off several debts from one monthly budget: the avalanche and the snowball.

Every month each debt earns interest at APR/12 (rounded to the cent), every debt gets its
minimum payment, and whatever is left of the budget goes to the debt first in line:

- avalanche: highest APR first (ties: smaller balance first). It pays the least interest.
- snowball: smallest starting balance first (ties: higher APR first). Debts disappear sooner,
  which keeps many people going.

A debt cleared frees its minimum for the next in line, because the budget stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Dict, List, Mapping, Sequence, Tuple, Union, cast

from actions.finance.errors import FinanceInputError, NeverPaidOffError
from actions.finance.money import MAX_MONTHS, Number, amount, format_money, interest_for_month, percent


class Strategy(str, Enum):
    AVALANCHE = "avalanche"
    SNOWBALL = "snowball"


@dataclass(frozen=True)
class Debt:
    """One debt. Construction validates and rounds to the cent; ``Debt.create`` takes numbers of any kind."""

    name: str
    balance: Decimal
    apr: Decimal
    minimum_payment: Decimal

    def __post_init__(self) -> None:
        label = self.name.strip() if isinstance(self.name, str) else ""
        if not label:
            raise FinanceInputError("Each debt needs a name, like credit card or car loan.", "name")
        # A frozen dataclass: normalise in place once, so every Debt in a plan is valid and in cents.
        object.__setattr__(self, "name", label)
        object.__setattr__(self, "balance", amount(self.balance, "balance", f"balance of {label}"))
        object.__setattr__(self, "apr", percent(self.apr, "apr", f"interest rate on {label}"))
        object.__setattr__(
            self,
            "minimum_payment",
            amount(self.minimum_payment, "minimum_payment", f"minimum payment on {label}", allow_zero=True),
        )

    @classmethod
    def create(cls, name: str, balance: Number, apr: Number, minimum_payment: Number) -> Debt:
        """A debt from user-supplied numbers: a positive balance, an APR from 0 to 100 % and a minimum >= 0."""
        # __post_init__ converts the numbers; the casts only tell mypy what the fields hold afterwards.
        return cls(name, cast(Decimal, balance), cast(Decimal, apr), cast(Decimal, minimum_payment))


@dataclass(frozen=True)
class PayoffMonth:
    """One month of a payoff plan, keyed by debt name; a cleared debt shows 0 everywhere."""

    month: int
    payments: Mapping[str, Decimal]
    interest: Mapping[str, Decimal]
    balances: Mapping[str, Decimal]

    @property
    def total_payment(self) -> Decimal:
        return sum(self.payments.values(), Decimal(0))

    @property
    def total_interest(self) -> Decimal:
        return sum(self.interest.values(), Decimal(0))

    @property
    def total_balance(self) -> Decimal:
        return sum(self.balances.values(), Decimal(0))


@dataclass(frozen=True)
class PayoffPlan:
    """A month-by-month plan to clear ``debts`` with ``monthly_budget`` a month."""

    strategy: Strategy
    monthly_budget: Decimal
    debts: Tuple[Debt, ...]
    schedule: Tuple[PayoffMonth, ...]
    payoff_order: Tuple[str, ...]
    cleared_in_month: Mapping[str, int]

    @property
    def months_to_debt_free(self) -> int:
        return len(self.schedule)

    @property
    def total_interest(self) -> Decimal:
        return sum((month.total_interest for month in self.schedule), Decimal(0))

    @property
    def total_paid(self) -> Decimal:
        """Everything paid: always the starting balances plus ``total_interest``."""
        return sum((month.total_payment for month in self.schedule), Decimal(0))

    def balance_series(self) -> Dict[str, List[Decimal]]:
        """Per debt, the balance at the start (index 0) and after each month: one line per debt on a chart."""
        return {
            debt.name: [debt.balance, *(month.balances[debt.name] for month in self.schedule)] for debt in self.debts
        }

    def total_balance_series(self) -> List[Decimal]:
        """All debts together at the start (index 0) and after each month."""
        return [sum((debt.balance for debt in self.debts), Decimal(0)), *(m.total_balance for m in self.schedule)]


@dataclass(frozen=True)
class StrategyComparison:
    """Avalanche and snowball plans for the same debts and budget."""

    avalanche: PayoffPlan
    snowball: PayoffPlan

    @property
    def interest_saved_by_avalanche(self) -> Decimal:
        return self.snowball.total_interest - self.avalanche.total_interest

    @property
    def months_saved_by_avalanche(self) -> int:
        return self.snowball.months_to_debt_free - self.avalanche.months_to_debt_free


def payoff_order(debts: Sequence[Debt], strategy: Strategy) -> Tuple[Debt, ...]:
    """The order in which ``strategy`` sends the money left after minimums (stable for full ties)."""
    if strategy is Strategy.AVALANCHE:
        return tuple(sorted(debts, key=lambda debt: (-debt.apr, debt.balance)))
    return tuple(sorted(debts, key=lambda debt: (debt.balance, -debt.apr)))


def payoff_plan(debts: Sequence[Debt], monthly_budget: Number, strategy: Union[Strategy, str]) -> PayoffPlan:
    """Simulate paying off ``debts`` with ``monthly_budget`` a month in ``strategy`` order.

    Raises ``FinanceInputError`` when there are no debts, two share a name, or the budget is
    below the minimum payments; ``NeverPaidOffError`` when the interest outgrows the payments
    (no debt shrinks in a month) or the plan would take more than 100 years.
    """
    chosen = _strategy(strategy)
    budget = amount(monthly_budget, "monthly_budget", "monthly budget for debt payments")
    debts = tuple(debts)
    _check_debts(debts, budget)
    order = payoff_order(debts, chosen)
    balances = {debt.name: debt.balance for debt in debts}
    schedule: List[PayoffMonth] = []
    cleared: Dict[str, int] = {}
    while any(balances.values()):
        month = len(schedule) + 1
        if month > MAX_MONTHS:
            raise NeverPaidOffError(
                f"At {format_money(budget)} a month these debts would take more than 100 years to pay off. "
                "Try a larger monthly budget.",
                "monthly_budget",
            )
        interest = {d.name: interest_for_month(balances[d.name], d.apr) for d in debts}
        owed = {name: balances[name] + interest[name] for name in balances}
        payments = {d.name: min(d.minimum_payment, owed[d.name]) for d in debts}
        left = budget - sum(payments.values())
        for debt in order:
            extra = min(left, owed[debt.name] - payments[debt.name])
            payments[debt.name] += extra
            left -= extra
        after = {name: owed[name] - payments[name] for name in owed}
        if all(after[name] >= balances[name] for name in balances if balances[name] > 0):
            # Every open debt grew or stood still: next month the same payments meet more interest, forever.
            raise NeverPaidOffError(
                f"At {format_money(budget)} a month, paying in {chosen.value} order, the interest "
                f"({format_money(sum(interest.values(), Decimal(0)))} this month) grows faster than the debts "
                "are paid down, so they would never be paid off. Try a larger monthly budget.",
                "monthly_budget",
            )
        for debt in order:
            if balances[debt.name] > 0 and after[debt.name] == 0:
                cleared[debt.name] = month
        schedule.append(PayoffMonth(month, payments, interest, after))
        balances = after
    return PayoffPlan(
        strategy=chosen,
        monthly_budget=budget,
        debts=debts,
        schedule=tuple(schedule),
        payoff_order=tuple(sorted(cleared, key=lambda name: cleared[name])),
        cleared_in_month=cleared,
    )


def avalanche(debts: Sequence[Debt], monthly_budget: Number) -> PayoffPlan:
    """Highest APR first: see ``payoff_plan``."""
    return payoff_plan(debts, monthly_budget, Strategy.AVALANCHE)


def snowball(debts: Sequence[Debt], monthly_budget: Number) -> PayoffPlan:
    """Smallest balance first: see ``payoff_plan``."""
    return payoff_plan(debts, monthly_budget, Strategy.SNOWBALL)


def compare_strategies(debts: Sequence[Debt], monthly_budget: Number) -> StrategyComparison:
    """Both plans for the same debts and budget (raises as ``payoff_plan`` does if either never ends)."""
    return StrategyComparison(avalanche(debts, monthly_budget), snowball(debts, monthly_budget))


def _strategy(value: Union[Strategy, str]) -> Strategy:
    try:
        return Strategy(value.lower() if isinstance(value, str) else value)
    except ValueError:
        raise FinanceInputError("The strategy must be avalanche or snowball.", "strategy") from None


def _check_debts(debts: Tuple[Debt, ...], budget: Decimal) -> None:
    if not debts:
        raise FinanceInputError("Tell me about at least one debt: its balance, interest rate and minimum payment.",
                                "debts")
    names = [debt.name.casefold() for debt in debts]
    if len(set(names)) != len(names):
        raise FinanceInputError("Each debt needs a different name.", "debts")
    # Month one asks the most in minimums: a debt smaller than its minimum is cleared at once.
    first_month = sum(
        (min(d.minimum_payment, d.balance + interest_for_month(d.balance, d.apr)) for d in debts), Decimal(0)
    )
    if budget < first_month:
        raise FinanceInputError(
            f"Your monthly budget of {format_money(budget)} is less than your minimum payments, "
            f"which add up to {format_money(first_month)}.",
            "monthly_budget",
        )
