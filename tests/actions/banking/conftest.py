"""Fixtures for the banking tests: a bank in a temporary folder on a fixed clock, a real Vault, the domain."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
import yaml

from actions.banking.core_bank import CoreBank
from bot.privacy.vault import Vault
from tests.actions.banking.support import NOW, ROOT, run


@pytest.fixture
def bank(tmp_path: Path) -> CoreBank:
    return CoreBank(tmp_path / "bank.db", clock=lambda: NOW)


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    store = Vault(f"sqlite:///{tmp_path / 'vault.db'}", os.urandom(32))
    yield store
    store.close()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The banking domain as the action server receives it (forms, slots, responses)."""
    return yaml.safe_load((ROOT / "domain" / "banking.yml").read_text())


@pytest.fixture
def run_action(domain: Dict[str, Any]) -> Callable[..., Tuple[List[Dict[str, Any]], List[Dict]]]:
    """Run an action with the real domain: its events and its messages."""
    return lambda action, tracker: run(action, tracker, domain)
