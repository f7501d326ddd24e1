"""Balance, transactions and spending actions, called as the action server calls them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, List, Tuple

import pytest

from actions.banking.accounts import (
    DEFAULT_COUNT,
    MAX_COUNT,
    ActionShowBalance,
    ActionShowTransactions,
    ActionSpendingByCategory,
)
from actions.banking.core_bank import CoreBank
from actions.banking.money import format_money
from actions.banking.periods import parse_period
from tests.actions.banking.support import USER, fixture_tracker, texts, tracker

Runner = Callable[..., Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]


def test_balance_shows_every_account_masked_with_a_total(bank: CoreBank, run_action: Runner) -> None:
    events, messages = run_action(ActionShowBalance(bank=bank), fixture_tracker("check_balance"))
    assert events == []
    reply = texts(messages)
    accounts = bank.accounts(USER)
    for account in accounts:
        assert f"****{account.last4}" in reply and format_money(account.balance) in reply
    assert f"In total: {format_money(sum((a.balance for a in accounts), Decimal('0')))}." in reply


@pytest.mark.parametrize("words, shown, hidden", [("what's in my savings", "savings", "current"),
                                                  ("balance of my current account", "current", "savings")])
def test_balance_of_the_account_named(bank: CoreBank, run_action: Runner, words: str, shown: str,
                                      hidden: str) -> None:
    _, messages = run_action(ActionShowBalance(bank=bank), tracker(words, "check_balance"))
    reply = texts(messages)
    assert format_money(bank.account(USER, shown).balance) in reply
    assert f"****{bank.account(USER, hidden).last4}" not in reply


def test_balance_is_the_senders_own(bank: CoreBank, run_action: Runner) -> None:
    _, mine = run_action(ActionShowBalance(bank=bank), tracker("my balance", "check_balance"))
    _, theirs = run_action(ActionShowBalance(bank=bank), tracker("my balance", "check_balance", sender_id="u-2"))
    assert texts(mine) != texts(theirs)
    assert f"****{bank.account('u-2', 'current').last4}" in texts(theirs)


@pytest.mark.parametrize(
    "words, entities, count",
    [
        ("show my recent transactions", [], DEFAULT_COUNT),
        ("show me my last 10 transactions", [], 10),
        ("show me the last 3", [{"entity": "number", "value": 3.0}], 3),
        ("show me my last 500 transactions", [], MAX_COUNT),
    ],
)
def test_transactions_latest(bank: CoreBank, run_action: Runner, words: str, entities: List[Dict[str, Any]],
                             count: int) -> None:
    events, messages = run_action(ActionShowTransactions(bank=bank), tracker(words, "show_transactions", entities))
    assert events == []
    lines = [line for line in texts(messages).splitlines() if line.startswith("- ")]
    assert lines == [f"- {t.line}" for t in bank.transactions(USER, limit=count)]
    assert texts(messages).startswith(f"Your last {count} transactions:")


def test_transactions_of_a_period_and_account(bank: CoreBank, run_action: Runner) -> None:
    words = "what went out of my current account yesterday"
    _, messages = run_action(ActionShowTransactions(bank=bank), tracker(words, "show_transactions",
                                                                        [{"entity": "number", "value": 7.0}]))
    period = parse_period(words, bank.today())
    expected = bank.transactions(USER, period=period, account_kind="current")
    lines = [line for line in texts(messages).splitlines() if line.startswith("- ")]
    assert expected and lines == [f"- {t.line}" for t in expected]
    assert texts(messages).startswith("Your transactions yesterday on your current account:")


def test_transactions_today_says_there_are_none(bank: CoreBank, run_action: Runner) -> None:
    _, messages = run_action(ActionShowTransactions(bank=bank), tracker("transactions today", "show_transactions"))
    assert texts(messages) == "Your transactions today: none."


def test_spending_reply_and_chart_agree_with_the_bank(bank: CoreBank, run_action: Runner) -> None:
    events, messages = run_action(ActionSpendingByCategory(bank=bank), fixture_tracker("spending_last_month"))
    assert events == [] and len(messages) == 1
    period = parse_period("last month", bank.today())
    assert period is not None
    summary = bank.spending_by_category(USER, period)
    chart = messages[0]["custom"]["chart"]
    assert chart["type"] == "bar" and chart["currency"] == "GBP"
    assert chart["labels"] == [c.category for c in summary.categories]
    assert chart["values"] == [float(c.amount) for c in summary.categories]
    assert chart["period"] == {"start": "2025-10-01", "end": "2025-10-31"}
    assert "October 2025" in chart["title"]
    reply = messages[0]["text"]
    groceries = summary.category("groceries")
    assert groceries is not None
    assert reply.startswith(f"On groceries you spent {format_money(groceries.amount)} last month (October 2025) "
                            f"({groceries.count} transactions).")
    assert f"You spent {format_money(summary.total)}" in reply


def test_spending_defaults_to_the_last_30_days(bank: CoreBank, run_action: Runner) -> None:
    _, messages = run_action(ActionSpendingByCategory(bank=bank), tracker("where does my money go",
                                                                          "spending_by_category"))
    assert "in the last 30 days" in messages[0]["text"]
    assert messages[0]["custom"]["chart"]["period"] == {"start": "2025-10-16", "end": "2025-11-14"}


def test_spending_with_nothing_spent_sends_no_chart(bank: CoreBank, run_action: Runner) -> None:
    _, messages = run_action(ActionSpendingByCategory(bank=bank), tracker("spending today", "spending_by_category"))
    assert messages[0]["text"] == "I can't see any spending today." and not messages[0].get("custom")


def test_an_unreachable_bank_gets_a_clear_reply(tmp_path: Any, run_action: Runner) -> None:
    bank = CoreBank(tmp_path / "bank.db")
    (tmp_path / "bank.db").unlink()
    (tmp_path / "bank.db").mkdir()  # the file is gone, a folder in its place: sqlite cannot open it
    events, messages = run_action(ActionShowBalance(bank=bank), tracker("balance", "check_balance"))
    assert events == [] and "can't reach your accounts" in texts(messages)
