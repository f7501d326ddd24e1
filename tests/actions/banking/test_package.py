"""The banking package: its public surface, and its actions registered and declared in the domain."""

from __future__ import annotations

import re
from typing import Any, Dict

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions.banking
from tests.actions.banking.support import FORM_SLOTS


def test_all_is_honest() -> None:
    """Every public name the package offers is in __all__ (its modules and parse_period aside), and no other."""
    public = [name for name in dir(actions.banking) if name[0].isupper()] + ["parse_period"]
    assert sorted(actions.banking.__all__) == sorted(public)


def banking_actions() -> Dict[str, Any]:
    return {name: getattr(actions.banking, name) for name in actions.banking.__all__
            if isinstance(getattr(actions.banking, name), type) and issubclass(getattr(actions.banking, name), Action)}


def test_the_action_server_registers_every_banking_action_from_the_actions_package() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    for cls in banking_actions().values():
        assert cls().name() in executor.actions


def test_the_domain_declares_exactly_the_banking_actions(domain: Dict[str, Any]) -> None:
    assert sorted(domain["actions"]) == sorted(cls().name() for cls in banking_actions().values())


@pytest.mark.parametrize("cls", list(banking_actions().values()), ids=lambda cls: cls.__name__)
def test_class_names_follow_rasa_names(cls: type) -> None:
    name = cls().name()
    assert cls.__name__ == "".join(part.capitalize() for part in name.split("_"))
    assert re.fullmatch(r"(action|validate)_[a-z_]+", name)


def test_forms_slots_and_questions_fit_together(domain: Dict[str, Any]) -> None:
    names = set(domain["actions"]) | set(domain.get("responses") or {})
    for form, spec in domain["forms"].items():
        assert f"validate_{form}" in names
        for slot in spec["required_slots"]:
            assert slot in domain["slots"]
            assert f"action_ask_{slot}" in names or f"utter_ask_{slot}" in names, slot
    assert set(FORM_SLOTS) == {s for s in domain["slots"]}
    for slot in domain["slots"].values():
        assert slot["influence_conversation"] is False
