"""Budgets: the 50/30/20 split of a take-home income, and a budget built from a list of monthly costs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping, Optional, Tuple, Union

from actions.finance.categories import Category, classify_cost
from actions.finance.errors import FinanceInputError
from actions.finance.money import Number, amount, cents

NEEDS_SHARE = Decimal("0.50")
WANTS_SHARE = Decimal("0.30")
SAVINGS_SHARE = Decimal("0.20")

Costs = Union[Mapping[str, Number], Iterable[Tuple[str, Number]]]


@dataclass(frozen=True)
class BudgetSplit:
    """A monthly budget: needs 50 %, wants 30 %, savings and debt repayment 20 %; the parts add up to ``income``."""

    income: Decimal
    needs: Decimal
    wants: Decimal
    savings: Decimal


@dataclass(frozen=True)
class CostLine:
    """One monthly cost; ``recognised`` is False when the name matched no category and it was counted as a want."""

    name: str
    amount: Decimal
    category: Category
    recognised: bool


@dataclass(frozen=True)
class Budget:
    """A month's income against its costs, grouped into needs, wants and savings.

    ``left_over`` is income minus all costs (negative when over budget). ``savings_rate`` is the
    share of income not spent on needs or wants (savings costs plus what is left over), in
    percent to one decimal; it is negative when spending exceeds income.
    """

    income: Decimal
    lines: Tuple[CostLine, ...]
    needs: Decimal
    wants: Decimal
    savings: Decimal
    guideline: BudgetSplit

    @property
    def total_costs(self) -> Decimal:
        return self.needs + self.wants + self.savings

    @property
    def left_over(self) -> Decimal:
        return self.income - self.total_costs

    @property
    def over_budget(self) -> bool:
        return self.total_costs > self.income

    @property
    def shortfall(self) -> Decimal:
        """How much the costs exceed the income (0 when within budget)."""
        return max(Decimal("0.00"), -self.left_over)

    @property
    def savings_rate(self) -> Decimal:
        return _share(self.income - self.needs - self.wants, self.income)

    @property
    def needs_percent(self) -> Decimal:
        return _share(self.needs, self.income)

    @property
    def wants_percent(self) -> Decimal:
        return _share(self.wants, self.income)

    @property
    def unrecognised(self) -> Tuple[str, ...]:
        """Names of costs that matched no category (counted as wants): worth asking the user about."""
        return tuple(line.name for line in self.lines if not line.recognised)


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def budget_split(income: Number) -> BudgetSplit:
    """Split a monthly take-home ``income`` 50/30/20, rounded to cents, with the rounding remainder in savings."""
    total = amount(income, "income", "monthly income")
    needs = cents(total * NEEDS_SHARE)
    wants = cents(total * WANTS_SHARE)
    return BudgetSplit(income=total, needs=needs, wants=wants, savings=total - needs - wants)


def build_budget(income: Number, costs: Costs) -> Budget:
    """A budget from ``income`` and named monthly costs (``{"rent": 1200, ...}`` or ``[("rent", 1200), ...]``).

    Each cost is classified by its name (see ``categories.classify_cost``); a name that matches
    nothing is counted as a want and listed in ``Budget.unrecognised``.
    """
    guideline = budget_split(income)
    pairs = costs.items() if isinstance(costs, Mapping) else costs
    lines = tuple(_line(name, value) for name, value in pairs)
    totals = {category: Decimal("0.00") for category in Category}
    for line in lines:
        totals[line.category] += line.amount
    return Budget(
        income=guideline.income,
        lines=lines,
        needs=totals[Category.NEED],
        wants=totals[Category.WANT],
        savings=totals[Category.SAVING],
        guideline=guideline,
    )


def _line(name: str, value: Number) -> CostLine:
    label = name.strip() if isinstance(name, str) else ""
    if not label:
        raise FinanceInputError("Each cost needs a name, like rent or groceries.", "costs")
    cost = amount(value, "costs", f"cost of {label}", allow_zero=True)
    category: Optional[Category] = classify_cost(label)
    return CostLine(label, cost, category or Category.WANT, category is not None)
