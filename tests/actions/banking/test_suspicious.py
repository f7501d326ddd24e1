"""Reporting a payment: the list, the pick, the offer to freeze, the flag."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest

from actions.banking.core_bank import CoreBank
from actions.banking.money import format_money
from actions.banking.suspicious import (
    OPTIONS,
    ActionAskSuspiciousFreeze,
    ActionAskSuspiciousTransaction,
    ActionReportSuspiciousTransaction,
    ValidateSuspiciousForm,
)
from tests.actions.banking.support import USER, form_tracker, slots_of, texts, tracker

Runner = Callable[..., Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
FORM = "suspicious_form"
REPORT_SLOTS = {"suspicious_transaction": None, "suspicious_freeze": None, "suspicious_options": None}


def listed(bank: CoreBank, run_action: Runner) -> Tuple[List[str], List[Dict[str, Any]]]:
    events, messages = run_action(ActionAskSuspiciousTransaction(bank=bank),
                                  tracker("report a suspicious payment", "report_suspicious_transaction"))
    return slots_of(events)["suspicious_options"], messages


def test_the_latest_card_payments_are_listed_and_remembered(bank: CoreBank, run_action: Runner) -> None:
    options, messages = listed(bank, run_action)
    payments = bank.transactions(USER, limit=OPTIONS, card_payments_only=True)
    assert options == [str(t.id) for t in payments]
    reply = texts(messages)
    for number, payment in enumerate(payments, start=1):
        assert f"{number}. {payment.line}, card ending {payment.card_last4}" in reply
    buttons = messages[0]["buttons"]
    assert buttons[1] == {"title": "2", "payload": '/report_suspicious_transaction{"number": 2}'}
    assert buttons[-1] == {"title": "None of these", "payload": "/deny"}


@pytest.mark.parametrize("answer", ["2", 2.0, 2, "the second one", "number two"])
def test_picking_a_payment(bank: CoreBank, run_action: Runner, answer: Any) -> None:
    options, _ = listed(bank, run_action)
    events, messages = run_action(ValidateSuspiciousForm(bank=bank), form_tracker(
        FORM, str(answer), "report_suspicious_transaction", slots={"suspicious_options": options},
        candidates={"suspicious_transaction": answer}, requested_slot="suspicious_transaction"))
    assert slots_of(events) == {"suspicious_transaction": f"txn:{options[1]}"} and messages == []


def test_picking_by_merchant(bank: CoreBank, run_action: Runner) -> None:
    options, _ = listed(bank, run_action)
    merchants = [bank.transaction(USER, int(i)).description for i in options]
    unique = next(m for m in merchants if merchants.count(m) == 1)
    answer = f"the {unique} one"
    events, _ = run_action(ValidateSuspiciousForm(bank=bank), form_tracker(
        FORM, answer, "report_suspicious_transaction", slots={"suspicious_options": options},
        candidates={"suspicious_transaction": answer}, requested_slot="suspicious_transaction"))
    assert slots_of(events) == {"suspicious_transaction": f"txn:{options[merchants.index(unique)]}"}


@pytest.mark.parametrize("answer", ["9", "no idea", 0.0])
def test_an_unclear_pick_is_re_asked(bank: CoreBank, run_action: Runner, answer: Any) -> None:
    options, _ = listed(bank, run_action)
    events, messages = run_action(ValidateSuspiciousForm(bank=bank), form_tracker(
        FORM, str(answer), "report_suspicious_transaction", slots={"suspicious_options": options},
        candidates={"suspicious_transaction": answer}, requested_slot="suspicious_transaction"))
    assert slots_of(events) == {"suspicious_transaction": None}
    assert texts(messages) == f"Please pick the payment by its number, 1 to {len(options)}."


def test_another_customers_transaction_cannot_be_picked(bank: CoreBank, run_action: Runner) -> None:
    theirs = bank.transactions("someone-else", card_payments_only=True, limit=1)[0]
    options, _ = listed(bank, run_action)
    events, _ = run_action(ValidateSuspiciousForm(bank=bank), form_tracker(
        FORM, "x", "report_suspicious_transaction", slots={"suspicious_options": options},
        candidates={"suspicious_transaction": f"txn:{theirs.id}"}, requested_slot="suspicious_transaction"))
    assert slots_of(events) == {"suspicious_transaction": None}


def test_a_frozen_card_is_not_offered_a_freeze(bank: CoreBank, run_action: Runner) -> None:
    options, _ = listed(bank, run_action)
    card = bank.card_of(USER, int(options[0]))
    assert card is not None
    bank.set_card_frozen(USER, card.id, True)
    events, _ = run_action(ValidateSuspiciousForm(bank=bank), form_tracker(
        FORM, "1", "report_suspicious_transaction", slots={"suspicious_options": options},
        candidates={"suspicious_transaction": "1"}, requested_slot="suspicious_transaction"))
    assert slots_of(events) == {"suspicious_transaction": f"txn:{options[0]}", "suspicious_freeze": False}


def test_the_freeze_offer_names_the_payment_and_the_card(bank: CoreBank, run_action: Runner) -> None:
    options, _ = listed(bank, run_action)
    payment = bank.transaction(USER, int(options[0]))
    card = bank.card_of(USER, payment.id)
    assert card is not None
    _, messages = run_action(ActionAskSuspiciousFreeze(bank=bank), tracker(
        "1", "report_suspicious_transaction", slots={"suspicious_transaction": f"txn:{payment.id}"}))
    assert texts(messages) == (
        f"I'll flag the {format_money(-payment.amount)} payment to {payment.description} on "
        f"{payment.posted_at.day} {payment.posted_at:%b} for our fraud team. Shall I also freeze your "
        f"{card.display}, so it can't be used until you unfreeze it?")


@pytest.mark.parametrize("freeze", [True, False])
def test_the_report_flags_and_freezes_if_agreed(bank: CoreBank, run_action: Runner, freeze: bool) -> None:
    options, _ = listed(bank, run_action)
    chosen = int(options[1])
    events, messages = run_action(ActionReportSuspiciousTransaction(bank=bank), tracker(
        "yes" if freeze else "no", "affirm" if freeze else "deny",
        slots={"suspicious_options": options, "suspicious_transaction": f"txn:{chosen}", "suspicious_freeze": freeze}))
    assert slots_of(events) == REPORT_SLOTS
    assert bank.transaction(USER, chosen).flagged
    card = bank.card_of(USER, chosen)
    assert card is not None and card.frozen is freeze
    assert texts(messages).startswith("Thank you for telling us. I've flagged the ")
    assert ("is now frozen" in texts(messages)) is freeze


def test_stopping_without_a_pick_flags_nothing(bank: CoreBank, run_action: Runner) -> None:
    _, messages = run_action(ActionReportSuspiciousTransaction(bank=bank), tracker("no", "deny"))
    assert texts(messages) == "I haven't flagged anything."
    assert not any(t.flagged for t in bank.transactions(USER))
