"""Emergency fund: the target range and the months to build it."""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

import pytest

from actions.finance.emergency import emergency_fund_plan, emergency_fund_target, months_to_save
from actions.finance.errors import FinanceInputError


@pytest.mark.parametrize(
    "essentials, irregular, low, high",
    [
        # Three to six months of essential costs (the usual guidance); six to twelve on irregular income.
        (2000, False, "6000.00", "12000.00"),
        (2000, True, "12000.00", "24000.00"),
        (1234.56, False, "3703.68", "7407.36"),
    ],
)
def test_target_range(essentials: float, irregular: bool, low: str, high: str) -> None:
    target = emergency_fund_target(essentials, irregular_income=irregular)
    assert (target.minimum, target.maximum) == (Decimal(low), Decimal(high))
    assert target.minimum == target.monthly_essentials * target.minimum_months


@pytest.mark.parametrize(
    "target, saving, saved, months",
    [
        (6000, 500, 0, 12),
        (6000, 500, 1000, 10),
        (6000, 700, 0, 9),  # 8.57 months: the ninth month finishes it
        (6000, 500, 6000, 0),
        (6000, 0, 7000, 0),  # already there, no saving needed
    ],
)
def test_months_to_save(target: int, saving: int, saved: int, months: int) -> None:
    assert months_to_save(target, saving, current_savings=saved) == months
    # Independently: that many months reach the target, one fewer does not.
    assert saved + saving * months >= target
    assert months == 0 or saved + saving * (months - 1) < target


def test_plan_counts_months_to_both_ends() -> None:
    plan = emergency_fund_plan(2000, 300, current_savings=1000)
    assert (plan.months_to_minimum, plan.months_to_maximum) == (17, 37)  # 5,000 / 300 and 11,000 / 300, rounded up


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: emergency_fund_target(0), "monthly_essentials"),
        (lambda: emergency_fund_target(-100), "monthly_essentials"),
        (lambda: months_to_save(6000, 0), "monthly_saving"),
        (lambda: months_to_save(6000, -50), "monthly_saving"),
        (lambda: months_to_save(1_000_000, 1), "monthly_saving"),  # more than 100 years
    ],
)
def test_impossible_input_is_rejected(call: Callable[[], object], field: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        call()
    assert caught.value.field == field
