"""Small recognizers, policies and a vault for the engine tests: every value they match is fake."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from presidio_analyzer import Pattern, PatternRecognizer

from bot.privacy.policy import Policy
from bot.privacy.vault import Vault

CARD = "4111 1111 1111 1111"
OTHER_CARD = "4111 2222 3333 4444"
ACCOUNT = "ACC12345678"


def card_recognizer(score: float = 0.9) -> PatternRecognizer:
    return PatternRecognizer("CREDIT_CARD", patterns=[Pattern("test card", r"\b4111(?:[ -]?\d{4}){3}\b", score)])


def account_recognizer(score: float = 0.9) -> PatternRecognizer:
    return PatternRecognizer("ACCOUNT_NUMBER", patterns=[Pattern("test account", r"\bACC\d{8}\b", score)])


def make_policy(entities: Optional[Dict[str, Any]] = None, **sections: Any) -> Policy:
    document: Dict[str, Any] = {"entities": entities or {"CREDIT_CARD": {"action": "vault"}, "ACCOUNT_NUMBER": {}}}
    document.update(sections)
    return Policy.from_dict(document)



def vault_at(tmp_path: Path, key: bytes = b"v" * 32, ttl: float = 3600.0) -> Vault:
    return Vault(f"sqlite:///{tmp_path / 'vault.db'}", key, ttl_seconds=ttl)
