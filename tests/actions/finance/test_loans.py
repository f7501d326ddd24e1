"""Loan payments, amortisation schedules and the effect of paying extra."""

from __future__ import annotations

import itertools
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.finance.errors import FinanceInputError
from actions.finance.loans import amortisation_schedule, extra_payment_effect, monthly_payment

SETTINGS = settings(max_examples=60, deadline=None)


def exact_payment(principal: float, annual_percent: float, months: int) -> float:
    """The textbook closed form P*r / (1 - (1+r)^-n), in plain floats: independent of numpy-financial."""
    if annual_percent == 0:
        return principal / months
    r = annual_percent / 1200
    return principal * r / (1 - (1 + r) ** -months)


def annuity_payment(principal: float, annual_percent: float, months: int) -> Decimal:
    return Decimal(repr(exact_payment(principal, annual_percent, months))).quantize(Decimal("0.01"),
                                                                                   rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    "principal, rate, months, expected",
    [
        # mathondemand.com, "Monthly loan payment on a 200,000 loan for 30 years with a 6 % interest rate"
        (200_000, 6, 360, "1199.10"),
        # mathondemand.com, same loan over 15 years
        (200_000, 6, 180, "1687.71"),
        # numpy.pmt docs example: 200,000 over 15 years at 7.5 % needs 1,854.02 a month
        (200_000, 7.5, 180, "1854.02"),
        # super-calc.com credit card payoff examples: 5,000 at 22.99 % in 24 months; 8,500 at 24.99 % in 12
        (5_000, 22.99, 24, "261.84"),
        (8_500, 24.99, 12, "807.83"),
        # no interest: the principal spread evenly
        (1_000, 0, 7, "142.86"),
        (12_000, 0, 12, "1000.00"),
    ],
)
def test_monthly_payment_matches_published_figures(principal: int, rate: float, months: int, expected: str) -> None:
    assert monthly_payment(principal, rate, months) == Decimal(expected)


@given(
    principal=st.integers(1_000, 2_000_000),
    rate=st.decimals("0", "25", places=2),
    months=st.integers(6, 480),
)
@SETTINGS
def test_monthly_payment_equals_the_closed_form(principal: int, rate: Decimal, months: int) -> None:
    assert monthly_payment(principal, rate, months) == annuity_payment(principal, float(rate), months)


def test_first_rows_of_the_standard_schedule() -> None:
    # answerprime.com "200,000 mortgage monthly payment" table: month 1 pays 1,000.00 interest and
    # 199.10 principal leaving 199,800.90; month 2 pays 999.00 and 200.10 leaving 199,600.80.
    rows = amortisation_schedule(200_000, 6, 360).rows
    assert (rows[0].interest, rows[0].principal, rows[0].balance) == (Decimal("1000.00"), Decimal("199.10"),
                                                                      Decimal("199800.90"))
    assert (rows[1].interest, rows[1].principal, rows[1].balance) == (Decimal("999.00"), Decimal("200.10"),
                                                                      Decimal("199600.80"))


def test_standard_schedule_totals() -> None:
    schedule = amortisation_schedule(200_000, 6, 360)
    assert schedule.months == 360
    # mathondemand.com: 1,199.10 x 360 - 200,000 = 231,676 of interest; monthly rounding moves it by cents.
    assert abs(schedule.total_interest - Decimal("231676.00")) < Decimal("2.00")
    assert schedule.rows[-1].balance == Decimal("0.00")
    assert schedule.balances()[0] == Decimal("200000.00")


