"""The vault through the engine: originals sealed and revealed with a purpose, erasure, expiry, keys.

Like test_engine.py, on the two fake recognizers of tests/privacy/support.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest

from bot.clock import FakeClock
from bot.privacy.engine import Redactor
from bot.privacy.errors import (
    VaultError,
    VaultKeyError,
)
from bot.privacy.placeholders import (
    InMemoryPlaceholderIndex,
)
from tests.privacy.support import ACCOUNT, CARD, OTHER_CARD, make_policy, vault_at


def test_vault_stores_the_original_encrypted_and_reveals_it_with_a_purpose(
    make_redactor: Any, tmp_path: Path
) -> None:
    vault = vault_at(tmp_path)
    redactor = make_redactor(vault=vault)
    result = redactor.redact(f"pay {CARD} from {ACCOUNT}", "conv-9")
    assert result.text == "pay <CREDIT_CARD_1> from <ACCOUNT_NUMBER_1>"
    assert vault.placeholders("conv-9") == ["<CREDIT_CARD_1>"]         # ACCOUNT_NUMBER is a plain placeholder

    assert vault.reveal("conv-9", "<CREDIT_CARD_1>", "pay the card bill") == CARD
    assert vault.reveal("conv-other", "<CREDIT_CARD_1>", "pay the card bill") is None
    reveals = vault.reveals("conv-9")
    assert [(r.placeholder, r.purpose) for r in reveals] == [("<CREDIT_CARD_1>", "pay the card bill")]
    assert CARD not in repr(reveals) and "1111" not in repr(reveals)
    with pytest.raises(VaultError):
        vault.reveal("conv-9", "<CREDIT_CARD_1>", "  ")
    vault.close()

    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for form in (CARD, CARD.replace(" ", ""), "1111 1111"):
        assert form.encode() not in stored
        assert form.encode("utf-16-le") not in stored


def test_erase_forgets_values_and_numbering(make_redactor: Any, tmp_path: Path) -> None:
    vault = vault_at(tmp_path)
    redactor = make_redactor(vault=vault)
    assert redactor.redact(f"{OTHER_CARD} {CARD}", "c1").text == "<CREDIT_CARD_1> <CREDIT_CARD_2>"
    vault.reveal("c1", "<CREDIT_CARD_1>", "check")
    redactor.forget("c1")
    assert vault.placeholders("c1") == [] and vault.reveals("c1") == []
    assert vault.reveal("c1", "<CREDIT_CARD_2>", "check") is None
    assert redactor.redact(CARD, "c1").text == "<CREDIT_CARD_1>"     # numbering starts again
    assert vault.erase("never-seen") == 0


def test_vault_values_expire(tmp_path: Path) -> None:
    clock = FakeClock()
    vault = vault_at(tmp_path, ttl=60, clock=clock)
    vault.store("c1", "<PIN_1>", "PIN", "9876")
    clock.advance(59)
    assert vault.reveal("c1", "<PIN_1>", "check") == "9876"
    clock.advance(1.5)
    assert vault.reveal("c1", "<PIN_1>", "check") is None
    assert vault.placeholders("c1") == []
    assert vault.purge_expired() == 1
    vault.close()


def test_placeholder_numbering_expires(analyzer: Any) -> None:
    clock = FakeClock()
    index = InMemoryPlaceholderIndex(ttl_seconds=60, clock=clock)
    redactor = Redactor(policy=make_policy(), analyzer=analyzer, index=index, fingerprint_key=b"k" * 32)
    try:
        assert redactor.redact(f"{CARD} {OTHER_CARD}", "c1").text == "<CREDIT_CARD_1> <CREDIT_CARD_2>"
        clock.advance(59)
        assert redactor.redact(OTHER_CARD, "c1").text == "<CREDIT_CARD_2>"  # still numbered: used 59 s ago
        clock.advance(61)
        assert redactor.redact(OTHER_CARD, "c1").text == "<CREDIT_CARD_1>"
    finally:
        redactor.close()


def test_a_vault_placeholder_taken_by_another_value_moves_on_to_a_free_number(
    make_redactor: Any, tmp_path: Path
) -> None:
    # As after a restart: the vault still holds <CREDIT_CARD_1> for a card the fresh numbering does not know.
    vault = vault_at(tmp_path)
    vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", "5555 5555 5555 4444")
    redactor = make_redactor(make_policy({"CREDIT_CARD": {"action": "vault"}}), vault=vault)
    assert redactor.redact(f"card {CARD}", "c1").text == "card <CREDIT_CARD_2>"
    assert redactor.redact(f"again {CARD}", "c1").text == "again <CREDIT_CARD_2>"
    assert vault.reveal("c1", "<CREDIT_CARD_2>", "check") == CARD
    assert vault.reveal("c1", "<CREDIT_CARD_1>", "check") == "5555 5555 5555 4444"
    vault.close()


def test_a_wrong_key_is_a_vault_key_error(tmp_path: Path) -> None:
    vault = vault_at(tmp_path, key=b"a" * 32)
    vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    vault.close()
    other = vault_at(tmp_path, key=b"b" * 32)
    with pytest.raises(VaultKeyError) as caught:
        other.reveal("c1", "<CREDIT_CARD_1>", "check")
    assert CARD not in str(caught.value)
    other.close()
    with pytest.raises(VaultKeyError):
        vault_at(tmp_path, key=b"short")


def test_a_placeholder_held_in_the_vault_keeps_its_first_value(tmp_path: Path) -> None:
    # Another process numbering on its own must never make <IBAN_CODE_1> mean another account.
    vault = vault_at(tmp_path)
    assert vault.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB82WEST12345698765432") is True
    assert vault.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB33BUKB20201555555555") is False
    assert vault.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB82WEST12345698765432") is True  # renewed
    assert vault.reveal("c1", "<IBAN_CODE_1>", purpose="test") == "GB82WEST12345698765432"
    assert vault.store("c2", "<IBAN_CODE_1>", "IBAN_CODE", "GB33BUKB20201555555555") is True  # its own


def test_a_value_committed_by_another_server_after_our_read_is_never_replaced(tmp_path: Path) -> None:
    # Two servers store under the same free placeholder at once: the one whose read came first but
    # whose write came second must lose, not delete the other's row and put its own value there.
    vault = vault_at(tmp_path)
    assert vault.store("c1", "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "ACC11111111")
    real_held = vault._held
    reads: List[int] = []

    def stale_first_read(db: Any, conversation: str, placeholder: str) -> Any:
        reads.append(1)
        return None if len(reads) == 1 else real_held(db, conversation, placeholder)

    vault._held = stale_first_read  # type: ignore[method-assign]
    assert vault.store("c1", "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "ACC22222222") is False
    vault._held = real_held  # type: ignore[method-assign]
    assert vault.reveal("c1", "<ACCOUNT_NUMBER_1>", "test") == "ACC11111111"
    # The same value stored in such a race is simply there.
    vault._held = stale_first_read  # type: ignore[method-assign]
    reads.clear()
    assert vault.store("c1", "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "ACC11111111") is True


def test_tables_created_by_another_server_at_the_same_moment_are_found_on_a_retry(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from bot.privacy.tables import create_tables

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'race.db'}", future=True)
    metadata = sa.MetaData()
    sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
    tries: List[int] = []
    real = metadata.create_all

    def lose_the_race_once(bind: Any) -> None:
        tries.append(1)
        if len(tries) == 1:  # what PostgreSQL says to the loser of two concurrent CREATE TABLEs
            raise sa.exc.IntegrityError("CREATE TABLE t", {}, Exception("duplicate key value violates pg_type"))
        real(bind)

    metadata.create_all = lose_the_race_once  # type: ignore[method-assign]
    create_tables(metadata, engine)
    assert len(tries) == 2 and sa.inspect(engine).has_table("t")


def test_a_database_that_is_down_at_start_is_refused_until_it_is_back(tmp_path: Path) -> None:
    # The server starts; what needs the vault or the shared numbering fails closed; then the database returns.
    from bot.privacy.shared import SharedPlaceholderState
    from bot.privacy.tables import RETRY_PAUSE_SECONDS
    from bot.privacy.vault import Vault

    home = tmp_path / "not-yet"  # SQLite cannot open a file in a folder that does not exist
    clock = FakeClock()
    vault = Vault(f"sqlite:///{home / 'vault.db'}", b"v" * 32, clock=clock)
    shared = SharedPlaceholderState(f"sqlite:///{home / 'numbers.db'}", clock=clock)
    with pytest.raises(VaultError, match="unavailable"):
        vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    with pytest.raises(VaultError, match="unavailable"):
        shared.number("c1", "CREDIT_CARD", "fingerprint")
    home.mkdir()
    clock.advance(RETRY_PAUSE_SECONDS - 0.1)
    with pytest.raises(VaultError, match="unavailable"):  # tried again only after a pause, not per message
        vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    clock.advance(0.1)
    assert vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    assert vault.reveal("c1", "<CREDIT_CARD_1>", "check the card") == CARD
    assert shared.number("c1", "CREDIT_CARD", "fingerprint") == 1
    vault.close()
    shared.close()


def test_a_database_url_that_names_no_database_is_a_clear_error_at_start(tmp_path: Path) -> None:
    from bot.privacy.vault import Vault

    with pytest.raises(VaultError, match="setting is wrong"):
        Vault("notadatabase://nowhere", b"v" * 32)
