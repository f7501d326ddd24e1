"""The master key ring: from the environment or an owner-only key file, newest first; purpose keys derived from
it; key ids; a key file followed while a server runs."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from typing import List

import pytest

from bot.privacy.errors import VaultKeyError
from bot.privacy.keys import (
    KEY_ENV,
    RELOAD_CHECK_SECONDS,
    KeyRing,
    WatchedKeyRing,
    derive_key,
    generate_key,
    key_id,
    load_key_ring,
    load_master_key,
    write_key_file,
)

A, B, C = b"a" * 32, b"b" * 32, b"c" * 32  # fake keys


def encoded(*keys: bytes) -> List[str]:
    return [base64.urlsafe_b64encode(key).decode() for key in keys]


def key_file_with(tmp_path: Path, text: str) -> Path:
    key_file = tmp_path / "keys" / "master.key"
    key_file.parent.mkdir(exist_ok=True)
    key_file.write_text(text)
    os.chmod(key_file, 0o600)
    return key_file


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




@pytest.mark.parametrize("text, expected", [
    ("{a}\n", (A,)),                               # today's format: one key, one line
    ("{a}", (A,)),
    ("{b}\n{a}\n", (B, A)),                        # newest first
    ("{c}\n\n{b}\n{a}\n\n", (C, B, A)),            # blank lines are nothing
    ("{b}\n{a}\n{b}\n", (B, A)),                    # the same key twice is one key
])
def test_a_key_file_holds_one_key_a_line_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: tuple
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    a, b, c = encoded(A, B, C)
    key_file = key_file_with(tmp_path, text.format(a=a, b=b, c=c))
    ring = load_key_ring(key_file)
    assert ring.masters == expected and ring.current == expected[0] and not ring.from_environment
    assert load_master_key(key_file) == expected[0]  # what every other caller uses: the current key


def test_the_variable_holds_keys_separated_by_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = encoded(A, B)
    monkeypatch.setenv(KEY_ENV, f"{b}, {a}")
    ring = load_key_ring(None)
    assert ring.masters == (B, A) and ring.from_environment
    assert load_master_key(None) == B


@pytest.mark.parametrize("where", ["file", "variable"])
def test_a_bad_key_in_the_ring_is_a_key_error_naming_its_place_not_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    good = encoded(A)[0]
    bad = "not base64 !!"
    if where == "file":
        monkeypatch.delenv(KEY_ENV, raising=False)
        key_file = key_file_with(tmp_path, f"{good}\n{bad}\n")
        with pytest.raises(VaultKeyError, match="line 2 is not URL-safe base64") as caught:
            load_key_ring(key_file)
    else:
        monkeypatch.setenv(KEY_ENV, f"{good},{bad}")
        with pytest.raises(VaultKeyError, match=f"{KEY_ENV} key 2 is not URL-safe base64") as caught:
            load_key_ring(None)
    assert good not in str(caught.value) and bad not in str(caught.value)


def test_key_ids_are_stable_distinct_and_not_the_key() -> None:
    assert key_id(A) == key_id(b"a" * 32)
    assert len({key_id(A), key_id(B), key_id(C)}) == 3
    assert len(key_id(A)) == 16 and int(key_id(A), 16) >= 0
    assert encoded(A)[0][:16] != key_id(A) and A.hex()[:16] != key_id(A)
    ring = KeyRing((B, A), "test")
    assert ring.ids("vault") == (key_id(derive_key(B, "vault")), key_id(derive_key(A, "vault")))
    assert ring.ids("vault") != ring.ids("action-calls/v1")
    assert encoded(A)[0] not in repr(ring) and repr(A) not in repr(ring)


def test_a_written_key_file_is_owner_only_and_replaced_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = key_file_with(tmp_path, encoded(A)[0] + "\n")
    write_key_file(key_file, (B, A))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_key_ring(key_file).masters == (B, A)
    assert [p.name for p in key_file.parent.iterdir()] == ["master.key"]  # no temporary file left
    with pytest.raises(VaultKeyError):
        write_key_file(key_file, ())
    assert load_key_ring(key_file).masters == (B, A)


def test_a_watched_key_file_is_read_again_when_it_changes_at_most_once_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    a, b, c = encoded(A, B, C)
    key_file = key_file_with(tmp_path, a + "\n")
    watched = WatchedKeyRing(key_file)
    now = 1_800_000_000.0
    assert watched.ring(now).masters == (A,)
    # Rewritten in place, same length: only the modification time tells.
    stamp = key_file.stat().st_mtime_ns
    key_file.write_text(c + "\n")
    os.utime(key_file, ns=(stamp + 5_000_000_000, stamp + 5_000_000_000))
    assert watched.ring(now + RELOAD_CHECK_SECONDS / 2).masters == (A,)     # looked less than a second ago
    assert watched.ring(now + RELOAD_CHECK_SECONDS / 2, force=True).masters == (C,)
    write_key_file(key_file, (B, C))
    assert watched.ring(now + 3 * RELOAD_CHECK_SECONDS).masters == (B, C)
    # A changed file that cannot be read keeps the keys held before.
    key_file.write_text(b + "\nbroken\n")
    os.utime(key_file, ns=(stamp + 9_000_000_000, stamp + 9_000_000_000))
    assert watched.ring(now + 5 * RELOAD_CHECK_SECONDS).masters == (B, C)


def test_a_ring_from_the_variable_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = encoded(A, B)
    monkeypatch.setenv(KEY_ENV, a)
    watched = WatchedKeyRing(tmp_path / "keys" / "master.key")
    monkeypatch.setenv(KEY_ENV, f"{b},{a}")  # a new secret takes a restart (the pods are rolled)
    assert watched.ring(2e9, force=True).masters == (A,)
    assert not (tmp_path / "keys").exists()
