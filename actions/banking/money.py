"""Money in pence, shown in pounds; identifiers shown by their last 4 characters only."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Optional

from actions.banking.errors import InvalidAmount

CURRENCY = "GBP"
SYMBOL = "£"
_PENNY = Decimal("0.01")
_NUMBER = re.compile(r"(?<![\w.])(-?)\s?[£$€]?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k\b)?", re.IGNORECASE)


def to_decimal(value: object) -> Optional[Decimal]:
    """``value`` (a float from the NLU pipeline, an int, a Decimal, or text holding one number such as
    "£1,250.50", "50 pounds", "3k", "-20") as a Decimal.

    None when it is not a finite number, or text holds none or several. Floats go through ``str``
    so that 19.99 stays 19.99.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str):
        found = _NUMBER.findall(value)
        if len(found) != 1:
            return None  # none, or several: "50 or 60" is not an amount
        sign, whole, fraction, thousands = found[0]
        try:
            number = Decimal(sign + whole.replace(",", "") + fraction)
        except InvalidOperation:
            return None
        if thousands:
            number *= 1000
    else:
        return None
    return number if number.is_finite() else None


def to_pence(amount: Decimal) -> int:
    """``amount`` in pence; raises InvalidAmount unless it is positive and in whole pence."""
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(_PENNY):
        raise InvalidAmount(amount)
    return int(amount * 100)


def from_pence(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(_PENNY)


def format_money(amount: Decimal) -> str:
    """"£1,234.50", "-£20.00"."""
    amount = amount.quantize(_PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOL}{abs(amount):,.2f}"


def last4(identifier: str) -> str:
    """The last 4 letters or digits of an identifier, separators ignored (what a statement shows)."""
    characters = [ch for ch in identifier if ch.isalnum()]
    return "".join(characters[-4:]).upper()


def masked(last_four: str) -> str:
    """How an account or card is shown: "****1234"."""
    return f"****{last_four}"
