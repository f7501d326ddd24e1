"""Vault rows name the key that sealed them: legacy tables migrated, rows re-encrypted under a new key while
another server writes, a rotated key file picked up by a running vault. Fake values and keys only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import sqlalchemy as sa

from bot.clock import FakeClock
from bot.privacy.errors import VaultKeyError
from bot.privacy.keys import KEY_ENV, KEY_FILE, RELOAD_CHECK_SECONDS, KeyRing, derive_key, key_id, write_key_file
from bot.privacy.vault import Vault
from tests.privacy.support import CARD, OTHER_CARD, legacy_vault_table

A, B, C = b"a" * 32, b"b" * 32, b"c" * 32  # fake master keys, A the oldest
OLD = key_id(derive_key(A, "vault"))
NEW = key_id(derive_key(B, "vault"))
IBAN = "GB82WEST12345698765432"


def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vault.db'}"


def ring_vault(tmp_path: Path, *masters: bytes, **kwargs: Any) -> Vault:
    return Vault(url(tmp_path), KeyRing(masters, "test"), **kwargs)


def raw(tmp_path: Path) -> Dict[Tuple[str, str], Tuple[Optional[str], bytes]]:
    with sqlite3.connect(tmp_path / "vault.db") as db:
        rows = db.execute("SELECT conversation, placeholder, key_id, sealed FROM vault_values").fetchall()
    return {(conversation, placeholder): (ident, sealed) for conversation, placeholder, ident, sealed in rows}


def legacy_table(tmp_path: Path, master: bytes, values: List[Tuple[str, str, str]]) -> None:
    engine = sa.create_engine(url(tmp_path), future=True)
    legacy_vault_table(engine, master, values)
    engine.dispose()


def test_a_row_records_the_id_of_the_key_that_sealed_it(tmp_path: Path) -> None:
    by_ring = ring_vault(tmp_path, A)
    by_key = Vault(url(tmp_path), derive_key(A, "vault"))  # the vault key itself, as tests and tools open it
    assert by_ring.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    assert by_key.store("c2", "<CREDIT_CARD_1>", "CREDIT_CARD", OTHER_CARD)
    assert {ident for ident, _ in raw(tmp_path).values()} == {OLD}
    assert by_key.reveal("c1", "<CREDIT_CARD_1>", "check") == CARD
    assert by_ring.reveal("c2", "<CREDIT_CARD_1>", "check") == OTHER_CARD
    assert by_ring.key_ids == (OLD,) and by_ring.key_usage() == {OLD: 2}
    by_ring.close()
    by_key.close()


def test_a_row_under_a_key_the_ring_does_not_hold_is_a_key_error_naming_the_id(tmp_path: Path) -> None:
    newer = ring_vault(tmp_path, B, A)
    older = ring_vault(tmp_path, A)
    newer.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", IBAN)
    with pytest.raises(VaultKeyError, match=f"under key {NEW}, which this server does not hold") as caught:
        older.reveal("c1", "<IBAN_CODE_1>", "check")
    assert IBAN not in str(caught.value) and caught.value.__cause__ is None
    # Nor is it replaced: the server that holds the newer key stored what the placeholder means.
    with pytest.raises(VaultKeyError, match=NEW):
        older.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB33BUKB20201555555555")
    assert newer.reveal("c1", "<IBAN_CODE_1>", "check") == IBAN
    newer.close()
    older.close()


@pytest.mark.parametrize("ring", [(A,), (B, A), (A, B)], ids=["the same key", "rotated", "a key added behind"])
def test_a_legacy_table_gets_the_column_and_its_rows_open_with_the_key_that_sealed_them(
    tmp_path: Path, ring: Tuple[bytes, ...]
) -> None:
    legacy_table(tmp_path, A, [("c1", "<CREDIT_CARD_1>", CARD), ("c2", "<CREDIT_CARD_1>", OTHER_CARD)])
    vault = ring_vault(tmp_path, *ring, clock=FakeClock())
    assert vault.reveal("c1", "<CREDIT_CARD_1>", "check") == CARD
    assert "key_id" in {c["name"] for c in sa.inspect(sa.create_engine(url(tmp_path))).get_columns("vault_values")}
    assert vault.key_usage() == {None: 2}
    assert vault.store("c1", "<CREDIT_CARD_2>", "CREDIT_CARD", OTHER_CARD)  # a new row names its key
    assert raw(tmp_path)[("c1", "<CREDIT_CARD_2>")][0] == key_id(derive_key(ring[0], "vault"))
    assert vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", "5555 5555 5555 4444") is False  # still held

    resealed = vault.reseal()  # records the legacy rows' key: the current one, after re-encrypting them
    current = key_id(derive_key(ring[0], "vault"))
    assert (resealed.moved, resealed.legacy, resealed.left) == ({OLD: 2}, 2, {})
    assert {ident for ident, _ in raw(tmp_path).values()} == {current}
    assert vault.reveal("c2", "<CREDIT_CARD_1>", "check") == OTHER_CARD
    vault.close()


def test_a_legacy_row_no_key_opens_is_replaced_as_an_unreadable_row_was(tmp_path: Path) -> None:
    legacy_table(tmp_path, C, [("c1", "<CREDIT_CARD_1>", CARD)])
    vault = ring_vault(tmp_path, B, A, clock=FakeClock())
    with pytest.raises(VaultKeyError, match="did not decrypt"):
        vault.reveal("c1", "<CREDIT_CARD_1>", "check")
    assert vault.reseal().left == {None: 1}
    assert vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", OTHER_CARD)
    assert vault.reveal("c1", "<CREDIT_CARD_1>", "check") == OTHER_CARD
    vault.close()


def test_reseal_re_encrypts_every_row_under_the_current_key(tmp_path: Path) -> None:
    before = ring_vault(tmp_path, A)
    values = {f"c{n}": f"4111 1111 1111 {n:04d}" for n in range(7)}
    for conversation, value in values.items():
        before.store(conversation, "<CREDIT_CARD_1>", "CREDIT_CARD", value)
    sealed_before = raw(tmp_path)
    after = ring_vault(tmp_path, B, A)
    resealed = after.reseal(batch_size=2)
    assert (resealed.current, resealed.moved, resealed.legacy, resealed.left) == (NEW, {OLD: 7}, 0, {})
    sealed_after = raw(tmp_path)
    for row, (ident, sealed) in sealed_after.items():
        assert ident == NEW and sealed != sealed_before[row][1]
    assert {c: after.reveal(c, "<CREDIT_CARD_1>", "check") for c in values} == values
    assert after.reseal().moved == {}  # nothing left to do
    before.close()
    after.close()


def test_a_value_a_server_on_the_old_key_writes_during_the_reseal_is_never_lost(tmp_path: Path) -> None:
    clock = FakeClock()
    server = ring_vault(tmp_path, A, ttl_seconds=60, clock=clock)  # a running server that has not seen the rotation
    server.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", IBAN)
    clock.advance(61)  # c1's value expired: the placeholder is free again
    server.store("c2", "<IBAN_CODE_1>", "IBAN_CODE", IBAN)
    rotated = ring_vault(tmp_path, B, A, ttl_seconds=60, clock=clock)
    real = rotated._resealed
    calls: List[int] = []

    def server_writes_meanwhile(row: Any, current: str) -> Any:
        calls.append(1)
        if len(calls) == 1:  # between the reseal's read of c1 and its write
            assert server.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB33BUKB20201555555555")
            assert server.store("c3", "<IBAN_CODE_1>", "IBAN_CODE", IBAN)
        return real(row, current)

    rotated._resealed = server_writes_meanwhile  # type: ignore[method-assign]
    resealed = rotated.reseal(batch_size=1)
    # c1's old ciphertext was not written back over the server's new one; a further pass moved the new one.
    assert rotated.reveal("c1", "<IBAN_CODE_1>", "check") == "GB33BUKB20201555555555"
    assert rotated.reveal("c2", "<IBAN_CODE_1>", "check") == IBAN
    assert rotated.reveal("c3", "<IBAN_CODE_1>", "check") == IBAN
    assert resealed.left == {} and {ident for ident, _ in raw(tmp_path).values()} == {NEW}
    # Written after the reseal, under the old key: still readable, and the old key is still needed.
    server.store("c4", "<IBAN_CODE_1>", "IBAN_CODE", IBAN)
    assert rotated.reveal("c4", "<IBAN_CODE_1>", "check") == IBAN
    assert rotated.key_usage() == {NEW: 3, OLD: 1}
    server.close()
    rotated.close()


def test_a_running_vault_picks_up_a_rotated_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv("FINBOT_VAULT_URL", raising=False)
    var = tmp_path / "var"
    key_file = var / KEY_FILE
    key_file.parent.mkdir(parents=True)
    write_key_file(key_file, (A,))
    clock = FakeClock()
    running = Vault.for_project(var, clock=clock)
    running.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)

    write_key_file(key_file, (B, A))  # what finbot keys rotate writes
    stamp = key_file.stat().st_mtime_ns + 5_000_000_000
    os.utime(key_file, ns=(stamp, stamp))
    started_after = Vault.for_project(var, clock=clock)
    started_after.store("c2", "<CREDIT_CARD_1>", "CREDIT_CARD", OTHER_CARD)
    # A row under a key it has not seen yet makes the running vault look at the file at once.
    assert running.reveal("c2", "<CREDIT_CARD_1>", "check") == OTHER_CARD
    clock.advance(RELOAD_CHECK_SECONDS)
    running.store("c3", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    rows = raw(var)
    assert (rows[("c1", "<CREDIT_CARD_1>")][0], rows[("c2", "<CREDIT_CARD_1>")][0]) == (OLD, NEW)
    assert rows[("c3", "<CREDIT_CARD_1>")][0] == NEW
    assert running.key_ids == (NEW, OLD)
    assert running.reveal("c1", "<CREDIT_CARD_1>", "check") == CARD
    running.close()
    started_after.close()


def test_a_running_vault_looks_at_the_key_file_at_most_once_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv("FINBOT_VAULT_URL", raising=False)
    var = tmp_path / "var"
    (var / KEY_FILE).parent.mkdir(parents=True)
    write_key_file(var / KEY_FILE, (A,))
    clock = FakeClock()
    running = Vault.for_project(var, clock=clock)
    running.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    write_key_file(var / KEY_FILE, (B, A))
    clock.advance(RELOAD_CHECK_SECONDS / 2)
    running.store("c2", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    clock.advance(RELOAD_CHECK_SECONDS / 2)
    running.store("c3", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    rows = raw(var)
    assert [rows[(c, "<CREDIT_CARD_1>")][0] for c in ("c1", "c2", "c3")] == [OLD, OLD, NEW]
    running.close()
