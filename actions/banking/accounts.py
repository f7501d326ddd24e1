"""Looking at money: balances, recent transactions, and spending by category (with a chart)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.banking import replies, text
from actions.banking.common import BankingContext, entity_values, latest_text, user_id
from actions.banking.money import to_decimal
from actions.banking.periods import Period, parse_period

DEFAULT_COUNT = 5
MAX_COUNT = 25
DEFAULT_SPENDING_DAYS = 30


class ActionShowBalance(BankingContext, Action):
    """The balance of every account, or of the one the message names ("my savings balance")."""

    def name(self) -> str:
        return "action_show_balance"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        kind = text.account_kind(latest_text(tracker))
        try:
            accounts = self.bank.accounts(user_id(tracker))
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        chosen = [a for a in accounts if a.kind == kind] or accounts
        dispatcher.utter_message(text=replies.balances(chosen))
        return []


class ActionShowTransactions(BankingContext, Action):
    """Recent transactions: the last few (5, or as many as asked, up to 25), or those of a period."""

    def name(self) -> str:
        return "action_show_transactions"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        words = latest_text(tracker)
        user = user_id(tracker)
        try:
            period = parse_period(words, self.bank.today())
            kind = text.account_kind(words)
            count = requested_count(tracker, words, period)
            if period is not None:
                found = self.bank.transactions(user, period=period, account_kind=kind, limit=count or MAX_COUNT)
                heading = f"Your transactions {period.phrase}"
                if len(found) == (count or MAX_COUNT):
                    heading = f"Your latest {len(found)} transactions {period.phrase}"
            else:
                found = self.bank.transactions(user, limit=count or DEFAULT_COUNT, account_kind=kind)
                heading = f"Your last {len(found)} transaction{'s' if len(found) != 1 else ''}"
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        if kind is not None:
            heading += f" on your {kind} account"
        dispatcher.utter_message(text=replies.transactions(found, heading))
        return []


def requested_count(tracker: Tracker, words: str, period: Optional[Period]) -> Optional[int]:
    """How many transactions were asked for, between 1 and ``MAX_COUNT``; None if not said.

    A bare number counts only when no period was named ("the last 30 days" is a period, not a count).
    """
    asked = text.count(words)
    if asked is None and period is None:
        numbers = [to_decimal(value) for value in entity_values(tracker, "number")]
        whole = [int(n) for n in numbers if n is not None and n == n.to_integral_value() and n > 0]
        asked = whole[0] if len(whole) == 1 else None
    return None if asked is None else max(1, min(MAX_COUNT, asked))


class ActionSpendingByCategory(BankingContext, Action):
    """Spending by category for the period named ("last month", "in October", "this week"; else 30 days).

    Besides the text, the reply carries a bar chart for the web widget in its
    custom payload: ``{"chart": {"type": "bar", "title", "labels", "values", "currency", "period"}}``.
    """

    def name(self) -> str:
        return "action_spending_by_category"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        words = latest_text(tracker)
        try:
            today = self.bank.today()
            period = parse_period(words, today) or Period(
                today - timedelta(days=DEFAULT_SPENDING_DAYS - 1), today, f"the last {DEFAULT_SPENDING_DAYS} days")
            summary = self.bank.spending_by_category(user_id(tracker), period)
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        reply = replies.spending(summary, text.category(words))
        if summary.categories:
            dispatcher.utter_message(text=reply, json_message=replies.spending_chart(summary))
        else:
            dispatcher.utter_message(text=reply)
        return []
