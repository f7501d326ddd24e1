"""The Vault on a real PostgreSQL server: what several Rasa servers share."""

from __future__ import annotations

import os
import uuid
from typing import Any, Iterator, List, Set

import pytest
import sqlalchemy as sa

from bot.privacy.errors import VaultKeyError
from bot.privacy.keys import KeyRing, derive_key, key_id
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


A, B = b"a" * 32, b"b" * 32  # fake master keys, A the older
OLD, NEW = (key_id(derive_key(master, "vault")) for master in (A, B))


@pytest.fixture
def own_database(postgres_url: str) -> Iterator[str]:
    """A database of this test's own: a legacy vault table must not be anyone else's vault_values."""
    name = f"finbot_keys_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as db:
            db.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_legacy_table_is_migrated_and_re_encrypted_under_a_new_key_while_a_server_writes(
    own_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.privacy import tables
    from tests.privacy.support import legacy_vault_table

    engine = sa.create_engine(own_database, future=True)
    legacy_vault_table(engine, A, [("c1", "<CREDIT_CARD_1>", "4111 1111 1111 1111")])
    # Another server adds the column between our look and our ALTER: ours fails, and finds it there.
    real_columns = tables._columns
    looks: List[str] = []

    def added_by_another_server_meanwhile(bind: sa.engine.Engine, table: sa.Table) -> Set[str]:
        looks.append(table.name)
        if looks.count("vault_values") == 1 and table.name == "vault_values":
            with bind.begin() as db:
                db.execute(sa.text("ALTER TABLE vault_values ADD COLUMN key_id VARCHAR(32)"))
            return real_columns(bind, table) - {"key_id"}
        return real_columns(bind, table)

    monkeypatch.setattr(tables, "_columns", added_by_another_server_meanwhile)
    server = Vault(own_database, KeyRing((A,), "test"), ttl_seconds=60)  # still on the old key
    assert server.reveal("c1", "<CREDIT_CARD_1>", purpose="check") == "4111 1111 1111 1111"
    assert looks.count("vault_values") == 2  # our look, then the look after our ALTER failed
    monkeypatch.undo()
    assert server.key_usage() == {None: 1}
    server.store("c2", "<IBAN_CODE_1>", "IBAN_CODE", "GB82WEST12345698765432")

    def sealed() -> dict:
        with engine.connect() as db:
            rows = db.execute(sa.text("SELECT conversation, key_id, sealed FROM vault_values")).all()
        return {row.conversation: (row.key_id, bytes(row.sealed)) for row in rows}

    before = sealed()
    assert set(before) == {"c1", "c2"}  # the legacy row and the row under the old key
    rotated = Vault(own_database, KeyRing((B, A), "test"), ttl_seconds=60)
    real_resealed = rotated._resealed
    calls: List[int] = []

    def server_writes_meanwhile(row: Any, current: str) -> Any:
        calls.append(1)
        if len(calls) == 1:  # after the reseal read the rows, before it writes the first one
            assert server.store("c3", "<IBAN_CODE_1>", "IBAN_CODE", "GB33BUKB20201555555555")
        return real_resealed(row, current)

    rotated._resealed = server_writes_meanwhile  # type: ignore[method-assign]
    resealed = rotated.reseal(batch_size=1)
    after = sealed()
    assert resealed.legacy == 1 and resealed.left == {} and sum(resealed.moved.values()) >= 2
    assert {ident for ident, _ in after.values()} == {NEW}
    assert all(after[c][1] != before[c][1] for c in before)
    assert rotated.reveal("c1", "<CREDIT_CARD_1>", purpose="check") == "4111 1111 1111 1111"
    assert rotated.reveal("c2", "<IBAN_CODE_1>", purpose="check") == "GB82WEST12345698765432"
    assert rotated.reveal("c3", "<IBAN_CODE_1>", purpose="check") == "GB33BUKB20201555555555"
    with pytest.raises(VaultKeyError, match=NEW):  # the server that has not seen the new key: a clear error
        server.reveal("c3", "<IBAN_CODE_1>", purpose="check")
    for vault in (server, rotated):
        vault.close()
    engine.dispose()
