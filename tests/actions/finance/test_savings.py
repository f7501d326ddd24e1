"""Saving for a goal: months at a given deposit (nper) and the deposit for a deadline (pmt)."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable, List

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from actions.finance.errors import FinanceInputError
from actions.finance.savings import deposit_for_goal, months_to_goal, months_until

SETTINGS = settings(max_examples=60, deadline=None)
CENT = Decimal("0.01")


def grow(start: Decimal, deposit: Decimal, annual_percent: Decimal, months: int) -> List[Decimal]:
    """Month-by-month balance in exact fractions, written apart from the module: interest, then the deposit."""
    balances, balance = [start], Fraction(start)
    growth = 1 + Fraction(annual_percent) / 1200
    for _ in range(months):
        balance = balance * growth + Fraction(deposit)
        balances.append(to_cents(balance))
    return balances


def to_cents(value: Fraction) -> Decimal:
    """Round an exact fraction to the cent, half up (no Decimal precision in the way)."""
    hundredths = value * 100
    whole = math.floor(hundredths + Fraction(1, 2))
    return Decimal(whole) / 100


@pytest.mark.parametrize(
    "target, deposit, rate, start, months",
    [
        (1200, 100, 0, 0, 12),  # 12 x 100 exactly
        (1201, 100, 0, 0, 13),
        (5000, 250, 0, 1000, 16),  # (5000 - 1000) / 250
        (1000, 100, 0, 1000, 0),  # already there
    ],
)
def test_months_without_interest_are_plain_division(target: int, deposit: int, rate: int, start: int,
                                                     months: int) -> None:
    assert months_to_goal(target, deposit, annual_rate=rate, starting_balance=start).months == months


def test_interest_shortens_the_wait() -> None:
    # 10,000 at 200 a month: 50 months with no interest. At 5 % the future value of an annuity,
    # 200 * ((1 + r)^n - 1) / r with r = 0.05/12, first passes 10,000 at n = 46.
    r = 0.05 / 12

    def annuity(n: int) -> float:
        return 200 * ((1 + r) ** n - 1) / r

    plan = months_to_goal(10_000, 200, annual_rate=5)
    assert annuity(45) < 10_000 <= annuity(46)
    assert plan.months == 46
    assert plan.final_balance == Decimal(repr(annuity(46))).quantize(CENT, rounding=ROUND_HALF_UP)
    assert plan.interest_earned == plan.final_balance - 46 * 200
    assert months_to_goal(10_000, 200).months == 50


@given(
    target=st.integers(500, 200_000),
    deposit=st.integers(10, 5_000),
    rate=st.decimals("0", "12", places=2),
    start=st.integers(0, 20_000),
)
@SETTINGS
def test_months_to_goal_is_the_first_month_the_loop_reaches_the_target(target: int, deposit: int, rate: Decimal,
                                                                         start: int) -> None:
    assume(target / deposit < 1000)
    plan = months_to_goal(target, deposit, annual_rate=rate, starting_balance=start)
    balances = grow(Decimal(start), Decimal(deposit), rate, plan.months)
    assert balances[-1] >= target
    assert plan.months == 0 or balances[-2] < target
    assert plan.balances() == balances


@given(
    target=st.integers(500, 200_000),
    months=st.integers(1, 480),
    rate=st.decimals("0", "12", places=2),
    start=st.integers(0, 20_000),
)
@SETTINGS
def test_deposit_for_goal_is_the_smallest_deposit_in_cents(target: int, months: int, rate: Decimal,
                                                            start: int) -> None:
    plan = deposit_for_goal(target, months, annual_rate=rate, starting_balance=start)
    assert grow(Decimal(start), plan.monthly_deposit, rate, months)[-1] >= target
    if plan.monthly_deposit > 0:
        # One cent less a month misses the goal (up to a cent of rounding in the final balance).
        assert grow(Decimal(start), plan.monthly_deposit - CENT, rate, months)[-1] < target + CENT
    assert plan.months == months


@pytest.mark.parametrize(
    "target, months, rate, start, deposit",
    [
        (1200, 12, 0, 0, "100.00"),
        (1000, 12, 0, 0, "83.34"),  # 83.33 x 12 = 999.96 would fall short
        (1000, 12, 0, 1000, "0.00"),
        (1000, 12, 5, 960, "0.00"),  # 960 grows to 1,009.11 on its own
    ],
)
def test_deposit_for_goal_table(target: int, months: int, rate: int, start: int, deposit: str) -> None:
    assert deposit_for_goal(target, months, annual_rate=rate, starting_balance=start).monthly_deposit == Decimal(
        deposit
    )


def test_deposit_for_goal_matches_the_sinking_fund_formula() -> None:
    # Deposit d with d * ((1+r)^n - 1) / r + S (1+r)^n = T, r = 0.05/12, n = 36, S = 1,000, T = 10,000.
    r, n = 0.05 / 12, 36
    exact = (10_000 - 1_000 * (1 + r) ** n) * r / ((1 + r) ** n - 1)
    plan = deposit_for_goal(10_000, 36, annual_rate=5, starting_balance=1_000)
    assert plan.monthly_deposit == Decimal(repr(exact)).quantize(CENT, rounding="ROUND_CEILING") == Decimal("228.08")


@pytest.mark.parametrize(
    "today, target, months",
    [
        (date(2024, 1, 15), date(2024, 7, 15), 6),
        (date(2024, 1, 15), date(2024, 7, 14), 5),
        (date(2024, 11, 1), date(2026, 2, 1), 15),
        (date(2024, 1, 1), date(2024, 2, 1), 1),
    ],
)
def test_months_until(today: date, target: date, months: int) -> None:
    assert months_until(target, today) == months


def test_months_until_needs_a_whole_month() -> None:
    with pytest.raises(FinanceInputError, match="at least a month from now"):
        months_until(date(2024, 2, 29), date(2024, 1, 31))


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: months_to_goal(1000, 0), "monthly_deposit"),  # no deposit, no interest: never
        (lambda: months_to_goal(1000, 0, annual_rate=5), "monthly_deposit"),  # nothing to earn interest on
        (lambda: months_to_goal(1_000_000, 1), "monthly_deposit"),  # a million months
        (lambda: months_to_goal(0, 100), "target"),
        (lambda: months_to_goal(1000, -100), "monthly_deposit"),
        (lambda: months_to_goal(1000, 100, annual_rate=101), "annual_rate"),
        (lambda: deposit_for_goal(1000, 0), "months"),
        (lambda: months_until(date(2020, 1, 1), date(2024, 1, 1)), "target_date"),
    ],
)
def test_impossible_goals_are_rejected(call: Callable[[], object], field: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        call()
    assert caught.value.field == field
    assert str(caught.value).endswith((".", "?"))


def test_a_hundred_years_is_the_limit() -> None:
    assert months_to_goal(1200, 1).months == 1200
    with pytest.raises(FinanceInputError, match="more than 100 years"):
        months_to_goal(1201, 1)
