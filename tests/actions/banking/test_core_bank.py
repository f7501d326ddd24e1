"""The core bank: customers by user id, reads, and money moved only within the rules."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from actions.banking.core_bank import CoreBank
from actions.banking.errors import (
    DailyLimitExceeded,
    InsufficientFunds,
    InvalidAccountNumber,
    InvalidAmount,
    NotFound,
    SameAccount,
)
from actions.banking.models import SPENDING_CATEGORIES
from actions.banking.periods import Period, month_period, parse_period
from tests.actions.banking.support import NOW, USER

OTHER = "user-0b21"
NEW_ACCOUNT = "31926819"  # fake
NEW_IBAN = "GB82 WEST 1234 5698 7654 32"  # the standard example IBAN


def set_balance(bank: CoreBank, user: str, kind: str, pounds: str) -> None:
    bank.accounts(user)  # create the customer first
    with sqlite3.connect(bank.path) as db:
        db.execute("UPDATE accounts SET balance_pence = ? WHERE kind = ? AND customer_id = "
                   "(SELECT customer_id FROM accounts WHERE id = ?)",
                   (int(Decimal(pounds) * 100), kind, bank.account(user, kind).id))


def test_the_same_user_id_sees_the_same_data_in_another_bank(tmp_path: Path, bank: CoreBank) -> None:
    twin = CoreBank(tmp_path / "other.db", clock=lambda: NOW)
    assert bank.accounts(USER) == twin.accounts(USER)
    assert bank.payees(USER) == twin.payees(USER)
    assert bank.cards(USER) == twin.cards(USER)
    assert bank.transactions(USER) == twin.transactions(USER)
    assert bank.first_name(USER) == twin.first_name(USER)


def test_a_customer_is_created_once_and_kept(bank: CoreBank) -> None:
    before = bank.transactions(USER)
    later = CoreBank(bank.path, clock=lambda: NOW + timedelta(days=40))  # the same file, weeks later
    assert later.transactions(USER) == before
    with sqlite3.connect(bank.path) as db:
        assert db.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 1


def test_two_users_never_share_data(bank: CoreBank) -> None:
    mine, theirs = bank.transactions(USER), bank.transactions(OTHER)
    assert {t.id for t in mine}.isdisjoint(t.id for t in theirs)
    assert {a.id for a in bank.accounts(USER)}.isdisjoint(a.id for a in bank.accounts(OTHER))
    their_card, their_payee = bank.cards(OTHER)[0], bank.payees(OTHER)[0]
    with pytest.raises(NotFound):
        bank.transaction(USER, theirs[0].id)
    with pytest.raises(NotFound):
        bank.set_card_frozen(USER, their_card.id, True)
    with pytest.raises(NotFound):
        bank.pay_payee(USER, "current", their_payee.id, Decimal("1"))
    with pytest.raises(NotFound):
        bank.report_suspicious(USER, theirs[0].id, freeze_card=True)
    assert bank.cards(OTHER)[0].frozen is False
    assert bank.transactions(OTHER) == theirs


def test_the_database_never_holds_the_user_id(bank: CoreBank) -> None:
    bank.accounts(USER)
    assert USER.encode() not in bank.path.read_bytes()


@pytest.mark.parametrize("words", ["last month", "this month", "in September", "the last 30 days", "this week",
                                   "last 90 days", "yesterday"])
def test_spending_totals_equal_the_sum_of_the_transactions(bank: CoreBank, words: str) -> None:
    period = parse_period(words, bank.today())
    assert period is not None
    summary = bank.spending_by_category(USER, period)
    spent = [t for t in bank.transactions(USER, period=period) if t.is_spending]
    assert sum((-t.amount for t in spent), Decimal("0")) == summary.total
    for line in summary.categories:
        mine = [t for t in spent if t.category == line.category]
        assert (line.amount, line.count) == (sum((-t.amount for t in mine), Decimal("0")), len(mine))
    assert [c.amount for c in summary.categories] == sorted((c.amount for c in summary.categories), reverse=True)
    assert {c.category for c in summary.categories} <= set(SPENDING_CATEGORIES)


def test_spending_leaves_out_own_transfers_and_income(bank: CoreBank) -> None:
    period = month_period(2025, 10)
    before = bank.spending_by_category(USER, period).total
    assert bank.transactions(USER, period=period)  # October has history
    assert "transfers" not in {c.category for c in bank.spending_by_category(USER, period).categories}
    assert bank.spending_by_category(USER, Period(NOW.date(), NOW.date(), "today")).total == 0
    bank.transfer_between_accounts(USER, "current", "savings", Decimal("10"))
    assert bank.spending_by_category(USER, period).total == before


def test_transactions_newest_first_limited_and_filtered(bank: CoreBank) -> None:
    latest = bank.transactions(USER, limit=7)
    assert len(latest) == 7 and [t.posted_at for t in latest] == sorted((t.posted_at for t in latest), reverse=True)
    assert latest == bank.transactions(USER)[:7]
    savings = bank.transactions(USER, account_kind="savings")
    assert savings and {t.account_kind for t in savings} == {"savings"}
    cards = bank.transactions(USER, card_payments_only=True, limit=5)
    assert cards and all(t.card_last4 and t.amount < 0 for t in cards)


def test_transfer_between_own_accounts_moves_the_money_and_records_both_sides(bank: CoreBank) -> None:
    current, savings = bank.account(USER, "current").balance, bank.account(USER, "savings").balance
    receipt = bank.transfer_between_accounts(USER, "current", "savings", Decimal("125.40"))
    assert receipt.source.balance == current - Decimal("125.40") == bank.account(USER, "current").balance
    assert bank.account(USER, "savings").balance == savings + Decimal("125.40")
    out, into = bank.transactions(USER, limit=2)
    assert {out.amount, into.amount} == {Decimal("-125.40"), Decimal("125.40")}
    assert {out.category, into.category} == {"transfers"}
    assert receipt.destination.startswith("your savings account (****")


@pytest.mark.parametrize("amount", ["0", "-5", "0.001"])
def test_transfers_refuse_amounts_that_are_not_positive_pence(bank: CoreBank, amount: str) -> None:
    payee = bank.payees(USER)[0]
    balance = bank.account(USER, "current").balance
    for attempt in (lambda: bank.transfer_between_accounts(USER, "current", "savings", Decimal(amount)),
                    lambda: bank.pay_payee(USER, "current", payee.id, Decimal(amount)),
                    lambda: bank.pay_new_payee(USER, "current", NEW_ACCOUNT, Decimal(amount))):
        with pytest.raises(InvalidAmount):
            attempt()
    assert bank.account(USER, "current").balance == balance


def test_transfers_check_funds_and_change_nothing_when_short(bank: CoreBank) -> None:
    set_balance(bank, USER, "current", "100.00")
    count = len(bank.transactions(USER))
    with pytest.raises(InsufficientFunds) as refused:
        bank.pay_payee(USER, "current", bank.payees(USER)[0].id, Decimal("100.01"))
    assert (refused.value.available, refused.value.requested) == (Decimal("100.00"), Decimal("100.01"))
    with pytest.raises(InsufficientFunds):
        bank.transfer_between_accounts(USER, "current", "savings", Decimal("150"))
    assert bank.account(USER, "current").balance == Decimal("100.00")
    assert len(bank.transactions(USER)) == count
    bank.pay_payee(USER, "current", bank.payees(USER)[0].id, Decimal("100.00"))  # exactly all of it
    assert bank.account(USER, "current").balance == 0


def test_a_transfer_to_the_same_account_is_refused(bank: CoreBank) -> None:
    with pytest.raises(SameAccount):
        bank.transfer_between_accounts(USER, "savings", "savings", Decimal("1"))


def test_payments_to_payees_stop_at_the_daily_limit(tmp_path: Path) -> None:
    bank = CoreBank(tmp_path / "bank.db", clock=lambda: NOW, daily_limit=Decimal("500"))
    set_balance(bank, USER, "savings", "10000")
    payee = bank.payees(USER)[0].id
    bank.pay_payee(USER, "savings", payee, Decimal("300"))
    bank.pay_new_payee(USER, "savings", NEW_ACCOUNT, Decimal("150"))
    assert bank.remaining_daily_limit(USER) == Decimal("50.00")
    with pytest.raises(DailyLimitExceeded) as refused:
        bank.pay_payee(USER, "savings", payee, Decimal("50.01"))
    assert (refused.value.limit, refused.value.remaining) == (Decimal("500.00"), Decimal("50.00"))
    bank.transfer_between_accounts(USER, "savings", "current", Decimal("2000"))  # own transfers: no limit
    tomorrow = CoreBank(bank.path, clock=lambda: NOW + timedelta(days=1), daily_limit=Decimal("500"))
    assert tomorrow.remaining_daily_limit(USER) == Decimal("500.00")
    tomorrow.pay_payee(USER, "savings", payee, Decimal("500"))


@pytest.mark.parametrize("number, ending", [(NEW_ACCOUNT, "6819"), (NEW_IBAN, "5432")])
def test_a_new_payee_is_kept_by_the_last_4_characters_only(bank: CoreBank, number: str, ending: str) -> None:
    receipt = bank.pay_new_payee(USER, "current", number, Decimal("42.00"))
    assert receipt.destination == f"account ending {ending}"
    paid = bank.transaction(USER, receipt.transaction_id)
    assert (paid.counterparty_last4, paid.amount, paid.category) == (ending, Decimal("-42.00"), "payments")
    raw = b"".join(f.read_bytes() for f in bank.path.parent.glob(f"{bank.path.name}*"))  # with -wal, -shm
    compact = number.replace(" ", "")
    for form in (number, compact, compact[:-4], compact.lower()):
        assert form.encode() not in raw


@pytest.mark.parametrize("number", ["12", "ab-12", "", "GB82 WEST 1234", "GB82WEST12345698765431"])  # half, bad check
def test_a_new_payee_needs_an_account_number(bank: CoreBank, number: str) -> None:
    with pytest.raises(InvalidAccountNumber):
        bank.pay_new_payee(USER, "current", number, Decimal("1"))


def test_freeze_and_unfreeze_a_card(bank: CoreBank) -> None:
    card = bank.cards(USER)[0]
    frozen, changed = bank.set_card_frozen(USER, card.id, True)
    assert (frozen.frozen, changed) == (True, True)
    assert bank.set_card_frozen(USER, card.id, True) == (frozen, False)
    thawed, changed = bank.set_card_frozen(USER, card.id, False)
    assert (thawed.frozen, changed) == (False, True)


@pytest.mark.parametrize("freeze", [True, False])
def test_report_suspicious_flags_and_freezes_if_asked(bank: CoreBank, freeze: bool) -> None:
    payment = bank.transactions(USER, card_payments_only=True, limit=1)[0]
    report = bank.report_suspicious(USER, payment.id, freeze_card=freeze)
    assert report.transaction.flagged and bank.transaction(USER, payment.id).flagged
    card = bank.card_of(USER, payment.id)
    assert card is not None and card.frozen is freeze
    assert (report.frozen_card is not None) is freeze
    assert sum(t.flagged for t in bank.transactions(USER)) == 1


def test_a_non_card_transaction_can_be_flagged_with_no_card_to_freeze(bank: CoreBank) -> None:
    rent = next(t for t in bank.transactions(USER) if t.category == "rent")
    report = bank.report_suspicious(USER, rent.id, freeze_card=True)
    assert report.frozen_card is None and report.transaction.flagged
    assert not any(c.frozen for c in bank.cards(USER))


def test_match_payees_by_nickname_name_or_one_name(bank: CoreBank) -> None:
    landlord = bank.payees(USER)[0]
    assert bank.match_payees(USER, "pay my landlord 800") == [landlord]
    assert bank.match_payees(USER, f"send it to {landlord.name.upper()}") == [landlord]
    first = landlord.name.split()[0]
    assert bank.match_payees(USER, first) == []  # a sentence or a fragment: only exact names
    assert landlord in bank.match_payees(USER, first, loose=True)
    assert bank.match_payees(USER, "pay the zoo") == []


def test_an_empty_user_id_is_refused(bank: CoreBank) -> None:
    with pytest.raises(ValueError):
        bank.accounts("")


def test_the_clock_decides_today(tmp_path: Path) -> None:
    bank = CoreBank(tmp_path / "bank.db", clock=lambda: datetime(2025, 3, 1, 8, 0, 0, 123))
    assert bank.now() == datetime(2025, 3, 1, 8, 0) and str(bank.today()) == "2025-03-01"
