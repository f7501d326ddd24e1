"""Budgets: the 50/30/20 split and a budget built from named monthly costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.finance.budget import budget_split, build_budget
from actions.finance.categories import Category, classify_cost
from actions.finance.errors import FinanceInputError


@pytest.mark.parametrize(
    "income, needs, wants, savings",
    [
        ("3000", "1500.00", "900.00", "600.00"),
        ("4500", "2250.00", "1350.00", "900.00"),
        ("1000.01", "500.01", "300.00", "200.00"),  # rounding remainder goes to savings
        ("333.33", "166.67", "100.00", "66.66"),
        (2500.0, "1250.00", "750.00", "500.00"),  # a float, as the amount entity gives it
    ],
)
def test_budget_split(income: Any, needs: str, wants: str, savings: str) -> None:
    split = budget_split(income)
    assert (split.needs, split.wants, split.savings) == (Decimal(needs), Decimal(wants), Decimal(savings))


@given(st.decimals("0.01", "1000000", places=2))
@settings(max_examples=200, deadline=None)
def test_split_parts_add_up_and_stay_near_50_30_20(income: Decimal) -> None:
    split = budget_split(income)
    assert split.needs + split.wants + split.savings == income
    assert abs(split.needs - income / 2) <= Decimal("0.005")
    assert abs(split.wants - income * 3 / 10) <= Decimal("0.005")
    assert abs(split.savings - income / 5) <= Decimal("0.01")


@pytest.mark.parametrize("income", [0, -100, "lots"])
def test_split_rejects_impossible_income(income: Any) -> None:
    with pytest.raises(FinanceInputError) as caught:
        budget_split(income)
    assert caught.value.field == "income"


@pytest.mark.parametrize(
    "name, category",
    [
        ("Rent", Category.NEED),
        ("mortgage", Category.NEED),
        ("Groceries", Category.NEED),
        ("electricity bill", Category.NEED),
        ("Car insurance", Category.NEED),
        ("bus pass", Category.NEED),
        ("student loan repayment", Category.NEED),
        ("food", Category.NEED),
        ("fast food", Category.WANT),  # the longer phrase wins
        ("eating out", Category.WANT),
        ("Netflix", Category.WANT),
        ("Netflix bill", Category.WANT),  # a specific word beats the generic "bill"
        ("gym membership", Category.WANT),
        ("holidays", Category.WANT),
        ("Pension", Category.SAVING),
        ("emergency fund", Category.SAVING),
        ("holiday savings", Category.SAVING),
        ("Stocks & shares ISA", Category.SAVING),
        ("pottery", None),
        ("", None),
    ],
)
def test_classify_cost(name: str, category: Category) -> None:
    assert classify_cost(name) == category


def test_budget_from_costs() -> None:
    budget = build_budget(
        3000, {"Rent": 1200, "groceries": 300, "Netflix": 15, "pension": 150, "pottery": 60, "eating out": 200}
    )
    assert (budget.needs, budget.wants, budget.savings) == (Decimal(1500), Decimal(275), Decimal(150))
    assert budget.total_costs == Decimal(1925)
    assert budget.left_over == Decimal(1075)
    assert not budget.over_budget and budget.shortfall == 0
    # (3000 - 1500 - 275) / 3000 = 40.83 %: the pension plus what is left over.
    assert budget.savings_rate == Decimal("40.8")
    assert (budget.needs_percent, budget.wants_percent) == (Decimal("50.0"), Decimal("9.2"))
    assert budget.unrecognised == ("pottery",)
    assert budget.guideline == budget_split(3000)
    assert [line.category for line in budget.lines][:2] == [Category.NEED, Category.NEED]


def test_costs_over_income_are_flagged() -> None:
    budget = build_budget(2000, [("rent", 1800), ("car", 400), ("takeaway", 100)])
    assert budget.over_budget
    assert budget.shortfall == Decimal(300)
    assert budget.left_over == Decimal(-300)
    assert budget.savings_rate == Decimal("-15.0")


def test_a_budget_with_no_costs_leaves_everything() -> None:
    budget = build_budget(1500, [])
    assert (budget.left_over, budget.savings_rate) == (Decimal(1500), Decimal("100.0"))


@given(
    income=st.integers(1, 20_000),
    costs=st.lists(
        st.tuples(st.sampled_from(["rent", "gym", "pension", "pottery", "food"]), st.integers(0, 5_000)), max_size=8
    ),
)
@settings(max_examples=100, deadline=None)
def test_budget_totals_are_consistent(income: int, costs: list) -> None:
    budget = build_budget(income, costs)
    assert budget.total_costs == sum(Decimal(value) for _, value in costs)
    assert budget.left_over + budget.total_costs == income
    assert budget.over_budget == (sum(value for _, value in costs) > income)
    assert budget.shortfall >= 0


@pytest.mark.parametrize(
    "costs, message",
    [
        ([("rent", -5)], "The cost of rent cannot be negative."),
        ([("  ", 50)], "Each cost needs a name, like rent or groceries."),
        ([("rent", "a lot")], "The cost of rent must be a number."),
    ],
)
def test_bad_costs_are_rejected(costs: list, message: str) -> None:
    with pytest.raises(FinanceInputError) as caught:
        build_budget(3000, costs)
    assert str(caught.value) == message
