"""The core bank's SQLite database: tables, and connections safe for several processes.

WAL lets readers run beside one writer; every write runs in ``BEGIN
IMMEDIATE``, which takes the write lock before the first read, so a balance
checked in a transaction cannot change before the same transaction debits it,
even when the Rasa action server runs in two processes.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

BUSY_TIMEOUT_MS = 10_000

DDL = """
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    user_key TEXT NOT NULL UNIQUE,          -- SHA-256 of the conversation's user id
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    daily_limit_pence INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL CHECK (kind IN ('current', 'savings')),
    last4 TEXT NOT NULL,
    balance_pence INTEGER NOT NULL,
    UNIQUE (customer_id, kind)
);
CREATE TABLE IF NOT EXISTS cards (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    label TEXT NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    frozen INTEGER NOT NULL DEFAULT 0,
    status_changed_at TEXT
);
CREATE TABLE IF NOT EXISTS payees (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    nickname TEXT NOT NULL,
    last4 TEXT NOT NULL,
    UNIQUE (customer_id, nickname)
);
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    card_id INTEGER REFERENCES cards(id),
    payee_id INTEGER REFERENCES payees(id),
    posted_at TEXT NOT NULL,                -- ISO 8601, bank local time
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_pence INTEGER NOT NULL,          -- negative: money out
    counterparty_last4 TEXT,                -- a new payee's account, last 4 characters only
    flagged INTEGER NOT NULL DEFAULT 0,
    flagged_at TEXT
);
CREATE INDEX IF NOT EXISTS transactions_by_customer ON transactions (customer_id, posted_at);
-- One row per transfer request (a confirmed transfer form): a retried "yes" after a timeout or a
-- store outage finds the transfer already made instead of making it twice.
CREATE TABLE IF NOT EXISTS transfer_requests (
    request_key TEXT PRIMARY KEY,           -- SHA-256 of the conversation and the form's start; no value
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    transaction_id INTEGER NOT NULL REFERENCES transactions(id),
    destination TEXT NOT NULL               -- as the receipt shows it (masked)
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), rows by column name."""
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def create(path: Path) -> None:
    """Create the database file (owner-only folder) and its tables; switch it to WAL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connect(path)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(DDL)
    finally:
        connection.close()


@contextmanager
def transaction(connection: sqlite3.Connection, write: bool) -> Iterator[sqlite3.Connection]:
    """A transaction: committed if the block succeeds, rolled back if it raises."""
    connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
