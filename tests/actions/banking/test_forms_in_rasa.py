"""The banking forms driven by Rasa's own machinery: slot extraction, FormAction, remote actions.

No model is needed: each turn gives the intent and entities the NLU pipeline
would, then runs what Rasa runs after a user message (``action_extract_slots``,
then the form, then the outcome action once the form is done). The action
server is this process: Rasa's calls reach rasa-sdk's executor directly, with
the real domain files and the bank and Vault in a temporary folder.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

warnings.filterwarnings("ignore")
from rasa.core.actions.action import ActionExecutionRejection, ActionExtractSlots, RemoteAction  # noqa: E402
from rasa.core.actions.forms import FormAction  # noqa: E402
from rasa.core.channels import CollectingOutputChannel  # noqa: E402
from rasa.core.nlg import TemplatedNaturalLanguageGenerator  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402
from rasa_sdk import Action  # noqa: E402
from rasa_sdk.executor import ActionExecutor  # noqa: E402

import actions.banking  # noqa: E402
from actions.banking.core_bank import CoreBank  # noqa: E402
from actions.banking.reveal import PURPOSE_NEW_PAYEE  # noqa: E402
from bot.privacy.vault import Vault  # noqa: E402
from tests.actions.banking.support import ROOT, USER  # noqa: E402

OUTCOMES = {"transfer_form": "action_transfer_money", "card_status_form": "action_change_card_status",
            "suspicious_form": "action_report_suspicious_transaction"}


class InProcessActionServer(EndpointConfig):
    """An action endpoint that hands each call to rasa-sdk's executor in this process."""

    def __init__(self, executor: ActionExecutor) -> None:
        super().__init__(url="http://in-process")
        self.executor = executor

    async def request(self, method: str = "post", subpath: Optional[str] = None,
                      content_type: Optional[str] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        call = json.loads(json.dumps(kwargs["json"]))  # over the wire: JSON only
        return await self.executor.run(call)


class Conversation:
    """One user's conversation: each ``say`` runs a user turn as Rasa's processor would around the form."""

    def __init__(self, domain: Domain, endpoint: InProcessActionServer, sender: str = USER) -> None:
        self.domain, self.endpoint = domain, endpoint
        self.tracker = DialogueStateTracker(sender, domain.slots)
        self.nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        self.rejected = False

    def apply(self, events: List[Event]) -> None:
        self.tracker.update_with_events(events, self.domain)

    def say(self, text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
            form: Optional[str] = None) -> List[str]:
        """The bot's replies to one message; ``form`` is the form its intent starts (as the rules say)."""
        start = len(self.tracker.events)
        channel = CollectingOutputChannel()
        self.apply([ActionExecuted("action_listen"),
                    UserUttered(text, {"name": intent, "confidence": 1.0}, entities or [])])
        self.apply(self.run(ActionExtractSlots(self.endpoint), channel))
        name = self.tracker.active_loop_name or form
        self.rejected = False
        if name:
            try:
                self.apply([ActionExecuted(name), *self.run(FormAction(name, self.endpoint), channel)])
            except ActionExecutionRejection:
                self.rejected = True  # the policies take over: the banking rules stop the form on "no"
            if not self.rejected and self.tracker.active_loop_name is None:
                outcome = OUTCOMES[name]
                self.apply([ActionExecuted(outcome), *self.run(RemoteAction(outcome, self.endpoint), channel)])
        return [e.text for e in list(self.tracker.events)[start:] if isinstance(e, BotUttered)]

    def run(self, action: Any, channel: CollectingOutputChannel) -> List[Event]:
        return asyncio.run(action.run(channel, self.nlg, self.tracker, self.domain))

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    def dump(self) -> str:
        """Every event of the conversation, as the tracker store would keep it."""
        return json.dumps([e.as_dict() for e in self.tracker.events])


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
    return Conversation(domain, InProcessActionServer(executor))


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
    talk.apply([ActionExecuted("action_listen"),
                UserUttered("how much did I spend last month", {"name": "spending_by_category", "confidence": 1.0})])
    events = talk.run(RemoteAction("action_spending_by_category", talk.endpoint), CollectingOutputChannel())
    uttered = [e for e in events if isinstance(e, BotUttered)]
    assert len(uttered) == 1 and uttered[0].text.startswith("You spent £")
    chart = uttered[0].data["custom"]["chart"]
    period = actions.banking.parse_period("last month", bank.today())
    assert period is not None
    assert chart["type"] == "bar"
    assert sum(chart["values"]) == pytest.approx(float(bank.spending_by_category(USER, period).total))
