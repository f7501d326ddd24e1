"""The engine's secret keys: a ring of master keys, from configuration or a key file created on first run.

A ring is an ordered list of 256-bit master keys, newest (the current one)
first: ``$FINBOT_VAULT_KEY`` holds them separated by commas, or the key file
(``var/keys/master.key``) one per line. One key is today's format; a second
one appears when the key is rotated (``finbot keys rotate``) and goes when no
vault row needs it any more (``finbot keys retire``).

Purpose keys are derived from a master key with HKDF, so the vault's
encryption key, the placeholder index's hashing key and the action-call seal
key differ. Everything but the vault derives from the current key only; the
vault reads each row with the key it was sealed under. A key is named by its
id (``key_id``): a short public fingerprint, never the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.privacy.errors import VaultKeyError

logger = logging.getLogger(__name__)

KEY_ENV = "FINBOT_VAULT_KEY"
KEY_BYTES = 32
KEY_FILE = Path("keys") / "master.key"  # under the var folder
RELOAD_CHECK_SECONDS = 1.0


def generate_key() -> str:
    """A new master key, URL-safe base64 (what ``FINBOT_VAULT_KEY`` holds)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def key_id(key: bytes) -> str:
    """A short, stable, public name of ``key`` (16 hex characters): safe to store, print and send; never the key."""
    return hmac.new(key, b"finbot key id", hashlib.sha256).hexdigest()[:16]


def derive_key(master: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose ("vault", "placeholder-index"), derived from the master key."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(master)


@dataclass(frozen=True)
class KeyRing:
    """Master keys, newest (current) first; ``source`` says where they came from (a file or the variable)."""

    masters: Tuple[bytes, ...] = field(repr=False)
    source: str = ""

    def __post_init__(self) -> None:
        if not self.masters:
            raise VaultKeyError(f"{self.source or 'the key ring'} holds no key")
        if any(len(master) != KEY_BYTES for master in self.masters):
            raise VaultKeyError(f"a key of {self.source or 'the key ring'} is not {KEY_BYTES} bytes")

    @property
    def current(self) -> bytes:
        return self.masters[0]

    @property
    def from_environment(self) -> bool:
        return self.source == KEY_ENV

    def derived(self, purpose: str) -> Dict[str, bytes]:
        """Each master's key for ``purpose``, by the id of that derived key, newest first."""
        keys = (derive_key(master, purpose) for master in self.masters)
        return {key_id(key): key for key in keys}

    def ids(self, purpose: str) -> Tuple[str, ...]:
        """The ids of the keys for ``purpose``, newest first (the vault's: what `finbot keys list` shows)."""
        return tuple(self.derived(purpose))

    def without(self, purpose: str, ids: Iterable[str]) -> KeyRing:
        """This ring less the masters whose ``purpose`` key has one of ``ids``; the current key always stays."""
        drop = set(ids)
        kept = [m for i, m in enumerate(self.masters) if i == 0 or key_id(derive_key(m, purpose)) not in drop]
        return KeyRing(tuple(kept), self.source)


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as error:
        raise VaultKeyError(f"{where} is not URL-safe base64") from error
    if len(key) != KEY_BYTES:
        raise VaultKeyError(f"{where} must hold {KEY_BYTES} bytes, not {len(key)}")
    return key


def parse_ring(text: str, source: str, separator: str = "\n") -> KeyRing:
    """The ring in ``text``: keys separated by ``separator`` (a new line in a file, a comma in the variable),
    newest first; blank entries are skipped. A bad entry is named by its place, never shown."""
    parts = text.split(separator)
    unit = "line" if separator == "\n" else "key"
    masters: List[bytes] = []
    for number, part in enumerate(parts, start=1):
        if not part.strip():
            continue
        key = _decode(part, source if len(parts) == 1 else f"{source} {unit} {number}")
        if key not in masters:  # the same key twice names nothing new
            masters.append(key)
    return KeyRing(tuple(masters), source)


def read_key_file(key_file: Path) -> KeyRing:
    """The ring in an existing key file, which must be owner-only; never creates one."""
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        raise VaultKeyError(f"{key_file} is readable by others (mode {mode:o}); run: chmod 600 {key_file}")
    return parse_ring(key_file.read_text(), str(key_file))


def load_key_ring(key_file: Optional[Path] = None) -> KeyRing:
    """The ring from $FINBOT_VAULT_KEY (commas between keys), else from ``key_file`` (one key a line; created,
    owner-only, with one new key if missing)."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return parse_ring(configured, KEY_ENV, ",")
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
    return read_key_file(key_file)


def load_master_key(key_file: Optional[Path] = None) -> bytes:
    """The current master key from $FINBOT_VAULT_KEY, else from ``key_file`` (created, owner-only, if missing)."""
    return load_key_ring(key_file).current


def write_key_file(key_file: Path, masters: Iterable[bytes]) -> None:
    """Replace ``key_file`` with ``masters``, one a line, newest first: written owner-only beside it and moved
    into place in one step, so that a server reading it meanwhile sees the old ring or the new one."""
    ring = KeyRing(tuple(masters), str(key_file))
    text = "".join(base64.urlsafe_b64encode(master).decode() + "\n" for master in ring.masters)
    fd, temporary = tempfile.mkstemp(dir=key_file.parent, prefix=".master.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, key_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class WatchedKeyRing:
    """The project's ring, kept current while a server runs.

    From $FINBOT_VAULT_KEY: read once (a new secret takes a restart, i.e. rolling the pods). From the key
    file: read again when the file changes, as ``finbot keys rotate`` changes it. ``ring(now)`` looks (one
    ``os.stat``: inode, size, modification time) at most every RELOAD_CHECK_SECONDS of the caller's clock,
    or at once with ``force``. A changed file that cannot be read keeps the ring held before (logged).
    """

    def __init__(self, key_file: Optional[Path]) -> None:
        self._ring = load_key_ring(key_file)
        self.key_file = None if self._ring.from_environment else key_file
        self._seen = self._signature()
        self._checked_at: Optional[float] = None
        self._lock = threading.Lock()

    @property
    def held(self) -> KeyRing:
        """The ring as last read, without looking at the file."""
        return self._ring

    def ring(self, now: float, force: bool = False) -> KeyRing:
        if self.key_file is None:
            return self._ring
        with self._lock:
            # abs(): a wall clock set back must not stop the checks.
            if not force and self._checked_at is not None and abs(now - self._checked_at) < RELOAD_CHECK_SECONDS:
                return self._ring
            self._checked_at = now
            signature = self._signature()
            if signature != self._seen:
                self._seen = signature
                try:
                    self._ring = read_key_file(self.key_file)
                except (OSError, VaultKeyError) as error:
                    logger.warning("the key file changed but cannot be read (%s); the keys held before are kept",
                                   error if isinstance(error, VaultKeyError) else type(error).__name__)
                else:
                    logger.info("the key file changed: %d key(s), current %s", len(self._ring.masters),
                                self._ring.ids("vault")[0])
            return self._ring

    def _signature(self) -> Optional[Tuple[int, int, int]]:
        if self.key_file is None:
            return None
        try:
            status = os.stat(self.key_file)
        except OSError:
            return None
        return status.st_ino, status.st_size, status.st_mtime_ns
