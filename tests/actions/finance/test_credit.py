"""Credit cards: interest, payoff at a fixed or minimum payment, utilization."""

from __future__ import annotations

import itertools
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Tuple

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from actions.finance.credit import (
    minimum_payment,
    monthly_interest,
    payoff_with_fixed_payment,
    payoff_with_minimum_payment,
    utilization,
)
from actions.finance.errors import FinanceInputError, NeverPaidOffError

SETTINGS = settings(max_examples=60, deadline=None)
CENT = Decimal("0.01")


def simulate(balance: Decimal, apr: Decimal, pay: Callable[[Decimal], Decimal]) -> Tuple[int, Decimal]:
    """A plain loop written apart from the module: (months, total interest)."""
    months, interest_total = 0, Decimal(0)
    while balance > 0:
        months += 1
        interest = (balance * apr / 1200).quantize(CENT, rounding=ROUND_HALF_UP)
        interest_total += interest
        balance = max(Decimal(0), balance + interest - pay(balance + interest))
    return months, interest_total


@pytest.mark.parametrize(
    "balance, apr, interest",
    [(1000, 18, "15.00"), (2500, 19.9, "41.46"), (0, 24, "0.00"), (1234.56, 0, "0.00"), (999.99, 29.99, "24.99")],
)
def test_monthly_interest(balance: float, apr: float, interest: str) -> None:
    # APR / 12 on the balance: 1,000 at 18 % is 1.5 % a month.
    assert monthly_interest(balance, apr) == Decimal(interest)


def test_fixed_payment_months_match_the_published_example() -> None:
    # calculatorlib.com "Credit Card Fixed Payment Payoff Calculator" worked example: 5,000 at 18 %
    # paying 150 a month takes n = -ln(1 - 0.015*5000/150) / ln(1.015) = 46.6 -> 47 months.
    payoff = payoff_with_fixed_payment(5000, 18, 150)
    assert payoff.months == len(payoff.rows) == 47
    # All payments but the last are 150; the interest is what was paid beyond the 5,000.
    assert all(row.payment == Decimal(150) for row in payoff.rows[:-1])
    assert payoff.total_interest == payoff.total_paid - Decimal(5000)
    assert Decimal("1950") < payoff.total_interest < Decimal(150 * 47 - 5000)


@given(
    balance=st.integers(100, 50_000),
    apr=st.decimals("0", "36", places=2),
    spare=st.integers(1, 2_000),
)
@example(balance=489, apr=Decimal("0.01"), spare=1)  # the interest rounds to nothing every month
@SETTINGS
def test_fixed_payment_agrees_with_a_plain_loop_and_the_log_formula(balance: int, apr: Decimal, spare: int) -> None:
    first_interest = (Decimal(balance) * apr / 1200).quantize(CENT, rounding=ROUND_HALF_UP)
    payment = first_interest + spare  # always more than the interest
    r = float(apr) / 1200

    def closed_form(paid: float) -> float:
        return -math.log(1 - r * balance / paid) / math.log(1 + r) if r else balance / paid

    assume(closed_form(float(payment)) < 1150)  # longer plans are refused (see the 100-year test)
    payoff = payoff_with_fixed_payment(balance, apr, payment)
    assert (payoff.months, payoff.total_interest) == simulate(Decimal(balance), apr, lambda _owed: payment)
    assert payoff.total_paid == Decimal(balance) + payoff.total_interest
    balances = payoff.balances()
    assert all(later < earlier for earlier, later in itertools.pairwise(balances))
    # Each month's interest is rounded to the cent: half a cent more or less of every payment goes to the
    # principal than the formula says (at 0.01 % a year on 489, the interest rounds to nothing every month).
    fewest, most = closed_form(float(payment) + 0.005), closed_form(float(payment) - 0.005)
    assert math.ceil(fewest) - 1 <= payoff.months <= math.ceil(most) + 1


