"""Budgeting: the 50/30/20 split of a monthly take-home income."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

_AMOUNT = re.compile(r"(?<![\w.])\$?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s?(k)?(?![\w])", re.IGNORECASE)
_CENT = Decimal("0.01")
ASK_INCOME = "What is your monthly take-home pay (after tax)? For example: 3200."


@dataclass(frozen=True)
class BudgetSplit:
    """A monthly budget: needs 50 %, wants 30 %, savings and debt repayment 20 %."""

    income: Decimal
    needs: Decimal
    wants: Decimal
    savings: Decimal


def parse_amount(text: str) -> Optional[Decimal]:
    """Return the first positive money amount in ``text`` ("$4,500", "3200.50", "4k"), or None."""
    match = _AMOUNT.search(text)
    if match is None:
        return None
    whole, fraction, thousands = match.groups()
    try:
        value = Decimal(whole.replace(",", "") + (fraction or ""))
    except InvalidOperation:
        return None
    if thousands:
        value *= 1000
    return value if value > 0 else None


def budget_split(income: Decimal) -> BudgetSplit:
    """Split ``income`` 50/30/20, rounded to cents, with the rounding remainder in savings."""
    if income <= 0:
        raise ValueError("income must be positive")
    needs = (income * Decimal("0.50")).quantize(_CENT, rounding=ROUND_HALF_UP)
    wants = (income * Decimal("0.30")).quantize(_CENT, rounding=ROUND_HALF_UP)
    savings = income.quantize(_CENT, rounding=ROUND_HALF_UP) - needs - wants
    return BudgetSplit(income=income.quantize(_CENT), needs=needs, wants=wants, savings=savings)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


class ActionBudgetSplit(Action):
    """Explain 50/30/20 and, given a monthly income, work out the three amounts."""

    def name(self) -> str:
        return "action_budget_split"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        amount_text = next(tracker.get_latest_entity_values("amount"), None)
        if amount_text is None and tracker.latest_message.get("intent", {}).get("name") == "inform_amount":
            amount_text = tracker.latest_message.get("text")
        income = parse_amount(str(amount_text)) if amount_text is not None else None
        if income is None:
            dispatcher.utter_message(
                text=(
                    "The 50/30/20 rule splits your take-home pay three ways: 50 % for needs "
                    "(rent, bills, groceries), 30 % for wants, and 20 % for savings and paying down debt."
                )
            )
            dispatcher.utter_message(text=ASK_INCOME)
            return []
        split = budget_split(income)
        dispatcher.utter_message(
            text=(
                f"On {_money(split.income)} a month, the 50/30/20 rule gives: "
                f"needs {_money(split.needs)}, wants {_money(split.wants)}, "
                f"savings and debt repayment {_money(split.savings)}."
            )
        )
        dispatcher.utter_message(response="utter_disclaimer")
        return [SlotSet("monthly_income", str(split.income))]
