"""The transfer form's validation: who is paid, how much, from which account, and the user's yes or no.

Slots (domain/banking.yml) and the values this action leaves in them:

- ``transfer_payee``: ``payee:<id>`` (a saved payee), ``own:<kind>`` (the
  customer's other account) or an account-number placeholder
  (``<ACCOUNT_NUMBER_1>``, ``<IBAN_CODE_1>``) for someone new. A ``person``
  placeholder is matched against the saved payees: the name is read from the
  Vault for that comparison only, with its purpose recorded, and never kept.
- ``transfer_amount``: a positive amount in whole pence.
- ``transfer_source``: ``current`` or ``savings``.
- ``transfer_confirmed``: true or false, asked last; reset when anything
  else changes, so the user always confirms what will really happen.

Each bad answer gets a clear reason and the question again.
"""

from __future__ import annotations

import logging
import sqlite3
from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.banking import text
from actions.banking.common import BankingContext, latest_text, parse_ref, ref, slot_changes, user_id
from actions.banking.models import ACCOUNT_KINDS, Payee
from actions.banking.money import format_money, to_decimal
from actions.banking.reveal import PURPOSE_MATCH_PAYEE, RevealFailed, reveal

logger = logging.getLogger(__name__)

ASK_AMOUNT_AGAIN = "How much would you like to send?"
BAD_AMOUNT = "Please give the amount as a number, for example 50 or £25.50."
NOT_POSITIVE = "The amount has to be more than zero. " + ASK_AMOUNT_AGAIN
SUB_PENNY = "Amounts go down to the penny, no further (for example £12.34). " + ASK_AMOUNT_AGAIN
NAME_EXPIRED = ("I no longer have the name you typed (I keep it only for a short while). "
                "Please name a saved payee, or type the account number.")
NAME_UNREADABLE = ("I couldn't look up that name securely just now. "
                   "Please name a saved payee, or type the account number.")
BAD_SOURCE = "Sorry, I didn't catch which account the money should come from."


def own_account(payee: Any) -> Optional[str]:
    """The account kind of an ``own:<kind>`` payee reference."""
    if isinstance(payee, str) and payee.startswith("own:") and payee[4:] in ACCOUNT_KINDS:
        return payee[4:]
    return None


