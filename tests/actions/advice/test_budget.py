"""Budgeting: the budget form's validation and its result, against the calculators' figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.budget import NO_COSTS, NO_COSTS_FOUND, ActionBudgetSplit, ValidateBudgetForm, costs_from_text
from actions.advice.common import money, rate
from actions.finance import budget_split, build_budget
from tests.actions.advice.support import entity, form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
RESET = [SlotSet("budget_income", None), SlotSet("budget_costs", None)]


def costs_turn(text: str, intent: str = "inform_amount", income: Optional[float] = 3200.0,
               candidates: Optional[Dict[str, Any]] = None) -> Tracker:
    return form_tracker("budget_form", text, intent, slots={"budget_income": income},
                        candidates=candidates if candidates is not None else {"budget_costs": text},
                        requested_slot="budget_costs")


def test_costs_are_kept_as_named_amounts(run_action: Run) -> None:
    events, messages = run_action(ValidateBudgetForm(), costs_turn("rent 1200, groceries 300, car 250"))
    assert SlotSet("budget_costs", "rent 1200.00; groceries 300.00; car 250.00") in events
    assert messages == []


@pytest.mark.parametrize("answer", ["skip", "just the split please", "I don't know"])
def test_skipping_the_costs_means_the_split_alone(run_action: Run, answer: str) -> None:
    events, _ = run_action(ValidateBudgetForm(), costs_turn(answer))
    assert SlotSet("budget_costs", NO_COSTS) in events


def test_a_buttons_payload_is_no_list_of_costs(run_action: Run) -> None:
    events, messages = run_action(ValidateBudgetForm(), costs_turn("/ask_budgeting", intent="ask_budgeting"))
    assert SlotSet("budget_costs", None) in events and messages == []


def test_an_answer_without_costs_is_re_prompted(run_action: Run) -> None:
    events, messages = run_action(ValidateBudgetForm(), costs_turn("I spend a lot on stuff"))
    assert SlotSet("budget_costs", None) in events
    assert texts(messages) == [NO_COSTS_FOUND]


def test_a_corrected_income_is_not_read_as_a_cost(run_action: Run) -> None:
    text = "actually I earn 3500"
    events, messages = run_action(ValidateBudgetForm(), form_tracker(
        "budget_form", text, "inform_amount", [entity("number", 3500.0, text, "3500")],
        slots={"budget_income": 3200.0}, candidates={"budget_costs": text}, requested_slot="budget_costs"))
    assert SlotSet("budget_income", 3500.0) in events and SlotSet("budget_costs", None) in events
    assert texts(messages) == ["Got it: I've changed the monthly take-home income to 3,500.00."]


def test_the_income_of_the_starting_question_is_taken(run_action: Run) -> None:
    text = "I earn 3200 a month, how should I budget it?"
    events, _ = run_action(ValidateBudgetForm(), form_tracker(
        "budget_form", text, "ask_budgeting", [entity("number", 3200.0, text, "3200")], requested_slot=None))
    assert SlotSet("budget_income", 3200.0) in events


def test_the_50_30_20_of_the_question_is_no_income(run_action: Run) -> None:
    text = "what is the 50/30/20 rule?"
    numbers = [entity("number", 50.0, text, "50"), entity("number", 30.0, text, "30"),
               entity("number", 20.0, text, "20")]
    events, _ = run_action(ValidateBudgetForm(), form_tracker("budget_form", text, "ask_budgeting", numbers))
    assert not [event for event in events if event.get("name") == "budget_income" and event.get("value")]


def test_a_negative_income_is_re_prompted(run_action: Run) -> None:
    events, messages = run_action(ValidateBudgetForm(), form_tracker(
        "budget_form", "-200", "inform_amount", candidates={"budget_income": -200.0}, requested_slot="budget_income"))
    assert SlotSet("budget_income", None) in events
    assert texts(messages) == ["The monthly take-home income cannot be negative."]


def test_401k_is_a_name_not_an_amount() -> None:
    assert costs_from_text("401k 200, rent 900") == [("retirement plan", Decimal(200)), ("rent", Decimal(900))]


@pytest.mark.parametrize("income", [3200.0, 4500.0, 1000.01])
def test_the_split_alone_shows_the_calculators_figures(run_action: Run, income: float) -> None:
    events, messages = run_action(ActionBudgetSplit(), tracker("skip", "deny", slots={
        "budget_income": income, "budget_costs": NO_COSTS}))
    split = budget_split(income)
    assert texts(messages)[0].startswith(
        f"On {money(split.income)} a month, the 50/30/20 guideline gives: needs {money(split.needs)}, "
        f"wants {money(split.wants)}, savings and debt repayment {money(split.savings)}.")
    assert texts(messages)[-1] == "<utter_disclaimer>"
    assert events == RESET


def test_a_budget_from_costs_compares_each_group_with_the_guideline(run_action: Run) -> None:
    costs = "rent 1200.00; groceries 300.00; car 250.00; netflix 15.00; pension 100.00; gym 40.00; bits 30.00"
    _, messages = run_action(ActionBudgetSplit(), tracker("", "inform_amount", slots={
        "budget_income": 3200.0, "budget_costs": costs}))
    budget = build_budget(3200, [("rent", 1200), ("groceries", 300), ("car", 250), ("netflix", 15),
                                 ("pension", 100), ("gym", 40), ("bits", 30)])
    summary, notes = texts(messages)[0], texts(messages)[1]
    assert f"- Needs: {money(budget.needs)} (54.7 %), guideline 50 % = {money(budget.guideline.needs)}" in summary
    assert f"- Wants: {money(budget.wants)} (2.7 %), guideline 30 % = {money(budget.guideline.wants)}" in summary
    assert f"- Savings: {money(budget.savings)}, guideline 20 % = {money(budget.guideline.savings)}" in summary
    assert (f"Left over: {money(budget.left_over)}. With what you already save, that is a savings rate of "
            f"{rate(budget.savings_rate)}.") in summary
    assert "Needs take more than half" in notes and "I counted bits as wants" in notes


def test_costs_above_the_income_show_the_shortfall(run_action: Run) -> None:
    _, messages = run_action(ActionBudgetSplit(), tracker("", "inform_amount", slots={
        "budget_income": 1500.0, "budget_costs": "rent 1300.00; car 400.00"}))
    assert "Your costs come to 1,700.00: 200.00 more than you earn." in texts(messages)[0]


def test_without_an_income_the_question_is_asked(run_action: Run) -> None:
    events, messages = run_action(ActionBudgetSplit(), tracker("", "inform_amount", slots={}))
    assert texts(messages) == ["<utter_ask_budget_income>"] and events == RESET
