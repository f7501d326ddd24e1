"""What every advice form shares: numbers from entities or text, re-prompts, the starting question, corrections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.emergency import ValidateEmergencyFundForm
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot, figures_of_kind
from actions.advice.loans import ValidateLoanForm
from actions.advice.savings import ValidateSavingsGoalForm
from actions.finance import FinanceInputError
from tests.actions.advice.support import entity, form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]

TERM = NumberSlot("loan_term", Kind.MONTHS, "loan term", "25 years")
MONEY = NumberSlot("ef_savings", Kind.MONEY, "savings", "1500", allow_zero=True)
RATE = NumberSlot("loan_rate", Kind.PERCENT, "interest rate", "4.5")


@pytest.mark.parametrize(
    "spec, value, text, entities, expected",
    [
        (MONEY, 2500.0, "2500", [("number", 2500.0, "2500")], "2500"),
        (MONEY, "2,500.00", "2,500", [], "2500"),  # a string value, as test stories annotate it
        (MONEY, "about two grand, 2k", "about two grand, 2k", [], "2000"),  # from_text: read from the words
        (MONEY, "nothing yet", "nothing yet", [], "0"),
        (RATE, "5.5", "5.5", [], "5.5"),
        (TERM, 300.0, "25 years", [("duration", 300.0, "25 years")], "300"),  # duration entities are months
        (TERM, 25.0, "25", [("number", 25.0, "25")], "300"),  # a lone number answers "how many years?"
        (TERM, "over 60 months", "over 60 months", [], "60"),
    ],
)
def test_a_candidate_becomes_a_number_in_the_slot_unit(
    spec: NumberSlot, value: Any, text: str, entities: List[Tuple[str, float, str]], expected: str
) -> None:
    latest = tracker(text, "inform_amount", [entity(kind, number, text, typed) for kind, number, typed in entities])
    assert spec.from_candidate(value, latest) == Decimal(expected)


@pytest.mark.parametrize("spec, value", [(MONEY, "lots"), (RATE, "high"), (TERM, "a while")])
def test_words_without_a_number_give_none(spec: NumberSlot, value: str) -> None:
    assert spec.from_candidate(value, tracker(value, "inform_amount")) is None


@pytest.mark.parametrize(
    "spec, number, message",
    [
        (RATE, "120", "The interest rate must be between 0 and 100 %."),
        (TERM, "0", "The loan term must be at least 1."),
        (TERM, "30.5", "Please give the loan term in whole months or years."),
        (NumberSlot("ef_essentials", Kind.MONEY, "monthly essential costs", "2000"), "0",
         "The monthly essential costs must be more than zero."),
    ],
)
def test_the_calculators_rules_decide_what_is_valid(spec: NumberSlot, number: str, message: str) -> None:
    with pytest.raises(FinanceInputError) as raised:
        spec.checked(Decimal(number))
    assert raised.value.message == message


def loan_turn(text: str, entities: List[Dict[str, Any]], candidates: Dict[str, Any], requested: Optional[str],
              slots: Optional[Dict[str, Any]] = None) -> Tracker:
    return form_tracker("loan_form", text, "inform_amount", entities, slots=slots, candidates=candidates,
                        requested_slot=requested)


def test_a_bad_answer_is_re_prompted_with_the_calculators_message(run_action: Run) -> None:
    text = "150%"
    events, messages = run_action(ValidateLoanForm(), loan_turn(
        text, [entity("percent", 150.0, text, "150%")], {"loan_rate": 150.0}, "loan_rate",
        slots={"loan_amount": 200000.0}))
    assert SlotSet("loan_rate", None) in events
    assert texts(messages) == ["The interest rate must be between 0 and 100 %."]


def test_words_that_are_no_number_are_re_prompted(run_action: Run) -> None:
    events, messages = run_action(ValidateLoanForm(), loan_turn("quite a lot", [], {"loan_amount": "quite a lot"},
                                                                "loan_amount"))
    assert SlotSet("loan_amount", None) in events
    assert texts(messages) == ["Please give the loan amount as a number, for example 200000."]


def test_a_correction_is_acknowledged_and_the_question_asked_stays_open(run_action: Run) -> None:
    text = "actually the rate is 5%"
    events, messages = run_action(ValidateLoanForm(), loan_turn(
        text, [entity("percent", 5.0, text, "5%")], {"loan_rate": 5.0, "loan_term": text}, "loan_term",
        slots={"loan_amount": 250000.0, "loan_rate": 4.5}))
    assert SlotSet("loan_rate", 5.0) in events and SlotSet("loan_term", None) in events
    assert texts(messages) == ["Got it: I've changed the interest rate to 5 %."]  # no complaint about the term


def test_an_unchanged_answer_is_not_acknowledged(run_action: Run) -> None:
    text = "4.5%"
    _, messages = run_action(ValidateLoanForm(), loan_turn(
        text, [entity("percent", 4.5, text, "4.5%")], {"loan_rate": 4.5}, "loan_term", slots={"loan_rate": 4.5}))
    assert messages == []


def emergency_turn(text: str, entities: List[Dict[str, Any]], candidates: Dict[str, Any],
                   requested: Optional[str], slots: Optional[Dict[str, Any]] = None) -> Tracker:
    return form_tracker("emergency_fund_form", text, "inform_amount", entities, slots=slots, candidates=candidates,
                        requested_slot=requested)


def test_a_figure_named_by_its_words_corrects_it_and_the_unnamed_one_answers(run_action: Run) -> None:
    text = "500, and actually my essentials are 2,000"
    entities = [entity("number", 500.0, text, "500"), entity("number", 2000.0, text, "2,000")]
    slots = {"ef_essentials": 1800.0, "ef_irregular_income": False, "ef_savings": 0.0}
    # The entity mapping put the last number in the slot asked for; the validation sorts them out.
    events, messages = run_action(ValidateEmergencyFundForm(), emergency_turn(
        text, entities, {"ef_monthly_saving": 2000.0}, "ef_monthly_saving", slots))
    assert SlotSet("ef_essentials", 2000.0) in events and SlotSet("ef_monthly_saving", 500.0) in events
    assert texts(messages) == ["Got it: I've changed the monthly essential costs to 2,000.00."]


def test_a_correction_alone_leaves_the_question_open(run_action: Run) -> None:
    text = "sorry, my essentials are 2,100"
    events, _ = run_action(ValidateEmergencyFundForm(), emergency_turn(
        text, [entity("number", 2100.0, text, "2,100")], {"ef_savings": 2100.0}, "ef_savings",
        {"ef_essentials": 1800.0, "ef_irregular_income": False}))
    assert SlotSet("ef_essentials", 2100.0) in events and SlotSet("ef_savings", None) in events


def test_the_starting_question_fills_its_figures(run_action: Run) -> None:
    text = "my essentials are 2000 a month and I have 5000 saved, how big should my emergency fund be?"
    entities = [entity("number", 2000.0, text, "2000"), entity("number", 5000.0, text, "5000")]
    events, _ = run_action(ValidateEmergencyFundForm(), form_tracker(
        "emergency_fund_form", text, "ask_emergency_fund", entities, requested_slot=None))
    assert SlotSet("ef_essentials", 2000.0) in events and SlotSet("ef_savings", 5000.0) in events


def test_small_bare_numbers_of_a_starting_question_are_not_money() -> None:
    text = "is 6 months of 50 enough? my costs are 1900"
    latest = tracker(text, "ask_emergency_fund", [
        entity("duration", 6.0, text, "6 months"), entity("number", 50.0, text, "50"),
        entity("number", 1900.0, text, "1900")])
    assert figures_of_kind(latest, Kind.MONEY) == [1900.0]
    assert figures_of_kind(latest, Kind.MONTHS) == [6.0]


def test_form_validations_are_abstract_without_a_name() -> None:
    # rasa-sdk registers every concrete Action: a base class without a name would stop the action server.
    assert AdviceFormValidation.__abstractmethods__ == frozenset({"name"})


@pytest.mark.parametrize("text", ['/inform_amount{"percent": 5.0}', "the rate is 5.0 now"])
def test_the_words_of_a_correction_are_no_answer_to_the_question_asked(run_action: Run, text: str) -> None:
    # Only the percentage was the answer; the free-text candidate "5.0" must not become a 5-year term.
    events, messages = run_action(ValidateLoanForm(), loan_turn(
        text, [{"entity": "percent", "value": 5.0}], {"loan_rate": 5.0, "loan_term": text}, "loan_term",
        slots={"loan_amount": 250000.0, "loan_rate": 4.5}))
    assert SlotSet("loan_term", None) in events and SlotSet("loan_rate", 5.0) in events
    assert texts(messages) == ["Got it: I've changed the interest rate to 5 %."]


def test_a_month_is_how_often_not_how_long(run_action: Run) -> None:
    # The pipeline reads "a month" as a one-month duration; a one-month mortgage term would be nonsense.
    text = "how much would a £250,000 mortgage cost a month?"
    entities = [entity("amount", 250000.0, text, "£250,000"), entity("duration", 1.0, text, "a month")]
    events, messages = run_action(ValidateLoanForm(), form_tracker(
        "loan_form", text, "ask_mortgage", entities, candidates={"loan_amount": 250000.0, "loan_term": 1.0}))
    assert SlotSet("loan_amount", 250000.0) in events and SlotSet("loan_term", None) in events
    assert messages == []


def test_the_length_of_time_wins_over_a_frequency(run_action: Run) -> None:
    text = "save 8000 in two years, how much a month?"
    entities = [entity("amount", 8000.0, text, "8000"), entity("duration", 24.0, text, "two years"),
                entity("duration", 1.0, text, "a month")]
    events, _ = run_action(ValidateSavingsGoalForm(), form_tracker(
        "savings_goal_form", text, "ask_savings_goal", entities, candidates={"goal_months": 1.0}))
    assert SlotSet("goal_months", 24.0) in events and SlotSet("goal_target", 8000.0) in events
