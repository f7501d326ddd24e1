"""The Vault: originals that an action may need, encrypted, per conversation, for a limited time.

Each value is sealed with AES-256-GCM; the conversation and placeholder are
the associated data, so a ciphertext moved to another row does not decrypt.
Every reveal records its purpose and time. ``erase`` forgets a conversation.
The store is any SQLAlchemy database URL: SQLite under ``var/`` by default,
PostgreSQL where several servers share it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.privacy.errors import VaultError, VaultKeyError

logger = logging.getLogger(__name__)

_METADATA = sa.MetaData()
VALUES = sa.Table(
    "vault_values", _METADATA,
    sa.Column("conversation", sa.String(255), primary_key=True),
    sa.Column("placeholder", sa.String(80), primary_key=True),
    sa.Column("entity_type", sa.String(40), nullable=False),
    sa.Column("nonce", sa.LargeBinary(12), nullable=False),
    sa.Column("sealed", sa.LargeBinary, nullable=False),  # the only column holding an original, encrypted
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)
REVEALS = sa.Table(
    "vault_reveals", _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation", sa.String(255), nullable=False, index=True),
    sa.Column("placeholder", sa.String(80), nullable=False),
    sa.Column("purpose", sa.String(200), nullable=False),
    sa.Column("revealed_at", sa.Float, nullable=False),
)


def create_tables(metadata: sa.MetaData, engine: sa.engine.Engine, attempts: int = 5) -> None:
    """``metadata``'s tables, created if missing, also when several servers start at once.

    PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one: the loser fails
    with a unique violation (on pg_type) or "already exists"; SQLite's loser, with "already exists"
    or "database is locked". It then finds the tables on a retry (a database that is down is
    still down after the last one, a second later).
    """
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            return
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError) as error:
            lost_a_race = not isinstance(error, sa.exc.OperationalError) or any(
                words in str(error.orig).lower() for words in ("already exists", "locked"))
            if attempt == attempts - 1 or not lost_a_race:  # a database that is down: at once
                raise
            time.sleep(0.1 * (attempt + 1))


RETRY_PAUSE_SECONDS = 2.0


class Tables:
    """A database's tables, created on first use, and tried again on the next use after a failure.

    A server starts while its database is down: what needs the database is refused
    (VaultError, so the message fails closed) until the database is back.
    """

    def __init__(self, metadata: sa.MetaData, engine: sa.engine.Engine, what: str) -> None:
        self._metadata, self._engine, self._what = metadata, engine, what
        self._ready = False
        self._failed: Optional[Tuple[float, str]] = None  # when the last try failed, and how
        self._lock = threading.Lock()

    def ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            # Every message asks while the database is down: one try per pause, not one (and a connection
            # timeout) per message, each holding this lock.
            if self._failed is not None and time.monotonic() - self._failed[0] < RETRY_PAUSE_SECONDS:
                raise VaultError(f"{self._what} is unavailable: {self._failed[1]}")
            try:
                create_tables(self._metadata, self._engine)
            except sa.exc.SQLAlchemyError as error:
                self._failed = (time.monotonic(), type(error).__name__)
                raise VaultError(f"{self._what} is unavailable: {type(error).__name__}") from None
            self._ready = True


@dataclass(frozen=True)
class Reveal:
    """One recorded use of an original: which placeholder, why, when. Never the value."""

    placeholder: str
    purpose: str
    revealed_at: float


class Vault:
    """Encrypted originals, keyed by conversation and placeholder."""

    def __init__(self, url: str, key: bytes, ttl_seconds: float = 86400.0) -> None:
        if len(key) != 32:
            raise VaultKeyError("the vault key must be 32 bytes")
        self._aead = AESGCM(key)
        self._ttl = ttl_seconds
        try:
            self._engine = sa.create_engine(url, future=True)
        except sa.exc.SQLAlchemyError as error:  # a URL that cannot name a database: a setting to mend
            raise VaultError(f"the vault database setting is wrong: {type(error).__name__}") from None
        self._tables = Tables(_METADATA, self._engine, "the vault database")

    @classmethod
    def for_project(cls, var_dir: Path, ttl_seconds: float = 86400.0) -> Vault:
        """The project's vault: key from $FINBOT_VAULT_KEY or ``<var>/keys/master.key``, database at
        $FINBOT_VAULT_URL or ``<var>/vault.db``. The Rasa server and the action server open the same one."""
        from bot.privacy.keys import derive_key, load_master_key

        master = load_master_key(var_dir / "keys" / "master.key")
        url = os.environ.get("FINBOT_VAULT_URL") or f"sqlite:///{var_dir / 'vault.db'}"
        return cls(url, derive_key(master, "vault"), ttl_seconds=ttl_seconds)

    def store(self, conversation: str, placeholder: str, entity_type: str, value: str) -> bool:
        """Seal ``value`` under ``placeholder`` in ``conversation``; whether it was stored.

        Storing the same value again renews it. A different value under a
        placeholder that is still held is refused (False): a placeholder means
        one value, and a process that numbers differently (an action server, a
        second Rasa server) must never make a transfer pay another account.
        """
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), self._aad(conversation, placeholder))
        now = time.time()
        row = {
            "conversation": conversation, "placeholder": placeholder, "entity_type": entity_type,
            "nonce": nonce, "sealed": sealed, "created_at": now, "expires_at": now + self._ttl,
        }
        try:
            with self._begin() as db:
                try:
                    held = self._held(db, conversation, placeholder)
                    unreadable = False
                except InvalidTag:
                    held, unreadable = None, True  # unreadable with this key: it can mean nothing to us
                if held is not None and held != value:
                    logger.warning("a vault placeholder was offered a different value; the first one is kept")
                    return False
                stale = sa.delete(VALUES).where(VALUES.c.conversation == conversation,
                                                VALUES.c.placeholder == placeholder)
                if held is None and not unreadable:
                    # Only an expired row may go: a row another server committed since our read must
                    # not be deleted (then the INSERT below collides on the key, and we read again).
                    stale = stale.where(VALUES.c.expires_at <= now)
                db.execute(stale)
                db.execute(sa.insert(VALUES).values(**row))
        except VaultError:
            # Lost a race for a free placeholder: it holds whatever the other server stored.
            with self._begin() as db:
                try:
                    winner = self._held(db, conversation, placeholder)
                except InvalidTag:
                    winner = None
            if winner is None:
                raise
            return winner == value
        return True

    def _held(self, db: sa.engine.Connection, conversation: str, placeholder: str) -> Optional[str]:
        """The unexpired value under ``placeholder``, or None; raises InvalidTag if it does not decrypt."""
        row = db.execute(sa.select(VALUES.c.nonce, VALUES.c.sealed).where(
            VALUES.c.conversation == conversation, VALUES.c.placeholder == placeholder,
            VALUES.c.expires_at > time.time(),
        )).first()
        if row is None:
            return None
        return self._aead.decrypt(row.nonce, row.sealed, self._aad(conversation, placeholder)).decode("utf-8")

    def reveal(self, conversation: str, placeholder: str, purpose: str) -> Optional[str]:
        """The original behind ``placeholder``, or None if unknown or expired; records ``purpose``."""
        if not purpose or not purpose.strip():
            raise VaultError("a reveal must state its purpose")
        with self._begin() as db:
            try:
                value = self._held(db, conversation, placeholder)
            except InvalidTag:
                raise VaultKeyError("a vault value did not decrypt: wrong key or tampered row") from None
            if value is None:
                return None
            # Recorded in the same transaction: no reveal without its purpose on file.
            db.execute(sa.insert(REVEALS).values(
                conversation=conversation, placeholder=placeholder, purpose=purpose.strip()[:200],
                revealed_at=time.time(),
            ))
        return value

    def reveals(self, conversation: str) -> List[Reveal]:
        """Every recorded reveal in ``conversation``, oldest first."""
        with self._begin() as db:
            rows = db.execute(sa.select(REVEALS.c.placeholder, REVEALS.c.purpose, REVEALS.c.revealed_at)
                              .where(REVEALS.c.conversation == conversation).order_by(REVEALS.c.id)).all()
        return [Reveal(r.placeholder, r.purpose, r.revealed_at) for r in rows]

    def placeholders(self, conversation: str) -> List[str]:
        """The placeholders with a live value in ``conversation``."""
        with self._begin() as db:
            rows = db.execute(sa.select(VALUES.c.placeholder).where(
                VALUES.c.conversation == conversation, VALUES.c.expires_at > time.time())).all()
        return sorted(r.placeholder for r in rows)

    def erase(self, conversation: str) -> int:
        """Forget every value and reveal of ``conversation``; the number of values erased."""
        with self._begin() as db:
            erased = db.execute(sa.delete(VALUES).where(VALUES.c.conversation == conversation)).rowcount
            db.execute(sa.delete(REVEALS).where(REVEALS.c.conversation == conversation))
        return int(erased or 0)

    def purge_expired(self) -> int:
        """Delete values past their time to live; the number deleted."""
        with self._begin() as db:
            return int(db.execute(sa.delete(VALUES).where(VALUES.c.expires_at <= time.time())).rowcount or 0)

    def close(self) -> None:
        self._engine.dispose()

    @staticmethod
    def _aad(conversation: str, placeholder: str) -> bytes:
        return f"{conversation}\0{placeholder}".encode()

    def _begin(self) -> _Transaction:
        self._tables.ensure()
        return _Transaction(self._engine)


class _Transaction:
    """A transaction whose database errors become VaultError, without the statement's values."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self._context = engine.begin()

    def __enter__(self) -> sa.engine.Connection:
        try:
            return self._context.__enter__()
        except sa.exc.SQLAlchemyError as error:
            raise VaultError(f"the vault database is unavailable: {type(error).__name__}") from None

    def __exit__(self, kind: object, error: Optional[BaseException], trace: object) -> None:
        try:
            self._context.__exit__(kind, error, trace)
        except sa.exc.SQLAlchemyError as db_error:
            raise VaultError(f"the vault database failed: {type(db_error).__name__}") from None
        if isinstance(error, sa.exc.SQLAlchemyError):
            # SQLAlchemy's message holds the statement's parameters: never let it out.
            raise VaultError(f"the vault database failed: {type(error).__name__}") from None
