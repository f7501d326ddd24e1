"""What the core bank returns: accounts, cards, payees, transactions, spending, receipts.

Identifiers are never held in full: an account, card or payee is known by the
last 4 digits of its number, which is all that any reply may show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Optional, Tuple

from actions.banking.money import format_money, masked
from actions.banking.periods import Period

ACCOUNT_KINDS = ("current", "savings")
# Categories of money going out that count as spending; money moved between
# one's own accounts ("transfers") is not spending, and money coming in
# ("salary", "interest") never is.
SPENDING_CATEGORIES = (
    "groceries", "rent", "bills", "transport", "eating out", "shopping", "entertainment", "payments",
)


@dataclass(frozen=True)
class Account:
    id: int
    kind: str
    last4: str
    balance: Decimal

    @property
    def display(self) -> str:
        """"current account (****1234)"."""
        return f"{self.kind} account ({masked(self.last4)})"


@dataclass(frozen=True)
class Card:
    id: int
    label: str
    brand: str
    last4: str
    frozen: bool
    account_kind: str

    @property
    def display(self) -> str:
        """"Visa debit card ending 1234"."""
        return f"{self.brand} {self.label} ending {self.last4}"


@dataclass(frozen=True)
class Payee:
    id: int
    name: str
    nickname: str
    last4: str

    @property
    def display(self) -> str:
        """"Landlord, account ending 1234"."""
        return f"{self.nickname.capitalize()}, account ending {self.last4}"


@dataclass(frozen=True)
class Transaction:
    id: int
    posted_at: datetime
    description: str
    category: str
    kind: str
    amount: Decimal
    account_kind: str
    card_last4: Optional[str]
    counterparty_last4: Optional[str]
    flagged: bool

    @property
    def is_spending(self) -> bool:
        return self.amount < 0 and self.category in SPENDING_CATEGORIES

    @property
    def line(self) -> str:
        """One statement line: "3 Nov, Tesco, -£23.45 (groceries)"."""
        return (f"{self.posted_at.day} {self.posted_at:%b}, {self.description}, "
                f"{format_money(self.amount)} ({self.category})")


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    amount: Decimal
    count: int


@dataclass(frozen=True)
class SpendingSummary:
    """Money spent in ``period``, by category, largest first (amounts positive)."""

    period: Period
    categories: Tuple[CategoryTotal, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.categories), Decimal("0.00"))

    def category(self, name: str) -> Optional[CategoryTotal]:
        return next((c for c in self.categories if c.category == name), None)


@dataclass(frozen=True)
class Receipt:
    """A completed transfer: what left which account, to whom (masked), and the balance after."""

    transaction_id: int
    amount: Decimal
    source: Account
    destination: str
    repeated: bool = False  # the same request was made before: this is its receipt, nothing moved now


@dataclass(frozen=True)
class SuspiciousReport:
    """A transaction flagged for review, and the card frozen with it, if any."""

    transaction: Transaction
    frozen_card: Optional[Card]
