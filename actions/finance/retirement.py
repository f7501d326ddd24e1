"""Retirement: compound growth of a pension pot with monthly contributions and an employer match.

Contributions are paid at the end of each month; ``annual_return`` is a nominal yearly rate
compounded monthly. The employer matches ``match_percent`` % of what the employee pays in, on
contributions up to ``match_cap_percent`` % of salary (e.g. 50 % of contributions up to 6 % of salary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import List, Tuple

from actions.finance.errors import FinanceInputError
from actions.finance.money import Number, amount, cents, percent, whole_number
from actions.finance.savings import balance_after, months_to_reach

MAX_YEARS = 100


@dataclass(frozen=True)
class RetirementYear:
    """The pot at the end of ``year``; ``contributed``, ``employer`` and ``growth`` are cumulative.

    ``balance == starting balance + contributed + employer + growth``.
    """

    year: int
    balance: Decimal
    contributed: Decimal
    employer: Decimal
    growth: Decimal


@dataclass(frozen=True)
class RetirementProjection:
    """Year-by-year projection of a pot; ``years[-1]`` is the final year."""

    starting_balance: Decimal
    monthly_contribution: Decimal
    monthly_employer: Decimal
    annual_return: Decimal
    years: Tuple[RetirementYear, ...]

    @property
    def final_balance(self) -> Decimal:
        return self.years[-1].balance

    @property
    def total_contributed(self) -> Decimal:
        return self.years[-1].contributed

    @property
    def total_employer(self) -> Decimal:
        return self.years[-1].employer

    @property
    def total_growth(self) -> Decimal:
        return self.years[-1].growth

    def balances(self) -> List[Decimal]:
        """Pot at the start (index 0) and at the end of each year, for a chart."""
        return [self.starting_balance, *(year.balance for year in self.years)]


def employer_match(
    monthly_contribution: Number, annual_salary: Number, match_percent: Number, match_cap_percent: Number
) -> Decimal:
    """The employer's monthly payment: ``match_percent`` % of the contribution, counted up to the cap.

    Example: 400 a month on a 60,000 salary with 50 % matched up to 6 % of salary: the cap is
    300 a month, so the employer pays 50 % of 300 = 150.
    """
    contribution = amount(monthly_contribution, "monthly_contribution", "monthly contribution", allow_zero=True)
    salary = amount(annual_salary, "annual_salary", "annual salary", allow_zero=True)
    match = percent(match_percent, "match_percent", "employer match")
    cap = percent(match_cap_percent, "match_cap_percent", "employer match cap")
    if match == 0 or cap == 0:
        return Decimal("0.00")
    if salary == 0:
        raise FinanceInputError("To work out the employer match I need your annual salary.", "annual_salary")
    matched = min(contribution, salary * cap / 100 / 12)
    return cents(matched * match / 100)


def project_retirement(
    starting_balance: Number,
    monthly_contribution: Number,
    annual_return: Number,
    years: Number,
    *,
    annual_salary: Number = 0,
    match_percent: Number = 0,
    match_cap_percent: Number = 0,
) -> RetirementProjection:
    """Project the pot over ``years`` whole years, with the balance at the end of each year."""
    start = amount(starting_balance, "starting_balance", "current pension balance", allow_zero=True)
    contribution = amount(monthly_contribution, "monthly_contribution", "monthly contribution", allow_zero=True)
    rate = percent(annual_return, "annual_return", "expected annual return")
    span = whole_number(years, "years", "number of years", minimum=1, maximum=MAX_YEARS)
    employer = employer_match(contribution, annual_salary, match_percent, match_cap_percent)
    yearly: List[RetirementYear] = []
    for year in range(1, span + 1):
        balance = balance_after(12 * year, contribution + employer, rate, start)
        contributed, matched = contribution * 12 * year, employer * 12 * year
        yearly.append(RetirementYear(year, balance, contributed, matched, balance - start - contributed - matched))
    return RetirementProjection(start, contribution, employer, rate, tuple(yearly))


def years_to_target(
    target: Number,
    starting_balance: Number,
    monthly_contribution: Number,
    annual_return: Number,
    *,
    annual_salary: Number = 0,
    match_percent: Number = 0,
    match_cap_percent: Number = 0,
) -> int:
    """Whole years (rounded up) until the pot reaches ``target``; 0 if it already has."""
    goal = amount(target, "target", "retirement goal")
    start = amount(starting_balance, "starting_balance", "current pension balance", allow_zero=True)
    contribution = amount(monthly_contribution, "monthly_contribution", "monthly contribution", allow_zero=True)
    rate = percent(annual_return, "annual_return", "expected annual return")
    employer = employer_match(contribution, annual_salary, match_percent, match_cap_percent)
    return math.ceil(months_to_reach(goal, contribution + employer, rate, start, field="monthly_contribution") / 12)
