"""The banking forms driven by Rasa's own machinery: slot extraction, FormAction, remote actions.

Rasa's own form machinery runs in this process (``tests/support/rasa_forms.py``),
with the real domain files and the bank and Vault in a temporary folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions.banking
from actions.banking.core_bank import CoreBank
from actions.banking.reveal import PURPOSE_NEW_PAYEE
from bot.privacy.vault import Vault
from tests.actions.banking.support import ROOT, USER
from tests.support.rasa_forms import FormConversation as Conversation

OUTCOMES = {"transfer_form": "action_transfer_money", "card_status_form": "action_change_card_status",
            "suspicious_form": "action_report_suspicious_transaction"}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load([str(ROOT / "domain" / "core.yml"), str(ROOT / "domain" / "banking.yml")])


@pytest.fixture
def talk(bank: CoreBank, vault: Vault, domain: Domain) -> Conversation:
    executor = ActionExecutor()
    for name in actions.banking.__all__:
        cls = getattr(actions.banking, name)
        if isinstance(cls, type) and issubclass(cls, Action):
            executor.register_action(cls(bank=bank, vault=vault) if name != "ActionCancelBankingForm" and
                                     name != "ActionAskCardOperation" else cls())
    return Conversation(domain, executor, OUTCOMES, USER)


def amount(value: float, start: int, end: int) -> Dict[str, Any]:
    return {"entity": "amount", "value": value, "start": start, "end": end}


def placeholder(entity: str, value: str, text: str) -> Dict[str, Any]:
    start = text.index(value)
    return {"entity": entity, "value": value, "start": start, "end": start + len(value)}


def test_a_transfer_to_a_new_account_number_confirmed(talk: Conversation, bank: CoreBank, vault: Vault) -> None:
    vault.store(USER, "<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "31926819")
    text = "transfer £200 to account <ACCOUNT_NUMBER_1> from my savings"
    replies = talk.say(text, "transfer_money",
                       [amount(200.0, 9, 13), placeholder("account_number", "<ACCOUNT_NUMBER_1>", text)],
                       form="transfer_form")
    savings = bank.account(USER, "savings")
    assert replies == [f"Please confirm: send £200.00 from your savings account (****{savings.last4}) to the new "
                       "payee account you gave me (<ACCOUNT_NUMBER_1>)? I'll read the account number you typed "
                       "only if you say yes, and only for this payment."]
    assert talk.slot("requested_slot") == "transfer_confirmed" and vault.reveals(USER) == []
    replies = talk.say("yes", "affirm")
    assert replies[0].startswith("Done: £200.00 sent from your savings account to account ending 6819.")
    assert bank.account(USER, "savings").balance == savings.balance - 200
    assert [r.purpose for r in vault.reveals(USER)] == [PURPOSE_NEW_PAYEE]
    assert talk.tracker.active_loop_name is None and talk.slot("transfer_payee") is None
    assert "31926819" not in talk.dump() and "3192681" not in talk.dump()


def test_a_transfer_refused_at_the_confirmation(talk: Conversation, bank: CoreBank, vault: Vault) -> None:
    vault.store(USER, "<IBAN_CODE_1>", "IBAN_CODE", "GB82 WEST 1234 5698 7654 32")
    count = len(bank.transactions(USER))
    text = "pay <IBAN_CODE_1> 75 euros from my current account"
    talk.say(text, "transfer_money", [placeholder("iban_code", "<IBAN_CODE_1>", text), amount(75.0, 18, 27)],
             form="transfer_form")
    assert talk.say("no", "deny") == ["OK, I've cancelled the transfer. No money has been sent."]
    assert len(bank.transactions(USER)) == count and vault.reveals(USER) == []


def test_a_transfer_step_by_step_with_a_bad_amount_and_a_correction(talk: Conversation, bank: CoreBank) -> None:
    landlord = bank.payees(USER)[0]
    replies = talk.say("I want to transfer money", "transfer_money", form="transfer_form")
    assert replies == ["Who would you like to pay? Pick a saved payee, or type the account number or IBAN of "
                       "someone new."]
    assert talk.say("landlord", "transfer_money") == [f"How much would you like to send to {landlord.display}?"]
    assert talk.slot("transfer_payee") == f"payee:{landlord.id}"
    replies = talk.say("-20", "inform_amount", [{"entity": "number", "value": -20.0, "start": 0, "end": 3}])
    assert replies == ["The amount has to be more than zero. How much would you like to send?",
                       f"How much would you like to send to {landlord.display}?"]
    assert talk.say("£50", "inform_amount", [amount(50.0, 0, 3)]) == ["Which account should the £50.00 come from?"]
    replies = talk.say("actually make it £80", "inform_amount", [amount(80.0, 17, 20)])
    assert replies == ["Which account should the £80.00 come from?"]  # corrected, and asked again quietly
    replies = talk.say("savings", "check_balance")
    assert replies[0].startswith("Please confirm: send £80.00 from your savings account")
    replies = talk.say("yes", "affirm")
    assert replies[0].startswith(f"Done: £80.00 sent from your savings account to {landlord.display}.")


def test_no_while_a_detail_is_asked_hands_over_to_the_rules(talk: Conversation) -> None:
    talk.say("send money", "transfer_money", form="transfer_form")
    talk.say("cancel", "deny")
    assert talk.rejected  # the form rejects; rule "Stop a transfer half-way" deactivates it


def test_to_savings_the_money_comes_from_current_without_asking(talk: Conversation, bank: CoreBank) -> None:
    replies = talk.say("move £300 to my savings", "transfer_money", [amount(300.0, 5, 9)], form="transfer_form")
    current, savings = bank.account(USER, "current"), bank.account(USER, "savings")
    assert replies == [f"Please confirm: send £300.00 from your current account (****{current.last4}) to your "
                       f"savings account (****{savings.last4})?"]


def test_freeze_and_unfreeze(talk: Conversation, bank: CoreBank) -> None:
    cards = bank.cards(USER)
    replies = talk.say("freeze my card", "freeze_card", form="card_status_form")
    if len(cards) > 1:
        assert replies == ["Which card would you like to freeze?"]
        replies = talk.say("debit card", "freeze_card")
    assert replies[0].startswith(f"Freeze your {cards[0].display}?")
    assert talk.say("yes", "affirm")[0].startswith(f"Done: your {cards[0].display} is now frozen.")
    assert bank.cards(USER)[0].frozen
    replies = talk.say("unfreeze my card", "unfreeze_card", form="card_status_form")
    assert replies == [f"Unfreeze your {cards[0].display}? It will work again straight away."]
    assert talk.say("yes please", "affirm") == [f"Done: your {cards[0].display} is active again."]
    assert not bank.cards(USER)[0].frozen


def test_report_a_suspicious_payment_and_freeze_the_card(talk: Conversation, bank: CoreBank) -> None:
    replies = talk.say("report a suspicious transaction", "report_suspicious_transaction", form="suspicious_form")
    assert replies[0].startswith("Which of these card payments don't you recognise?\n1. ")
    second = bank.transactions(USER, card_payments_only=True, limit=2)[1]
    replies = talk.say('/report_suspicious_transaction{"number": 2}', "report_suspicious_transaction",
                       [{"entity": "number", "value": 2}])
    assert replies[0].startswith("I'll flag the ") and second.description in replies[0]
    replies = talk.say("yes", "affirm")
    assert replies[0].startswith("Thank you for telling us.") and "is now frozen" in replies[0]
    assert bank.transaction(USER, second.id).flagged
    card = bank.card_of(USER, second.id)
    assert card is not None and card.frozen


def test_the_dump_has_placeholders_only(talk: Conversation, vault: Vault, bank: CoreBank) -> None:
    payee = bank.payees(USER)[1]
    vault.store(USER, "<PERSON_1>", "PERSON", payee.name)
    text = "send £5 to <PERSON_1> from my current account"
    talk.say(text, "transfer_money", [amount(5.0, 5, 7), placeholder("person", "<PERSON_1>", text)],
             form="transfer_form")
    talk.say("yes", "affirm")
    assert all(part not in talk.dump() for part in payee.name.split())
    assert Path(bank.path).exists()


def test_the_spending_chart_reaches_rasa_as_a_custom_payload(talk: Conversation, bank: CoreBank) -> None:
    talk.say("how much did I spend last month", "spending_by_category")
    start = len(talk.tracker.events)
    talk.act("action_spending_by_category")
    uttered = [e for e in list(talk.tracker.events)[start:] if isinstance(e, BotUttered)]
    assert len(uttered) == 1 and uttered[0].text.startswith("You spent £")
    chart = uttered[0].data["custom"]["chart"]
    period = actions.banking.parse_period("last month", bank.today())
    assert period is not None
    assert chart["type"] == "bar"
    assert sum(chart["values"]) == pytest.approx(float(bank.spending_by_category(USER, period).total))
