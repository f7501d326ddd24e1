"""The transfer form's validation: each slot, then funds, the daily limit and the confirmation together."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from actions.banking.core_bank import CoreBank
from actions.banking.reveal import PURPOSE_MATCH_PAYEE
from actions.banking.transfer_form import BAD_AMOUNT, BAD_SOURCE, NAME_EXPIRED, NOT_POSITIVE, SUB_PENNY
from actions.banking.transfer_form import ValidateTransferForm as Validate
from bot.privacy.vault import Vault
from tests.actions.banking.support import NOW, USER, fixture_tracker, form_tracker, slots_of, texts

Runner = Callable[..., Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
FORM = "transfer_form"


def slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def set_balance(bank: CoreBank, kind: str, pence: int) -> None:
    with sqlite3.connect(bank.path) as db:
        db.execute("UPDATE accounts SET balance_pence = ? WHERE id = ?", (pence, bank.account(USER, kind).id))


def validate(run_action: Runner, bank: CoreBank, vault: Vault, text: str, intent: str = "transfer_money",
             candidates: Optional[Dict[str, Any]] = None, slots: Optional[Dict[str, Any]] = None,
             requested: Optional[str] = None, entities: Optional[List[Dict[str, Any]]] = None,
             ) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    tracker = form_tracker(FORM, text, intent, entities, slots, candidates, requested)
    return run_action(Validate(bank=bank, vault=vault), tracker)


def test_activation_with_a_new_account_number_keeps_the_placeholder_and_reveals_nothing(
        bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    events, messages = run_action(Validate(bank=bank, vault=vault), fixture_tracker("transfer_activation_new_account"))
    assert events == [slot("transfer_payee", "<ACCOUNT_NUMBER_1>"), slot("transfer_amount", 200.0),
                      slot("transfer_source", "savings")]  # "from my savings", read from the words
    assert messages == []
    assert vault.reveals(USER) == []  # not before the user has confirmed


def test_a_person_is_matched_to_a_saved_payee_with_the_purpose_recorded(
        bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    payee = bank.payees(USER)[1]
    vault.store(USER, "<PERSON_1>", "PERSON", payee.name)
    events, messages = validate(run_action, bank, vault, "send £50 to <PERSON_1>",
                                candidates={"transfer_payee": "<PERSON_1>", "transfer_amount": 50.0})
    assert slots_of(events) == {"transfer_payee": f"payee:{payee.id}", "transfer_amount": 50.0}
    assert messages == []
    assert [(r.placeholder, r.purpose) for r in vault.reveals(USER)] == [("<PERSON_1>", PURPOSE_MATCH_PAYEE)]
    out = json.dumps([events, messages])
    assert all(part not in out for part in payee.name.split())  # the name is compared, never passed on


def test_a_first_name_alone_matches_when_it_is_unique(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    payee = bank.payees(USER)[0]
    first = payee.name.split()[0]
    others = [p for p in bank.payees(USER) if first.lower() in p.name.lower() and p != payee]
    vault.store(USER, "<PERSON_2>", "PERSON", first)
    events, _ = validate(run_action, bank, vault, "pay <PERSON_2>", candidates={"transfer_payee": "<PERSON_2>"})
    assert slots_of(events)["transfer_payee"] == (None if others else f"payee:{payee.id}")


def test_a_person_who_is_not_a_payee_is_asked_about(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    vault.store(USER, "<PERSON_1>", "PERSON", "Zebedee Quarrington")
    events, messages = validate(run_action, bank, vault, "send £50 to <PERSON_1>",
                                candidates={"transfer_payee": "<PERSON_1>", "transfer_amount": 50.0})
    assert slots_of(events)["transfer_payee"] is None
    reply = texts(messages)
    assert "I couldn't find <PERSON_1> among your saved payees" in reply and "account number or IBAN" in reply
    payees = bank.payees(USER)
    assert payees and all(p.nickname in reply for p in payees)
    assert "Zebedee" not in reply


def test_a_person_no_longer_in_the_vault(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    events, messages = validate(run_action, bank, vault, "pay <PERSON_3>", candidates={"transfer_payee": "<PERSON_3>"})
    assert slots_of(events)["transfer_payee"] is None and texts(messages) == NAME_EXPIRED


def test_a_vault_that_fails_is_a_clear_reply(bank: CoreBank, vault: Vault, tmp_path: Path,
                                             run_action: Runner) -> None:
    vault.store(USER, "<PERSON_1>", "PERSON", "Zebedee Quarrington")
    wrong_key = Vault(f"sqlite:///{tmp_path / 'vault.db'}", b"k" * 32)
    tracker = form_tracker(FORM, "pay <PERSON_1>", "transfer_money", candidates={"transfer_payee": "<PERSON_1>"})
    events, messages = run_action(Validate(bank=bank, vault=wrong_key), tracker)
    assert slots_of(events)["transfer_payee"] is None and "couldn't look up that name securely" in texts(messages)


@pytest.mark.parametrize("words, nickname", [("my landlord", "landlord"), ("the LANDLORD please", "landlord")])
def test_a_saved_payee_by_nickname(bank: CoreBank, vault: Vault, run_action: Runner, words: str,
                                   nickname: str) -> None:
    events, _ = validate(run_action, bank, vault, words, "affirm", candidates={"transfer_payee": words},
                         requested="transfer_payee")
    payee = next(p for p in bank.payees(USER) if p.nickname == nickname)
    assert slots_of(events) == {"transfer_payee": f"payee:{payee.id}"}


def test_a_saved_payee_named_in_the_first_message(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    events, _ = validate(run_action, bank, vault, "pay my landlord £800", candidates={"transfer_amount": 800.0},
                         entities=[{"entity": "amount", "value": 800.0}])
    assert slots_of(events)["transfer_payee"] == f"payee:{bank.payees(USER)[0].id}"


def test_an_unknown_payee_is_re_asked_with_the_saved_ones(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    events, messages = validate(run_action, bank, vault, "the zoo", candidates={"transfer_payee": "the zoo"},
                                requested="transfer_payee")
    assert slots_of(events) == {"transfer_payee": None}
    assert texts(messages).startswith("I couldn't find that payee among your saved payees (landlord, ")


def test_an_account_number_typed_alone(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    words = "it's <IBAN_CODE_1>"
    events, _ = validate(run_action, bank, vault, words, candidates={"transfer_payee": words},
                         requested="transfer_payee")
    assert slots_of(events) == {"transfer_payee": "<IBAN_CODE_1>"}
    assert vault.reveals(USER) == []


@pytest.mark.parametrize(
    "value, message",
    [(-50.0, NOT_POSITIVE), ("0", NOT_POSITIVE), ("-20", NOT_POSITIVE), ("fifty", BAD_AMOUNT),
     ("50 or 60", BAD_AMOUNT), (12.345, SUB_PENNY)],
)
def test_bad_amounts_are_re_asked(bank: CoreBank, vault: Vault, run_action: Runner, value: Any,
                                  message: str) -> None:
    events, messages = validate(run_action, bank, vault, str(value), "inform_amount",
                                candidates={"transfer_amount": value}, requested="transfer_amount",
                                slots={"transfer_payee": "own:savings", "transfer_source": "current"})
    assert slots_of(events) == {"transfer_amount": None} and texts(messages) == message


@pytest.mark.parametrize("value, amount", [("£25.50", 25.5), ("80 quid", 80.0), (75.0, 75.0), ("1k", 1000.0)])
def test_good_amounts(bank: CoreBank, vault: Vault, run_action: Runner, value: Any, amount: float) -> None:
    set_balance(bank, "current", 500_000)
    events, messages = validate(run_action, bank, vault, str(value), "inform_amount",
                                candidates={"transfer_amount": value}, requested="transfer_amount",
                                slots={"transfer_payee": "own:savings", "transfer_source": "current"})
    assert slots_of(events) == {"transfer_amount": amount} and messages == []


def test_not_enough_in_the_chosen_account_suggests_the_other(bank: CoreBank, vault: Vault,
                                                             run_action: Runner) -> None:
    set_balance(bank, "current", 10_000)
    set_balance(bank, "savings", 90_000)
    payee = bank.payees(USER)[0]
    events, messages = validate(run_action, bank, vault, "current", "affirm",
                                candidates={"transfer_source": "current"}, requested="transfer_source",
                                slots={"transfer_payee": f"payee:{payee.id}", "transfer_amount": 150.0})
    assert slots_of(events) == {"transfer_source": None}
    ending = bank.account(USER, "current").last4
    assert texts(messages) == (f"Your current account (****{ending}) has £100.00, not enough to send £150.00. "
                               "You could send it from your savings account.")


def test_not_enough_anywhere_asks_for_less(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    set_balance(bank, "current", 10_000)
    set_balance(bank, "savings", 20_000)
    events, messages = validate(run_action, bank, vault, "send £900 to my landlord",
                                candidates={"transfer_amount": 900.0})
    assert slots_of(events)["transfer_amount"] is None
    assert "You don't have £900.00 in any account you can send from: the most is £200.00, in your savings" \
        in texts(messages)


def test_the_daily_limit(tmp_path: Path, vault: Vault, run_action: Runner) -> None:
    bank = CoreBank(tmp_path / "limited.db", clock=lambda: NOW, daily_limit=Decimal("100"))
    bank.accounts(USER)
    set_balance(bank, "current", 1_000_000)
    events, messages = validate(run_action, bank, vault, "£150", "inform_amount",
                                candidates={"transfer_amount": 150.0}, requested="transfer_amount",
                                slots={"transfer_payee": "<ACCOUNT_NUMBER_1>", "transfer_source": "current"})
    assert slots_of(events)["transfer_amount"] is None
    assert texts(messages).startswith("£150.00 is over your daily limit for payments: you can pay up to £100.00")
    # Between one's own accounts there is no limit.
    events, messages = validate(run_action, bank, vault, "£150", "inform_amount",
                                candidates={"transfer_amount": 150.0}, requested="transfer_amount",
                                slots={"transfer_payee": "own:savings", "transfer_source": "current"})
    assert slots_of(events) == {"transfer_amount": 150.0} and messages == []


def test_to_own_savings_the_money_comes_from_current(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    events, messages = validate(run_action, bank, vault, "move £300 to my savings",
                                candidates={"transfer_amount": 300.0},
                                entities=[{"entity": "amount", "value": 300.0}])
    assert slots_of(events) == {"transfer_payee": "own:savings", "transfer_amount": 300.0,
                                "transfer_source": "current"}
    assert messages == []


def test_an_account_cannot_pay_itself(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    events, messages = validate(run_action, bank, vault, "my savings account",
                                candidates={"transfer_payee": "my savings account"}, requested="transfer_payee",
                                slots={"transfer_source": "savings", "transfer_amount": 10.0})
    assert slots_of(events) == {"transfer_payee": "own:savings", "transfer_source": None}
    assert "can't leave your savings account and go into it too" in texts(messages)


def test_a_change_at_the_confirmation_asks_again(bank: CoreBank, vault: Vault, run_action: Runner) -> None:
    filled = {"transfer_payee": "own:savings", "transfer_source": "current", "transfer_amount": 300.0}
    events, messages = validate(run_action, bank, vault, "yes but make it £80", "affirm",
                                candidates={"transfer_confirmed": True, "transfer_amount": 80.0},
                                requested="transfer_confirmed", slots=filled)
    assert slots_of(events) == {"transfer_confirmed": None, "transfer_amount": 80.0}
    assert messages == []


@pytest.mark.parametrize("answer", [True, False])
def test_the_answer_to_the_confirmation_is_kept(bank: CoreBank, vault: Vault, run_action: Runner,
                                                answer: bool) -> None:
    filled = {"transfer_payee": "own:savings", "transfer_source": "current", "transfer_amount": 300.0}
    events, _ = validate(run_action, bank, vault, "yes" if answer else "no", "affirm" if answer else "deny",
                         candidates={"transfer_confirmed": answer}, requested="transfer_confirmed", slots=filled)
    assert slots_of(events) == {"transfer_confirmed": answer}
    assert vault.reveals(USER) == []


def test_an_unclear_account_is_re_asked_unless_something_else_changed(bank: CoreBank, vault: Vault,
                                                                      run_action: Runner) -> None:
    filled = {"transfer_payee": f"payee:{bank.payees(USER)[0].id}", "transfer_amount": 10.0}
    events, messages = validate(run_action, bank, vault, "the blue one", "affirm",
                                candidates={"transfer_source": "the blue one"}, requested="transfer_source",
                                slots=filled)
    assert slots_of(events) == {"transfer_source": None} and texts(messages) == BAD_SOURCE
    events, messages = validate(run_action, bank, vault, "actually make it £20", "inform_amount",
                                candidates={"transfer_source": "actually make it £20", "transfer_amount": 20.0},
                                requested="transfer_source", slots=filled)
    assert slots_of(events) == {"transfer_source": None, "transfer_amount": 20.0} and messages == []


@pytest.mark.parametrize("name", ["transfer_payee", "transfer_amount", "transfer_source", "transfer_confirmed"])
def test_an_emptied_slot_is_left_empty_without_a_word(bank: CoreBank, vault: Vault, run_action: Runner,
                                                      name: str) -> None:
    events, messages = validate(run_action, bank, vault, "hmm", "affirm", candidates={name: None})
    assert slots_of(events) == {name: None} and messages == []
