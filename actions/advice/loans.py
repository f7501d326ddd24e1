"""Loans and mortgages: the monthly payment and total interest, then what an extra monthly payment saves.

``loan_form`` asks for the amount, the interest rate and the term (a lone number is years:
"25" is 25 years, "25 years" and "300 months" arrive as months). ``action_loan_payment`` shows
the payment (``amortisation_schedule``), keeps the loan in ``loan_last`` and offers to show an
extra payment's effect; ``loan_extra_form`` asks for the extra amount and
``action_loan_extra_payment`` compares the two (``extra_payment_effect``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import YES_NO, money, months_in_words, rate, reset, say_disclaimer, slot_float
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.finance import FinanceInputError, amortisation_schedule, extra_payment_effect, monthly_payment

LOAN_SLOTS = ("loan_amount", "loan_rate", "loan_term", "loan_kind")
NO_LOAN = "I don't have a loan to compare with: tell me the amount, rate and term first."


def _kind(tracker: Tracker) -> str:
    return "mortgage" if tracker.get_slot("loan_kind") == "mortgage" else "loan"


class ValidateLoanForm(AdviceFormValidation):
    """Amount, rate, term; the three together must make a payable loan."""

    NUMBERS = (
        NumberSlot("loan_amount", Kind.MONEY, "loan amount", "200000", at_start=True),
        NumberSlot("loan_rate", Kind.PERCENT, "interest rate", "4.5"),
        NumberSlot("loan_term", Kind.MONTHS, "loan term", "25 years"),
    )

    def name(self) -> str:
        return "validate_loan_form"

    def validate_loan_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "loan_amount", dispatcher, tracker)

    def validate_loan_rate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "loan_rate", dispatcher, tracker)

    def validate_loan_term(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        result = self.check_number(value, "loan_term", dispatcher, tracker)
        principal, annual = slot_float(tracker, "loan_amount"), slot_float(tracker, "loan_rate")
        if result["loan_term"] is None or principal is None or annual is None:
            return result
        try:
            monthly_payment(principal, annual, result["loan_term"])
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {"loan_term": None}
        return result


class ActionLoanPayment(Action):
    """The loan_form's result: monthly payment, total interest, total repaid; then the offer of an extra payment."""

    def name(self) -> str:
        return "action_loan_payment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        principal = slot_float(tracker, "loan_amount", 0.0) or 0.0
        annual = slot_float(tracker, "loan_rate", 0.0) or 0.0
        months = slot_float(tracker, "loan_term", 0.0) or 0.0
        kind = _kind(tracker)
        try:
            schedule = amortisation_schedule(principal, annual, months)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return reset(LOAN_SLOTS)
        dispatcher.utter_message(
            text=f"A {kind} of {money(schedule.starting_balance)} at {rate(schedule.annual_rate)} over "
                 f"{months_in_words(schedule.term_months)} costs {money(schedule.monthly_payment)} a month. "
                 f"In total you'd repay {money(schedule.total_paid)}, of which {money(schedule.total_interest)} "
                 "is interest."
        )
        say_disclaimer(dispatcher)
        dispatcher.utter_message(text="Would you like to see what paying a little extra each month would save?",
                                 buttons=YES_NO)
        last = {"kind": kind, "amount": float(schedule.starting_balance), "rate": float(schedule.annual_rate),
                "months": schedule.term_months}
        return [*reset(LOAN_SLOTS), SlotSet("loan_last", last)]


def _last_loan(tracker: Tracker) -> Optional[Dict[str, Any]]:
    last = tracker.get_slot("loan_last")
    if isinstance(last, dict) and {"amount", "rate", "months"} <= set(last):
        return last
    return None


class ValidateLoanExtraForm(AdviceFormValidation):
    """The extra monthly payment."""

    NUMBERS = (NumberSlot("loan_extra", Kind.MONEY, "extra monthly payment", "100"),)

    def name(self) -> str:
        return "validate_loan_extra_form"

    def validate_loan_extra(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "loan_extra", dispatcher, tracker)


class ActionLoanExtraPayment(Action):
    """The loan_extra_form's result: months and interest saved by the extra payment."""

    def name(self) -> str:
        return "action_loan_extra_payment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        last = _last_loan(tracker)
        extra = slot_float(tracker, "loan_extra")
        if last is None or extra is None:
            dispatcher.utter_message(text=NO_LOAN)
            return reset(["loan_extra"])
        try:
            effect = extra_payment_effect(last["amount"], last["rate"], last["months"], extra)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return reset(["loan_extra"])
        dispatcher.utter_message(
            text=f"Paying {money(extra)} extra a month, the {last.get('kind', 'loan')} is repaid in "
                 f"{months_in_words(effect.with_extra.months)} instead of {months_in_words(effect.standard.months)}: "
                 f"{months_in_words(effect.months_saved)} sooner, with {money(effect.interest_saved)} less interest "
                 f"({money(effect.with_extra.total_interest)} instead of {money(effect.standard.total_interest)})."
        )
        dispatcher.utter_message(response="utter_loan_extra_tips")
        say_disclaimer(dispatcher)
        return reset(["loan_extra"])
