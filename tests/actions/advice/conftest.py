"""Fixtures for the advice tests: the advice domain as the action server receives it."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker

from tests.actions.advice.support import ROOT, run


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """domain/advice.yml as a dict (forms, slots, responses), as Rasa sends it to actions."""
    return yaml.safe_load((ROOT / "domain" / "advice.yml").read_text(encoding="utf-8"))


@pytest.fixture
def run_action(domain: Dict[str, Any]) -> Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict]]]:
    """Run an action with the advice domain: its events and its messages."""
    return lambda action, tracker: run(action, tracker, domain)
