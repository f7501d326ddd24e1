"""Paying off several debts: collect them one by one, then compare the avalanche and the snowball.

``debt_form`` loops: ``debt_entry`` takes one or more debts as text ("credit card 3000 at 19.9%
min 90; car loan 8500 at 6.9% min 210"), ``debt_more`` asks whether there is another (the
answer may be the next debt itself), and ``debt_budget`` is the monthly amount for all of them.
The debts collect in the ``debts`` slot as plain figures, keyed by the name the user gave; giving
a debt again under the same name replaces it. ``action_debt_payoff_plan`` runs
``actions.finance.compare_strategies``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import (
    YES_NO,
    is_payload,
    latest_text,
    money,
    months_in_words,
    rate,
    reset,
    say_disclaimer,
    slot_float,
)
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.advice.text import join_words, parse_debts, yes_or_no
from actions.finance import Debt, FinanceInputError, PayoffPlan, StrategyComparison, compare_strategies

DEBT_SLOTS = ("debt_entry", "debt_more", "debt_budget", "debts")
EXAMPLE = "\"credit card 3000 at 19.9% min 90\""
NO_DEBT_FOUND = (f"I couldn't find a debt in that. Give its name, balance, interest rate and minimum payment, "
                 f"like {EXAMPLE}.")
ASK_MORE_AGAIN = "Is there another debt to add? Say yes or no, or just type it."


def stored(debts: Any) -> List[Debt]:
    """The debts kept in the ``debts`` slot, as calculator ``Debt`` values (an unreadable entry is skipped)."""
    result: List[Debt] = []
    for entry in debts if isinstance(debts, list) else []:
        try:
            result.append(Debt.create(entry["name"], entry["balance"], entry["apr"], entry["minimum"]))
        except (KeyError, TypeError, FinanceInputError):
            continue
    return result


def _as_slot(debt: Debt) -> Dict[str, Any]:
    return {"name": debt.name, "balance": float(debt.balance), "apr": float(debt.apr),
            "minimum": float(debt.minimum_payment)}


def describe(debt: Debt) -> str:
    return f"{debt.name}: {money(debt.balance)} at {rate(debt.apr)}, minimum {money(debt.minimum_payment)}"


def read_debts(text: str, known: List[Debt]) -> Tuple[List[Debt], Optional[str]]:
    """The debts ``text`` adds to ``known`` (same name: replaced), or the unchanged list and a re-prompt."""
    found = parse_debts(text)
    if not found:
        return known, None
    added: List[Debt] = []
    for index, item in enumerate(found, start=1):
        name = item.name or f"debt {len(known) + index}"
        if item.missing:
            return known, (f"For the {name} I still need the {join_words(list(item.missing))}. "
                           f"Please give the whole debt again, like {EXAMPLE}.")
        try:
            added.append(Debt.create(name, item.balance or 0, item.apr or 0, item.minimum or 0))
        except FinanceInputError as error:
            return known, error.message
    names = {debt.name.casefold() for debt in added}
    return [debt for debt in known if debt.name.casefold() not in names] + added, None


class ValidateDebtForm(AdviceFormValidation):
    """Debts one at a time (or several at once), "another?", then the monthly budget."""

    NUMBERS = (
        NumberSlot("debt_budget", Kind.MONEY, "monthly budget for debt payments", "500",
                   cue=r"\b(?:budget|afford|in total|altogether|towards)\b"),
    )

    def name(self) -> str:
        return "validate_debt_form"

    def _take(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker,
              quiet: bool) -> Optional[List[Debt]]:
        known = stored(tracker.get_slot("debts"))
        debts, problem = read_debts(text, known)
        if problem:
            dispatcher.utter_message(text=problem)
            return None
        if debts == known:
            if not quiet:
                dispatcher.utter_message(text=NO_DEBT_FOUND)
            return None
        return debts

    def extract_debt_entry(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        """The debts the question that starts the form gives ("I have a card 3000 at 19.9% min 90, what first?")."""
        text = latest_text(tracker)
        return {"debt_entry": text} if self.starting(tracker, domain) and parse_debts(text) else {}

    def validate_debt_entry(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        if value is None or is_payload(value):
            return {"debt_entry": None}
        debts = self._take(str(value), dispatcher, tracker, quiet=False)
        if debts is None:
            return {"debt_entry": None}
        return {"debt_entry": "; ".join(describe(debt) for debt in debts), "debts": [_as_slot(d) for d in debts]}

    def validate_debt_more(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        if value is None or is_payload(value):
            return {"debt_more": None}
        if isinstance(value, str):
            debts = self._take(value, dispatcher, tracker, quiet=True)
            if debts is not None:
                # The answer was the next debt: keep it and ask again whether there is another.
                return {"debt_more": None, "debts": [_as_slot(d) for d in debts]}
            value = yes_or_no(value)
            if value is None:
                dispatcher.utter_message(text=ASK_MORE_AGAIN)
                return {"debt_more": None}
        if value:
            return {"debt_more": None, "debt_entry": None}
        return {"debt_more": False}

    def validate_debt_budget(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        result = self.check_number(value, "debt_budget", dispatcher, tracker)
        if result["debt_budget"] is None:
            return result
        try:
            compare_strategies(stored(tracker.get_slot("debts")), result["debt_budget"])
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {"debt_budget": None}
        return result


class ActionAskDebtEntry(Action):
    """Ask for a debt: the format the first time, then "the next one"."""

    def name(self) -> str:
        return "action_ask_debt_entry"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if stored(tracker.get_slot("debts")):
            dispatcher.utter_message(text="What's the next debt? Its name, balance, interest rate and minimum payment.")
        else:
            dispatcher.utter_message(response="utter_ask_debt_entry")
        return []


class ActionAskDebtMore(Action):
    """List the debts so far and ask whether there is another."""

    def name(self) -> str:
        return "action_ask_debt_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        debts = stored(tracker.get_slot("debts"))
        listing = "\n".join(f"{number}. {describe(debt)}" for number, debt in enumerate(debts, start=1))
        dispatcher.utter_message(text=f"So far:\n{listing}\nAny other debts to add?", buttons=YES_NO)
        return []


class ActionAskDebtBudget(Action):
    """Ask for the monthly budget, saying what the minimums add up to."""

    def name(self) -> str:
        return "action_ask_debt_budget"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        minimums = sum((debt.minimum_payment for debt in stored(tracker.get_slot("debts"))), Decimal(0))
        dispatcher.utter_message(text=f"How much can you put towards these debts each month in total? "
                                      f"The minimum payments add up to {money(minimums)}; anything above that "
                                      "goes to one debt at a time.")
        return []


def plan_text(title: str, plan: PayoffPlan) -> str:
    order = ", ".join(f"{name} (month {plan.cleared_in_month[name]})" for name in plan.payoff_order)
    return (f"{title}: debt-free in {months_in_words(plan.months_to_debt_free)}, "
            f"{money(plan.total_interest)} in interest. Cleared in this order: {order}.")


def comparison_text(comparison: StrategyComparison) -> List[str]:
    messages = [
        plan_text("Avalanche (highest interest rate first)", comparison.avalanche),
        plan_text("Snowball (smallest balance first)", comparison.snowball),
    ]
    saved, months = comparison.interest_saved_by_avalanche, comparison.months_saved_by_avalanche
    if saved > 0:
        sooner = f" and finishes {months_in_words(months)} sooner" if months > 0 else ""
        messages.append(f"The avalanche saves you {money(saved)} in interest{sooner}; the snowball clears "
                        "a first debt sooner, which keeps many people going.")
    else:
        messages.append("Here both orders cost the same, so pick the one that keeps you motivated.")
    return messages


def payoff_chart(comparison: StrategyComparison) -> Dict[str, Any]:
    """A line chart for the web widget: all debts together, month by month, under each order.

    Same shape as the spending chart (``type``, ``title``, ``labels``, ``currency``), with one
    ``series`` per strategy instead of one ``values`` list; the shorter plan is padded with zeros
    (debt-free). Amounts carry no currency, as the advice texts do.
    """
    avalanche = [float(v) for v in comparison.avalanche.total_balance_series()]
    snowball = [float(v) for v in comparison.snowball.total_balance_series()]
    months = max(len(avalanche), len(snowball))
    avalanche += [0.0] * (months - len(avalanche))
    snowball += [0.0] * (months - len(snowball))
    return {"chart": {
        "type": "line",
        "title": "Total owed, month by month",
        "labels": [str(month) for month in range(months)],
        "series": [{"name": "Avalanche", "values": avalanche}, {"name": "Snowball", "values": snowball}],
        "currency": None,
        "x_label": "months",
    }}


class ActionDebtPayoffPlan(Action):
    """The debt_form's result: the avalanche and the snowball side by side, and what each means."""

    def name(self) -> str:
        return "action_debt_payoff_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        debts = stored(tracker.get_slot("debts"))
        try:
            comparison = compare_strategies(debts, slot_float(tracker, "debt_budget", 0.0) or 0.0)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return reset(DEBT_SLOTS)
        messages = comparison_text(comparison)
        for message in messages[:-1]:
            dispatcher.utter_message(text=message)
        # The chart goes with the verdict, the last of the comparison's messages.
        dispatcher.utter_message(text=messages[-1], json_message=payoff_chart(comparison))
        dispatcher.utter_message(response="utter_debt_strategies")
        say_disclaimer(dispatcher)
        return reset(DEBT_SLOTS)
