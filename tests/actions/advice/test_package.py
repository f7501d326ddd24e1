"""The advice package, its domain, rules and conversation tests agree with one another."""

from __future__ import annotations

import inspect
import re
from typing import Any, Dict, List, Set

import pytest
import yaml
from rasa_sdk import Action

import actions.advice
from actions.advice.credit import CREDIT_SCORE
from actions.advice.forms import AdviceFormValidation
from actions.advice.investing import INVESTING
from tests.actions.advice.support import ROOT

ADVICE_DIR = ROOT / "actions" / "advice"
ADVICE_INTENTS = [
    "ask_budgeting", "inform_amount", "ask_emergency_fund", "ask_saving", "ask_savings_goal", "ask_debt_payoff",
    "ask_credit_cards", "ask_credit_score", "ask_loan", "ask_mortgage", "ask_investing", "ask_retirement",
    "ask_fraud", "ask_identity_theft", "ask_privacy", "forget_me",
]


def load(*parts: str) -> Dict[str, Any]:
    return yaml.safe_load(ROOT.joinpath(*parts).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def advice() -> Dict[str, Any]:
    return load("domain", "advice.yml")


@pytest.fixture(scope="module")
def responses(advice: Dict[str, Any]) -> Dict[str, Any]:
    return {**load("domain", "core.yml")["responses"], **advice["responses"]}


def action_classes() -> List[type]:
    found = []
    for module in sorted(ADVICE_DIR.glob("*.py")):
        loaded = __import__(f"actions.advice.{module.stem}", fromlist=["_"])
        found += [cls for _, cls in inspect.getmembers(loaded, inspect.isclass)
                  if issubclass(cls, Action) and cls.__module__ == loaded.__name__ and not inspect.isabstract(cls)]
    return found


def test_every_action_is_exported_and_in_the_domain(advice: Dict[str, Any]) -> None:
    classes = action_classes()
    assert sorted(cls.__name__ for cls in classes) == sorted(actions.advice.__all__)
    names = {cls().name() for cls in classes}
    assert names == set(advice["actions"])


def test_the_intents_are_the_contracts(advice: Dict[str, Any]) -> None:
    assert advice["intents"] == ADVICE_INTENTS


def test_every_response_an_action_sends_exists(responses: Dict[str, Any]) -> None:
    named: Set[str] = set()
    for module in ADVICE_DIR.glob("*.py"):
        named |= set(re.findall(r'response="(utter_\w+)"', module.read_text(encoding="utf-8")))
        named |= set(re.findall(r'"(utter_\w+)"', module.read_text(encoding="utf-8")))
    named |= {section.response for topic in (CREDIT_SCORE, INVESTING) for section in topic.sections}
    assert named and not sorted(named - set(responses))


def test_every_form_has_a_validation_its_slots_and_its_rules(advice: Dict[str, Any]) -> None:
    rules = load("data", "rules", "advice.yml")["rules"]
    names = {cls().name(): cls for cls in action_classes()}
    for form, spec in advice["forms"].items():
        validator = names[f"validate_{form}"]
        assert issubclass(validator, AdviceFormValidation)
        assert {number.slot for number in validator.NUMBERS} <= set(spec["required_slots"]) <= set(advice["slots"])
        titles = {rule["rule"] for rule in rules}
        assert {f"Finish {form}", f'Stop {form} on "no"'} <= titles


def test_a_question_that_starts_a_form_is_answered_in_every_other_form(advice: Dict[str, Any]) -> None:
    rules = load("data", "rules", "advice.yml")["rules"]
    starts = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules
              if rule["rule"].startswith("Start ")}
    assert set(starts) == {"ask_budgeting", "ask_emergency_fund", "ask_savings_goal", "ask_debt_payoff",
                           "ask_loan", "ask_mortgage", "ask_retirement"}
    for form in advice["forms"]:
        for intent, explanation in starts.items():
            rule = next(rule for rule in rules if rule.get("condition") == [{"active_loop": form}]
                        and rule["steps"][0] == {"intent": intent})
            assert rule["steps"][1:] == [{"action": explanation}, {"action": form}, {"active_loop": form}]


def test_mid_form_questions_fill_no_slot(advice: Dict[str, Any]) -> None:
    # A question about another topic must be rejected by the form, or the rules never answer it.
    for spec in advice["forms"].values():
        assert {"ask_fraud", "ask_privacy", "forget_me", "ask_credit_score"} <= set(spec["ignored_intents"])
        assert "inform_amount" not in spec["ignored_intents"] and "deny" not in spec["ignored_intents"]


def test_every_advice_intent_has_a_rule_and_a_conversation_test() -> None:
    rules = load("data", "rules", "advice.yml")["rules"]
    ruled = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    stories = load("tests", "stories", "test_advice.yml")["stories"]
    tested = {step["intent"] for story in stories for step in story["steps"] if "intent" in step}
    assert set(ADVICE_INTENTS) <= ruled
    assert set(ADVICE_INTENTS) - {"inform_amount"} <= tested and "inform_amount" in tested


def test_the_fraud_answer_offers_the_banking_actions(responses: Dict[str, Any]) -> None:
    payloads = [button["payload"] for button in responses["utter_fraud"][0]["buttons"]]
    assert "/freeze_card" in payloads and "/report_suspicious_transaction" in payloads


def test_the_erase_slot_is_set_by_an_action_only(advice: Dict[str, Any]) -> None:
    assert advice["slots"]["erase_conversation"] == {"type": "bool", "influence_conversation": False,
                                                     "mappings": [{"type": "custom"}]}


def test_the_disclaimer(responses: Dict[str, Any]) -> None:
    assert responses["utter_disclaimer"] == [{"text": "This is general information, not personal financial advice."}]