class ValidateTransferForm(BankingContext, FormValidationAction):
    """Fills and checks the transfer form's slots against the customer's payees, balances and daily limit."""

    def name(self) -> str:
        return "validate_transfer_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            return await super().run(dispatcher, tracker, domain)
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)

    # -- extraction from the words of any message while the form is active -------------

    def extract_transfer_payee(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[str, Any]:
        """A saved payee or own account named in the message ("pay my landlord", "move 50 to savings")."""
        if tracker.get_slot("transfer_payee") is not None:
            return {}
        words = latest_text(tracker)
        own = text.account_after(words, "to|into")
        if own is not None:
            return {"transfer_payee": f"own:{own}"}
        named = self.bank.match_payees(user_id(tracker), words)
        return {"transfer_payee": ref("payee", named[0].id)} if len(named) == 1 else {}

    def extract_transfer_source(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        """The account named after "from" ("from my savings")."""
        if tracker.get_slot("transfer_source") is not None:
            return {}
        source = text.account_after(latest_text(tracker), "from|out of")
        return {"transfer_source": source} if source else {}

    # -- one slot at a time ------------------------------------------------------------

    def validate_transfer_payee(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        if value is None:
            return {"transfer_payee": None}
        return {"transfer_payee": self._payee(str(value), dispatcher, tracker)}

    def _payee(self, value: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[str]:
        user = user_id(tracker)
        payee_id = parse_ref(value, "payee")
        if payee_id is not None:
            if any(p.id == payee_id for p in self.bank.payees(user)):
                return value
            return self._one_payee([], "that payee", dispatcher, tracker)
        if own_account(value):
            return value
        accounts = text.placeholders(value, text.PAYEE_ACCOUNT_TYPES)
        if accounts:
            return accounts[0]
        people = text.placeholders(value, ("PERSON",))
        if people:
            return self._person(people[0], dispatcher, tracker)
        own = text.account_after(value, "to|into")
        if own is None and tracker.get_slot("requested_slot") == "transfer_payee":
            own = text.account_kind(value)
        if own is not None:
            return f"own:{own}"
        return self._one_payee(self.bank.match_payees(user, value), "that payee", dispatcher, tracker)

    def _person(self, placeholder: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[str]:
        try:
            name = reveal(self.vault, str(tracker.sender_id), placeholder, PURPOSE_MATCH_PAYEE)
        except RevealFailed as error:
            logger.error("transfer form: the vault failed (%s)", error.cause)
            dispatcher.utter_message(text=NAME_UNREADABLE)
            return None
        if name is None:
            dispatcher.utter_message(text=NAME_EXPIRED)
            return None
        matches = self.bank.match_payees(user_id(tracker), name, loose=True)
        del name  # compared, never kept
        return self._one_payee(matches, placeholder, dispatcher, tracker)

    def _one_payee(self, matches: List[Payee], who: str, dispatcher: CollectingDispatcher,
                   tracker: Tracker) -> Optional[str]:
        if len(matches) == 1:
            return ref("payee", matches[0].id)
        if matches:
            names = ", ".join(p.nickname for p in matches)
            dispatcher.utter_message(text=f"More than one of your saved payees could be {who}: {names}. Which one?")
            return None
        saved = ", ".join(p.nickname for p in self.bank.payees(user_id(tracker)))
        dispatcher.utter_message(text=(
            f"I couldn't find {who} among your saved payees ({saved}). Name a saved payee, "
            "or type the account number or IBAN of someone new."))
        return None

    def validate_transfer_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[str, Any]:
        amount = to_decimal(value)
        if value is None:
            return {"transfer_amount": None}
        if amount is None:
            if set(slot_changes(tracker)) <= {"transfer_amount"}:
                # Quiet when the same message changed something else ("no, to my sister").
                dispatcher.utter_message(text=BAD_AMOUNT)
            return {"transfer_amount": None}
        if amount <= 0:
            dispatcher.utter_message(text=NOT_POSITIVE)
            return {"transfer_amount": None}
        if amount != amount.quantize(Decimal("0.01")):
            dispatcher.utter_message(text=SUB_PENNY)
            return {"transfer_amount": None}
        return {"transfer_amount": float(amount)}

    def validate_transfer_source(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[str, Any]:
        if value is None:
            return {"transfer_source": None}
        source = value if value in ACCOUNT_KINDS else text.account_kind(str(value))
        if source is None and set(slot_changes(tracker)) <= {"transfer_source"}:
            # Quiet when the same message changed something else ("actually, make it £80").
            dispatcher.utter_message(text=BAD_SOURCE)
        return {"transfer_source": source}

    def validate_transfer_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        return {"transfer_confirmed": value if isinstance(value, bool) else None}

    # -- the slots together ------------------------------------------------------------

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Each slot's own checks, then the checks that need several: funds, the daily limit, confirmation."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        changed = {event["name"] for event in events}
        if not changed:
            return events
        fixes = self._together(dispatcher, tracker, changed)
        tracker.slots.update(fixes)
        return events + [SlotSet(slot, value) for slot, value in fixes.items()]

    def _together(self, dispatcher: CollectingDispatcher, tracker: Tracker, changed: set) -> Dict[str, Any]:
        fixes: Dict[str, Any] = {}
        user = user_id(tracker)
        payee, source = tracker.get_slot("transfer_payee"), tracker.get_slot("transfer_source")
        amount = to_decimal(tracker.get_slot("transfer_amount"))
        own = own_account(payee)
        if own is not None and source is None:
            source = fixes["transfer_source"] = next(kind for kind in ACCOUNT_KINDS if kind != own)
        elif own is not None and source == own:
            dispatcher.utter_message(text=f"The money can't leave your {own} account and go into it too.")
            source = fixes["transfer_source"] = None
        if amount is not None and payee is not None and own is None:
            left = self.bank.remaining_daily_limit(user)
            if amount > left:
                dispatcher.utter_message(text=(
                    f"{format_money(amount)} is over your daily limit for payments: you can pay up to "
                    f"{format_money(left)} more today. " + ASK_AMOUNT_AGAIN))
                amount = fixes["transfer_amount"] = None
        if amount is not None:
            fixes.update(self._funds(dispatcher, user, amount, source, own))
        if tracker.get_slot("transfer_confirmed") is not None and changed - {"transfer_confirmed"}:
            fixes["transfer_confirmed"] = None  # something changed: confirm again what will happen now
        return fixes

    def _funds(self, dispatcher: CollectingDispatcher, user: str, amount: Decimal, source: Optional[str],
               own: Optional[str]) -> Dict[str, Any]:
        usable = [a for a in self.bank.accounts(user) if a.kind != own]
        chosen = next((a for a in usable if a.kind == source), None)
        if chosen is not None and chosen.balance < amount:
            others = [a for a in usable if a.kind != source and a.balance >= amount]
            message = (f"Your {chosen.display} has {format_money(chosen.balance)}, "
                       f"not enough to send {format_money(amount)}.")
            if others:
                dispatcher.utter_message(text=f"{message} You could send it from your {others[0].kind} account.")
                return {"transfer_source": None}
            dispatcher.utter_message(text=f"{message} {ASK_AMOUNT_AGAIN}")
            return {"transfer_amount": None}
        if chosen is None and usable and all(a.balance < amount for a in usable):
            best = max(usable, key=lambda a: a.balance)
            dispatcher.utter_message(text=(
                f"You don't have {format_money(amount)} in any account you can send from: the most is "
                f"{format_money(best.balance)}, in your {best.kind} account. {ASK_AMOUNT_AGAIN}"))
            return {"transfer_amount": None}
        return {}
