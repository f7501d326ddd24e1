"""The transfer's questions and outcome; the new payee's number is read only after "yes", and never passed on."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Tracker

from actions.banking.core_bank import CoreBank
from actions.banking.reveal import PURPOSE_NEW_PAYEE
from actions.banking.transfer import (
    CANCELLED,
    NUMBER_GONE,
    VAULT_DOWN,
    ActionAskTransferAmount,
    ActionAskTransferConfirmed,
    ActionAskTransferPayee,
    ActionAskTransferSource,
    ActionTransferMoney,
)
from actions.banking.transfer_form import ValidateTransferForm
from bot.privacy.vault import Vault
from tests.actions.banking.support import USER, fixture_tracker, form_tracker, slots_of, texts, tracker

Runner = Callable[..., Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
TRANSFER_SLOTS = {"transfer_payee": None, "transfer_amount": None, "transfer_source": None,
                  "transfer_confirmed": None}
# Fake numbers: an 8-digit account number and the standard example IBAN.
NUMBERS = [("<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819", "6819"),
           ("<IBAN_CODE_1>", "IBAN_CODE", "GB82 WEST 1234 5698 7654 32", "5432")]


def forms_of(original: str) -> List[str]:
    """The ways an identifier could leak: as typed, without spaces, lower case, all but its last 4."""
    compact = original.replace(" ", "")
    return [original, compact, compact.lower(), compact[:-4]]


def assert_nowhere(original: str, *outputs: Any) -> None:
    dumped = json.dumps(outputs, default=str)
    for form in forms_of(original):
        assert form not in dumped


def confirmed(payee: str, amount: float = 200.0, source: str = "savings", answer: bool = True) -> Any:
    slots = {"transfer_payee": payee, "transfer_amount": amount, "transfer_source": source,
             "transfer_confirmed": answer}
    return tracker("yes" if answer else "no", "affirm" if answer else "deny", slots=slots)


@pytest.mark.parametrize("placeholder, kind, original, ending", NUMBERS)
def test_a_confirmed_transfer_to_a_new_payee(bank: CoreBank, vault: Vault, run_action: Runner,
                                             caplog: pytest.LogCaptureFixture, placeholder: str, kind: str,
                                             original: str, ending: str) -> None:
    caplog.set_level(logging.DEBUG)
    vault.store(USER, placeholder, kind, original)
    before = bank.account(USER, "savings").balance
    events, messages = run_action(ActionTransferMoney(bank=bank, vault=vault), confirmed(placeholder))
    assert slots_of(events) == TRANSFER_SLOTS
    after = bank.account(USER, "savings").balance
    assert after == before - Decimal("200.00")
    paid = bank.transactions(USER, limit=1)[0]
    assert (paid.amount, paid.counterparty_last4, paid.account_kind) == (Decimal("-200.00"), ending, "savings")
    assert texts(messages) == (f"Done: £200.00 sent from your savings account to account ending {ending}. "
                               f"Your savings account now has £{after:,.2f}. Reference: {paid.id}.")
    assert [(r.placeholder, r.purpose) for r in vault.reveals(USER)] == [(placeholder, PURPOSE_NEW_PAYEE)]
    assert_nowhere(original, events, messages, caplog.text)


def test_the_fixture_conversation_reveals_once_after_yes(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    events, messages = run_action(ActionTransferMoney(bank=bank, vault=vault),
                                  fixture_tracker("transfer_confirmed_new_account"))
    assert "account ending 6819" in texts(messages)
    assert len(vault.reveals(USER)) == 1
    assert_nowhere("31926819", events, messages)


def test_the_whole_form_reveals_nothing_until_yes(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    validation, asked = run_action(ValidateTransferForm(bank=bank, vault=vault),
                                   fixture_tracker("transfer_activation_new_account"))
    slots = slots_of(validation)
    assert vault.reveals(USER) == []
    _, question = run_action(ActionAskTransferConfirmed(bank=bank, vault=vault),
                             tracker("transfer £200 to account <ACCOUNT_NUMBER_1> from my savings",
                                     "transfer_money", slots=slots))
    assert vault.reveals(USER) == []
    assert "to the new payee account you gave me (<ACCOUNT_NUMBER_1>)" in texts(question)
    assert "only if you say yes" in texts(question)
    assert [b["payload"] for b in question[0]["buttons"]] == ["/affirm", "/deny"]
    answer = form_tracker("transfer_form", "yes", "affirm", slots=slots, candidates={"transfer_confirmed": True},
                          requested_slot="transfer_confirmed")
    answered, _ = run_action(ValidateTransferForm(bank=bank, vault=vault), answer)
    assert vault.reveals(USER) == []  # "yes" is validated; the number is still not read
    done, messages = run_action(ActionTransferMoney(bank=bank, vault=vault),
                                confirmed(slots["transfer_payee"], slots["transfer_amount"], slots["transfer_source"],
                                          slots_of(answered)["transfer_confirmed"]))
    assert [r.purpose for r in vault.reveals(USER)] == [PURPOSE_NEW_PAYEE]
    assert_nowhere("31926819", validation, asked, question, answered, done, messages)


def test_no_means_nothing_is_read_or_sent(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    count = len(bank.transactions(USER))
    events, messages = run_action(ActionTransferMoney(bank=bank, vault=vault),
                                  confirmed("<ACCOUNT_NUMBER_1>", answer=False))
    assert texts(messages) == CANCELLED and slots_of(events) == TRANSFER_SLOTS
    assert vault.reveals(USER) == [] and len(bank.transactions(USER)) == count


@pytest.mark.parametrize("how", ["never stored", "erased"])
def test_a_number_the_vault_no_longer_has(bank: CoreBank, vault: Vault, run_action: Runner, how: str) -> None:
    if how == "erased":
        vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
        vault.erase(USER)
    count = len(bank.transactions(USER))
    events, messages = run_action(ActionTransferMoney(bank=bank, vault=vault), confirmed("<ACCOUNT_NUMBER_1>"))
    assert texts(messages) == NUMBER_GONE and slots_of(events) == TRANSFER_SLOTS
    assert len(bank.transactions(USER)) == count


def test_a_number_stored_in_another_conversation_is_not_found(bank: CoreBank, vault: Vault,
                                                              run_action: Runner) -> None:
    vault.store("someone-else", "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    _, messages = run_action(ActionTransferMoney(bank=bank, vault=vault), confirmed("<ACCOUNT_NUMBER_1>"))
    assert texts(messages) == NUMBER_GONE


def test_a_failing_vault_sends_nothing(bank: CoreBank, vault: Vault, tmp_path: Path, run_action: Runner) -> None:
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    wrong_key = Vault(f"sqlite:///{tmp_path / 'vault.db'}", b"k" * 32)  # the same rows, another key
    count = len(bank.transactions(USER))
    _, messages = run_action(ActionTransferMoney(bank=bank, vault=wrong_key), confirmed("<ACCOUNT_NUMBER_1>"))
    assert texts(messages) == VAULT_DOWN and len(bank.transactions(USER)) == count


def test_a_saved_payee_needs_no_reveal(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    payee = bank.payees(USER)[0]
    _, messages = run_action(ActionTransferMoney(bank=bank, vault=vault), confirmed(f"payee:{payee.id}", 25.0))
    assert texts(messages).startswith(f"Done: £25.00 sent from your savings account to {payee.display}.")
    assert vault.reveals(USER) == []
    assert bank.transactions(USER, limit=1)[0].description == f"Payment to {payee.nickname}"


def test_between_own_accounts(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    savings = bank.account(USER, "savings").balance
    _, messages = run_action(ActionTransferMoney(bank=bank, vault=vault), confirmed("own:savings", 60.0, "current"))
    assert bank.account(USER, "savings").balance == savings + 60
    assert "to your savings account (****" in texts(messages)


def test_a_refusal_at_the_last_moment_is_explained(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    balance = bank.account(USER, "savings").balance
    events, messages = run_action(ActionTransferMoney(bank=bank, vault=vault),
                                  confirmed("own:current", float(balance + 1), "savings"))
    assert texts(messages) == (f"I couldn't make that transfer: your account has £{balance:,.2f}, not enough for "
                               f"£{balance + 1:,.2f}. No money has been sent.")
    assert slots_of(events) == TRANSFER_SLOTS


def test_the_confirmation_names_a_saved_payee_and_the_source(bank: CoreBank, vault: Vault,
                                                             run_action: Runner) -> None:
    payee = bank.payees(USER)[0]
    slots = {"transfer_payee": f"payee:{payee.id}", "transfer_amount": 800.0, "transfer_source": "current"}
    events, messages = run_action(ActionAskTransferConfirmed(bank=bank, vault=vault),
                                  tracker("current", "affirm", slots=slots))
    current = bank.account(USER, "current")
    assert events == []
    assert texts(messages) == (f"Please confirm: send £800.00 from your current account (****{current.last4}) "
                               f"to {payee.display}?")


def test_the_source_question_offers_the_accounts_money_can_leave(bank: CoreBank, vault: Vault,
                                                                 run_action: Runner) -> None:
    _, messages = run_action(ActionAskTransferSource(bank=bank, vault=vault),
                             tracker("move 50 to savings", "transfer_money",
                                     slots={"transfer_payee": "own:savings", "transfer_amount": 50.0}))
    assert texts(messages) == "Which account should the £50.00 come from?"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["current"]
    _, messages = run_action(ActionAskTransferSource(bank=bank, vault=vault), tracker("pay", "transfer_money"))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["current", "savings"]


def test_the_payee_question_offers_saved_payees_by_nickname(bank: CoreBank, vault: Vault,
                                                            run_action: Runner) -> None:
    _, messages = run_action(ActionAskTransferPayee(bank=bank, vault=vault), tracker("send money", "transfer_money"))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    payees = bank.payees(USER)
    assert payees  # the seeded customer has payees: the checks below are not empty
    assert payloads == [p.nickname for p in payees] + ["my current account", "my savings account"]
    assert all(p.name not in json.dumps(messages) for p in payees)


@pytest.mark.parametrize("payee, expected", [
    (None, "How much would you like to send?"),
    ("own:savings", "How much would you like to send to your savings account (****{savings})?"),
    ("<IBAN_CODE_1>", "How much would you like to send to the new payee account you gave me (<IBAN_CODE_1>)?"),
])
def test_the_amount_question_names_the_payee(bank: CoreBank, vault: Vault, run_action: Runner, payee: Any,
                                             expected: str) -> None:
    _, messages = run_action(ActionAskTransferAmount(bank=bank, vault=vault),
                             tracker("send money", "transfer_money", slots={"transfer_payee": payee}))
    assert texts(messages) == expected.format(savings=bank.account(USER, "savings").last4)
    assert vault.reveals(USER) == []


def in_form_started_at(started: float, base: Any) -> Any:
    """``base`` with the transfer form's activation (at ``started``) in its history, as Rasa records it."""
    events = [{"event": "active_loop", "name": "transfer_form", "timestamp": started}, *base.events]
    return Tracker(base.sender_id, base.slots, base.latest_message, events, False, None, {}, "action_listen")


