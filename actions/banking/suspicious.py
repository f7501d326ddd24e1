"""Reporting a payment the user doesn't recognise: list recent card payments, pick one, flag it, offer a freeze.

Form ``suspicious_form``; slots: ``suspicious_options`` (the ids of the
payments listed, so "the second one" means what the user saw),
``suspicious_transaction`` (``txn:<id>``) and ``suspicious_freeze``
(skipped, as false, when the card is already frozen).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.banking import replies, text
from actions.banking.common import SUSPICIOUS_SLOTS, YES_NO, BankingContext, parse_ref, ref, reset, user_id
from actions.banking.errors import NotFound
from actions.banking.models import Transaction
from actions.banking.money import format_money, to_decimal

OPTIONS = 5
NO_PAYMENTS = ("I can't see any card payments on your accounts in the last 90 days. If you think your card "
               "details were stolen, I can freeze your card: just say \"freeze my card\".")


def payment(t: Transaction) -> str:
    """"the £23.99 payment to Amazon on 3 Nov"."""
    return f"the {format_money(-t.amount)} payment to {t.description} on {t.posted_at.day} {t.posted_at:%b}"


def option_ids(tracker: Tracker) -> List[int]:
    listed = tracker.get_slot("suspicious_options") or []
    return [int(i) for i in listed if str(i).isdigit()]


class ValidateSuspiciousForm(BankingContext, FormValidationAction):
    """Resolves the user's pick among the payments listed, and skips the freeze question when it is moot."""

    def name(self) -> str:
        return "validate_suspicious_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            return await super().run(dispatcher, tracker, domain)
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[str]:
        """No questions when there is no card payment to report: the form ends and the outcome says so."""
        if not self.bank.transactions(user_id(tracker), limit=1, card_payments_only=True):
            return []
        return domain_slots

    def validate_suspicious_transaction(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[str, Any]:
        if value is None:
            return {"suspicious_transaction": None}
        user = user_id(tracker)
        chosen = self._pick(value, option_ids(tracker), user)
        if chosen is None:
            count = len(option_ids(tracker)) or OPTIONS
            dispatcher.utter_message(text=f"Please pick the payment by its number, 1 to {count}.")
            return {"suspicious_transaction": None}
        card = self.bank.card_of(user, chosen)
        picked: Dict[str, Any] = {"suspicious_transaction": ref("txn", chosen)}
        if card is None or card.frozen:
            picked["suspicious_freeze"] = False  # nothing to freeze: don't ask
        return picked

    def _pick(self, value: Any, options: List[int], user: str) -> Optional[int]:
        reference = parse_ref(value, "txn")
        if reference is not None:
            return reference if reference in options else None
        number = to_decimal(value) if not isinstance(value, str) else None
        position = int(number) if number is not None and number == number.to_integral_value() else None
        if position is None:
            position = text.choice(str(value), len(options))
            if position is None:
                named = [i for i in options if self._describes(str(value), i, user)]
                return named[0] if len(named) == 1 else None
        return options[position - 1] if 1 <= position <= len(options) else None

    def _describes(self, words: str, transaction_id: int, user: str) -> bool:
        try:
            merchant = self.bank.transaction(user, transaction_id).description.lower()
        except NotFound:
            return False
        return bool(merchant) and merchant in words.lower()

    def validate_suspicious_freeze(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[str, Any]:
        return {"suspicious_freeze": value if isinstance(value, bool) else None}


class ActionAskSuspiciousTransaction(BankingContext, Action):
    """Lists the latest card payments, numbered, and remembers which they were."""

    def name(self) -> str:
        return "action_ask_suspicious_transaction"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            found = self.bank.transactions(user_id(tracker), limit=OPTIONS, card_payments_only=True)
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        # The payload carries the pick as a `number` entity, so a button never depends on intent classification.
        buttons = [{"title": str(i), "payload": f'/report_suspicious_transaction{{"number": {i}}}'}
                   for i in range(1, len(found) + 1)]
        buttons.append({"title": "None of these", "payload": "/deny"})
        dispatcher.utter_message(
            text="Which of these card payments don't you recognise?\n" + replies.numbered(found), buttons=buttons)
        return [SlotSet("suspicious_options", [str(t.id) for t in found])]


class ActionAskSuspiciousFreeze(BankingContext, Action):
    """Says what will be flagged and offers to freeze the card it was made with."""

    def name(self) -> str:
        return "action_ask_suspicious_freeze"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        user = user_id(tracker)
        chosen = parse_ref(tracker.get_slot("suspicious_transaction"), "txn")
        try:
            if chosen is None:
                raise NotFound("transaction", chosen)
            flagged, card = self.bank.transaction(user, chosen), self.bank.card_of(user, chosen)
        except (sqlite3.Error, NotFound) as error:
            return self.unavailable(dispatcher, self.name(), error)
        card_name = card.display if card else "card"
        dispatcher.utter_message(
            text=(f"I'll flag {payment(flagged)} for our fraud team. Shall I also freeze your {card_name}, so it "
                  "can't be used until you unfreeze it?"),
            buttons=YES_NO)
        return []


class ActionReportSuspiciousTransaction(BankingContext, Action):
    """Flags the chosen payment, freezes its card if the user agreed, then empties the form's slots."""

    def name(self) -> str:
        return "action_report_suspicious_transaction"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = reset(SUSPICIOUS_SLOTS)
        user = user_id(tracker)
        chosen = parse_ref(tracker.get_slot("suspicious_transaction"), "txn")
        try:
            if chosen is None:
                any_payment = self.bank.transactions(user, limit=1, card_payments_only=True)
                dispatcher.utter_message(text="I haven't flagged anything." if any_payment else NO_PAYMENTS)
                return events
            report = self.bank.report_suspicious(user, chosen, tracker.get_slot("suspicious_freeze") is True)
            card = self.bank.card_of(user, chosen)
        except NotFound:
            dispatcher.utter_message(text="I couldn't find that payment on your accounts, so I haven't flagged it.")
            return events
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error) + events
        reply = (f"Thank you for telling us. I've flagged {payment(report.transaction)} for our fraud team; "
                 "they will look into it and contact you in the app.")
        if report.frozen_card is not None:
            reply += (f" Your {report.frozen_card.display} is now frozen; say \"unfreeze my card\" "
                      "when you want to use it again.")
        elif card is not None and card.frozen:
            reply += f" Your {card.display} is frozen."
        dispatcher.utter_message(text=reply)
        return events
