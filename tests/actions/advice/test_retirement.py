"""Retirement: years or age, the default return, the employer match, and the projection's figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.common import money
from actions.advice.retirement import (
    ASK_MATCH_DETAILS,
    ASK_OTHER_RETURN,
    DEFAULT_RETURN,
    NO_MATCH,
    RETIREMENT_SLOTS,
    ActionRetirementProjection,
    ValidateRetirementForm,
    age_in,
    parse_match,
)
from actions.finance import project_retirement
from tests.actions.advice.support import entity, form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]


def retirement_turn(text: str, candidates: Dict[str, Any], requested: Optional[str],
                    entities: Optional[List[Dict[str, Any]]] = None,
                    slots: Optional[Dict[str, Any]] = None) -> Tracker:
    return form_tracker("retirement_form", text, "inform_amount", entities, slots=slots, candidates=candidates,
                        requested_slot=requested)


@pytest.mark.parametrize(
    "text, expected",
    [("I'm 35", 35), ("35 years old", 35), ("aged 52", 52), ("I am 40 and have 10k", 40),
     ("I'm paying 300 a month", None), ("I'm 30 years from retiring", None), ("25", None)],
)
def test_age_in_a_message(text: str, expected: Optional[int]) -> None:
    assert age_in(text) == expected


def test_an_age_means_retiring_at_67(run_action: Run) -> None:
    events, messages = run_action(ValidateRetirementForm(), retirement_turn(
        "I'm 35", {"ret_years": 35.0}, "ret_years", [entity("number", 35.0, "I'm 35", "35")]))
    assert SlotSet("ret_years", 32.0 * 12) in events
    assert texts(messages) == ["I'll assume you retire at 67: 32 years from now."]


def test_an_age_past_retirement_is_asked_again(run_action: Run) -> None:
    events, messages = run_action(ValidateRetirementForm(), retirement_turn("I'm 70", {"ret_years": 70.0},
                                                                            "ret_years"))
    assert SlotSet("ret_years", None) in events and "past the usual retirement age of 67" in texts(messages)[0]


def test_a_lone_number_is_years_to_go(run_action: Run) -> None:
    events, messages = run_action(ValidateRetirementForm(), retirement_turn(
        "30", {"ret_years": 30.0}, "ret_years", [entity("number", 30.0, "30", "30")]))
    assert SlotSet("ret_years", 360.0) in events and messages == []


@pytest.mark.parametrize("answer", [5.0, "yes", "that's fine"])
def test_the_suggested_return_can_be_accepted(run_action: Run, answer: Any) -> None:
    events, _ = run_action(ValidateRetirementForm(), retirement_turn(str(answer), {"ret_return": answer},
                                                                     "ret_return"))
    assert SlotSet("ret_return", DEFAULT_RETURN) in events


def test_no_to_the_suggested_return_asks_for_another(run_action: Run) -> None:
    events, messages = run_action(ValidateRetirementForm(), retirement_turn("no", {"ret_return": "no"}, "ret_return"))
    assert SlotSet("ret_return", None) in events and texts(messages) == [ASK_OTHER_RETURN]


def test_an_unrealistic_return_is_asked_again(run_action: Run) -> None:
    events, messages = run_action(ValidateRetirementForm(), retirement_turn(
        "20%", {"ret_return": 20.0}, "ret_return", [entity("percent", 20.0, "20%", "20%")]))
    assert SlotSet("ret_return", None) in events and texts(messages)[0].startswith("20 % a year is not a sensible")


@pytest.mark.parametrize(
    "text, expected",
    [("50% up to 6% of salary", (Decimal(50), Decimal(6))), ("they match 5%", (Decimal(100), Decimal(5))),
     ("half of what I pay, up to 6 percent", (Decimal(50), Decimal(6))), ("no", None)],
)
def test_parse_match(text: str, expected: Optional[Tuple[Decimal, Decimal]]) -> None:
    assert parse_match(text) == expected


@pytest.mark.parametrize(
    "answer, stored, message",
    [("50% up to 6% of salary", "50% up to 6%", None), (NO_MATCH, NO_MATCH, None), ("no they don't", NO_MATCH, None),
     ("yes they do", None, ASK_MATCH_DETAILS)],
)
def test_the_employer_match(run_action: Run, answer: str, stored: Optional[str], message: Optional[str]) -> None:
    events, messages = run_action(ValidateRetirementForm(), retirement_turn(answer, {"ret_match": answer},
                                                                            "ret_match"))
    assert SlotSet("ret_match", stored) in events
    assert texts(messages) == ([message] if message else [])


def test_the_salary_is_asked_only_for_a_match(run_action: Run) -> None:
    base = {"ret_years": 360.0, "ret_balance": 0.0, "ret_contribution": 300.0, "ret_return": 5.0}
    events, _ = run_action(ValidateRetirementForm(), retirement_turn(
        "50% up to 6%", {"ret_match": "50% up to 6%"}, "ret_match", slots=base))
    # With a match the form's slots are the domain's: Rasa asks the first empty one, the salary.
    assert [event for event in events if event["name"] == "requested_slot"] == []
    events, _ = run_action(ValidateRetirementForm(), retirement_turn("none", {"ret_match": NO_MATCH}, "ret_match",
                                                                     slots=base))
    assert SlotSet("requested_slot", None) in events


def test_the_projection_with_a_match_and_its_range(run_action: Run) -> None:
    slots = {"ret_years": 360.0, "ret_balance": 20000.0, "ret_contribution": 400.0, "ret_return": 5.0,
             "ret_match": "50% up to 6%", "ret_salary": 60000.0}
    events, messages = run_action(ActionRetirementProjection(), tracker("", "inform_amount", slots=slots))
    expected = project_retirement(20000, 400, 5, 30, annual_salary=60000, match_percent=50, match_cap_percent=6)
    low = project_retirement(20000, 400, 3, 30, annual_salary=60000, match_percent=50, match_cap_percent=6)
    high = project_retirement(20000, 400, 7, 30, annual_salary=60000, match_percent=50, match_cap_percent=6)
    assert expected.monthly_employer == Decimal("150.00")
    assert texts(messages)[0] == (
        f"In 30 years, growing 5 % a year, your pot could go from 20,000.00 to about {money(expected.final_balance)}. "
        f"You'd pay in {money(expected.total_contributed)}, your employer {money(expected.total_employer)} "
        f"(150.00 a month), and growth adds {money(expected.total_growth)}.")
    assert texts(messages)[1].startswith(f"At 3 % a year it would be about {money(low.final_balance)}; at 7 %, about "
                                         f"{money(high.final_balance)}.")
    assert texts(messages)[2:] == ["<utter_retirement_accounts>", "<utter_disclaimer>"]
    assert events == [SlotSet(slot, None) for slot in RETIREMENT_SLOTS]


def test_the_projection_without_a_match(run_action: Run) -> None:
    slots = {"ret_years": 120.0, "ret_balance": 0.0, "ret_contribution": 200.0, "ret_return": 4.0,
             "ret_match": NO_MATCH}
    _, messages = run_action(ActionRetirementProjection(), tracker("", "deny", slots=slots))
    expected = project_retirement(0, 200, 4, 10)
    assert texts(messages)[0] == (f"In 10 years, growing 4 % a year, your pot could go from 0.00 to about "
                                  f"{money(expected.final_balance)}. You'd pay in 24,000.00, and growth adds "
                                  f"{money(expected.total_growth)}.")