@pytest.mark.parametrize("payee, amount, source", [("payee:first", 25.0, "savings"), ("own:savings", 60.0, "current"),
                                                    ("<ACCOUNT_NUMBER_1>", 30.0, "savings")])
def test_a_yes_answered_again_for_the_same_form_sends_the_money_once(
        bank: CoreBank, vault: Vault, run_action: Runner, payee: str, amount: float, source: str) -> None:
    # After a timeout or a store outage the person is told to try again; the same form's
    # "yes" then reaches the action a second time: the bank must not pay twice.
    if payee == "payee:first":
        payee = f"payee:{bank.payees(USER)[0].id}"
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    balance = bank.account(USER, source).balance
    action = ActionTransferMoney(bank=bank, vault=vault)
    _, first = run_action(action, in_form_started_at(1000.5, confirmed(payee, amount, source)))
    _, again = run_action(action, in_form_started_at(1000.5, confirmed(payee, amount, source)))
    assert texts(first).startswith(f"Done: £{amount:,.2f} sent")
    reference = bank.transactions(USER, limit=1)[0].id if payee != "own:savings" else None
    assert texts(again).startswith(f"That transfer was already made: £{amount:,.2f} from your {source} account")
    assert "haven't sent it again" in texts(again)
    if reference is not None:
        assert f"reference {reference}." in texts(again)
    assert bank.account(USER, source).balance == balance - Decimal(str(amount))
    # A new form is a new transfer, even for the same payee and amount.
    _, new = run_action(action, in_form_started_at(2000.25, confirmed(payee, amount, source)))
    assert texts(new).startswith("Done:")
    assert bank.account(USER, source).balance == balance - 2 * Decimal(str(amount))
