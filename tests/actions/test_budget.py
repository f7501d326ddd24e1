"""The budgeting action and its calculation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.budget import ASK_INCOME, ActionBudgetSplit, budget_split, parse_amount


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3000", Decimal("3000")),
        ("$4,500", Decimal("4500")),
        ("I earn 3,250.50 a month", Decimal("3250.50")),
        ("about 4k", Decimal("4000")),
        ("$ 1200", Decimal("1200")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("nothing here", None),
        ("0", None),
        ("version3", None),
    ],
)
def test_parse_amount(text: str, expected: Optional[Decimal]) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "income, needs, wants, savings",
    [
        ("3000", "1500.00", "900.00", "600.00"),
        ("4500", "2250.00", "1350.00", "900.00"),
        ("1000.01", "500.01", "300.00", "200.00"),  # remainder goes to savings, totals match
        ("333.33", "166.67", "100.00", "66.66"),
    ],
)
def test_budget_split(income: str, needs: str, wants: str, savings: str) -> None:
    split = budget_split(Decimal(income))
    assert (split.needs, split.wants, split.savings) == (Decimal(needs), Decimal(wants), Decimal(savings))
    assert split.needs + split.wants + split.savings == Decimal(income).quantize(Decimal("0.01"))


def test_budget_split_rejects_non_positive_income() -> None:
    with pytest.raises(ValueError):
        budget_split(Decimal("0"))


def tracker(text: str, intent: str, entities: List[Dict[str, Any]]) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"monthly_income": None},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action_tracker: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = ActionBudgetSplit().run(dispatcher, action_tracker, {})
    return dispatcher.messages, events


def test_action_splits_the_income_from_the_entity() -> None:
    messages, events = run(tracker("I earn $4,500 a month", "ask_budgeting",
                                   [{"entity": "amount", "value": "$4,500", "start": 7, "end": 13}]))
    assert "needs 2,250.00, wants 1,350.00, savings and debt repayment 900.00" in messages[0]["text"]
    assert messages[1]["response"] == "utter_disclaimer"
    assert events == [SlotSet("monthly_income", "4500.00")]


def test_action_reads_a_bare_amount_given_after_the_question() -> None:
    messages, events = run(tracker("2000", "inform_amount", []))
    assert "needs 1,000.00" in messages[0]["text"]
    assert events == [SlotSet("monthly_income", "2000.00")]


def test_action_explains_and_asks_without_an_income() -> None:
    messages, events = run(tracker("how should I budget?", "ask_budgeting", []))
    assert "50/30/20" in messages[0]["text"]
    assert messages[1]["text"] == ASK_INCOME
    assert events == []
