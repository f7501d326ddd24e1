"""Emergency fund: how much to keep for a rainy day, and how long it takes to put it aside.

The usual guidance is three to six months of essential costs; with irregular income
(self-employed, commission, seasonal work) six to twelve months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from actions.finance.errors import FinanceInputError
from actions.finance.money import MAX_MONTHS, Number, amount

STEADY_INCOME_MONTHS = (3, 6)
IRREGULAR_INCOME_MONTHS = (6, 12)


@dataclass(frozen=True)
class EmergencyFundTarget:
    """A range to aim for: ``minimum`` is ``minimum_months`` of essential costs, ``maximum`` is ``maximum_months``."""

    monthly_essentials: Decimal
    minimum_months: int
    maximum_months: int
    minimum: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class EmergencyFundPlan:
    """The target range and how many months of saving reach each end of it (0 if already there)."""

    target: EmergencyFundTarget
    current_savings: Decimal
    monthly_saving: Decimal
    months_to_minimum: int
    months_to_maximum: int


def emergency_fund_target(monthly_essentials: Number, *, irregular_income: bool = False) -> EmergencyFundTarget:
    """The emergency fund range for ``monthly_essentials`` (rent, bills, food, transport, minimum debt payments)."""
    essentials = amount(monthly_essentials, "monthly_essentials", "monthly essential costs")
    low, high = IRREGULAR_INCOME_MONTHS if irregular_income else STEADY_INCOME_MONTHS
    return EmergencyFundTarget(essentials, low, high, essentials * low, essentials * high)


def months_to_save(target: Number, monthly_saving: Number, *, current_savings: Number = 0) -> int:
    """Whole months of ``monthly_saving`` to go from ``current_savings`` to ``target`` (0 if already there).

    No interest is counted: an emergency fund sits in cash, and leaving interest out errs on the safe side.
    """
    goal = amount(target, "target", "emergency fund target")
    saving = amount(monthly_saving, "monthly_saving", "monthly saving", allow_zero=True)
    saved = amount(current_savings, "current_savings", "current savings", allow_zero=True)
    gap = goal - saved
    if gap <= 0:
        return 0
    if saving == 0:
        raise FinanceInputError("The monthly saving must be more than zero to build the fund.", "monthly_saving")
    months = math.ceil(gap / saving)
    if months > MAX_MONTHS:
        raise FinanceInputError(
            "At that rate it would take more than 100 years to build the fund. Try a larger monthly saving.",
            "monthly_saving",
        )
    return months


def emergency_fund_plan(
    monthly_essentials: Number,
    monthly_saving: Number,
    *,
    current_savings: Number = 0,
    irregular_income: bool = False,
) -> EmergencyFundPlan:
    """The target range for ``monthly_essentials`` and the months of ``monthly_saving`` to reach it."""
    target = emergency_fund_target(monthly_essentials, irregular_income=irregular_income)
    saving = amount(monthly_saving, "monthly_saving", "monthly saving", allow_zero=True)
    saved = amount(current_savings, "current_savings", "current savings", allow_zero=True)
    return EmergencyFundPlan(
        target=target,
        current_savings=saved,
        monthly_saving=saving,
        months_to_minimum=months_to_save(target.minimum, saving, current_savings=saved),
        months_to_maximum=months_to_save(target.maximum, saving, current_savings=saved),
    )
