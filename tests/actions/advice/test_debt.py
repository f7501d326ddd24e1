"""Paying off debts: collecting them, the budget check, and avalanche against snowball."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.common import money, months_in_words
from actions.advice.debt import (
    ASK_MORE_AGAIN,
    DEBT_SLOTS,
    NO_DEBT_FOUND,
    ActionAskDebtBudget,
    ActionAskDebtEntry,
    ActionAskDebtMore,
    ActionDebtPayoffPlan,
    ValidateDebtForm,
    read_debts,
    stored,
)
from actions.finance import Debt, PayoffPlan, compare_strategies
from tests.actions.advice.support import form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
CARD = {"name": "credit card", "balance": 3000.0, "apr": 19.9, "minimum": 90.0}
CAR = {"name": "car loan", "balance": 8500.0, "apr": 6.9, "minimum": 210.0}
STORE = {"name": "store card", "balance": 600.0, "apr": 29.0, "minimum": 25.0}
OVERDRAFT = {"name": "overdraft", "balance": 900.0, "apr": 5.0, "minimum": 25.0}


def debt_turn(text: str, candidates: Dict[str, Any], requested: str, debts: List[Dict[str, Any]]) -> Tracker:
    return form_tracker("debt_form", text, "inform_amount", slots={"debts": debts}, candidates=candidates,
                        requested_slot=requested)


def slot_value(events: List[Dict[str, Any]], name: str) -> Any:
    return next(event["value"] for event in events if event.get("name") == name)


def test_a_debt_is_added_to_the_list(run_action: Run) -> None:
    text = "credit card 3000 at 19.9% min 90"
    events, messages = run_action(ValidateDebtForm(), debt_turn(text, {"debt_entry": text}, "debt_entry", []))
    assert slot_value(events, "debts") == [CARD]
    assert slot_value(events, "debt_entry") == "credit card: 3,000.00 at 19.9 %, minimum 90.00"
    assert SlotSet("requested_slot", None) not in events and messages == []


def test_several_debts_at_once_and_one_given_again_replaces_it(run_action: Run) -> None:
    text = "car loan 8500 at 6.9% min 210; Credit Card 3500 at 19.9% min 95"
    events, _ = run_action(ValidateDebtForm(), debt_turn(text, {"debt_entry": text}, "debt_entry", [CARD]))
    assert slot_value(events, "debts") == [CAR, {**CARD, "name": "Credit Card", "balance": 3500.0, "minimum": 95.0}]


@pytest.mark.parametrize(
    "text, message",
    [
        ("credit card 3000", "For the credit card I still need the interest rate and minimum payment. Please give "
                             "the whole debt again, like \"credit card 3000 at 19.9% min 90\"."),
        ("payday loan 500 at 150% min 100", "The interest rate on payday loan must be between 0 and 100 %."),
        ("I have a few", NO_DEBT_FOUND),
    ],
)
def test_an_incomplete_or_impossible_debt_is_re_prompted(run_action: Run, text: str, message: str) -> None:
    events, messages = run_action(ValidateDebtForm(), debt_turn(text, {"debt_entry": text}, "debt_entry", []))
    assert SlotSet("debt_entry", None) in events and texts(messages) == [message]


def test_the_question_that_starts_the_form_may_give_a_debt(run_action: Run) -> None:
    text = "I have a credit card 3000 at 19.9% min 90, what's the fastest way to pay it off?"
    events, _ = run_action(ValidateDebtForm(), form_tracker("debt_form", text, "ask_debt_payoff"))
    assert slot_value(events, "debts") == [CARD]


def test_the_question_that_starts_the_form_without_a_debt_is_no_answer(run_action: Run) -> None:
    events, messages = run_action(ValidateDebtForm(), form_tracker("debt_form", "how do I pay off my debts",
                                                                   "ask_debt_payoff"))
    assert messages == [] and all(event.get("name") != "debts" for event in events)


@pytest.mark.parametrize("answer, entry", [(True, None), ("yes", None)])
def test_another_debt_reopens_the_entry(run_action: Run, answer: Any, entry: Any) -> None:
    events, _ = run_action(ValidateDebtForm(), debt_turn(str(answer), {"debt_more": answer}, "debt_more", [CARD]))
    assert SlotSet("debt_more", None) in events and SlotSet("debt_entry", entry) in events
    assert SlotSet("requested_slot", "debt_entry") not in events  # Rasa asks the first empty slot: the entry


def test_no_more_debts_moves_on(run_action: Run) -> None:
    events, _ = run_action(ValidateDebtForm(), debt_turn("no", {"debt_more": False}, "debt_more", [CARD]))
    assert SlotSet("debt_more", False) in events


def test_typing_the_next_debt_instead_of_yes_adds_it(run_action: Run) -> None:
    text = "store card 600 at 29% min 25"
    events, _ = run_action(ValidateDebtForm(), debt_turn(text, {"debt_more": text}, "debt_more", [CARD]))
    assert slot_value(events, "debts") == [CARD, STORE] and SlotSet("debt_more", None) in events


def test_an_unclear_answer_to_another_is_asked_again(run_action: Run) -> None:
    events, messages = run_action(ValidateDebtForm(), debt_turn("hmm", {"debt_more": "hmm"}, "debt_more", [CARD]))
    assert SlotSet("debt_more", None) in events and texts(messages) == [ASK_MORE_AGAIN]


def test_a_budget_below_the_minimums_is_re_prompted(run_action: Run) -> None:
    events, messages = run_action(ValidateDebtForm(), debt_turn("200", {"debt_budget": 200.0}, "debt_budget",
                                                                [CARD, CAR]))
    assert SlotSet("debt_budget", None) in events
    assert texts(messages) == ["Your monthly budget of 200.00 is less than your minimum payments, which add up to "
                               "300.00."]


def test_the_questions_show_what_is_known() -> None:
    from tests.actions.advice.support import run

    _, first = run(ActionAskDebtEntry(), tracker("", "ask_debt_payoff", slots={"debts": None}))
    _, next_one = run(ActionAskDebtEntry(), tracker("", "affirm", slots={"debts": [CARD]}))
    _, more = run(ActionAskDebtMore(), tracker("", "inform_amount", slots={"debts": [CARD, STORE]}))
    _, budget = run(ActionAskDebtBudget(), tracker("", "deny", slots={"debts": [CARD, STORE]}))
    assert texts(first) == ["<utter_ask_debt_entry>"]
    assert texts(next_one)[0].startswith("What's the next debt?")
    assert texts(more) == ["So far:\n1. credit card: 3,000.00 at 19.9 %, minimum 90.00\n"
                           "2. store card: 600.00 at 29 %, minimum 25.00\nAny other debts to add?"]
    assert [b["payload"] for b in more[0]["buttons"]] == ["/affirm", "/deny"]
    assert "The minimum payments add up to 115.00" in texts(budget)[0]


def test_the_plan_compares_avalanche_and_snowball(run_action: Run) -> None:
    events, messages = run_action(ActionDebtPayoffPlan(), tracker("600", "inform_amount", slots={
        "debts": [CARD, CAR, OVERDRAFT], "debt_budget": 600.0}))
    comparison = compare_strategies(stored([CARD, CAR, OVERDRAFT]), 600)
    avalanche, snowball = comparison.avalanche, comparison.snowball
    assert comparison.interest_saved_by_avalanche > 0  # the case where the two orders differ

    def order(plan: PayoffPlan) -> str:
        return ", ".join(f"{name} (month {plan.cleared_in_month[name]})" for name in plan.payoff_order)

    said = texts(messages)
    assert said[0] == (f"Avalanche (highest interest rate first): debt-free in "
                       f"{months_in_words(avalanche.months_to_debt_free)}, {money(avalanche.total_interest)} in "
                       f"interest. Cleared in this order: {order(avalanche)}.")
    assert said[1] == (f"Snowball (smallest balance first): debt-free in "
                       f"{months_in_words(snowball.months_to_debt_free)}, {money(snowball.total_interest)} in "
                       f"interest. Cleared in this order: {order(snowball)}.")
    assert avalanche.payoff_order[0] == "credit card" and snowball.payoff_order[0] == "overdraft"
    assert said[2].startswith(f"The avalanche saves you {money(comparison.interest_saved_by_avalanche)} in interest")
    assert said[3:] == ["<utter_debt_strategies>", "<utter_disclaimer>"]
    assert events == [SlotSet(slot, None) for slot in DEBT_SLOTS]


def test_when_both_orders_are_the_same_it_says_so(run_action: Run) -> None:
    _, messages = run_action(ActionDebtPayoffPlan(), tracker("", "inform_amount", slots={
        "debts": [CARD], "debt_budget": 300.0}))
    assert texts(messages)[2] == "Here both orders cost the same, so pick the one that keeps you motivated."


def test_stored_debts_skip_unreadable_entries() -> None:
    assert stored([CARD, {"name": "broken"}, "nonsense"]) == [Debt.create("credit card", 3000, 19.9, 90)]
    assert stored(None) == []
    assert read_debts("nothing here", []) == ([], None)
