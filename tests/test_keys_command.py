"""``finbot keys list|rotate|retire``: a new master key while a server runs, the vault re-encrypted under it,
old keys retired only once no row needs them; never a key or a value printed. Fake values only."""

from __future__ import annotations

import base64
import sqlite3
import stat
from pathlib import Path
from typing import Iterator, List

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.clock import FakeClock
from bot.privacy.keys import KEY_ENV, KEY_FILE, RELOAD_CHECK_SECONDS, derive_key, key_id, load_key_ring
from bot.privacy.vault import Vault

ROOT = Path(__file__).resolve().parent.parent
CARD = "4111111111111111"
IBAN = "GB82WEST12345698765432"


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in (KEY_ENV, "FINBOT_VAULT_URL", "FINBOT_VAR_DIR"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path / "var"


def finbot(var: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project-dir", str(ROOT), "--var-dir", str(var), "keys", *args])


def vault_id(master: bytes) -> str:
    return key_id(derive_key(master, "vault"))


def key_ids_in_rows(var: Path) -> List[str]:
    with sqlite3.connect(var / "vault.db") as db:
        return sorted(row[0] for row in db.execute("SELECT key_id FROM vault_values"))


def secrets_in(output: str, var: Path, *masters: bytes) -> List[str]:
    """Any key or value that an output shows (it must show none)."""
    texts = [base64.urlsafe_b64encode(m).decode() for m in masters] + [m.hex() for m in masters] + [CARD, IBAN]
    return [text for text in texts if text in output or text[:24] in output]


def test_rotate_and_retire_in_file_mode_while_a_server_runs(var: Path) -> None:
    clock = FakeClock()
    server = Vault.for_project(var, clock=clock)  # running before and through the rotation
    server.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    server.store("c2", "<IBAN_CODE_1>", "IBAN_CODE", IBAN)
    (old,) = load_key_ring(var / KEY_FILE).masters

    listed = finbot(var, "list")
    assert listed.exit_code == 0, listed.output
    assert f"{vault_id(old)}  current  2 row(s)" in listed.output

    rotated = finbot(var, "rotate")
    assert rotated.exit_code == 0, rotated.output
    new, kept = load_key_ring(var / KEY_FILE).masters
    assert kept == old and stat.S_IMODE((var / KEY_FILE).stat().st_mode) == 0o600
    assert f"new current key {vault_id(new)}" in rotated.output and "holds 2 keys" in rotated.output
    assert f"re-encrypted 2 vault row(s) under key {vault_id(new)}" in rotated.output
    assert f"  2 from key {vault_id(old)}" in rotated.output
    assert key_ids_in_rows(var) == [vault_id(new)] * 2

    clock.advance(RELOAD_CHECK_SECONDS)  # the running server has looked at the key file again
    server.store("c3", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    assert key_ids_in_rows(var) == [vault_id(new)] * 3
    assert server.reveal("c2", "<IBAN_CODE_1>", "check") == IBAN

    listed = finbot(var, "list")
    assert f"{vault_id(new)}  current  3 row(s)" in listed.output
    assert f"{vault_id(old)}           0 row(s)" in listed.output

    retired = finbot(var, "retire")
    assert retired.exit_code == 0, retired.output
    assert f"retired key(s) {vault_id(old)}" in retired.output
    assert load_key_ring(var / KEY_FILE).masters == (new,)
    assert server.reveal("c1", "<CREDIT_CARD_1>", "check") == CARD
    assert finbot(var, "retire").output.strip().endswith("no key to retire")
    for result in (listed, rotated, retired):
        assert secrets_in(result.output, var, old, new) == []
    server.close()


def test_retire_refuses_to_drop_a_key_that_a_row_still_needs(var: Path) -> None:
    vault = Vault.for_project(var)
    vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    vault.store("c2", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    vault.close()
    (old,) = load_key_ring(var / KEY_FILE).masters
    with sqlite3.connect(var / "vault.db") as db:  # a row that no longer decrypts: it cannot be re-encrypted
        (sealed,) = db.execute("SELECT sealed FROM vault_values WHERE conversation = 'c2'").fetchone()
        tampered = bytes([sealed[0] ^ 1]) + sealed[1:]
        db.execute("UPDATE vault_values SET sealed = ? WHERE conversation = 'c2'", (tampered,))

    rotated = finbot(var, "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "1 row(s) are still under other keys" in rotated.output and f"1 under key {vault_id(old)}" in rotated.output

    refused = finbot(var, "retire")
    assert refused.exit_code == 1
    assert f"kept key(s) {vault_id(old)} (1 row(s))" in refused.output
    assert len(load_key_ring(var / KEY_FILE).masters) == 2
    current = load_key_ring(var / KEY_FILE).ids("vault")[0]
    assert "is the current key" in finbot(var, "retire", current).output
    assert "holds no key 0123456789abcdef" in finbot(var, "retire", "0123456789abcdef").output

    vault = Vault.for_project(var)
    vault.erase("c2")
    vault.close()
    retired = finbot(var, "retire", vault_id(old))
    assert retired.exit_code == 0, retired.output
    assert len(load_key_ring(var / KEY_FILE).masters) == 1


def test_in_environment_mode_the_operator_sets_the_ring_and_the_command_re_encrypts(
    var: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = b"o" * 32, b"n" * 32
    old_text, new_text = (base64.urlsafe_b64encode(k).decode() for k in (old, new))
    monkeypatch.setenv(KEY_ENV, old_text)
    var.mkdir()
    vault = Vault.for_project(var)
    vault.store("c1", "<CREDIT_CARD_1>", "CREDIT_CARD", CARD)
    vault.close()

    refused = finbot(var, "rotate")
    assert refused.exit_code == 1
    assert f"${KEY_ENV}" in refused.output and "finbot keys rotate --reencrypt-only" in refused.output

    monkeypatch.setenv(KEY_ENV, f"{new_text},{old_text}")  # the new secret, the pods rolled
    rotated = finbot(var, "rotate", "--reencrypt-only")
    assert rotated.exit_code == 0, rotated.output
    assert f"  1 from key {vault_id(old)}" in rotated.output and "new current key" not in rotated.output
    assert key_ids_in_rows(var) == [vault_id(new)]

    retired = finbot(var, "retire")
    assert retired.exit_code == 0, retired.output
    assert f"no vault row needs key(s) {vault_id(old)} any more: remove them from ${KEY_ENV}" in retired.output
    listed = finbot(var, "list")
    assert f"key ring: ${KEY_ENV} (2 key(s)" in listed.output
    assert not (var / "keys").exists()
    for result in (refused, rotated, retired, listed):
        assert secrets_in(result.output, var, old, new) == []
