"""Saving for a goal: monthly amount or deadline, and the plan against the calculators."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.common import money, months_in_words
from actions.advice.savings import GOAL_SLOTS, ActionSavingsGoalPlan, ValidateSavingsGoalForm
from actions.finance import deposit_for_goal, months_to_goal
from tests.actions.advice.support import entity, form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
TODAY = date(2025, 11, 14)
GOAL = {"goal_target": 5000.0, "goal_saved": 500.0}


def validator() -> ValidateSavingsGoalForm:
    return ValidateSavingsGoalForm(clock=lambda: TODAY)


def test_a_monthly_amount_answers_the_question(run_action: Run) -> None:
    events, _ = run_action(validator(), form_tracker(
        "savings_goal_form", "250", "inform_amount", [entity("number", 250.0, "250", "250")], slots=GOAL,
        candidates={"goal_monthly": 250.0}, requested_slot="goal_monthly"))
    assert SlotSet("goal_monthly", 250.0) in events and SlotSet("requested_slot", None) in events


def test_a_deadline_as_a_date_becomes_months(run_action: Run) -> None:
    text = "by June 2027"
    events, _ = run_action(validator(), form_tracker(
        "savings_goal_form", text, "inform_amount", slots=GOAL, candidates={"goal_monthly": text},
        requested_slot="goal_monthly"))
    # 14 November 2025 to 1 June 2027: 18 whole months.
    assert SlotSet("goal_months", 18.0) in events and SlotSet("goal_monthly", None) in events
    assert SlotSet("requested_slot", None) in events


def test_a_deadline_as_a_duration_answers_instead_of_the_monthly_amount(run_action: Run) -> None:
    text = "in 18 months"
    events, _ = run_action(validator(), form_tracker(
        "savings_goal_form", text, "inform_amount", [entity("duration", 18.0, text, "18 months")], slots=GOAL,
        candidates={"goal_months": 18.0, "goal_monthly": text}, requested_slot="goal_monthly"))
    assert SlotSet("goal_months", 18.0) in events and SlotSet("requested_slot", None) in events


def test_the_starting_question_gives_goal_and_monthly_amount(run_action: Run) -> None:
    text = "how long to save 10k at 300 a month"
    entities = [entity("amount", 10000.0, text, "10k"), entity("number", 300.0, text, "300")]
    events, _ = run_action(validator(), form_tracker("savings_goal_form", text, "ask_savings_goal", entities))
    assert SlotSet("goal_target", 10000.0) in events and SlotSet("goal_monthly", 300.0) in events
    assert SlotSet("requested_slot", "goal_saved") in events


def test_a_monthly_amount_that_takes_a_century_is_re_prompted(run_action: Run) -> None:
    events, messages = run_action(validator(), form_tracker(
        "savings_goal_form", "1", "inform_amount", slots={"goal_target": 50000.0, "goal_saved": 0.0},
        candidates={"goal_monthly": 1.0}, requested_slot="goal_monthly"))
    assert SlotSet("goal_monthly", None) in events
    assert texts(messages) == ["At that rate it would take more than 100 years to reach the goal. "
                               "Try a larger monthly amount."]


def test_a_past_date_is_refused(run_action: Run) -> None:
    events, messages = run_action(validator(), form_tracker(
        "savings_goal_form", "by March 2020", "inform_amount", slots=GOAL, candidates={"goal_monthly": "by March 2020"},
        requested_slot="goal_monthly"))
    assert "The target date must be at least a month from now." in texts(messages)
    assert SlotSet("requested_slot", "goal_monthly") in events  # asked again


@pytest.mark.parametrize("monthly", [250.0, 333.0])
def test_the_plan_at_a_monthly_amount(run_action: Run, monthly: float) -> None:
    events, messages = run_action(ActionSavingsGoalPlan(), tracker("", "inform_amount", slots={
        **GOAL, "goal_monthly": monthly, "goal_months": None}))
    plan = months_to_goal(5000, monthly, starting_balance=500)
    assert texts(messages)[0].startswith(f"At {money(monthly)} a month from the 500.00 you have, you'd reach "
                                         f"5,000.00 in {months_in_words(plan.months)}.")
    assert texts(messages)[1:] == ["<utter_savings_goal_tips>", "<utter_disclaimer>"]
    assert events == [SlotSet(slot, None) for slot in GOAL_SLOTS]


def test_the_plan_for_a_deadline(run_action: Run) -> None:
    _, messages = run_action(ActionSavingsGoalPlan(), tracker("", "inform_amount", slots={
        **GOAL, "goal_monthly": None, "goal_months": 18.0}))
    plan = deposit_for_goal(5000, 18, starting_balance=500)
    assert texts(messages)[0].startswith(
        f"To reach 5,000.00 in 1 year and 6 months from the 500.00 you have, put aside {money(plan.monthly_deposit)} "
        f"a month ({money(plan.total_deposited)} in all).")


def test_the_plan_when_the_goal_is_already_reached(run_action: Run) -> None:
    _, messages = run_action(ActionSavingsGoalPlan(), tracker("", "inform_amount", slots={
        "goal_target": 400.0, "goal_saved": 500.0, "goal_monthly": 50.0}))
    assert texts(messages)[0].startswith("You already have 500.00: that covers your 400.00 goal.")
