"""Loans and mortgages: the term in years or months, the payment, and an extra monthly payment's effect."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.common import money, months_in_words
from actions.advice.loans import (
    LOAN_SLOTS,
    NO_LOAN,
    ActionLoanExtraPayment,
    ActionLoanPayment,
    ValidateLoanExtraForm,
    ValidateLoanForm,
)
from actions.finance import amortisation_schedule, extra_payment_effect
from tests.actions.advice.support import entity, form_tracker, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
LOAN = {"loan_amount": 250000.0, "loan_rate": 4.5}


@pytest.mark.parametrize(
    "text, entities, candidate, months",
    [
        ("25", [("number", 25.0, "25")], 25.0, 300.0),
        ("25 years", [("duration", 300.0, "25 years")], 300.0, 300.0),
        ("60 months", [("duration", 60.0, "60 months")], 60.0, 60.0),
        ("over 30 years", [], "over 30 years", 360.0),  # words only: read from the text
    ],
)
def test_the_term_in_years_or_months(run_action: Run, text: str, entities: List[Tuple[str, float, str]],
                                     candidate: Any, months: float) -> None:
    events, messages = run_action(ValidateLoanForm(), form_tracker(
        "loan_form", text, "inform_amount", [entity(kind, value, text, typed) for kind, value, typed in entities],
        slots=LOAN, candidates={"loan_term": candidate}, requested_slot="loan_term"))
    assert SlotSet("loan_term", months) in events and messages == []


def test_a_loan_too_small_for_its_term_is_re_prompted(run_action: Run) -> None:
    events, messages = run_action(ValidateLoanForm(), form_tracker(
        "loan_form", "1200 months", "inform_amount", slots={"loan_amount": 0.5, "loan_rate": 0.0},
        candidates={"loan_term": 1200.0}, requested_slot="loan_term"))
    assert SlotSet("loan_term", None) in events
    assert texts(messages) == ["That loan is too small to spread over so many months."]


def test_every_figure_of_the_question_fills_the_form_at_once(run_action: Run) -> None:
    text = "I want to borrow 10000 over 5 years at 7%"
    events, _ = run_action(ValidateLoanForm(), form_tracker(
        "loan_form", text, "ask_loan", [entity("number", 10000.0, text, "10000")],
        candidates={"loan_term": 60.0, "loan_rate": 7.0}))
    assert SlotSet("loan_amount", 10000.0) in events and SlotSet("loan_rate", 7.0) in events
    assert SlotSet("loan_term", 60.0) in events


@pytest.mark.parametrize("kind", ["loan", "mortgage"])
def test_the_payment_and_the_offer_of_an_extra_payment(run_action: Run, kind: str) -> None:
    events, messages = run_action(ActionLoanPayment(), tracker("25", "inform_amount", slots={
        **LOAN, "loan_term": 300.0, "loan_kind": kind}))
    schedule = amortisation_schedule(250000, 4.5, 300)
    assert texts(messages)[0] == (
        f"A {kind} of 250,000.00 at 4.5 % over 25 years costs {money(schedule.monthly_payment)} a month. In total "
        f"you'd repay {money(schedule.total_paid)}, of which {money(schedule.total_interest)} is interest.")
    assert texts(messages)[1:] == ["<utter_disclaimer>", "Would you like to see what paying a little extra each "
                                                         "month would save?"]
    assert events == [*(SlotSet(slot, None) for slot in LOAN_SLOTS),
                      SlotSet("loan_last", {"kind": kind, "amount": 250000.0, "rate": 4.5, "months": 300})]


def test_the_extra_payment_effect(run_action: Run) -> None:
    last = {"kind": "mortgage", "amount": 250000.0, "rate": 4.5, "months": 300}
    events, messages = run_action(ActionLoanExtraPayment(), tracker("200", "inform_amount", slots={
        "loan_last": last, "loan_extra": 200.0}))
    effect = extra_payment_effect(250000, 4.5, 300, 200)
    assert texts(messages)[0] == (
        f"Paying 200.00 extra a month, the mortgage is repaid in {months_in_words(effect.with_extra.months)} instead "
        f"of 25 years: {months_in_words(effect.months_saved)} sooner, with {money(effect.interest_saved)} less "
        f"interest ({money(effect.with_extra.total_interest)} instead of {money(effect.standard.total_interest)}).")
    assert effect.months_saved > 0 and effect.interest_saved > 0
    assert texts(messages)[1:] == ["<utter_loan_extra_tips>", "<utter_disclaimer>"]
    assert events == [SlotSet("loan_extra", None)]


def test_an_extra_payment_without_a_loan(run_action: Run) -> None:
    _, messages = run_action(ActionLoanExtraPayment(), tracker("200", "inform_amount", slots={"loan_extra": 200.0}))
    assert texts(messages) == [NO_LOAN]


def test_the_extra_amount_is_validated(run_action: Run) -> None:
    events, messages = run_action(ValidateLoanExtraForm(), form_tracker(
        "loan_extra_form", "none", "inform_amount", candidates={"loan_extra": "none"}, requested_slot="loan_extra"))
    assert SlotSet("loan_extra", None) in events
    assert texts(messages) == ["Please give the extra monthly payment as a number, for example 100."]
