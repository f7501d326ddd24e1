"""Budgeting: the 50/30/20 split of a monthly income, and a budget from the user's own costs.

``budget_form`` asks for the take-home income, then the monthly costs as free text ("rent 1200,
groceries 300, car 250"), or "skip" for the split alone. ``action_budget_split`` shows needs,
wants and savings against the 50/30/20 guideline (``actions.finance.build_budget``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import is_payload, money, rate, reset, say_disclaimer, slot_float
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.advice.text import clauses, join_words, parse_amount, parse_costs
from actions.finance import Budget, Category, FinanceInputError, budget_split, build_budget

__all__ = ["ActionBudgetSplit", "ValidateBudgetForm", "costs_from_text", "parse_amount"]

BUDGET_SLOTS = ("budget_income", "budget_costs")
NO_COSTS = "none"
INCOME_CUE = r"\b(?:earn|earning|income|salary|take[- ]?home|paid|make|net pay|wages?)\b"
_SKIP = re.compile(r"\b(?:skip|just the split|no costs|don't know|dont know|not sure|rather not)\b", re.IGNORECASE)
# "401k 200" would read as 401,000: the plan's name is not an amount.
_PLAN_NAMES = re.compile(r"\b40[13]\s?\(?[kb]\)?", re.IGNORECASE)
NO_COSTS_FOUND = (
    "I couldn't find any costs in that. List each with its monthly amount, like "
    "\"rent 1200, groceries 300, car 250\", or say \"skip\" for the 50/30/20 split alone."
)


def costs_from_text(text: str) -> List[Tuple[str, Decimal]]:
    """The named costs in an answer, leaving out any clause that restates the income ("actually I earn 3,500")."""
    kept = [clause for clause in clauses(_PLAN_NAMES.sub("retirement plan", text))
            if not re.search(INCOME_CUE, clause, re.IGNORECASE)]
    return parse_costs("; ".join(kept))


def _costs_slot(costs: List[Tuple[str, Decimal]]) -> str:
    # Stored as text the parser reads back; names only, never more than the user typed.
    return "; ".join(f"{name} {value:.2f}" for name, value in costs)


class ValidateBudgetForm(AdviceFormValidation):
    """The monthly income, then the costs (or none)."""

    NUMBERS = (NumberSlot("budget_income", Kind.MONEY, "monthly take-home income", "3200", cue=INCOME_CUE,
                           at_start=True),)

    def name(self) -> str:
        return "validate_budget_form"

    def validate_budget_income(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "budget_income", dispatcher, tracker)

    def validate_budget_costs(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        if value is None or value == NO_COSTS or is_payload(value):
            return {"budget_costs": None if is_payload(value) else value}
        text = str(value)
        if _SKIP.search(text):
            return {"budget_costs": NO_COSTS}
        costs = costs_from_text(text)
        if not costs:
            if re.search(INCOME_CUE, text, re.IGNORECASE):
                return {"budget_costs": None}  # only the income was corrected: ask for the costs again
            dispatcher.utter_message(text=NO_COSTS_FOUND)
            return {"budget_costs": None}
        income = slot_float(tracker, "budget_income")
        try:
            build_budget(income if income is not None else 1, costs)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {"budget_costs": None}
        return {"budget_costs": _costs_slot(costs)}


def split_text(income: Decimal) -> str:
    split = budget_split(income)
    return (
        f"On {money(split.income)} a month, the 50/30/20 guideline gives: needs {money(split.needs)}, "
        f"wants {money(split.wants)}, savings and debt repayment {money(split.savings)}. "
        "Needs are what you must pay (housing, bills, food, transport, minimum debt payments); "
        "wants are the rest of your spending; the 20 % builds savings or pays debts off faster."
    )


def _names(budget: Budget, category: Category) -> str:
    return ", ".join(f"{line.name} {money(line.amount)}" for line in budget.lines if line.category is category)


def budget_text(budget: Budget) -> List[str]:
    """The messages that compare a budget with the guideline: the three groups, what is left, what stands out."""
    guide = budget.guideline
    rows = [
        ("Needs", budget.needs, budget.needs_percent, "50 %", guide.needs, Category.NEED),
        ("Wants", budget.wants, budget.wants_percent, "30 %", guide.wants, Category.WANT),
        ("Savings", budget.savings, None, "20 %", guide.savings, Category.SAVING),
    ]
    lines = [f"Your budget on {money(budget.income)} a month:"]
    for title, spent, share, target, guideline, category in rows:
        detail = _names(budget, category)
        shown = f"{money(spent)}" + (f" ({rate(share)})" if share is not None else "")
        listed = f" ({detail})" if detail else ""
        lines.append(f"- {title}: {shown}, guideline {target} = {money(guideline)}{listed}")
    if budget.over_budget:
        lines.append(f"Your costs come to {money(budget.total_costs)}: {money(budget.shortfall)} more than you earn.")
    else:
        lines.append(f"Left over: {money(budget.left_over)}. With what you already save, "
                     f"that is a savings rate of {rate(budget.savings_rate)}.")
    messages = ["\n".join(lines)]
    notes = []
    if budget.needs > guide.needs:
        notes.append("Needs take more than half your income: housing and transport are usually the biggest levers.")
    if budget.wants > guide.wants:
        notes.append("Wants are above 30 %: subscriptions and eating out are the easiest places to trim.")
    if not budget.over_budget and budget.savings_rate < 20:
        notes.append("Aim to move what is left over into savings or extra debt payments on payday, "
                     "before it gets spent.")
    if budget.unrecognised:
        notes.append(f"I counted {join_words(list(budget.unrecognised))} as wants; "
                     "if any of them is a need, your needs are higher than shown.")
    if notes:
        messages.append(" ".join(notes))
    return messages


class ActionBudgetSplit(Action):
    """The budget_form's result: the 50/30/20 split of the income, and with costs, the user's budget against it."""

    def name(self) -> str:
        return "action_budget_split"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        income = slot_float(tracker, "budget_income")
        if income is None:
            dispatcher.utter_message(response="utter_ask_budget_income")
            return reset(BUDGET_SLOTS)
        costs_text: Optional[str] = tracker.get_slot("budget_costs")
        costs = parse_costs(costs_text) if costs_text and costs_text != NO_COSTS else []
        if costs:
            for message in budget_text(build_budget(income, costs)):
                dispatcher.utter_message(text=message)
        else:
            dispatcher.utter_message(text=split_text(Decimal(str(income))))
        say_disclaimer(dispatcher)
        return reset(BUDGET_SLOTS)
