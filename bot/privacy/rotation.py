"""Key rotation: a new master key at the front of the ring, the vault re-encrypted under it, old keys retired.

File mode (``var/keys/master.key``): ``rotate`` writes a new key as the file's
first line (owner-only, moved into place in one step); servers that are running
notice the change within a second (``WatchedKeyRing``) and seal new values
under it, while ``Vault.reseal`` moves the older rows. ``retire`` drops from the
file every key that no vault row needs any more.

Environment mode ($FINBOT_VAULT_KEY): the ring is the operator's secret. These
functions re-encrypt and check; the operator sets the variable and rolls the
servers (see README, "Keys").

Keys are named by the id of their vault key, as the vault's rows name them.
Everything returned is counts and ids: never a key, never a value.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from bot.privacy.errors import VaultKeyError
from bot.privacy.keys import KEY_BYTES, KEY_ENV, KEY_FILE, KeyRing, load_key_ring, write_key_file
from bot.privacy.vault import VAULT_PURPOSE, Resealed, Vault


def described(resealed: Resealed) -> List[str]:
    """What a reseal did, in words: counts and key ids."""
    total = sum(resealed.moved.values())
    lines = [f"re-encrypted {total} vault row(s) under key {resealed.current}"]
    lines += [f"  {count} from key {ident}" for ident, count in sorted(resealed.moved.items())]
    if resealed.legacy:
        lines.append(f"  ({resealed.legacy} of them legacy rows without a key id)")
    if resealed.left:
        lines.append(f"{sum(resealed.left.values())} row(s) are still under other keys (they do not decrypt, or a "
                     "server still on an old key kept rewriting them; they go when they expire):")
        lines += [f"  {count} under {_named(ident)}" for ident, count in sorted(resealed.left.items(), key=_by_id)]
    return lines


def _named(ident: Optional[str]) -> str:
    return "no key id (legacy rows no key of the ring opens)" if ident is None else f"key {ident}"


def _by_id(item: Tuple[Optional[str], int]) -> str:
    return item[0] or ""


@dataclass(frozen=True)
class Rotated:
    """A rotation: the new current key's id (None: re-encrypted only), the ring's size, what was re-encrypted."""

    new_key: Optional[str]
    keys: int
    resealed: Resealed

    def lines(self, where: str) -> List[str]:
        head = [] if self.new_key is None else [f"new current key {self.new_key}: {where} holds {self.keys} keys"]
        return head + described(self.resealed)


@dataclass(frozen=True)
class Retired:
    """A retirement: ``retired`` ids left the ring (environment mode: may leave it), ``needed`` ids were kept
    because rows still need them (with their row counts)."""

    retired: Tuple[str, ...]
    needed: Dict[str, int]
    resealed: Resealed
    from_environment: bool

    def lines(self, where: str) -> List[str]:
        lines = described(self.resealed)
        if not self.retired:
            if not self.needed:
                lines.append("no key to retire")
        elif self.from_environment:
            lines.append(f"no vault row needs key(s) {', '.join(self.retired)} any more: remove them from "
                         f"${KEY_ENV} and roll the servers")
        else:
            lines.append(f"retired key(s) {', '.join(self.retired)}: {where} no longer holds them")
        return lines

    def refusal(self) -> Optional[str]:
        """Why a key asked to go was kept, or None."""
        if not self.needed:
            return None
        kept = ", ".join(f"{ident} ({count} row(s))" for ident, count in sorted(self.needed.items()))
        return (f"kept key(s) {kept}: vault rows still need them (see above why they were not re-encrypted); "
                "retire them once those rows are gone (finbot purge deletes them when they expire)")


@dataclass(frozen=True)
class KeyInventory:
    """The ring's key ids (current first), the vault rows by key id (None: legacy rows), whether the ring is
    the variable's."""

    ids: Tuple[str, ...]
    rows: Dict[Optional[str], int]
    from_environment: bool

    def lines(self, where: str) -> List[str]:
        lines = [f"key ring: {where} ({len(self.ids)} key(s), newest first)"]
        for number, ident in enumerate(self.ids):
            lines.append(f"  {ident}  {'current' if number == 0 else '       '}  {self.rows.get(ident, 0)} row(s)")
        if self.rows.get(None):
            lines.append(f"  {self.rows[None]} legacy row(s) without a key id (the next rotation re-encrypts them)")
        for ident, count in sorted((i, c) for i, c in self.rows.items() if i is not None and i not in self.ids):
            lines.append(f"  {count} row(s) under key {ident}, which the ring does not hold")
        return lines


def key_file(var_dir: Path) -> Path:
    return var_dir / KEY_FILE


def rotate(var_dir: Path, reencrypt_only: bool = False, batch_size: int = 100) -> Rotated:
    """Put a new key in front of the key file's ring (unless ``reencrypt_only``), then re-encrypt the vault's
    rows under the current key. The ring in $FINBOT_VAULT_KEY cannot be written: VaultKeyError unless
    ``reencrypt_only``."""
    new_key: Optional[str] = None
    if not reencrypt_only:
        ring = load_key_ring(key_file(var_dir))
        if ring.from_environment:
            raise VaultKeyError(f"the key ring is ${KEY_ENV}, which this process cannot change")
        rotated = KeyRing((os.urandom(KEY_BYTES), *ring.masters), ring.source)
        write_key_file(key_file(var_dir), rotated.masters)
        new_key = rotated.ids(VAULT_PURPOSE)[0]
    with _project_vault(var_dir) as vault:
        resealed = vault.reseal(batch_size)
    return Rotated(new_key, len(load_key_ring(key_file(var_dir)).masters), resealed)


def retire(var_dir: Path, ids: Iterable[str] = (), batch_size: int = 100) -> Retired:
    """Re-encrypt any leftovers, then drop from the ring the keys in ``ids`` (default: every key but the
    current one) that no vault row needs; the others are kept and named in ``needed``. The current key is
    never dropped, nor a key the ring does not hold (VaultKeyError). With $FINBOT_VAULT_KEY nothing is
    written: ``retired`` says which keys may leave the variable."""
    ring_ids = load_key_ring(key_file(var_dir)).ids(VAULT_PURPOSE)
    asked = tuple(dict.fromkeys(ids)) or ring_ids[1:]
    for ident in asked:
        if ident not in ring_ids:
            raise VaultKeyError(f"the key ring holds no key {ident} (see finbot keys list)")
        if ident == ring_ids[0]:
            raise VaultKeyError(f"key {ident} is the current key: rotate first")
    with _project_vault(var_dir) as vault:
        resealed = vault.reseal(batch_size)
        rows = vault.key_usage()
    needed = {ident: rows[ident] for ident in asked if rows.get(ident)}
    free = tuple(ident for ident in asked if ident not in needed)
    ring = load_key_ring(key_file(var_dir))  # read again: the file as it is now, in case it changed meanwhile
    if free and not ring.from_environment:
        write_key_file(key_file(var_dir), ring.without(VAULT_PURPOSE, free).masters)
    return Retired(free, needed, resealed, ring.from_environment)


def inventory(var_dir: Path) -> KeyInventory:
    """The ring's key ids and how many vault rows each seals."""
    ring = load_key_ring(key_file(var_dir))
    with _project_vault(var_dir) as vault:
        rows = vault.key_usage()
    return KeyInventory(ring.ids(VAULT_PURPOSE), rows, ring.from_environment)


@contextlib.contextmanager
def _project_vault(var_dir: Path) -> Iterator[Vault]:
    vault = Vault.for_project(var_dir)
    try:
        yield vault
    finally:
        vault.close()
