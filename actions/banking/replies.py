"""The words (and the chart) of banking replies, from the bank's models. No Rasa here.

Accounts and cards appear by their last 4 digits only; amounts in pounds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence

from actions.banking.models import Account, SpendingSummary, Transaction
from actions.banking.money import CURRENCY, format_money


def balances(accounts: Sequence[Account]) -> str:
    """"Your current account (****1234) has £1,234.56." for one; a list with a total for several."""
    if len(accounts) == 1:
        account = accounts[0]
        return f"Your {account.display} has {format_money(account.balance)}."
    lines = [f"- {account.display.capitalize()}: {format_money(account.balance)}" for account in accounts]
    total = sum((account.balance for account in accounts), Decimal("0"))
    return "Here are your balances:\n" + "\n".join(lines) + f"\nIn total: {format_money(total)}."


def transactions(found: Sequence[Transaction], heading: str) -> str:
    """A statement of ``found`` under ``heading`` ("Your last 5 transactions"), or ``heading`` saying none."""
    if not found:
        return f"{heading}: none."
    return f"{heading}:\n" + "\n".join(f"- {t.line}" for t in found)


def numbered(found: Sequence[Transaction]) -> str:
    return "\n".join(f"{i}. {t.line}" + (f", card ending {t.card_last4}" if t.card_last4 else "")
                     for i, t in enumerate(found, start=1))


def spending(summary: SpendingSummary, focus: Optional[str] = None) -> str:
    """What was spent in the period, by category, largest first; ``focus`` leads with one category."""
    label = summary.period.phrase
    if not summary.categories:
        return f"I can't see any spending {label}."
    total = summary.total
    lines = [f"- {c.category.capitalize()}: {format_money(c.amount)} ({_share(c.amount, total)})"
             for c in summary.categories]
    text = f"You spent {format_money(total)} {label}:\n" + "\n".join(lines)
    if focus:
        line = summary.category(focus)
        lead = (f"On {focus} you spent {format_money(line.amount)} {label} "
                f"({line.count} transaction{'s' if line.count != 1 else ''})." if line
                else f"I can't see any spending on {focus} {label}.")
        text = lead + "\n" + text
    return text


def spending_chart(summary: SpendingSummary) -> Dict[str, Any]:
    """A small chart for the web widget: {"chart": {"type": "bar", "title", "labels", "values", "currency"}}."""
    labels: List[str] = [c.category for c in summary.categories]
    values: List[float] = [float(c.amount) for c in summary.categories]
    return {"chart": {
        "type": "bar",
        "title": f"Spending by category, {summary.period.label}",
        "labels": labels,
        "values": values,
        "currency": CURRENCY,
        "period": {"start": summary.period.start.isoformat(), "end": summary.period.end.isoformat()},
    }}


def _share(part: Decimal, whole: Decimal) -> str:
    if whole <= 0:
        return "0%"
    return f"{(part * 100 / whole).quantize(Decimal('1'))}%"
