"""The master key: from the environment or an owner-only key file; purpose keys derived from it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.privacy.errors import VaultKeyError
from bot.privacy.keys import KEY_ENV, derive_key, generate_key, load_master_key


def test_a_key_file_is_created_owner_only_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = tmp_path / "keys" / "master.key"
    key = load_master_key(key_file)
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert load_master_key(key_file) == key
    os.chmod(key_file, 0o644)
    with pytest.raises(VaultKeyError, match="chmod 600"):
        load_master_key(key_file)


def test_the_key_from_the_environment_wins_and_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = generate_key()
    monkeypatch.setenv(KEY_ENV, configured)
    assert load_master_key(tmp_path / "unused.key") == load_master_key(None)
    assert not (tmp_path / "unused.key").exists()
    for bad in ("not base64 !!", "c2hvcnQ="):
        monkeypatch.setenv(KEY_ENV, bad)
        with pytest.raises(VaultKeyError, match=KEY_ENV):
            load_master_key(None)
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(VaultKeyError):
        load_master_key(None)


def test_purpose_keys_differ() -> None:
    master = os.urandom(32)
    assert derive_key(master, "vault") != derive_key(master, "placeholder-index")
    assert derive_key(master, "vault") == derive_key(master, "vault")
    assert len(derive_key(master, "vault")) == 32


