"""Rows of the core bank's tables: inserting a generated customer, fetching rows, and reading them as models.

Every fetch takes the customer's id along with the row's own id, so that a
reference from one customer's conversation never finds another customer's row.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Optional

from actions.banking.errors import NotFound
from actions.banking.models import Account, Card, Payee, Transaction
from actions.banking.money import from_pence
from actions.banking.seed import CustomerSeed

TRANSACTION_QUERY = """
SELECT t.id, t.posted_at, t.description, t.category, t.kind, t.amount_pence, t.counterparty_last4, t.flagged,
       t.card_id, a.kind AS account_kind, c.last4 AS card_last4
FROM transactions t JOIN accounts a ON a.id = t.account_id LEFT JOIN cards c ON c.id = t.card_id
WHERE t.customer_id = ?
"""
_CARD_QUERY = "SELECT c.*, a.kind AS account_kind FROM cards c JOIN accounts a ON a.id = c.account_id"


def customer_id(db: sqlite3.Connection, key: str) -> Optional[int]:
    row = db.execute("SELECT id FROM customers WHERE user_key = ?", (key,)).fetchone()
    return None if row is None else int(row["id"])


def insert_customer(db: sqlite3.Connection, key: str, seed: CustomerSeed, daily_limit_pence: int,
                    created_at: datetime) -> int:
    """Write a generated customer and all its rows; the new customer's id."""
    cursor = db.execute(
        "INSERT INTO customers (user_key, first_name, last_name, daily_limit_pence, created_at) VALUES (?, ?, ?, ?, ?)",
        (key, seed.first_name, seed.last_name, daily_limit_pence, created_at.isoformat()))
    customer = int(cursor.lastrowid or 0)
    accounts = {kind: db.execute(
        "INSERT INTO accounts (customer_id, kind, last4, balance_pence) VALUES (?, ?, ?, ?)",
        (customer, kind, number, balance)).lastrowid for kind, number, balance in seed.accounts}
    cards = {card.label: db.execute(
        "INSERT INTO cards (customer_id, account_id, label, brand, last4) VALUES (?, ?, ?, ?, ?)",
        (customer, accounts["current"], card.label, card.brand, card.last4)).lastrowid for card in seed.cards}
    payees = {payee.nickname: db.execute(
        "INSERT INTO payees (customer_id, name, nickname, last4) VALUES (?, ?, ?, ?)",
        (customer, payee.name, payee.nickname, payee.last4)).lastrowid for payee in seed.payees}
    db.executemany(
        "INSERT INTO transactions (customer_id, account_id, card_id, payee_id, posted_at, description, category, "
        "kind, amount_pence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(customer, accounts[t.account_kind], cards.get(t.card_label or ""), payees.get(t.payee_nickname or ""),
          t.posted_at.isoformat(), t.description, t.category, t.kind, t.amount_pence) for t in seed.transactions])
    return customer


def account_row(db: sqlite3.Connection, customer: int, kind: str) -> sqlite3.Row:
    row = db.execute("SELECT * FROM accounts WHERE customer_id = ? AND kind = ?", (customer, kind)).fetchone()
    if row is None:
        raise NotFound("account", kind)
    return row


def card_row(db: sqlite3.Connection, customer: int, card_id: int) -> sqlite3.Row:
    row = db.execute(_CARD_QUERY + " WHERE c.customer_id = ? AND c.id = ?", (customer, card_id)).fetchone()
    if row is None:
        raise NotFound("card", card_id)
    return row


def card_rows(db: sqlite3.Connection, customer: int) -> list:
    return db.execute(_CARD_QUERY + " WHERE c.customer_id = ? ORDER BY c.id", (customer,)).fetchall()


def payee_row(db: sqlite3.Connection, customer: int, payee_id: int) -> sqlite3.Row:
    row = db.execute("SELECT * FROM payees WHERE customer_id = ? AND id = ?", (customer, payee_id)).fetchone()
    if row is None:
        raise NotFound("payee", payee_id)
    return row


def transaction_row(db: sqlite3.Connection, customer: int, transaction_id: int) -> sqlite3.Row:
    row = db.execute(TRANSACTION_QUERY + " AND t.id = ?", (customer, transaction_id)).fetchone()
    if row is None:
        raise NotFound("transaction", transaction_id)
    return row


def account(row: sqlite3.Row) -> Account:
    return Account(int(row["id"]), row["kind"], row["last4"], from_pence(row["balance_pence"]))


def card(row: sqlite3.Row) -> Card:
    return Card(int(row["id"]), row["label"], row["brand"], row["last4"], bool(row["frozen"]), row["account_kind"])


def payee(row: sqlite3.Row) -> Payee:
    return Payee(int(row["id"]), row["name"], row["nickname"], row["last4"])


def transaction(row: sqlite3.Row) -> Transaction:
    return Transaction(
        int(row["id"]), datetime.fromisoformat(row["posted_at"]), row["description"], row["category"], row["kind"],
        from_pence(row["amount_pence"]), row["account_kind"], row["card_last4"], row["counterparty_last4"],
        bool(row["flagged"]))
