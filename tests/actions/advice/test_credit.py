"""Credit cards (explanation, payoff, the minimum-payment trap) and credit scores (follow-ups)."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.common import money, months_in_words
from actions.advice.credit import (
    CARD_SLOTS,
    CREDIT_SCORE,
    ActionCardPayoff,
    ActionCreditScore,
    ActionExplainCreditCards,
    ValidateCardPayoffForm,
)
from actions.finance import NeverPaidOffError, payoff_with_fixed_payment, payoff_with_minimum_payment
from tests.actions.advice.support import entity, form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]


def test_the_explanation_offers_a_calculation_and_keeps_the_figures_given(run_action: Run) -> None:
    text = "I owe £3,000 on my card at 22% APR, how long to pay it off?"
    events, messages = run_action(ActionExplainCreditCards(), tracker(text, "ask_credit_cards", [
        entity("amount", 3000.0, text, "£3,000"), entity("percent", 22.0, text, "22%")]))
    assert events == [SlotSet("card_balance", 3000.0), SlotSet("card_apr", 22.0)]
    assert texts(messages) == ["<utter_credit_cards>", "Would you like me to work out how long a card takes to pay "
                               "off for a balance of 3,000.00 and an APR of 22 %, and what paying only the minimum "
                               "would cost?"]
    assert [button["payload"] for button in messages[1]["buttons"]] == ["/affirm", "/deny"]


def test_mid_form_the_explanation_makes_no_offer(run_action: Run) -> None:
    events, messages = run_action(ActionExplainCreditCards(), tracker(
        "how does card interest work", "ask_credit_cards", active_loop="loan_form"))
    assert events == [] and texts(messages) == ["<utter_credit_cards>"]


def test_a_payment_that_never_clears_the_card_is_re_prompted(run_action: Run) -> None:
    events, messages = run_action(ValidateCardPayoffForm(), form_tracker(
        "card_payoff_form", "40", "inform_amount", slots={"card_balance": 3000.0, "card_apr": 22.0},
        candidates={"card_payment": 40.0}, requested_slot="card_payment"))
    assert SlotSet("card_payment", None) in events
    assert texts(messages) == ["A payment of 40.00 does not cover the month's interest of 55.00, so the balance "
                               "would never be paid off. Try a larger payment."]


def test_the_balance_named_while_the_payment_is_asked_corrects_it(run_action: Run) -> None:
    text = "150, and actually I owe 3,500"
    events, _ = run_action(ValidateCardPayoffForm(), form_tracker(
        "card_payoff_form", text, "inform_amount", [entity("number", 150.0, text, "150"),
                                                    entity("number", 3500.0, text, "3,500")],
        slots={"card_balance": 3000.0, "card_apr": 22.0}, candidates={"card_payment": 3500.0},
        requested_slot="card_payment"))
    assert SlotSet("card_balance", 3500.0) in events and SlotSet("card_payment", 150.0) in events


@pytest.mark.parametrize("balance, apr, payment", [(3000.0, 22.0, 150.0), (1200.0, 18.9, 60.0)])
def test_the_payoff_against_the_minimum_payment_trap(run_action: Run, balance: float, apr: float,
                                                     payment: float) -> None:
    events, messages = run_action(ActionCardPayoff(), tracker("", "inform_amount", slots={
        "card_balance": balance, "card_apr": apr, "card_payment": payment}))
    fixed = payoff_with_fixed_payment(balance, apr, payment)
    trap = payoff_with_minimum_payment(balance, apr)
    said = texts(messages)
    assert said[0].endswith(f"is cleared in {months_in_words(fixed.months)}, with {money(fixed.total_interest)} "
                            "in interest.")
    assert (f"would take {months_in_words(trap.months)} and cost {money(trap.total_interest)} in interest. "
            "That is the minimum-payment trap.") in said[1]
    assert trap.total_interest > fixed.total_interest
    assert said[2:] == ["<utter_credit_cards_tips>", "<utter_disclaimer>"]
    assert events == [SlotSet(slot, None) for slot in CARD_SLOTS]


def test_a_minimum_that_never_clears_the_card_is_said_plainly(run_action: Run) -> None:
    # At 30 % APR a month's interest (2.5 %) is more than the 2 % minimum: the balance never falls.
    with pytest.raises(NeverPaidOffError):
        payoff_with_minimum_payment(5000, 30)
    _, messages = run_action(ActionCardPayoff(), tracker("", "inform_amount", slots={
        "card_balance": 5000.0, "card_apr": 30.0, "card_payment": 300.0}))
    assert texts(messages)[1] == ("Paying only the minimum (the larger of 2 % of the balance and 25.00, 100.00 this "
                                  "month) would never clear it: the minimum does not even cover the interest. "
                                  "That is the minimum-payment trap.")


@pytest.mark.parametrize(
    "text, entities, response",
    [
        ("what is a credit score", [], "utter_credit_score_overview"),
        ("what hurts my credit score", [], "utter_credit_score_hurts"),
        ("how do I improve my credit score", [], "utter_credit_score_improve"),
        ("how long does a default stay on my record", [], "utter_credit_score_time"),
        ('/ask_credit_score{"advice_subtopic": "improve"}',
         [{"entity": "advice_subtopic", "value": "improve"}], "utter_credit_score_improve"),
        ('/ask_credit_score{"advice_subtopic": "nonsense"}',
         [{"entity": "advice_subtopic", "value": "nonsense"}], "utter_credit_score_overview"),
    ],
)
def test_credit_score_answers_the_part_asked_and_offers_the_rest(
    run_action: Run, text: str, entities: List[Dict[str, Any]], response: str
) -> None:
    events, messages = run_action(ActionCreditScore(), tracker(text, "ask_credit_score", entities))
    assert events == [] and messages[0]["response"] == response
    shown = next(section for section in CREDIT_SCORE.sections if section.response == response)
    payloads = [button["payload"] for button in messages[1]["buttons"]]
    assert len(payloads) == len(CREDIT_SCORE.sections) - 1
    assert f'/ask_credit_score{json.dumps({"advice_subtopic": shown.key})}' not in payloads


def test_credit_score_mid_form_has_no_buttons(run_action: Run) -> None:
    _, messages = run_action(ActionCreditScore(), tracker("what is a credit score", "ask_credit_score",
                                                          active_loop="budget_form"))
    assert texts(messages) == ["<utter_credit_score_overview>"]
