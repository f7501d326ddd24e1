"""The mock core bank: customers keyed by the conversation's user id, in a SQLite file.

A user id the bank has not seen gets a fake customer on first use, generated
from a hash of the id (see ``seed``): the same id always sees the same data,
two ids never share any. Nothing typed in chat ever selects a customer.

Every operation takes the user id first and touches only that customer's
rows. Writes check everything (amount, funds, daily limit) and record the
transaction in one ``BEGIN IMMEDIATE`` transaction, so two processes cannot
overdraw an account between them.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

from stdnum import iban

from actions.banking import rows, schema
from actions.banking.errors import DailyLimitExceeded, InsufficientFunds, InvalidAccountNumber, SameAccount
from actions.banking.models import (
    SPENDING_CATEGORIES,
    Account,
    Card,
    CategoryTotal,
    Payee,
    Receipt,
    SpendingSummary,
    SuspiciousReport,
    Transaction,
)
from actions.banking.money import from_pence, last4, masked, to_pence
from actions.banking.periods import Period
from actions.banking.seed import DEFAULT_DAILY_LIMIT_PENCE, generate_customer, user_key

_WORD = re.compile(r"[a-z0-9]+")
MIN_ACCOUNT_NUMBER_CHARACTERS = 6


def _day_start(day: date) -> str:
    return datetime.combine(day, datetime.min.time()).isoformat(timespec="seconds")


def _words(text: str) -> List[str]:
    return _WORD.findall(text.casefold())


def _contains_phrase(words: List[str], phrase: List[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i:i + size] == phrase for i in range(len(words) - size + 1))


class CoreBank:
    """The bank's operations, each for one customer identified by the conversation's user id."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = datetime.now,
                 daily_limit: Decimal = Decimal(DEFAULT_DAILY_LIMIT_PENCE) / 100) -> None:
        self.path = Path(path)
        self._clock = clock
        self._daily_limit_pence = to_pence(daily_limit)
        schema.create(self.path)

    def now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def _session(self, user_id: str, write: bool = False) -> Iterator[Tuple[sqlite3.Connection, int]]:
        """A transaction on ``user_id``'s customer, created (seeded) first if the bank has not seen the id."""
        if not isinstance(user_id, str) or not user_id:
            raise ValueError("a customer is identified by a non-empty user id")
        key = user_key(user_id)
        connection = schema.connect(self.path)
        try:
            customer = rows.customer_id(connection, key)
            if customer is None:
                with schema.transaction(connection, write=True) as db:
                    # Re-checked under the write lock: another process may have just created it.
                    customer = rows.customer_id(db, key)
                    if customer is None:
                        seed = generate_customer(user_id, self.today())
                        customer = rows.insert_customer(db, key, seed, self._daily_limit_pence, self.now())
            with schema.transaction(connection, write) as db:
                yield db, customer
        finally:
            connection.close()

    def first_name(self, user_id: str) -> str:
        with self._session(user_id) as (db, customer):
            return str(db.execute("SELECT first_name FROM customers WHERE id = ?", (customer,)).fetchone()[0])

    # -- reading -------------------------------------------------------------------

    def accounts(self, user_id: str) -> List[Account]:
        """The customer's accounts, current first."""
        with self._session(user_id) as (db, customer):
            return [rows.account(row) for row in db.execute(
                "SELECT * FROM accounts WHERE customer_id = ? ORDER BY kind", (customer,))]

    def account(self, user_id: str, kind: str) -> Account:
        with self._session(user_id) as (db, customer):
            return rows.account(rows.account_row(db, customer, kind))

    def cards(self, user_id: str) -> List[Card]:
        with self._session(user_id) as (db, customer):
            return [rows.card(row) for row in rows.card_rows(db, customer)]

    def payees(self, user_id: str) -> List[Payee]:
        with self._session(user_id) as (db, customer):
            return [rows.payee(row) for row in db.execute(
                "SELECT * FROM payees WHERE customer_id = ? ORDER BY id", (customer,))]

    def payee(self, user_id: str, payee_id: int) -> Payee:
        with self._session(user_id) as (db, customer):
            return rows.payee(rows.payee_row(db, customer, payee_id))

    def match_payees(self, user_id: str, text: str, loose: bool = False) -> List[Payee]:
        """Saved payees that ``text`` names by nickname or full name; if none and ``loose``, by one word of a name.

        ``loose`` suits a name on its own ("Alice", as a person typed it), not a sentence.
        """
        words = _words(text)
        payees = self.payees(user_id)
        named = [p for p in payees if _contains_phrase(words, _words(p.nickname))
                 or _contains_phrase(words, _words(p.name))]
        if named or not loose:
            return named
        return [p for p in payees if any(len(part) > 2 and part in words for part in _words(p.name))]

    def transactions(
        self,
        user_id: str,
        limit: Optional[int] = None,
        period: Optional[Period] = None,
        account_kind: Optional[str] = None,
        card_payments_only: bool = False,
    ) -> List[Transaction]:
        """The customer's transactions, newest first; optionally in ``period``, on one account, card payments."""
        query = rows.TRANSACTION_QUERY
        parameters: List[object] = []
        if period is not None:
            query += " AND t.posted_at >= ? AND t.posted_at < ?"
            parameters += [_day_start(period.start), _day_start(period.end + timedelta(days=1))]
        if account_kind is not None:
            query += " AND a.kind = ?"
            parameters.append(account_kind)
        if card_payments_only:
            query += " AND t.card_id IS NOT NULL AND t.amount_pence < 0"
        query += " ORDER BY t.posted_at DESC, t.id DESC"
        if limit is not None:
            query += " LIMIT ?"
            parameters.append(max(0, int(limit)))
        with self._session(user_id) as (db, customer):
            return [rows.transaction(row) for row in db.execute(query, (customer, *parameters))]

    def transaction(self, user_id: str, transaction_id: int) -> Transaction:
        with self._session(user_id) as (db, customer):
            return rows.transaction(rows.transaction_row(db, customer, transaction_id))

    def spending_by_category(self, user_id: str, period: Period) -> SpendingSummary:
        """Money spent in ``period`` by category, largest first; transfers between own accounts excluded."""
        marks = ", ".join("?" for _ in SPENDING_CATEGORIES)
        with self._session(user_id) as (db, customer):
            totals = db.execute(
                f"SELECT category, -SUM(amount_pence) AS spent, COUNT(*) AS count FROM transactions "
                f"WHERE customer_id = ? AND amount_pence < 0 AND category IN ({marks}) "
                f"AND posted_at >= ? AND posted_at < ? GROUP BY category ORDER BY spent DESC, category",
                (customer, *SPENDING_CATEGORIES, _day_start(period.start),
                 _day_start(period.end + timedelta(days=1)))).fetchall()
        return SpendingSummary(period, tuple(
            CategoryTotal(row["category"], from_pence(row["spent"]), row["count"]) for row in totals))

    def remaining_daily_limit(self, user_id: str) -> Decimal:
        """How much more may be paid to payees today."""
        with self._session(user_id) as (db, customer):
            return from_pence(self._limit_left(db, customer))

    # -- moving money --------------------------------------------------------------

    def transfer_between_accounts(self, user_id: str, source: str, destination: str, amount: Decimal,
                                  request_key: Optional[str] = None) -> Receipt:
        """Move ``amount`` between two of the customer's accounts (no daily limit applies).

        With ``request_key``, a request already made returns its first receipt (``repeated``) and moves nothing.
        """
        pence = to_pence(amount)
        if source == destination:
            raise SameAccount()
        with self._session(user_id, write=True) as (db, customer):
            done = self._made(db, customer, request_key)
            if done is not None:
                return done
            source_row = self._debit(db, customer, source, pence)
            target = rows.account_row(db, customer, destination)
            now = self.now().isoformat()
            db.execute("UPDATE accounts SET balance_pence = balance_pence + ? WHERE id = ?", (pence, target["id"]))
            transaction_id = self._record(db, customer, source_row["id"], now, f"Transfer to {destination} account",
                                          "transfers", "own transfer", -pence)
            self._record(db, customer, target["id"], now, f"Transfer from {source} account", "transfers",
                         "own transfer", pence)
            after = rows.account(rows.account_row(db, customer, source))
            return self._remember(db, customer, request_key, Receipt(
                transaction_id, from_pence(pence), after, f"your {destination} account ({masked(target['last4'])})"))

    def pay_payee(self, user_id: str, source: str, payee_id: int, amount: Decimal,
                  request_key: Optional[str] = None) -> Receipt:
        """Pay a saved payee from account ``source``, within funds and the daily limit (``request_key``: as above)."""
        pence = to_pence(amount)
        with self._session(user_id, write=True) as (db, customer):
            done = self._made(db, customer, request_key)
            if done is not None:
                return done
            payee = rows.payee(rows.payee_row(db, customer, payee_id))
            return self._remember(db, customer, request_key, self._pay(
                db, customer, source, pence, f"Payment to {payee.nickname}", payee.last4, payee.id, payee.display))

    def pay_new_payee(self, user_id: str, source: str, account_number: str, amount: Decimal,
                      request_key: Optional[str] = None) -> Receipt:
        """Pay an account number (or IBAN) that is not a saved payee; only its last 4 characters are kept."""
        pence = to_pence(amount)
        if sum(ch.isalnum() for ch in account_number) < MIN_ACCOUNT_NUMBER_CHARACTERS:
            raise InvalidAccountNumber()
        if any(ch.isalpha() for ch in account_number[:2]) and not iban.is_valid(account_number):
            raise InvalidAccountNumber()  # an IBAN that fails its check digits (or only part of one)
        ending = last4(account_number)
        with self._session(user_id, write=True) as (db, customer):
            done = self._made(db, customer, request_key)
            if done is not None:
                return done
            return self._remember(db, customer, request_key, self._pay(
                db, customer, source, pence, f"Payment to account {masked(ending)}", ending, None,
                f"account ending {ending}"))

    @staticmethod
    def _made(db: sqlite3.Connection, customer: int, request_key: Optional[str]) -> Optional[Receipt]:
        """The receipt of a request already made (in this same write transaction), or None."""
        if request_key is None:
            return None
        row = db.execute(
            "SELECT r.transaction_id, r.destination, t.amount_pence, t.account_id FROM transfer_requests r "
            "JOIN transactions t ON t.id = r.transaction_id WHERE r.request_key = ? AND r.customer_id = ?",
            (request_key, customer)).fetchone()
        if row is None:
            return None
        account = rows.account(db.execute("SELECT * FROM accounts WHERE id = ?", (row["account_id"],)).fetchone())
        return Receipt(int(row["transaction_id"]), from_pence(-int(row["amount_pence"])), account,
                       str(row["destination"]), repeated=True)

    @staticmethod
    def _remember(db: sqlite3.Connection, customer: int, request_key: Optional[str], receipt: Receipt) -> Receipt:
        if request_key is not None:
            db.execute("INSERT INTO transfer_requests (request_key, customer_id, transaction_id, destination) "
                       "VALUES (?, ?, ?, ?)", (request_key, customer, receipt.transaction_id, receipt.destination))
        return receipt

    def _pay(self, db: sqlite3.Connection, customer: int, source: str, pence: int, description: str,
             ending: str, payee_id: Optional[int], destination: str) -> Receipt:
        left = self._limit_left(db, customer)
        if pence > left:
            limit = db.execute("SELECT daily_limit_pence FROM customers WHERE id = ?", (customer,)).fetchone()[0]
            raise DailyLimitExceeded(from_pence(limit), from_pence(left))
        source_row = self._debit(db, customer, source, pence)
        transaction_id = self._record(db, customer, source_row["id"], self.now().isoformat(), description,
                                      "payments", "payment", -pence, payee_id=payee_id, counterparty=ending)
        after = rows.account(rows.account_row(db, customer, source))
        return Receipt(transaction_id, from_pence(pence), after, destination)

    @staticmethod
    def _debit(db: sqlite3.Connection, customer: int, kind: str, pence: int) -> sqlite3.Row:
        """Take ``pence`` from the account if it holds that much (inside the caller's write transaction)."""
        row = rows.account_row(db, customer, kind)
        if row["balance_pence"] < pence:
            raise InsufficientFunds(from_pence(row["balance_pence"]), from_pence(pence))
        db.execute("UPDATE accounts SET balance_pence = balance_pence - ? WHERE id = ?", (pence, row["id"]))
        return row

    def _limit_left(self, db: sqlite3.Connection, customer: int) -> int:
        today = self.today()
        limit = db.execute("SELECT daily_limit_pence FROM customers WHERE id = ?", (customer,)).fetchone()[0]
        paid = db.execute(
            "SELECT COALESCE(-SUM(amount_pence), 0) FROM transactions WHERE customer_id = ? AND kind = 'payment' "
            "AND posted_at >= ? AND posted_at < ?",
            (customer, _day_start(today), _day_start(today + timedelta(days=1)))).fetchone()[0]
        return max(0, int(limit) - int(paid))

    @staticmethod
    def _record(db: sqlite3.Connection, customer: int, account_id: int, posted_at: str, description: str,
                category: str, kind: str, pence: int, payee_id: Optional[int] = None,
                counterparty: Optional[str] = None) -> int:
        cursor = db.execute(
            "INSERT INTO transactions (customer_id, account_id, payee_id, posted_at, description, category, kind, "
            "amount_pence, counterparty_last4) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (customer, account_id, payee_id, posted_at, description, category, kind, pence, counterparty))
        return int(cursor.lastrowid or 0)

    # -- cards and fraud -----------------------------------------------------------

    def set_card_frozen(self, user_id: str, card_id: int, frozen: bool) -> Tuple[Card, bool]:
        """Freeze or unfreeze one of the customer's cards; the card after, and whether anything changed."""
        with self._session(user_id, write=True) as (db, customer):
            changed = bool(rows.card_row(db, customer, card_id)["frozen"]) != frozen
            if changed:
                db.execute("UPDATE cards SET frozen = ?, status_changed_at = ? WHERE id = ?",
                           (int(frozen), self.now().isoformat(), card_id))
            return rows.card(rows.card_row(db, customer, card_id)), changed

    def card_of(self, user_id: str, transaction_id: int) -> Optional[Card]:
        """The card a transaction was made with, if any."""
        with self._session(user_id) as (db, customer):
            card_id = rows.transaction_row(db, customer, transaction_id)["card_id"]
            return None if card_id is None else rows.card(rows.card_row(db, customer, card_id))

    def report_suspicious(self, user_id: str, transaction_id: int, freeze_card: bool) -> SuspiciousReport:
        """Flag a transaction for the fraud team; with ``freeze_card``, also freeze the card it was made with."""
        with self._session(user_id, write=True) as (db, customer):
            card_id = rows.transaction_row(db, customer, transaction_id)["card_id"]
            now = self.now().isoformat()
            db.execute("UPDATE transactions SET flagged = 1, flagged_at = COALESCE(flagged_at, ?) WHERE id = ?",
                       (now, transaction_id))
            frozen = None
            if freeze_card and card_id is not None:
                db.execute("UPDATE cards SET frozen = 1, status_changed_at = ? WHERE id = ? AND frozen = 0",
                           (now, card_id))
                frozen = rows.card(rows.card_row(db, customer, card_id))
            flagged = rows.transaction(rows.transaction_row(db, customer, transaction_id))
        return SuspiciousReport(flagged, frozen)
