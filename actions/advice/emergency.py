"""Emergency fund: a target range from monthly essentials, and how long saving takes to reach it.

``emergency_fund_form`` asks for the monthly essential costs, whether income is irregular,
current savings and the monthly saving; ``action_emergency_fund_plan`` shows the range
(``actions.finance.emergency_fund_plan``) and the months to each end of it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import is_payload, money, months_in_words, reset, say_disclaimer, slot_float
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.advice.text import yes_or_no
from actions.finance import EmergencyFundPlan, FinanceInputError, emergency_fund_plan

EMERGENCY_SLOTS = ("ef_essentials", "ef_irregular_income", "ef_savings", "ef_monthly_saving")
_IRREGULAR = re.compile(
    r"\b(?:irregular|varies|vary|variable|self[- ]employed|freelanc\w*|contract\w*|commission|seasonal|gig|"
    r"tips|zero[- ]hours?|up and down|changes)\b",
    re.IGNORECASE,
)
_STEADY = re.compile(r"\b(?:steady|regular|stable|fixed|salar\w*|same every month|employed|monthly pay)\b",
                     re.IGNORECASE)
ASK_IRREGULAR_AGAIN = "Sorry, I didn't catch that: is your income irregular (for example self-employed or " \
                      "commission-based)? Yes or no."


class ValidateEmergencyFundForm(AdviceFormValidation):
    """Essentials, irregular income (yes/no), current savings, monthly saving."""

    NUMBERS = (
        NumberSlot("ef_essentials", Kind.MONEY, "monthly essential costs", "2000",
                   cue=r"\b(?:essentials?|expenses|outgoings|bills|costs)\b", at_start=True),
        NumberSlot("ef_savings", Kind.MONEY, "savings you already have", "1500", allow_zero=True,
                   cue=r"\b(?:saved|savings|already (?:have|got))\b"),
        NumberSlot("ef_monthly_saving", Kind.MONEY, "monthly saving", "300", allow_zero=True,
                   cue=r"\b(?:save|put away|put aside|saving)\b"),
    )

    def name(self) -> str:
        return "validate_emergency_fund_form"

    def validate_ef_essentials(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "ef_essentials", dispatcher, tracker)

    def validate_ef_irregular_income(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[str, Any]:
        if value is None or isinstance(value, bool) or is_payload(value):
            return {"ef_irregular_income": None if is_payload(value) else value}
        text = str(value)
        if _IRREGULAR.search(text):
            return {"ef_irregular_income": True}
        if _STEADY.search(text):
            return {"ef_irregular_income": False}
        answer = yes_or_no(text)
        if answer is None:
            dispatcher.utter_message(text=ASK_IRREGULAR_AGAIN)
        return {"ef_irregular_income": answer}

    def validate_ef_savings(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "ef_savings", dispatcher, tracker)

    def validate_ef_monthly_saving(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[str, Any]:
        result = self.check_number(value, "ef_monthly_saving", dispatcher, tracker)
        saving = result["ef_monthly_saving"]
        essentials = slot_float(tracker, "ef_essentials")
        if saving is None or essentials is None:
            return result
        try:
            emergency_fund_plan(essentials, saving, current_savings=slot_float(tracker, "ef_savings", 0.0) or 0.0,
                                irregular_income=bool(tracker.get_slot("ef_irregular_income")))
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {"ef_monthly_saving": None}
        return result


def plan_text(plan: EmergencyFundPlan, irregular: bool) -> str:
    target = plan.target
    income = "irregular income" if irregular else "a steady income"
    text = (
        f"With essentials of {money(target.monthly_essentials)} a month and {income}, aim for "
        f"{target.minimum_months} to {target.maximum_months} months of essentials: "
        f"{money(target.minimum)} to {money(target.maximum)}."
    )
    if plan.months_to_maximum == 0:
        return text + f" Your {money(plan.current_savings)} already covers the whole range: well done."
    if plan.months_to_minimum == 0:
        return text + (
            f" Your {money(plan.current_savings)} already reaches the lower end; saving {money(plan.monthly_saving)} "
            f"a month takes you to the upper end in {months_in_words(plan.months_to_maximum)}."
        )
    return text + (
        f" From {money(plan.current_savings)}, saving {money(plan.monthly_saving)} a month gets you to "
        f"{money(target.minimum)} in {months_in_words(plan.months_to_minimum)} and to {money(target.maximum)} "
        f"in {months_in_words(plan.months_to_maximum)}."
    )


class ActionEmergencyFundPlan(Action):
    """The emergency_fund_form's result: the target range and the months to reach it."""

    def name(self) -> str:
        return "action_emergency_fund_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        irregular = bool(tracker.get_slot("ef_irregular_income"))
        try:
            plan = emergency_fund_plan(
                slot_float(tracker, "ef_essentials", 0.0) or 0.0,
                slot_float(tracker, "ef_monthly_saving", 0.0) or 0.0,
                current_savings=slot_float(tracker, "ef_savings", 0.0) or 0.0,
                irregular_income=irregular,
            )
        except FinanceInputError as error:
            # The form validated every figure; this only happens if a slot was changed outside it.
            dispatcher.utter_message(text=error.message)
            return reset(EMERGENCY_SLOTS)
        dispatcher.utter_message(text=plan_text(plan, irregular))
        dispatcher.utter_message(response="utter_emergency_fund_where")
        say_disclaimer(dispatcher)
        return reset(EMERGENCY_SLOTS)
