"""Retirement projection with an employer match, and years to a target."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.finance.errors import FinanceInputError
from actions.finance.retirement import employer_match, project_retirement, years_to_target

SETTINGS = settings(max_examples=40, deadline=None)
CENT = Decimal("0.01")


def pot_after(start: Decimal, monthly: Decimal, annual_percent: Decimal, months: int) -> Decimal:
    """Month-by-month compounding in exact fractions, written apart from the module (which uses the closed form)."""
    balance, growth = Fraction(start), 1 + Fraction(annual_percent) / 1200
    for _ in range(months):
        balance = balance * growth + Fraction(monthly)
    return Decimal(math.floor(balance * 100 + Fraction(1, 2))) / 100


@pytest.mark.parametrize(
    "contribution, salary, match, cap, employer",
    [
        (400, 60_000, 50, 6, "150.00"),  # cap is 6 % of 5,000 = 300 a month; half of it matched
        (200, 60_000, 50, 6, "100.00"),  # under the cap: half of 200
        (300, 60_000, 100, 6, "300.00"),
        (500, 36_000, 100, 3, "90.00"),  # 3 % of 3,000
        (400, 60_000, 0, 6, "0.00"),
        (0, 60_000, 50, 6, "0.00"),
    ],
)
def test_employer_match(contribution: int, salary: int, match: int, cap: int, employer: str) -> None:
    assert employer_match(contribution, salary, match, cap) == Decimal(employer)


def test_match_needs_a_salary() -> None:
    with pytest.raises(FinanceInputError, match="annual salary") as caught:
        employer_match(400, 0, 50, 6)
    assert caught.value.field == "annual_salary"


def test_two_hundred_a_month_for_thirty_years() -> None:
    # Future value of an ordinary annuity, 200 * ((1 + r)^360 - 1) / r with r = 0.07/12.
    r = 0.07 / 12
    closed_form = 200 * ((1 + r) ** 360 - 1) / r
    projection = project_retirement(0, 200, 7, 30)
    assert projection.final_balance == Decimal(repr(closed_form)).quantize(CENT, rounding=ROUND_HALF_UP)
    assert projection.final_balance == Decimal("243994.20")
    assert projection.total_contributed == Decimal(72_000)
    assert projection.total_growth == Decimal("171994.20")


@given(
    start=st.integers(0, 200_000),
    contribution=st.integers(0, 2_000),
    rate=st.decimals("0", "12", places=1),
    years=st.integers(1, 45),
    match=st.sampled_from([0, 50, 100]),
)
@SETTINGS
def test_every_year_matches_the_monthly_loop(start: int, contribution: int, rate: Decimal, years: int,
                                             match: int) -> None:
    projection = project_retirement(start, contribution, rate, years, annual_salary=50_000, match_percent=match,
                                    match_cap_percent=5)
    monthly = Decimal(contribution) + projection.monthly_employer
    assert len(projection.years) == years
    for year in projection.years:
        assert year.balance == pot_after(Decimal(start), monthly, rate, 12 * year.year)
        # Everything in the pot came from the start, contributions, the employer or growth.
        assert year.balance == start + year.contributed + year.employer + year.growth
        assert year.growth >= 0
    assert projection.balances()[0] == start
    assert projection.balances() == sorted(projection.balances())


@pytest.mark.parametrize(
    "target, start, contribution, rate, years",
    [
        (100_000, 0, 500, 0, 17),  # 200 months -> 16.7 years
        (100_000, 100_000, 0, 5, 0),
        (1_000_000, 10_000, 500, 7, 35),
    ],
)
def test_years_to_target(target: int, start: int, contribution: int, rate: int, years: int) -> None:
    assert years_to_target(target, start, contribution, rate) == years
    if years:
        # Independently: the loop reaches the target within those years, not a year earlier.
        assert pot_after(Decimal(start), Decimal(contribution), Decimal(rate), 12 * years) >= target
        assert pot_after(Decimal(start), Decimal(contribution), Decimal(rate), 12 * (years - 1)) < target


def test_the_match_brings_the_target_closer() -> None:
    alone = years_to_target(500_000, 0, 300, 6)
    matched = years_to_target(500_000, 0, 300, 6, annual_salary=60_000, match_percent=100, match_cap_percent=6)
    assert matched < alone


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: project_retirement(0, 200, 7, 0), "years"),
        (lambda: project_retirement(0, 200, 7, 101), "years"),
        (lambda: project_retirement(0, 200, -3, 10), "annual_return"),
        (lambda: project_retirement(-1, 200, 7, 10), "starting_balance"),
        (lambda: years_to_target(100_000, 0, 0, 5), "monthly_contribution"),
    ],
)
def test_impossible_input_is_rejected(call: Callable[[], object], field: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        call()
    assert caught.value.field == field
