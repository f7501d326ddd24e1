"""The transfer form's questions and its outcome: which account, "shall I?", and the transfer itself.

A new payee's account number is read from the Vault here, and only here:
after the user has said yes, with the purpose "transfer to new payee", handed
to the bank (which keeps its last 4 characters) and dropped. Replies show it
as "account ending 1234"; no slot, event, message or log line holds it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from decimal import Decimal
from typing import List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.banking import text
from actions.banking.common import (
    TRANSFER_SLOTS,
    YES_NO,
    BankingContext,
    parse_ref,
    reset,
    user_id,
)
from actions.banking.core_bank import CoreBank
from actions.banking.errors import (
    BankError,
    DailyLimitExceeded,
    InsufficientFunds,
    InvalidAccountNumber,
    InvalidAmount,
    NotFound,
)
from actions.banking.models import ACCOUNT_KINDS, Receipt
from actions.banking.money import format_money, to_decimal
from actions.banking.reveal import PURPOSE_NEW_PAYEE, RevealFailed, reveal
from actions.banking.transfer_form import own_account

logger = logging.getLogger(__name__)

CANCELLED = "OK, I've cancelled the transfer. No money has been sent."
INCOMPLETE = "I'm missing some details of that transfer, so I haven't sent anything. Please start again."
NUMBER_GONE = ("I no longer have the account number you typed: I keep it only for a short while, or it was erased "
               "at your request. No money has been sent. Please start the transfer again and type the number.")
VAULT_DOWN = "I couldn't read the account number securely just now. No money has been sent; please try again."


def describe_payee(payee: str, bank: CoreBank, user: str) -> str:
    """How the confirmation question names where the money goes; a new payee by placeholder only."""
    own = own_account(payee)
    if own is not None:
        return f"your {bank.account(user, own).display}"
    payee_id = parse_ref(payee, "payee")
    if payee_id is not None:
        return bank.payee(user, payee_id).display
    return f"the new payee account you gave me ({payee})"


class ActionAskTransferPayee(BankingContext, Action):
    """Asks who to pay, with a button for each saved payee (by nickname, so no name is typed back)."""

    def name(self) -> str:
        return "action_ask_transfer_payee"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            payees = self.bank.payees(user_id(tracker))
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        buttons = [{"title": payee.display, "payload": payee.nickname} for payee in payees]
        buttons += [{"title": f"My {kind} account", "payload": f"my {kind} account"} for kind in ACCOUNT_KINDS]
        dispatcher.utter_message(
            text="Who would you like to pay? Pick a saved payee, or type the account number or IBAN of someone new.",
            buttons=buttons)
        return []


class ActionAskTransferAmount(BankingContext, Action):
    """Asks how much, naming who will be paid."""

    def name(self) -> str:
        return "action_ask_transfer_amount"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        payee = tracker.get_slot("transfer_payee")
        try:
            where = f" to {describe_payee(str(payee), self.bank, user_id(tracker))}" if payee else ""
        except (sqlite3.Error, BankError) as error:
            return self.unavailable(dispatcher, self.name(), error)
        dispatcher.utter_message(text=f"How much would you like to send{where}?")
        return []


class ActionAskTransferSource(BankingContext, Action):
    """Asks which account the money should come from, with each account's balance as a button."""

    def name(self) -> str:
        return "action_ask_transfer_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            accounts = self.bank.accounts(user_id(tracker))
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        own = own_account(tracker.get_slot("transfer_payee"))
        amount = to_decimal(tracker.get_slot("transfer_amount"))
        what = f"the {format_money(amount)}" if amount is not None else "the money"
        buttons = [{"title": f"{a.display.capitalize()}: {format_money(a.balance)}", "payload": a.kind}
                   for a in accounts if a.kind != own]
        dispatcher.utter_message(text=f"Which account should {what} come from?", buttons=buttons)
        return []


class ActionAskTransferConfirmed(BankingContext, Action):
    """Asks the user to confirm the transfer exactly as it will be made."""

    def name(self) -> str:
        return "action_ask_transfer_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        user = user_id(tracker)
        amount = to_decimal(tracker.get_slot("transfer_amount"))
        source = tracker.get_slot("transfer_source")
        payee = tracker.get_slot("transfer_payee")
        if amount is None or source is None or payee is None:
            dispatcher.utter_message(text=INCOMPLETE)
            return []
        try:
            where = describe_payee(str(payee), self.bank, user)
            origin = self.bank.account(user, source).display
        except (sqlite3.Error, BankError) as error:
            return self.unavailable(dispatcher, self.name(), error)
        question = f"Please confirm: send {format_money(amount)} from your {origin} to {where}?"
        if text.placeholder_type(str(payee)) in text.PAYEE_ACCOUNT_TYPES:
            question += " I'll read the account number you typed only if you say yes, and only for this payment."
        dispatcher.utter_message(text=question, buttons=YES_NO)
        return []


