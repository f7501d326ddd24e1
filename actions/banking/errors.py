"""Errors of the mock core bank.

Every refusal is a small class that carries the data a reply needs, rooted at
one error so a caller can catch them all::

    BankError
    ├── NotFound               no such account, payee, card or transaction for this customer
    ├── InvalidAmount          zero, negative, or finer than a penny
    ├── SameAccount            a transfer from an account to itself
    ├── InvalidAccountNumber   a new payee's account number has too few letters or digits
    ├── InsufficientFunds      the source account holds less than the amount
    └── DailyLimitExceeded     the payment would pass the customer's daily limit for payments
"""

from __future__ import annotations

from decimal import Decimal


class BankError(Exception):
    """Root of the core bank's refusals."""


class NotFound(BankError):
    """The customer has no such ``kind`` (account, payee, card, transaction) with this reference."""

    def __init__(self, kind: str, reference: object) -> None:
        self.kind = kind
        self.reference = reference
        super().__init__(f"no {kind} {reference!r} for this customer")


class InvalidAmount(BankError):
    """An amount must be positive and in whole pence."""

    def __init__(self, amount: object) -> None:
        self.amount = amount
        super().__init__(f"invalid amount {amount!r}: it must be positive, in whole pence")


class SameAccount(BankError):
    """The source and the destination of a transfer are one account."""

    def __init__(self) -> None:
        super().__init__("cannot transfer from an account to itself")


class InvalidAccountNumber(BankError):
    """A new payee's account number is not one (the number itself is never kept in the error)."""

    def __init__(self) -> None:
        super().__init__("that is not an account number or IBAN")


class InsufficientFunds(BankError):
    """The source account holds ``available``, less than ``requested``."""

    def __init__(self, available: Decimal, requested: Decimal) -> None:
        self.available = available
        self.requested = requested
        super().__init__(f"insufficient funds: {available} available, {requested} requested")


class DailyLimitExceeded(BankError):
    """Payments to payees today would pass ``limit``; ``remaining`` may still be sent."""

    def __init__(self, limit: Decimal, remaining: Decimal) -> None:
        self.limit = limit
        self.remaining = remaining
        super().__init__(f"daily payment limit {limit} reached: {remaining} remaining today")
