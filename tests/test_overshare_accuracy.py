"""scripts/overshare_accuracy.py: the overshared copies keep the question whole, and the figures add up."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("overshare_accuracy", SCRIPTS / "overshare_accuracy.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


QUESTIONS = ["Why was I charged twice for one coffee?", "my card still hasn't arrived", "What is the exchange rate",
             "can I top up by bank transfer?"] * 10


def test_the_same_seed_makes_the_same_messages_and_another_seed_others(script: ModuleType) -> None:
    cases = [script.Case(text, "some_intent") for text in QUESTIONS]
    first, again, other = (script.overshared_cases(cases, seed) for seed in (1, 1, 2))
    assert first == again and first != other
    assert {case.intent for case, _ in first} == {"some_intent"}


def test_the_question_stays_whole_and_in_order_where_the_clause_is_put(script: ModuleType) -> None:
    cases = [script.Case(text, "x") for text in QUESTIONS]
    made = script.overshared_cases(cases, 7)
    assert {position for _, position in made} == set(script.POSITIONS)
    for original, (case, position) in zip(cases, made):
        assert case.text != original.text
        if position == "start":
            assert case.text.endswith(". " + original.text)
        elif position == "end":
            assert case.text.startswith(original.text.rstrip() + " (") and case.text.endswith(")")
        else:
            words, added = original.text.split(), case.text.split()
            cut = max(1, len(words) // 2)
            assert added[:cut] == words[:cut] and added[-(len(words) - cut):] == words[cut:]


def test_the_figures(script: ModuleType) -> None:
    cases = [script.Case(text, intent) for text, intent in [("a", "i1"), ("b", "i2"), ("c", "i1"), ("d", "i2")]]
    clean = ["i1", "i2", "i1", "nlu_fallback"]
    overshared = ["i1", "nlu_fallback", "i2", "nlu_fallback"]
    figures = script.compare(cases, clean, overshared, ["start", "middle", "end", "start"])
    assert figures["clean_accuracy"] == 0.75 and figures["overshared_accuracy"] == 0.25
    assert figures["difference_points"] == 50.0
    assert figures["sent_to_fallback_by_oversharing"] == 1  # "d" fell back when clean already
    assert figures["accuracy_by_position"] == {"start": 0.5, "middle": 0.0, "end": 0.0}
    assert {(lost["true"], lost["overshared"]) for lost in figures["most_lost"]} == {("i2", "nlu_fallback"),
                                                                                   ("i1", "i2")}
    json.dumps(figures)  # what --json writes
