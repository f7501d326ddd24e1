"""Saving for a goal: how long at a given monthly deposit, or how much a month to get there in time.

Deposits are made at the end of each month; ``annual_rate`` is a nominal yearly rate compounded
monthly (APR/12 a month), and a starting balance earns interest too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import List

import numpy as np
import numpy_financial as npf

from actions.finance.errors import FinanceInputError
from actions.finance.money import MAX_MONTHS, Number, amount, cents, cents_up, monthly_rate, percent, whole_months

_SNAP = Decimal("1e-12")


@dataclass(frozen=True)
class SavingsPlan:
    """A savings plan: ``monthly_deposit`` for ``months`` months grows to ``final_balance`` (at least ``target``)."""

    target: Decimal
    starting_balance: Decimal
    monthly_deposit: Decimal
    annual_rate: Decimal
    months: int
    final_balance: Decimal

    @property
    def total_deposited(self) -> Decimal:
        return self.monthly_deposit * self.months

    @property
    def interest_earned(self) -> Decimal:
        return self.final_balance - self.starting_balance - self.total_deposited

    def balances(self) -> List[Decimal]:
        """Balance at the start (index 0) and at the end of each month, for a chart."""
        return [
            balance_after(month, self.monthly_deposit, self.annual_rate, self.starting_balance)
            for month in range(self.months + 1)
        ]


def balance_after(months: int, monthly_deposit: Decimal, annual_rate: Decimal, starting_balance: Decimal) -> Decimal:
    """Balance, to the cent, after ``months`` end-of-month deposits with monthly compounding."""
    if annual_rate == 0:
        # numpy-financial divides by the rate in Decimal arithmetic, so no interest is the plain sum.
        return cents(starting_balance + monthly_deposit * months)
    future = Decimal(npf.fv(monthly_rate(annual_rate), months, -monthly_deposit, -starting_balance))
    # The closed form carries ~1e-20 of Decimal noise; snap it first so that an exact half cent
    # (140.075 computed as 140.07499...) rounds up as the month-by-month balance does.
    return cents(future.quantize(_SNAP))


def months_to_reach(
    target: Decimal,
    monthly_deposit: Decimal,
    annual_rate: Decimal,
    starting_balance: Decimal,
    *,
    field: str = "monthly_deposit",
) -> int:
    """Smallest whole number of months after which the balance is at least ``target`` (0 if it already is).

    Takes validated ``Decimal`` values; raises ``FinanceInputError`` when the goal is never
    reached or would take more than 100 years.
    """
    if starting_balance >= target:
        return 0
    if monthly_deposit == 0 and (annual_rate == 0 or starting_balance == 0):
        raise FinanceInputError(
            "With nothing paid in each month and no interest earned the balance never grows. "
            "How much could you put aside each month?",
            field,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        # nper evaluates its zero-rate branch too and would warn about a division it then discards.
        estimate = float(
            npf.nper(float(monthly_rate(annual_rate)), -float(monthly_deposit), -float(starting_balance), float(target))
        )
    too_long = FinanceInputError(
        "At that rate it would take more than 100 years to reach the goal. Try a larger monthly amount.", field
    )
    if not math.isfinite(estimate) or estimate > MAX_MONTHS + 1:
        raise too_long

    def reached(month: int) -> bool:
        return balance_after(month, monthly_deposit, annual_rate, starting_balance) >= target

    # nper is a float: settle the boundary month exactly on the cent-rounded balance.
    months = max(1, math.ceil(estimate - 1e-9))
    while months > 1 and reached(months - 1):
        months -= 1
    while not reached(months):
        months += 1
    if months > MAX_MONTHS:
        raise too_long
    return months


def months_to_goal(
    target: Number, monthly_deposit: Number, *, annual_rate: Number = 0, starting_balance: Number = 0
) -> SavingsPlan:
    """How many months of ``monthly_deposit`` it takes to reach ``target``; ``plan.months`` is 0 if already there."""
    goal = amount(target, "target", "savings goal")
    deposit = amount(monthly_deposit, "monthly_deposit", "monthly deposit", allow_zero=True)
    rate = percent(annual_rate, "annual_rate", "interest rate")
    start = amount(starting_balance, "starting_balance", "starting balance", allow_zero=True)
    months = months_to_reach(goal, deposit, rate, start)
    return SavingsPlan(goal, start, deposit, rate, months, balance_after(months, deposit, rate, start))


def deposit_for_goal(
    target: Number, months: Number, *, annual_rate: Number = 0, starting_balance: Number = 0
) -> SavingsPlan:
    """The monthly deposit, rounded up to the cent, that reaches ``target`` in ``months``; 0 if the start suffices."""
    goal = amount(target, "target", "savings goal")
    term = whole_months(months, "months")
    rate = percent(annual_rate, "annual_rate", "interest rate")
    start = amount(starting_balance, "starting_balance", "starting balance", allow_zero=True)
    if balance_after(term, Decimal(0), rate, start) >= goal:
        deposit = Decimal("0.00")
    else:
        # Rounded up, not half up: a deposit a fraction of a cent short would miss the goal.
        deposit = cents_up(Decimal(-npf.pmt(monthly_rate(rate), term, -start, goal)))
    return SavingsPlan(goal, start, deposit, rate, term, balance_after(term, deposit, rate, start))


def months_until(target_date: date, today: date) -> int:
    """Whole months from ``today`` to ``target_date`` (15 Jan -> 15 Jul is 6, -> 14 Jul is 5); at least 1.

    ``today`` is the caller's (its clock's): a calculation never reads the calendar itself."""
    months = (target_date.year - today.year) * 12 + target_date.month - today.month
    if target_date.day < today.day:
        months -= 1
    if months < 1:
        raise FinanceInputError("The target date must be at least a month from now.", "target_date")
    if months > MAX_MONTHS:
        raise FinanceInputError("The target date must be within 100 years.", "target_date")
    return months