class ActionTransferMoney(BankingContext, Action):
    """Makes the confirmed transfer (or says it was cancelled), then empties the form's slots."""

    def name(self) -> str:
        return "action_transfer_money"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = reset(TRANSFER_SLOTS)
        if tracker.get_slot("transfer_confirmed") is not True:
            dispatcher.utter_message(text=CANCELLED)
            return events
        amount = to_decimal(tracker.get_slot("transfer_amount"))
        source = tracker.get_slot("transfer_source")
        payee = tracker.get_slot("transfer_payee")
        if amount is None or source is None or payee is None:
            dispatcher.utter_message(text=INCOMPLETE)
            return events
        try:
            receipt = self._transfer(str(tracker.sender_id), user_id(tracker), amount, source, str(payee),
                                     transfer_request_key(tracker))
        except RevealFailed as error:
            logger.error("transfer: the vault failed (%s)", error.cause)
            dispatcher.utter_message(text=VAULT_DOWN)
            return events
        except BankError as error:
            dispatcher.utter_message(text=refusal(error))
            return events
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error) + events
        if receipt is None:
            dispatcher.utter_message(text=NUMBER_GONE)
            return events
        if receipt.repeated:
            dispatcher.utter_message(text=(
                f"That transfer was already made: {format_money(receipt.amount)} from your {receipt.source.kind} "
                f"account to {receipt.destination}, reference {receipt.transaction_id}. I haven't sent it again."))
            return events
        dispatcher.utter_message(text=(
            f"Done: {format_money(receipt.amount)} sent from your {receipt.source.kind} account to "
            f"{receipt.destination}. Your {receipt.source.kind} account now has "
            f"{format_money(receipt.source.balance)}. Reference: {receipt.transaction_id}."))
        return events

    def _transfer(self, conversation: str, user: str, amount: Decimal, source: str, payee: str,
                  request_key: Optional[str]) -> Optional[Receipt]:
        own = own_account(payee)
        if own is not None:
            return self.bank.transfer_between_accounts(user, source, own, amount, request_key)
        payee_id = parse_ref(payee, "payee")
        if payee_id is not None:
            return self.bank.pay_payee(user, source, payee_id, amount, request_key)
        if text.placeholder_type(payee) not in text.PAYEE_ACCOUNT_TYPES:
            raise NotFound("payee", payee)
        number = reveal(self.vault, conversation, payee, PURPOSE_NEW_PAYEE)
        if number is None:
            return None
        try:
            return self.bank.pay_new_payee(user, source, number, amount, request_key)
        finally:
            del number


def transfer_request_key(tracker: Tracker) -> Optional[str]:
    """One key per transfer form the person started: the conversation and the form's start time.

    A "yes" answered again for the same form (after the action server timed out, or the
    tracker store failed to save the turn that made the transfer) has the same key, so
    the bank makes the transfer once; a new transfer starts a new form, so a new key.
    """
    started = [event.get("timestamp") for event in tracker.events
               if event.get("event") == "active_loop" and event.get("name") == "transfer_form"]
    if not started or started[-1] is None:
        return None
    return hashlib.sha256(f"{tracker.sender_id}\x00{started[-1]!r}".encode()).hexdigest()


def refusal(error: BankError) -> str:
    """Why the bank refused a transfer, in words; nothing was sent."""
    if isinstance(error, InsufficientFunds):
        reason = (f"your account has {format_money(error.available)}, "
                  f"not enough for {format_money(error.requested)}")
    elif isinstance(error, DailyLimitExceeded):
        reason = (f"it would pass your daily limit for payments of {format_money(error.limit)} "
                  f"({format_money(error.remaining)} left today)")
    elif isinstance(error, InvalidAccountNumber):
        reason = "the account number you typed doesn't look like an account number or IBAN"
    elif isinstance(error, InvalidAmount):
        reason = "the amount must be more than zero, in pounds and pence"
    elif isinstance(error, NotFound):
        reason = f"I couldn't find that {error.kind} on your profile"
    else:
        reason = "the bank refused it"
    return f"I couldn't make that transfer: {reason}. No money has been sent."

