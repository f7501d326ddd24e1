"""Investing basics: the part asked about, the fee example from the calculator, no product named."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker

from actions.advice.common import money
from actions.advice.investing import INVESTING, ActionInvesting, fee_drag_text
from actions.finance import project_retirement
from tests.actions.advice.support import ROOT, texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]


@pytest.mark.parametrize(
    "text, response",
    [
        ("how do I start investing", "utter_investing_overview"),
        ("what is diversification", "utter_investing_diversification"),
        ("are index funds better than picking stocks", "utter_investing_index_funds"),
        ("can I lose money investing", "utter_investing_risk"),
        ("how do fund fees affect my returns", "utter_investing_fees"),
    ],
)
def test_the_part_asked_about(run_action: Run, text: str, response: str) -> None:
    events, messages = run_action(ActionInvesting(), tracker(text, "ask_investing"))
    assert events == [] and messages[0]["response"] == response
    assert "<utter_disclaimer>" in texts(messages)
    assert len(messages[-1]["buttons"]) == len(INVESTING.sections) - 1


def test_the_fee_example_comes_from_the_calculator(run_action: Run) -> None:
    _, messages = run_action(ActionInvesting(), tracker("why do fees matter", "ask_investing"))
    low = project_retirement(10000, 200, "5.8", 25)
    high = project_retirement(10000, 200, "5.0", 25)
    assert texts(messages)[1] == fee_drag_text()
    assert (f"With fees of 0.2 % a year you'd end with about {money(low.final_balance)}; with 1 %, about "
            f"{money(high.final_balance)}. That is {money(low.final_balance - high.final_balance)} less") in texts(
        messages)[1]
    assert low.final_balance - high.final_balance > 10000  # fee drag is large over 25 years


def test_no_product_is_named_in_the_investing_answers() -> None:
    responses = yaml.safe_load((ROOT / "domain" / "advice.yml").read_text(encoding="utf-8"))["responses"]
    said = " ".join(variant["text"] for name, variants in responses.items() if name.startswith("utter_investing")
                    for variant in variants)
    brands = ["vanguard", "blackrock", "ishares", "fidelity", "schwab", "hargreaves", "s&p 500", "nasdaq", "ftse 100"]
    assert not [brand for brand in brands if brand in said.lower()]
    assert re.search(r"won't recommend specific products", said)
