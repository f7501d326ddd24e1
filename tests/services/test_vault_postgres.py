"""The Vault on a real PostgreSQL server: what several Rasa servers share."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from bot.privacy.errors import VaultKeyError
from bot.privacy.vault import Vault

pytestmark = pytest.mark.services


def test_values_are_sealed_shared_and_erased(postgres_url: str) -> None:
    key = os.urandom(32)
    conversation = f"conv-{uuid.uuid4()}"
    canary = "GB82WEST12345698765432"
    first, second = Vault(postgres_url, key), Vault(postgres_url, key)  # two servers, one database
    try:
        first.store(conversation, "<IBAN_CODE_1>", "IBAN_CODE", canary)
        assert second.reveal(conversation, "<IBAN_CODE_1>", purpose="transfer to payee") == canary
        assert [r.purpose for r in first.reveals(conversation)] == ["transfer to payee"]

        engine = sa.create_engine(postgres_url, future=True)
        with engine.connect() as db:
            rows = db.execute(sa.text("SELECT * FROM vault_values WHERE conversation = :c"), {"c": conversation}).all()
            dump = repr(rows) + repr(db.execute(sa.text("SELECT * FROM vault_reveals WHERE conversation = :c"),
                                                {"c": conversation}).all())
        engine.dispose()
        assert len(rows) == 1 and canary not in dump and canary.encode() not in bytes(rows[0].sealed)

        with pytest.raises(VaultKeyError):
            Vault(postgres_url, os.urandom(32)).reveal(conversation, "<IBAN_CODE_1>", purpose="wrong key")

        assert second.erase(conversation) == 1
        assert first.reveal(conversation, "<IBAN_CODE_1>", purpose="after erase") is None
        assert first.reveals(conversation) == []
    finally:
        first.erase(conversation)
        first.close()
        second.close()
