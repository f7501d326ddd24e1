"""Where the action server finds the bank and the Vault: the runtime folder, shared with the Rasa server."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.banking import runtime
from actions.banking.reveal import PURPOSE_NEW_PAYEE, open_project_vault
from bot.privacy.keys import derive_key, load_master_key
from bot.privacy.vault import Vault


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FINBOT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("FINBOT_VAULT_KEY", raising=False)
    monkeypatch.delenv("FINBOT_VAULT_URL", raising=False)
    monkeypatch.setattr(runtime, "_banks", {})
    monkeypatch.setattr(runtime, "_vaults", {})
    return tmp_path / "var"


def test_the_bank_lives_in_the_runtime_folder(var: Path) -> None:
    bank = runtime.bank()
    assert bank.path == var / "bank.db" and bank.path.is_file()
    assert runtime.bank() is bank  # opened once per process
    assert (var.stat().st_mode & 0o777) == 0o700


def test_the_actions_read_the_vault_the_rasa_server_writes(var: Path) -> None:
    # What bot.privacy.engine.Redactor.for_project opens for the Rasa server's redactor:
    var.mkdir(parents=True)
    writer = Vault(f"sqlite:///{var / 'vault.db'}", derive_key(load_master_key(var / "keys" / "master.key"), "vault"))
    writer.store("conversation-1", "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    reader = runtime.vault()
    assert reader.reveal("conversation-1", "<ACCOUNT_NUMBER_1>", PURPOSE_NEW_PAYEE) == "31926819"
    assert [r.purpose for r in writer.reveals("conversation-1")] == [PURPOSE_NEW_PAYEE]
    assert reader.reveal("conversation-2", "<ACCOUNT_NUMBER_1>", PURPOSE_NEW_PAYEE) is None


def test_the_vault_url_and_key_settings_are_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "q" * 43 + "="
    monkeypatch.setenv("FINBOT_VAULT_KEY", key)
    monkeypatch.setenv("FINBOT_VAULT_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    vault = open_project_vault(tmp_path / "unused-var")
    assert not (tmp_path / "unused-var" / "keys").exists()  # the key came from the environment
    assert isinstance(vault, Vault)
    vault.reveal("c", "<IBAN_CODE_1>", "a purpose")
    assert (tmp_path / "elsewhere.db").is_file()