def test_a_plan_longer_than_100_years_is_refused() -> None:
    # 100,000 at 6 % is 500 interest a month: 501 covers it, but n = ln(501) / ln(1.005) = 1,246 months.
    assert math.log(501) / math.log(1.005) > 1200
    with pytest.raises(NeverPaidOffError, match="more than 100 years"):
        payoff_with_fixed_payment(100_000, 6, 501)
    assert payoff_with_fixed_payment(100_000, 6, 520).months < 1200


@pytest.mark.parametrize(
    "balance, percent, floor, expected",
    [(5000, 2, 25, "100.00"), (500, 2, 25, "25.00"), (10, 2, 25, "10.00"), (3000, 3, 35, "90.00"), (0, 2, 25, "0.00")],
)
def test_minimum_payment_rule(balance: int, percent: int, floor: int, expected: str) -> None:
    assert minimum_payment(balance, minimum_percent=percent, minimum_floor=floor) == Decimal(expected)


def test_minimum_payment_payoff_is_the_minimum_rule_month_by_month() -> None:
    payoff = payoff_with_minimum_payment(5000, 18, minimum_percent=2, minimum_floor=25)
    def two_percent_or_25(owed: Decimal) -> Decimal:
        return max((owed * 2 / 100).quantize(CENT, rounding=ROUND_HALF_UP), Decimal(25))

    expected = simulate(Decimal(5000), Decimal(18), two_percent_or_25)
    assert (payoff.months, payoff.total_interest) == expected
    # Month 1: interest 75.00 on 5,000; minimum 2 % of 5,075 = 101.50.
    assert (payoff.rows[0].interest, payoff.rows[0].payment) == (Decimal("75.00"), Decimal("101.50"))
    # Paying only the minimum takes far longer and costs far more than a fixed 150.
    fixed = payoff_with_fixed_payment(5000, 18, 150)
    assert payoff.months > 4 * fixed.months and payoff.total_interest > 4 * fixed.total_interest


@pytest.mark.parametrize("payment", [75, 50, 10])
def test_fixed_payment_that_does_not_cover_the_interest_never_pays_off(payment: int) -> None:
    with pytest.raises(NeverPaidOffError, match=r"does not cover the month's interest of 75\.00"):
        payoff_with_fixed_payment(5000, 18, payment)


def test_minimum_below_the_interest_never_pays_off() -> None:
    # 1 % of the balance against 2 % interest a month, and a floor that is smaller than the interest.
    with pytest.raises(NeverPaidOffError):
        payoff_with_minimum_payment(10_000, 24, minimum_percent=1, minimum_floor=25)


def test_floor_rescues_a_low_percentage_on_a_small_balance() -> None:
    # Same 1 % rule, but on 500 the 25 floor beats the 10.00 interest, so it is paid off. 1 % of
    # at most 510 is under 25, so every payment is the floor: n = -ln(1 - 0.02*500/25) / ln(1.02) = 25.8.
    payoff = payoff_with_minimum_payment(500, 24, minimum_percent=1, minimum_floor=25)
    assert payoff.months == math.ceil(-math.log(1 - 0.02 * 500 / 25) / math.log(1.02)) == 26


@pytest.mark.parametrize(
    "balance, limit, percent", [(300, 1000, "30.0"), (0, 5000, "0.0"), (1234, 5000, "24.7"), (5500, 5000, "110.0")]
)
def test_utilization(balance: int, limit: int, percent: str) -> None:
    assert utilization(balance, limit) == Decimal(percent)


def test_utilization_needs_a_limit() -> None:
    with pytest.raises(FinanceInputError, match="credit limit must be more than zero"):
        utilization(100, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: payoff_with_fixed_payment(0, 18, 100),
        lambda: payoff_with_fixed_payment(1000, -1, 100),
        lambda: payoff_with_fixed_payment(1000, 18, 0),
        lambda: payoff_with_minimum_payment(1000, 18, minimum_percent=101),
        lambda: monthly_interest(-5, 18),
    ],
)
def test_impossible_input_is_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(FinanceInputError):
        call()
