"""Saving for a goal: how long at a monthly amount, or how much a month to get there by a deadline.

``savings_goal_form`` asks for the goal, what is already saved, then either a monthly amount
("250 a month") or a deadline ("in 18 months", "by June 2027"): whichever the user gives decides
the question ``action_savings_goal_plan`` answers (``months_to_goal`` or ``deposit_for_goal``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import as_float, latest_text, money, months_in_words, reset, say_disclaimer, slot_float
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.advice.text import months_to_date
from actions.finance import FinanceInputError, SavingsPlan, deposit_for_goal, months_to_goal, months_until

GOAL_SLOTS = ("goal_target", "goal_saved", "goal_monthly", "goal_months")
MONTHLY_CUE = r"\b(?:a month|per month|monthly|each month|every month|a week)\b"

Clock = Callable[[], date]


class ValidateSavingsGoalForm(AdviceFormValidation):
    """The goal, what is saved already, then a monthly amount or a deadline."""

    NUMBERS = (
        NumberSlot("goal_target", Kind.MONEY, "savings goal", "5000", cue=r"\b(?:goal|target|total|need)\b",
                   at_start=True),
        NumberSlot("goal_saved", Kind.MONEY, "amount you've already saved", "500", allow_zero=True,
                   cue=r"\b(?:saved|already (?:have|got)|so far)\b"),
        NumberSlot("goal_monthly", Kind.MONEY, "monthly amount", "250", cue=MONTHLY_CUE, at_start=True),
        NumberSlot("goal_months", Kind.MONTHS, "time to reach the goal", "18 months", bare_months=1),
    )

    def __init__(self, clock: Optional[Clock] = None) -> None:
        super().__init__()
        self.today: Clock = clock or date.today

    def name(self) -> str:
        return "validate_savings_goal_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[str]:
        """Goal and savings, then whichever of monthly amount or deadline the user gave last (monthly by default)."""
        fresh = tracker.slots_to_validate()
        # A monthly amount given as a number wins; words ("in 18 months") are the deadline's text.
        if as_float(fresh.get("goal_monthly")) is not None:
            by_deadline = False
        elif fresh.get("goal_months") is not None:
            by_deadline = True
        else:
            by_deadline = tracker.get_slot("goal_months") is not None
        return ["goal_target", "goal_saved", "goal_months" if by_deadline else "goal_monthly"]

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Mappings and corrections, plus a deadline named as a date ("by June 2027") turned into months."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        deadline = months_to_date(latest_text(tracker), self.today())
        if deadline is None:
            return events
        # A date is the deadline; a number the pipeline saw in it ("2027") is no monthly amount.
        events = [*events, SlotSet("goal_monthly", None)]
        try:
            months = months_until(deadline, self.today())
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return events
        return [*events, SlotSet("goal_months", float(months))]

    def validate_goal_target(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "goal_target", dispatcher, tracker)

    def validate_goal_saved(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "goal_saved", dispatcher, tracker)

    def validate_goal_monthly(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        result = self.check_number(value, "goal_monthly", dispatcher, tracker)
        monthly = result["goal_monthly"]
        if monthly is None:
            return result
        try:
            months_to_goal(slot_float(tracker, "goal_target", 1.0) or 1.0, monthly,
                           starting_balance=slot_float(tracker, "goal_saved", 0.0) or 0.0)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {"goal_monthly": None}
        return {"goal_monthly": monthly, "goal_months": None}

    def validate_goal_months(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        result = self.check_number(value, "goal_months", dispatcher, tracker)
        if result["goal_months"] is None:
            return result
        return {"goal_months": result["goal_months"], "goal_monthly": None}


def plan_text(plan: SavingsPlan, by_deadline: bool) -> str:
    """The plan in words: the monthly amount for a deadline, or the time at a monthly amount."""
    if plan.starting_balance >= plan.target:
        return f"You already have {money(plan.starting_balance)}: that covers your {money(plan.target)} goal."
    start = f" from the {money(plan.starting_balance)} you have" if plan.starting_balance else ""
    if by_deadline:
        return (f"To reach {money(plan.target)} in {months_in_words(plan.months)}{start}, put aside "
                f"{money(plan.monthly_deposit)} a month ({money(plan.total_deposited)} in all).")
    return (f"At {money(plan.monthly_deposit)} a month{start}, you'd reach {money(plan.target)} in "
            f"{months_in_words(plan.months)}.")


def savings_chart(plan: SavingsPlan) -> Optional[Dict[str, Any]]:
    """A line chart for the web widget: the balance month by month (None when the goal is already met).

    Same shape as the spending chart (``type``, ``title``, ``labels``, ``values``, ``currency``);
    amounts carry no currency, as the advice texts do.
    """
    balances = plan.balances()
    if plan.months < 1:
        return None
    return {"chart": {
        "type": "line",
        "title": f"Savings towards {money(plan.target)}, month by month",
        "labels": [str(month) for month in range(len(balances))],
        "values": [float(balance) for balance in balances],
        "currency": None,
        "x_label": "months",
    }}


class ActionSavingsGoalPlan(Action):
    """The savings_goal_form's result: months at the monthly amount, or the monthly amount for the deadline."""

    def name(self) -> str:
        return "action_savings_goal_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        target = slot_float(tracker, "goal_target", 0.0) or 0.0
        saved = slot_float(tracker, "goal_saved", 0.0) or 0.0
        monthly = slot_float(tracker, "goal_monthly")
        months = slot_float(tracker, "goal_months")
        try:
            if months is not None:
                plan = deposit_for_goal(target, months, starting_balance=saved)
            else:
                plan = months_to_goal(target, monthly or 0.0, starting_balance=saved)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return reset(GOAL_SLOTS)
        dispatcher.utter_message(text=plan_text(plan, months is not None) + " That leaves interest out: a "
                                 "savings account paying interest gets you there a little sooner.",
                                 json_message=savings_chart(plan))
        dispatcher.utter_message(response="utter_savings_goal_tips")
        say_disclaimer(dispatcher)
        return reset(GOAL_SLOTS)
