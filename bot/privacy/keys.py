"""The engine's secret key: from configuration, or a key file created on first run.

One 256-bit master key; purpose keys are derived from it with HKDF, so the
vault's encryption key and the placeholder index's hashing key differ.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Optional

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.privacy.errors import VaultKeyError

KEY_ENV = "FINBOT_VAULT_KEY"
KEY_BYTES = 32


def generate_key() -> str:
    """A new master key, URL-safe base64 (what ``FINBOT_VAULT_KEY`` holds)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as error:
        raise VaultKeyError(f"{where} is not URL-safe base64") from error
    if len(key) != KEY_BYTES:
        raise VaultKeyError(f"{where} must hold {KEY_BYTES} bytes, not {len(key)}")
    return key


def load_master_key(key_file: Optional[Path] = None) -> bytes:
    """The master key from $FINBOT_VAULT_KEY, else from ``key_file`` (created, owner-only, if missing)."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return _decode(configured, KEY_ENV)
    if key_file is None:
        raise VaultKeyError(f"no key: set {KEY_ENV} or give a key file")
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(key_file.parent, 0o700)
        # O_EXCL: two processes starting together must not write two keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_key() + "\n")
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        raise VaultKeyError(f"{key_file} is readable by others (mode {mode:o}); run: chmod 600 {key_file}")
    return _decode(key_file.read_text(), str(key_file))


def derive_key(master: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose ("vault", "placeholder-index"), derived from the master key."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(master)
