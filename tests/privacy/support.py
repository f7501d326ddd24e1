"""Small recognizers, policies and a vault for the engine tests: every value they match is fake."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from presidio_analyzer import Pattern, PatternRecognizer

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.keys import derive_key
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



def vault_at(tmp_path: Path, key: bytes = b"v" * 32, ttl: float = 3600.0,
             clock: Clock = SYSTEM_CLOCK) -> Vault:
    return Vault(f"sqlite:///{tmp_path / 'vault.db'}", key, ttl_seconds=ttl, clock=clock)


def legacy_vault_table(engine: sa.engine.Engine, master: bytes, values: List[Tuple[str, str, str]]) -> None:
    """``vault_values`` as the code before key ids made it (no key_id column), holding ``values`` (conversation,
    placeholder, value) sealed as it sealed them: the vault key derived from ``master``, the conversation and
    placeholder as associated data."""
    metadata = sa.MetaData()
    table = sa.Table(
        "vault_values", metadata,
        sa.Column("conversation", sa.String(255), primary_key=True),
        sa.Column("placeholder", sa.String(80), primary_key=True),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("nonce", sa.LargeBinary(12), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False, index=True),
    )
    metadata.create_all(engine)
    aead = AESGCM(derive_key(master, "vault"))
    with engine.begin() as db:
        for conversation, placeholder, value in values:
            nonce = os.urandom(12)
            sealed = aead.encrypt(nonce, value.encode(), f"{conversation}\0{placeholder}".encode())
            db.execute(sa.insert(table).values(
                conversation=conversation, placeholder=placeholder, entity_type="CREDIT_CARD", nonce=nonce,
                sealed=sealed, created_at=1.8e9, expires_at=4e9))  # not expired by any clock of the tests
