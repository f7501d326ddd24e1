"""Emergency fund: the form's validation and the plan, against the calculator's figures."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.common import money, months_in_words
from actions.advice.emergency import (
    ASK_IRREGULAR_AGAIN,
    EMERGENCY_SLOTS,
    ActionEmergencyFundPlan,
    ValidateEmergencyFundForm,
)
from actions.finance import emergency_fund_plan
from tests.actions.advice.support import form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]


@pytest.mark.parametrize(
    "answer, expected",
    [(True, True), (False, False), ("I'm self-employed", True), ("freelance, it varies", True),
     ("salaried, same every month", False), ("yes", True), ("nope", False)],
)
def test_irregular_income_from_yes_no_or_words(run_action: Run, answer: Any, expected: bool) -> None:
    events, messages = run_action(ValidateEmergencyFundForm(), form_tracker(
        "emergency_fund_form", str(answer), "inform_amount", slots={"ef_essentials": 2000.0},
        candidates={"ef_irregular_income": answer}, requested_slot="ef_irregular_income"))
    assert SlotSet("ef_irregular_income", expected) in events and messages == []


def test_an_unclear_answer_about_income_is_asked_again(run_action: Run) -> None:
    events, messages = run_action(ValidateEmergencyFundForm(), form_tracker(
        "emergency_fund_form", "hmm", "inform_amount", candidates={"ef_irregular_income": "hmm"},
        requested_slot="ef_irregular_income"))
    assert SlotSet("ef_irregular_income", None) in events and texts(messages) == [ASK_IRREGULAR_AGAIN]


def test_saving_nothing_a_month_is_re_prompted_while_the_fund_is_short(run_action: Run) -> None:
    slots = {"ef_essentials": 2000.0, "ef_irregular_income": False, "ef_savings": 1000.0}
    events, messages = run_action(ValidateEmergencyFundForm(), form_tracker(
        "emergency_fund_form", "0", "inform_amount", slots=slots, candidates={"ef_monthly_saving": 0.0},
        requested_slot="ef_monthly_saving"))
    assert SlotSet("ef_monthly_saving", None) in events
    assert texts(messages) == ["The monthly saving must be more than zero to build the fund."]


def test_saving_nothing_is_fine_when_the_fund_is_already_there(run_action: Run) -> None:
    slots = {"ef_essentials": 1000.0, "ef_irregular_income": False, "ef_savings": 7000.0}
    events, messages = run_action(ValidateEmergencyFundForm(), form_tracker(
        "emergency_fund_form", "0", "inform_amount", slots=slots, candidates={"ef_monthly_saving": 0.0},
        requested_slot="ef_monthly_saving"))
    assert SlotSet("ef_monthly_saving", 0.0) in events and messages == []


@pytest.mark.parametrize("irregular", [False, True])
def test_the_plan_shows_the_range_and_the_months(run_action: Run, irregular: bool) -> None:
    slots = {"ef_essentials": 2000.0, "ef_irregular_income": irregular, "ef_savings": 1500.0,
             "ef_monthly_saving": 400.0}
    events, messages = run_action(ActionEmergencyFundPlan(), tracker("400", "inform_amount", slots=slots))
    plan = emergency_fund_plan(2000, 400, current_savings=1500, irregular_income=irregular)
    target = plan.target
    assert texts(messages)[0] == (
        f"With essentials of 2,000.00 a month and {'irregular income' if irregular else 'a steady income'}, aim for "
        f"{target.minimum_months} to {target.maximum_months} months of essentials: {money(target.minimum)} to "
        f"{money(target.maximum)}. From 1,500.00, saving 400.00 a month gets you to {money(target.minimum)} in "
        f"{months_in_words(plan.months_to_minimum)} and to {money(target.maximum)} in "
        f"{months_in_words(plan.months_to_maximum)}."
    )
    assert texts(messages)[1:] == ["<utter_emergency_fund_where>", "<utter_disclaimer>"]
    assert events == [SlotSet(slot, None) for slot in EMERGENCY_SLOTS]


def test_the_plan_when_savings_already_cover_the_range(run_action: Run) -> None:
    slots = {"ef_essentials": 1000.0, "ef_irregular_income": False, "ef_savings": 6500.0, "ef_monthly_saving": 0.0}
    _, messages = run_action(ActionEmergencyFundPlan(), tracker("", "inform_amount", slots=slots))
    assert texts(messages)[0].endswith("Your 6,500.00 already covers the whole range: well done.")


def test_the_plan_when_savings_reach_the_lower_end(run_action: Run) -> None:
    slots = {"ef_essentials": 1000.0, "ef_irregular_income": False, "ef_savings": 4000.0, "ef_monthly_saving": 500.0}
    _, messages = run_action(ActionEmergencyFundPlan(), tracker("", "inform_amount", slots=slots))
    assert texts(messages)[0].endswith("Your 4,000.00 already reaches the lower end; saving 500.00 a month takes you "
                                       "to the upper end in 4 months.")
