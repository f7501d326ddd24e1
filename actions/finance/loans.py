"""Loans and mortgages: the fixed monthly payment, the amortisation schedule, and what an extra payment saves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy_financial as npf

from actions.finance.errors import FinanceInputError
from actions.finance.money import Number, amount, cents, monthly_rate, percent, whole_months
from actions.finance.schedule import Repayment, amortise


@dataclass(frozen=True)
class LoanSchedule(Repayment):
    """An amortisation schedule: ``rows`` hold each month's payment, interest, principal and balance."""

    term_months: int
    monthly_payment: Decimal
    extra_payment: Decimal


@dataclass(frozen=True)
class ExtraPaymentEffect:
    """The same loan repaid on schedule and with an extra amount every month."""

    standard: LoanSchedule
    with_extra: LoanSchedule

    @property
    def months_saved(self) -> int:
        return self.standard.months - self.with_extra.months

    @property
    def interest_saved(self) -> Decimal:
        return self.standard.total_interest - self.with_extra.total_interest


def monthly_payment(principal: Number, annual_rate: Number, months: Number) -> Decimal:
    """The fixed monthly payment, rounded to the cent, that repays ``principal`` in ``months``.

    Standard annuity formula (payments at the end of each month, APR/12 per month):
    200,000 at 6 % over 360 months is 1,199.10.
    """
    loan = amount(principal, "principal", "loan amount")
    rate = percent(annual_rate, "annual_rate", "interest rate")
    term = whole_months(months, "months", "loan term in months")
    payment = cents(-npf.pmt(monthly_rate(rate), term, loan))
    if payment == 0:
        raise FinanceInputError("That loan is too small to spread over so many months.", "principal")
    return payment


def amortisation_schedule(
    principal: Number, annual_rate: Number, months: Number, *, extra_payment: Number = 0
) -> LoanSchedule:
    """Month-by-month repayment of a loan at its fixed payment plus ``extra_payment``.

    Interest is rounded to the cent each month; the last payment clears whatever is left,
    so the loan ends on its term (or earlier with an extra payment) and
    ``total_paid == principal + total_interest`` exactly. Rounding the payment to the cent can
    matter on very long, very dear loans: rounded up, it may clear the loan a month or so early;
    rounded down to the bare interest, the final payment becomes a balloon.
    """
    payment = monthly_payment(principal, annual_rate, months)
    loan = amount(principal, "principal", "loan amount")
    rate = percent(annual_rate, "annual_rate", "interest rate")
    term = whole_months(months, "months", "loan term in months")
    extra = amount(extra_payment, "extra_payment", "extra monthly payment", allow_zero=True)

    def payment_for(month: int, owed: Decimal) -> Decimal:
        # The rounded payment leaves a few cents over (or under) at the end: the final month settles them.
        return owed if month == term else payment + extra

    rows = amortise(loan, rate, payment_for, max_months=term, stop_if_not_shrinking=False)
    return LoanSchedule(
        starting_balance=loan,
        annual_rate=rate,
        rows=rows,
        term_months=term,
        monthly_payment=payment,
        extra_payment=extra,
    )


def extra_payment_effect(
    principal: Number, annual_rate: Number, months: Number, extra_payment: Number
) -> ExtraPaymentEffect:
    """Compare the loan on schedule with the same loan plus ``extra_payment`` every month."""
    amount(extra_payment, "extra_payment", "extra monthly payment")
    return ExtraPaymentEffect(
        standard=amortisation_schedule(principal, annual_rate, months),
        with_extra=amortisation_schedule(principal, annual_rate, months, extra_payment=extra_payment),
    )
