"""Chart payloads for the web widget: the debt payoff and savings projections, agreeing with the calculators."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker

from actions.advice.debt import ActionDebtPayoffPlan, stored
from actions.advice.savings import ActionSavingsGoalPlan
from actions.finance import compare_strategies, deposit_for_goal, months_to_goal
from tests.actions.advice.support import tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
CARD = {"name": "credit card", "balance": 3000.0, "apr": 19.9, "minimum": 90.0}
CAR = {"name": "car loan", "balance": 8500.0, "apr": 6.9, "minimum": 210.0}
OVERDRAFT = {"name": "overdraft", "balance": 900.0, "apr": 5.0, "minimum": 25.0}


def charts(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [m["custom"]["chart"] for m in messages if (m.get("custom") or {}).get("chart")]


def test_the_debt_plan_sends_one_line_per_strategy(run_action: Run) -> None:
    _, messages = run_action(ActionDebtPayoffPlan(), tracker("600", "inform_amount", slots={
        "debts": [CARD, CAR, OVERDRAFT], "debt_budget": 600.0}))
    comparison = compare_strategies(stored([CARD, CAR, OVERDRAFT]), 600)
    [chart] = charts(messages)
    assert chart["type"] == "line" and chart["x_label"] == "months"
    avalanche, snowball = chart["series"]
    assert (avalanche["name"], snowball["name"]) == ("Avalanche", "Snowball")
    longest = max(comparison.avalanche.months_to_debt_free, comparison.snowball.months_to_debt_free) + 1
    assert chart["labels"] == [str(m) for m in range(longest)]
    assert len(avalanche["values"]) == len(snowball["values"]) == longest
    assert avalanche["values"][0] == snowball["values"][0] == 3000 + 8500 + 900
    expected = [float(v) for v in comparison.avalanche.total_balance_series()]
    assert avalanche["values"][: len(expected)] == expected
    assert avalanche["values"][-1] == snowball["values"][-1] == 0.0
    # The chart rides on the verdict, so the texts the other tests read are unchanged.
    verdict = next(m for m in messages if m.get("custom"))
    assert verdict["text"].startswith("The avalanche saves you")


@pytest.mark.parametrize("slots, plan", [
    ({"goal_monthly": 250.0, "goal_months": None}, months_to_goal(5000, 250, starting_balance=500)),
    ({"goal_monthly": None, "goal_months": 18.0}, deposit_for_goal(5000, 18, starting_balance=500)),
])
def test_the_savings_plan_sends_its_balance_month_by_month(run_action: Run, slots: Dict[str, Any], plan: Any) -> None:
    _, messages = run_action(ActionSavingsGoalPlan(), tracker("", "inform_amount", slots={
        "goal_target": 5000.0, "goal_saved": 500.0, **slots}))
    [chart] = charts(messages)
    assert chart["type"] == "line" and "5,000.00" in chart["title"]
    assert chart["values"] == [float(b) for b in plan.balances()]
    assert chart["labels"] == [str(m) for m in range(plan.months + 1)]
    assert chart["values"][0] == 500.0 and chart["values"][-1] >= 5000.0


def test_a_goal_already_reached_sends_no_chart(run_action: Run) -> None:
    _, messages = run_action(ActionSavingsGoalPlan(), tracker("", "inform_amount", slots={
        "goal_target": 400.0, "goal_saved": 500.0, "goal_monthly": 50.0}))
    assert charts(messages) == []