def test_schedule_is_the_month_by_month_loop() -> None:
    # Recompute the whole schedule by hand: interest on the balance at 0.5 %, rounded, then the payment.
    schedule = amortisation_schedule(10_000, 6, 12)
    balance = Decimal("10000.00")
    for row in schedule.rows:
        interest = (balance * Decimal("0.005")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        payment = balance + interest if row.month == 12 else annuity_payment(10_000, 6, 12)
        balance = balance + interest - payment
        assert (row.interest, row.payment, row.balance) == (interest, payment, balance)
    assert balance == 0


@given(
    principal=st.integers(1_000, 1_000_000),
    rate=st.decimals("0", "30", places=2),
    months=st.integers(12, 480),
    extra=st.sampled_from([0, 0, 25, 100, 1000]),
)
@SETTINGS
def test_schedule_invariants(principal: int, rate: Decimal, months: int, extra: int) -> None:
    schedule = amortisation_schedule(principal, rate, months, extra_payment=extra)
    # Every cent paid is principal or interest.
    assert schedule.total_paid == Decimal(principal) + schedule.total_interest
    assert sum(row.principal for row in schedule.rows) == Decimal(principal)
    balances = schedule.balances()
    assert balances[-1] == 0
    first_interest = (Decimal(principal) * rate / 1200).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if schedule.monthly_payment + extra > first_interest:
        # Once the payment exceeds the interest, the balance falls every month.
        assert all(later < earlier for earlier, later in itertools.pairwise(balances))
    else:
        # A long, dear loan whose payment rounds down to the interest: the final month is a balloon.
        assert schedule.rows[-1].payment > schedule.monthly_payment
    assert schedule.months <= months
    if extra == 0 and schedule.monthly_payment <= exact_payment(principal, float(rate), months):
        # Rounded down (or exact), the payment leaves a remainder that the final month settles: the term holds.
        # Rounded up, the overpaid fractions of a cent compound and can clear a long, dear loan a little early.
        assert schedule.months == months


@pytest.mark.parametrize("extra", [50, 100, 500])
def test_extra_payment_saves_time_and_interest(extra: int) -> None:
    effect = extra_payment_effect(200_000, 6, 360, extra)
    assert effect.months_saved > 0
    assert effect.interest_saved > 0
    assert effect.with_extra.total_paid == Decimal(200_000) + effect.with_extra.total_interest
    assert effect.months_saved == effect.standard.months - effect.with_extra.months


def test_extra_payment_months_match_the_payoff_formula() -> None:
    # 200,000 at 6 % paying 1,199.10 + 100: n = -ln(1 - rP/A) / ln(1 + r) = 294.6 -> 295 payments.
    r, payment = 0.005, 1299.10
    expected = math.ceil(-math.log(1 - r * 200_000 / payment) / math.log(1 + r))
    assert extra_payment_effect(200_000, 6, 360, 100).with_extra.months == expected == 295


def test_bigger_extra_payment_saves_more() -> None:
    savings = [extra_payment_effect(150_000, 5, 300, extra).interest_saved for extra in (50, 100, 200, 400)]
    assert savings == sorted(savings) and len(set(savings)) == 4


@pytest.mark.parametrize(
    "args, field, message",
    [
        ((0, 5, 360), "principal", "The loan amount must be more than zero."),
        ((-100, 5, 360), "principal", "The loan amount cannot be negative."),
        ((100_000, 120, 360), "annual_rate", "The interest rate must be between 0 and 100 %."),
        ((100_000, 5, 0), "months", "The loan term in months must be at least 1."),
        ((100_000, 5, 12.5), "months", "The loan term in months must be a whole number."),
        ((0.01, 0, 1200), "principal", "That loan is too small to spread over so many months."),
    ],
)
def test_impossible_loans_are_rejected(args: tuple, field: str, message: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        monthly_payment(*args)
    assert (caught.value.field, str(caught.value)) == (field, message)


def test_extra_payment_must_be_positive() -> None:
    with pytest.raises(FinanceInputError, match="extra monthly payment must be more than zero"):
        extra_payment_effect(100_000, 5, 360, 0)
    with pytest.raises(FinanceInputError, match="extra monthly payment cannot be negative"):
        amortisation_schedule(100_000, 5, 360, extra_payment=-10)
