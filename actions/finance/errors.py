"""Errors raised by the finance calculators.

Every calculator validates its input and raises one of these instead of returning a
meaningless figure. ``str(error)`` is a complete sentence that a chatbot can show the
user as a re-prompt ("The interest rate must be between 0 and 100 %.").

Tree::

    ValueError
     └── FinanceInputError       input the calculator cannot work with (negative amount, zero months, ...)
          └── NeverPaidOffError  the payments never clear the debt, or would take more than 100 years
"""

from __future__ import annotations

from typing import Optional


class FinanceInputError(ValueError):
    """Input a calculator cannot work with.

    ``field`` names the offending argument (``"annual_rate"``) when there is one, so that a
    form validator can clear and re-ask the matching slot.
    """

    def __init__(self, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NeverPaidOffError(FinanceInputError):
    """The payments do not cover the interest, so the balance never reaches zero (or not within 100 years)."""
