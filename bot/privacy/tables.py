"""The privacy engine's database tables: created on first use, brought up to date, tried again after a failure.

``Tables.ensure`` creates what is missing, also when several servers start at
once, and adds to an existing table the columns added to its definition since
it was created (nullable ones: the rows written before hold NULL there, and
their owner says what that means, e.g. the vault's legacy rows). SQLite and
PostgreSQL alike; no migration tool.
"""

from __future__ import annotations

import threading
import time
from typing import Optional, Set, Tuple

import sqlalchemy as sa

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.errors import VaultError

RETRY_PAUSE_SECONDS = 2.0


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
            time.sleep(0.1 * (attempt + 1))  # the other server's CREATE is still running: real time


def _columns(engine: sa.engine.Engine, table: sa.Table) -> Set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns(table.name)}


def add_missing_columns(metadata: sa.MetaData, engine: sa.engine.Engine) -> None:
    """Add to each of ``metadata``'s tables the nullable columns its definition has and the database lacks.

    Two servers adding the same column at once: the loser's ALTER fails ("duplicate column", "already
    exists") and it finds the column there.
    """
    quote = engine.dialect.identifier_preparer
    for table in metadata.sorted_tables:
        present = _columns(engine, table)
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise VaultError(f"table {table.name} lacks column {column.name}, which cannot be added to "
                                 "rows written before it (not nullable)")
            kind = column.type.compile(dialect=engine.dialect)
            statement = f"ALTER TABLE {quote.format_table(table)} ADD COLUMN {quote.format_column(column)} {kind}"
            try:
                with engine.begin() as db:
                    db.execute(sa.text(statement))
            except sa.exc.SQLAlchemyError:
                if column.name not in _columns(engine, table):
                    raise


class Tables:
    """A database's tables, created or brought up to date on first use, and tried again on the next use
    after a failure.

    A server starts while its database is down: what needs the database is refused
    (VaultError, so the message fails closed) until the database is back.
    """

    def __init__(self, metadata: sa.MetaData, engine: sa.engine.Engine, what: str,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self._metadata, self._engine, self._what = metadata, engine, what
        self._clock = clock
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
            if self._failed is not None and self._clock.monotonic() - self._failed[0] < RETRY_PAUSE_SECONDS:
                raise VaultError(f"{self._what} is unavailable: {self._failed[1]}")
            try:
                create_tables(self._metadata, self._engine)
                add_missing_columns(self._metadata, self._engine)
            except sa.exc.SQLAlchemyError as error:
                self._failed = (self._clock.monotonic(), type(error).__name__)
                raise VaultError(f"{self._what} is unavailable: {type(error).__name__}") from None
            self._ready = True
