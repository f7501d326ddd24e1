"""The Vault: originals that an action may need, encrypted, per conversation, for a limited time.

Each value is sealed with AES-256-GCM; the conversation and placeholder are
the associated data, so a ciphertext moved to another row does not decrypt.
Every reveal records its purpose and time. ``erase`` forgets a conversation;
``purge`` deletes the values past their time to live and the reveal records
past their retention (the servers run it on a schedule, see bot.retention).
Time comes from the ``clock`` the vault is given (``now()``: expiries are stored, and shared by servers).
The store is any SQLAlchemy database URL: SQLite under ``var/`` by default,
PostgreSQL where several servers share it.

Keys. Each row records the id of the key that sealed it (``key_id``): the
vault key derived from the current master key of the ring (bot.privacy.keys)
when it was stored. A read opens a row with the key of its id; an id the ring
does not hold is a VaultKeyError naming the id. A vault on the project's key
file notices a rotation (``finbot keys rotate``) within a second and seals new
rows under the new key; ``reseal`` re-encrypts the older rows under it.

Legacy rows, written before rows carried a key id, hold NULL there (the column
is added to an existing table on first use, see bot.privacy.tables). They were
sealed with the only key there was, which a later ring holds somewhere (the
oldest, unless a key was added behind it): a legacy row is opened with each key
of the ring in turn, oldest first, and the GCM tag says which one fits. The
first rotation records their key by re-encrypting them under the new one.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.errors import VaultError, VaultKeyError
from bot.privacy.keys import KEY_FILE, KeyRing, WatchedKeyRing, key_id
from bot.privacy.tables import Tables
from bot.privacy.vault_records import Purged, Resealed, Reveal

__all__ = ["VAULT_PURPOSE", "Purged", "Resealed", "Reveal", "Vault", "VaultKeys"]

logger = logging.getLogger(__name__)

VAULT_PURPOSE = "vault"
RESEAL_PASSES = 3  # a row rewritten meanwhile by a server still on an old key is taken again, this many times

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
    sa.Column("key_id", sa.String(32), nullable=True),  # the id of the key that sealed it; NULL: a legacy row
)
REVEALS = sa.Table(
    "vault_reveals", _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation", sa.String(255), nullable=False, index=True),
    sa.Column("placeholder", sa.String(80), nullable=False),
    sa.Column("purpose", sa.String(200), nullable=False),
    sa.Column("revealed_at", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class _Keys:
    """The vault keys of one ring: AES-GCM by key id, newest first."""

    ring: Optional[KeyRing]
    by_id: Dict[str, AESGCM]

    @classmethod
    def of(cls, keys: Dict[str, bytes], ring: Optional[KeyRing] = None) -> _Keys:
        return cls(ring, {ident: AESGCM(key) for ident, key in keys.items()})

    @property
    def current(self) -> str:
        return next(iter(self.by_id))


VaultKeys = Union[bytes, KeyRing, WatchedKeyRing]


class Vault:
    """Encrypted originals, keyed by conversation and placeholder.

    ``key`` is the vault key itself (32 bytes: one key, its id is the key's), or a ring of master keys
    whose vault keys are derived (``WatchedKeyRing``: the project's, followed as it is rotated).
    """

    def __init__(
        self, url: str, key: VaultKeys, ttl_seconds: float = 86400.0, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._watch: Optional[WatchedKeyRing] = None
        if isinstance(key, WatchedKeyRing):
            self._watch = key
            self._keys = _Keys.of(key.held.derived(VAULT_PURPOSE), key.held)
        elif isinstance(key, KeyRing):
            self._keys = _Keys.of(key.derived(VAULT_PURPOSE), key)
        else:
            if len(key) != 32:
                raise VaultKeyError("the vault key must be 32 bytes")
            self._keys = _Keys.of({key_id(key): key})
        self._ttl = ttl_seconds
        self._clock = clock
        try:
            self._engine = sa.create_engine(url, future=True)
        except sa.exc.SQLAlchemyError as error:  # a URL that cannot name a database: a setting to mend
            raise VaultError(f"the vault database setting is wrong: {type(error).__name__}") from None
        self._tables = Tables(_METADATA, self._engine, "the vault database", clock)

    @classmethod
    def for_project(
        cls, var_dir: Path, ttl_seconds: float = 86400.0, clock: Clock = SYSTEM_CLOCK
    ) -> Vault:
        """The project's vault: keys from $FINBOT_VAULT_KEY or ``<var>/keys/master.key`` (followed as it is
        rotated), database at $FINBOT_VAULT_URL or ``<var>/vault.db``. The Rasa server and the action server
        open the same one."""
        url = os.environ.get("FINBOT_VAULT_URL") or f"sqlite:///{var_dir / 'vault.db'}"
        return cls(url, WatchedKeyRing(var_dir / KEY_FILE), ttl_seconds=ttl_seconds, clock=clock)

    @property
    def key_ids(self) -> Tuple[str, ...]:
        """The ids of the keys this vault holds, current first (looking at the key file if it is due)."""
        return tuple(self._current_keys().by_id)

    def store(self, conversation: str, placeholder: str, entity_type: str, value: str) -> bool:
        """Seal ``value`` under ``placeholder`` in ``conversation``, with the current key; whether it was stored.

        Storing the same value again renews it. A different value under a
        placeholder that is still held is refused (False): a placeholder means
        one value, and a process that numbers differently (an action server, a
        second Rasa server) must never make a transfer pay another account.
        A held row under a key this vault does not hold (a server that has a
        newer key) is not replaced either: VaultKeyError.
        """
        keys = self._current_keys()
        nonce = os.urandom(12)
        sealed = keys.by_id[keys.current].encrypt(nonce, value.encode("utf-8"), self._aad(conversation, placeholder))
        now = self._clock.now()
        row = {
            "conversation": conversation, "placeholder": placeholder, "entity_type": entity_type,
            "nonce": nonce, "sealed": sealed, "created_at": now, "expires_at": now + self._ttl,
            "key_id": keys.current,
        }
        try:
            with self._begin() as db:
                try:
                    held = self._held(db, conversation, placeholder)
                    unreadable = False
                except InvalidTag:
                    held, unreadable = None, True  # unreadable with the key it names: it can mean nothing to us
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
        except VaultKeyError:
            raise
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
        """The unexpired value under ``placeholder``, or None; raises InvalidTag if it does not decrypt, and
        VaultKeyError if it is under a key this vault does not hold."""
        row = db.execute(sa.select(VALUES.c.nonce, VALUES.c.sealed, VALUES.c.key_id).where(
            VALUES.c.conversation == conversation, VALUES.c.placeholder == placeholder,
            VALUES.c.expires_at > self._clock.now(),
        )).first()
        if row is None:
            return None
        return self._open(row, conversation, placeholder)[0]

    def _open(self, row: Any, conversation: str, placeholder: str) -> Tuple[str, str]:
        """The value of a row (``nonce``, ``sealed``, ``key_id``), and the id of the key that opened it."""
        aad = self._aad(conversation, placeholder)
        if row.key_id is None:  # a legacy row: see the module docstring
            for ident, aead in reversed(self._current_keys().by_id.items()):
                try:
                    return aead.decrypt(row.nonce, row.sealed, aad).decode("utf-8"), ident
                except InvalidTag:
                    continue
            raise InvalidTag()
        return self._key(row.key_id).decrypt(row.nonce, row.sealed, aad).decode("utf-8"), row.key_id

    def _key(self, ident: str) -> AESGCM:
        aead = self._current_keys().by_id.get(ident)
        if aead is None and self._watch is not None:
            aead = self._current_keys(force=True).by_id.get(ident)  # rotated since the last look?
        if aead is None:
            raise VaultKeyError(f"a vault value is sealed under key {ident}, which this server does not hold "
                                "(see finbot keys list)")
        return aead

    def _current_keys(self, force: bool = False) -> _Keys:
        if self._watch is None:
            return self._keys
        ring = self._watch.ring(self._clock.now(), force)
        keys = self._keys
        if ring is not keys.ring:
            keys = self._keys = _Keys.of(ring.derived(VAULT_PURPOSE), ring)
        return keys

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
                revealed_at=self._clock.now(),
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
                VALUES.c.conversation == conversation, VALUES.c.expires_at > self._clock.now())).all()
        return sorted(r.placeholder for r in rows)

    def erase(self, conversation: str) -> int:
        """Forget every value and reveal of ``conversation``; the number of values erased."""
        with self._begin() as db:
            erased = db.execute(sa.delete(VALUES).where(VALUES.c.conversation == conversation)).rowcount
            db.execute(sa.delete(REVEALS).where(REVEALS.c.conversation == conversation))
        return int(erased or 0)

    def purge_expired(self) -> int:
        """Delete values past their time to live (the ciphertext itself, not only its use); the number deleted."""
        return self.purge().values

    def purge(self, reveals_retention_seconds: Optional[float] = None) -> Purged:
        """Delete values past their time to live and, given a retention, reveal records older than it."""
        now = self._clock.now()
        with self._begin() as db:
            values = db.execute(sa.delete(VALUES).where(VALUES.c.expires_at <= now)).rowcount
            reveals = 0
            if reveals_retention_seconds is not None:
                reveals = db.execute(sa.delete(REVEALS).where(
                    REVEALS.c.revealed_at < now - reveals_retention_seconds)).rowcount
        return Purged(int(values or 0), int(reveals or 0))

    def key_usage(self) -> Dict[Optional[str], int]:
        """How many rows each key id seals (None: legacy rows, see the module docstring); expired rows too."""
        with self._begin() as db:
            rows = db.execute(sa.select(VALUES.c.key_id, sa.func.count()).group_by(VALUES.c.key_id)).all()
        return {ident: int(count) for ident, count in rows}

    def reseal(self, batch_size: int = 100) -> Resealed:
        """Re-encrypt under the current key every row under another key or none (legacy), ``batch_size`` rows
        a transaction, while servers keep storing and revealing.

        Each row is replaced only if it still holds the ciphertext that was read (compare and set): a value a
        server stored or renewed meanwhile is never overwritten with an older one; if that server was still on
        an old key, a further pass takes the row again.
        """
        current = self._current_keys(force=True).current
        moved: Counter[str] = Counter()
        legacy = 0
        for _ in range(RESEAL_PASSES):
            missed = 0
            after: Optional[Tuple[str, str]] = None
            while True:
                query = sa.select(VALUES.c.conversation, VALUES.c.placeholder, VALUES.c.nonce, VALUES.c.sealed,
                                  VALUES.c.key_id).where(sa.or_(VALUES.c.key_id.is_(None), VALUES.c.key_id != current))
                if after is not None:
                    query = query.where(sa.tuple_(VALUES.c.conversation, VALUES.c.placeholder) > sa.tuple_(*after))
                with self._begin() as db:
                    rows = db.execute(query.order_by(VALUES.c.conversation, VALUES.c.placeholder)
                                      .limit(batch_size)).all()
                if not rows:
                    break
                after = (rows[-1].conversation, rows[-1].placeholder)
                with self._begin() as db:
                    for row in rows:
                        resealed = self._resealed(row, current)
                        if resealed is None:
                            continue  # left under its key: counted below
                        opened_by, values = resealed
                        swapped = db.execute(sa.update(VALUES).where(
                            VALUES.c.conversation == row.conversation, VALUES.c.placeholder == row.placeholder,
                            VALUES.c.sealed == row.sealed,
                        ).values(**values)).rowcount
                        if swapped:
                            moved[opened_by] += 1
                            if row.key_id is None:
                                legacy += 1
                        else:
                            missed += 1
            if not missed:
                break
        left = {ident: count for ident, count in self.key_usage().items() if ident != current}
        return Resealed(current, dict(moved), legacy, left)

    def _resealed(self, row: Any, current: str) -> Optional[Tuple[str, Dict[str, Any]]]:
        """The id of the key that opens ``row`` and the row's new columns under ``current``; None if it cannot
        be opened (it does not decrypt, or its key is not held)."""
        try:
            value, opened_by = self._open(row, row.conversation, row.placeholder)
        except (InvalidTag, VaultKeyError):
            return None
        nonce = os.urandom(12)
        sealed = self._key(current).encrypt(nonce, value.encode("utf-8"), self._aad(row.conversation, row.placeholder))
        return opened_by, {"nonce": nonce, "sealed": sealed, "key_id": current}

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
