"""Fake customers: deterministic per user id, unrelated across ids, ~90 days of plausible history."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from actions.banking.models import SPENDING_CATEGORIES
from actions.banking.seed import HISTORY_DAYS, generate_customer, user_key

TODAY = date(2025, 11, 14)


def test_the_same_id_always_gets_the_same_customer() -> None:
    assert generate_customer("user-a", TODAY) == generate_customer("user-a", TODAY)


@pytest.mark.parametrize("other", ["user-b", "user-A", "user-a ", ""])
def test_different_ids_get_different_customers(other: str) -> None:
    first, second = generate_customer("user-a", TODAY), generate_customer(other, TODAY)
    assert first.accounts != second.accounts
    assert first.transactions != second.transactions
    assert {p.last4 for p in first.payees} != {p.last4 for p in second.payees}


def test_history_covers_the_days_before_today_and_never_today_or_later() -> None:
    seed = generate_customer("user-a", TODAY)
    days = {t.posted_at.date() for t in seed.transactions}
    assert min(days) >= TODAY - timedelta(days=HISTORY_DAYS)
    assert max(days) < TODAY
    assert len(days) > HISTORY_DAYS * 0.8  # something happens on most days
    assert [t.posted_at for t in seed.transactions] == sorted(t.posted_at for t in seed.transactions)


@pytest.mark.parametrize("user", ["user-a", "user-b", "alice@example.org", "42"])
def test_history_has_the_everyday_categories(user: str) -> None:
    seed = generate_customer(user, TODAY)
    categories = Counter(t.category for t in seed.transactions)
    for name in ("groceries", "rent", "transport", "eating out", "bills", "salary", "transfers"):
        assert categories[name] > 0, name
    assert categories["salary"] == 3 and categories["rent"] == 3  # three monthly paydays and rents in 90 days
    # Money out is negative, money in positive; own transfers balance out.
    spending = [t for t in seed.transactions if t.category in SPENDING_CATEGORIES]
    income = [t for t in seed.transactions if t.category in ("salary", "interest")]
    transfers = [t for t in seed.transactions if t.category == "transfers"]
    assert spending and income and transfers  # none of the checks below passes for want of cases
    assert all(t.amount_pence < 0 for t in spending)
    assert all(t.amount_pence > 0 for t in income)
    assert sum(t.amount_pence for t in transfers) == 0


def test_cards_accounts_and_payees_are_distinct_and_four_digit() -> None:
    seed = generate_customer("user-a", TODAY)
    endings = [a[1] for a in seed.accounts] + [c.last4 for c in seed.cards] + [p.last4 for p in seed.payees]
    assert len(set(endings)) == len(endings)
    assert len(endings) >= 4 and all(len(e) == 4 and e.isdigit() for e in endings)
    assert [a[0] for a in seed.accounts] == ["current", "savings"]
    assert seed.payees[0].nickname == "landlord"
    assert len({p.nickname for p in seed.payees}) == len(seed.payees)


def test_card_payments_name_a_card_and_rent_names_the_landlord() -> None:
    seed = generate_customer("user-a", TODAY)
    labels = {c.label for c in seed.cards}
    card = [t for t in seed.transactions if t.kind == "card"]
    other = [t for t in seed.transactions if t.kind != "card"]
    rent = [t for t in seed.transactions if t.category == "rent"]
    assert card and other and rent  # none of the checks below passes for want of cases
    assert all(t.card_label in labels for t in card)
    assert all(t.card_label is None for t in other)
    assert all(t.payee_nickname == "landlord" for t in rent)


def test_user_key_is_a_hash_not_the_id() -> None:
    key = user_key("user-a")
    assert "user-a" not in key and len(key) == 64 and key == user_key("user-a") != user_key("user-b")
