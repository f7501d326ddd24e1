"""Placeholder numbering and unfinished values kept in a database, so several servers agree on them.

With one Rasa server, ``InMemoryPlaceholderIndex`` and ``InMemoryContinuations``
are enough. Behind a load balancer, the messages of one conversation reach
different servers, and each would number on its own: a phone number hidden as
``<PHONE_NUMBER_1>`` on one server and another phone number hidden as
``<PHONE_NUMBER_1>`` on the other, in the same conversation; and the second
half of a card number split over two messages would reach a server that does
not know the first half was a card. ``SharedPlaceholderState`` keeps both in
the vault's database (any SQLAlchemy URL; PostgreSQL in production), with
keyed fingerprints, types and digit counts only, never a value.

A database error becomes a ``VaultError`` (a ``PrivacyError``), without the
statement's parameters: the caller refuses the message (fail closed).
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional

import sqlalchemy as sa

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.errors import VaultError
from bot.privacy.pending import CONTINUATION_SECONDS, Unfinished
from bot.privacy.tables import Tables

MAX_ATTEMPTS = 20  # two servers' first use of one conversation's numbering at once: the second retries once
PURGE_EVERY_SECONDS = 600.0
RENEW_AFTER_SECONDS = 60.0  # a conversation's lifetime is renewed at most once a minute: fewer writes

_METADATA = sa.MetaData()
NUMBERS = sa.Table(
    "placeholder_numbers", _METADATA,
    sa.Column("conversation", sa.String(255), primary_key=True),
    sa.Column("entity_type", sa.String(40), primary_key=True),
    sa.Column("fingerprint", sa.String(64), primary_key=True),  # keyed HMAC of the normalised value
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    # One number means one value: two servers numbering at once cannot both take it.
    sa.UniqueConstraint("conversation", "entity_type", "number", name="placeholder_numbers_one_value"),
)
# One row per conversation and type, locked (a no-op UPDATE) while a new number is chosen: servers that
# number in one conversation at once queue up instead of colliding and retrying.
NUMBERING_LOCKS = sa.Table(
    "placeholder_numbering_locks", _METADATA,
    sa.Column("conversation", sa.String(255), primary_key=True),
    sa.Column("entity_type", sa.String(40), primary_key=True),
)
PENDING = sa.Table(
    "placeholder_pending", _METADATA,
    sa.Column("conversation", sa.String(255), primary_key=True),
    sa.Column("entity_type", sa.String(40), nullable=False),
    sa.Column("given", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)
PARTIALS = sa.Table(
    "placeholder_partials", _METADATA,
    sa.Column("conversation", sa.String(255), primary_key=True),
    sa.Column("placeholder", sa.String(80), primary_key=True),
    sa.Column("entity_type", sa.String(40), nullable=False),
    sa.Column("given", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)


class SharedPlaceholderState:
    """A ``PlaceholderIndex`` and ``Continuations`` in one database, shared by every process that opens it."""

    def __init__(self, url: str, ttl_seconds: float = 86400.0, clock: Clock = SYSTEM_CLOCK) -> None:
        self._ttl = ttl_seconds
        self._clock = clock  # now(): expiries are stored, and compared by every server
        self._purged_at = 0.0
        try:
            self._engine = sa.create_engine(url, future=True)
        except sa.exc.SQLAlchemyError as error:  # a URL that cannot name a database: a setting to mend
            raise VaultError(f"the placeholder database setting is wrong: {type(error).__name__}") from None
        self._tables = Tables(_METADATA, self._engine, "the placeholder database", clock)

    # PlaceholderIndex

    def number(self, conversation: str, entity_type: str, fingerprint: str) -> int:
        """The conversation's number for this value: the one any process gave it, else the next free one."""
        self._purge_now_and_then()
        for _ in range(MAX_ATTEMPTS):
            try:
                with self._begin() as db:
                    return self._number(db, conversation, entity_type, fingerprint)
            except _Conflict:
                continue  # another process numbered in this conversation at the same moment: read again
        raise VaultError("the placeholder numbering stayed contended; try again")

    def _number(self, db: sa.engine.Connection, conversation: str, entity_type: str, fingerprint: str) -> int:
        now = self._clock.now()
        mine = NUMBERS.c.conversation == conversation
        this_value = (NUMBERS.c.entity_type == entity_type, NUMBERS.c.fingerprint == fingerprint)
        fresh = db.execute(sa.select(NUMBERS.c.number).where(
            mine, *this_value, NUMBERS.c.expires_at > now,
            NUMBERS.c.expires_at >= now + self._ttl - RENEW_AFTER_SECONDS)).scalar()
        if fresh is not None:
            return int(fresh)  # the common case, one query: a value seen within the last minute
        self._lock_numbering(db, conversation, entity_type)
        # A conversation's numbering lives and expires as a whole, as the in-memory index does.
        db.execute(sa.delete(NUMBERS).where(mine, NUMBERS.c.expires_at <= now))
        db.execute(sa.update(NUMBERS).where(mine, NUMBERS.c.expires_at < now + self._ttl - RENEW_AFTER_SECONDS)
                   .values(expires_at=now + self._ttl))
        held = db.execute(sa.select(NUMBERS.c.number).where(mine, *this_value)).scalar()
        if held is not None:
            return int(held)
        top = db.execute(sa.select(sa.func.max(NUMBERS.c.number)).where(
            mine, NUMBERS.c.entity_type == entity_type)).scalar()
        number = int(top or 0) + 1
        try:
            with db.begin_nested():
                db.execute(sa.insert(NUMBERS).values(
                    conversation=conversation, entity_type=entity_type, fingerprint=fingerprint,
                    number=number, expires_at=now + self._ttl))
        except sa.exc.IntegrityError:
            raise _Conflict() from None
        return number

    @staticmethod
    def _lock_numbering(db: sa.engine.Connection, conversation: str, entity_type: str) -> None:
        """Hold the conversation's numbering of ``entity_type`` until this transaction ends."""
        key = (NUMBERING_LOCKS.c.conversation == conversation, NUMBERING_LOCKS.c.entity_type == entity_type)
        if db.execute(sa.update(NUMBERING_LOCKS).where(*key).values(entity_type=entity_type)).rowcount:
            return
        try:  # the first number of this type here: whoever inserts the row second waits, then retries
            with db.begin_nested():
                db.execute(sa.insert(NUMBERING_LOCKS).values(conversation=conversation, entity_type=entity_type))
        except sa.exc.IntegrityError:
            raise _Conflict() from None

    # Continuations

    def take_pending(self, conversation: str) -> Optional[Unfinished]:
        with self._begin() as db:
            row = db.execute(sa.select(PENDING.c.entity_type, PENDING.c.given, PENDING.c.expires_at)
                             .where(PENDING.c.conversation == conversation)).first()
            if row is None:
                return None
            taken = db.execute(sa.delete(PENDING).where(
                PENDING.c.conversation == conversation, PENDING.c.expires_at == row.expires_at)).rowcount
        # Taken once: if two servers read it at the same moment, only the one that deleted it continues.
        if not taken or row.expires_at < self._clock.now():
            return None
        return str(row.entity_type), int(row.given)

    def put_pending(self, conversation: str, entity_type: str, given: int) -> None:
        row = {"conversation": conversation, "entity_type": entity_type, "given": given,
               "expires_at": self._clock.now() + CONTINUATION_SECONDS}
        self._replace(PENDING, PENDING.c.conversation == conversation, row)

    def partial(self, conversation: str, placeholder: str) -> Optional[Unfinished]:
        with self._begin() as db:
            row = db.execute(sa.select(PARTIALS.c.entity_type, PARTIALS.c.given).where(
                PARTIALS.c.conversation == conversation, PARTIALS.c.placeholder == placeholder,
                PARTIALS.c.expires_at > self._clock.now())).first()
        return (str(row.entity_type), int(row.given)) if row is not None else None

    def put_partial(self, conversation: str, placeholder: str, entity_type: str, given: int) -> None:
        row = {"conversation": conversation, "placeholder": placeholder, "entity_type": entity_type,
               "given": given, "expires_at": self._clock.now() + self._ttl}
        self._replace(PARTIALS, sa.and_(PARTIALS.c.conversation == conversation,
                                        PARTIALS.c.placeholder == placeholder), row)

    # Both

    def erase(self, conversation: str) -> None:
        """Forget the conversation's numbering and unfinished values, for every process."""
        with self._begin() as db:
            for table in (NUMBERS, NUMBERING_LOCKS, PENDING, PARTIALS):
                db.execute(sa.delete(table).where(table.c.conversation == conversation))

    def close(self) -> None:
        self._engine.dispose()

    def _replace(self, table: sa.Table, where: sa.sql.ColumnElement, row: dict) -> None:
        for _ in range(MAX_ATTEMPTS):
            try:
                with self._begin() as db:
                    db.execute(sa.delete(table).where(where))
                    with db.begin_nested():
                        db.execute(sa.insert(table).values(**row))
                return
            except _Conflict:
                continue
        raise VaultError(f"{table.name} stayed contended; try again")

    def _purge_now_and_then(self) -> None:
        now = self._clock.now()
        if now - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = now
        with self._begin() as db:
            for table in (NUMBERS, PENDING, PARTIALS):
                db.execute(sa.delete(table).where(table.c.expires_at <= now))
            db.execute(sa.delete(NUMBERING_LOCKS).where(
                NUMBERING_LOCKS.c.conversation.not_in(sa.select(NUMBERS.c.conversation))))

    @contextlib.contextmanager
    def _begin(self) -> Iterator[sa.engine.Connection]:
        """A transaction whose database errors become VaultError, without the statement's values."""
        self._tables.ensure()
        try:
            with self._engine.begin() as db:
                yield db
        except _Conflict:
            raise
        except sa.exc.IntegrityError:
            raise _Conflict() from None
        except sa.exc.SQLAlchemyError as error:
            # SQLAlchemy's message holds the statement's parameters: never let it out.
            raise VaultError(f"the placeholder database failed: {type(error).__name__}") from None


class _Conflict(Exception):
    """Another process wrote the same row first; the operation is retried."""
