"""What every banking action shares: the bank and the Vault it uses, the user, the latest words.

Actions get their bank and Vault from the constructor (tests pass a bank in a
temporary folder and a real Vault), else from ``runtime`` on first use; rasa-sdk
builds actions without arguments. This is a mixin, not an ``Action``: rasa-sdk
registers every concrete ``Action`` subclass it finds, and a base class
without a name would stop the action server.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.banking import runtime
from actions.banking.core_bank import CoreBank
from actions.banking.reveal import PlaceholderReveal
from actions.signed_in import SignedInOnly

logger = logging.getLogger(__name__)

UNAVAILABLE = "Sorry, I can't reach your accounts right now. Nothing was changed; please try again in a moment."
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]

TRANSFER_SLOTS = ("transfer_payee", "transfer_amount", "transfer_source", "transfer_confirmed")
CARD_SLOTS = ("card_operation", "selected_card", "card_change_confirmed")
SUSPICIOUS_SLOTS = ("suspicious_transaction", "suspicious_freeze", "suspicious_options")


class BankingContext(SignedInOnly):
    """The bank and the Vault an action uses; it runs only for a signed-in customer (actions.signed_in)."""

    def __init__(self, bank: Optional[CoreBank] = None, vault: Optional[PlaceholderReveal] = None) -> None:
        super().__init__()
        self._bank = bank
        self._vault = vault

    @property
    def bank(self) -> CoreBank:
        if self._bank is None:
            self._bank = runtime.bank()
        return self._bank

    @property
    def vault(self) -> PlaceholderReveal:
        if self._vault is None:
            self._vault = runtime.vault()
        return self._vault

    @staticmethod
    def unavailable(dispatcher: CollectingDispatcher, action: str, error: Exception) -> List[EventType]:
        """Say the bank is unreachable; log the error's type only (its text may quote a statement's values)."""
        logger.error("%s: the bank is unavailable (%s)", action, type(error).__name__)
        dispatcher.utter_message(text=UNAVAILABLE)
        return []


def user_id(tracker: Tracker) -> str:
    """The signed-in user: the conversation's sender id (the only key to a customer). The action server runs a
    banking action only in a signed-in conversation (``app:<subject>``, see actions.signed_in)."""
    return str(tracker.sender_id)


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    return list(tracker.get_latest_entity_values(entity))


def reset(slots: Any) -> List[EventType]:
    """Events that empty ``slots``."""
    return [SlotSet(slot, None) for slot in slots]


def ref(kind: str, identifier: int) -> str:
    """A slot's reference to a bank row: "payee:3", "card:2", "txn:41"."""
    return f"{kind}:{identifier}"


def parse_ref(value: Any, kind: str) -> Optional[int]:
    """The id in a reference made by ``ref`` of this kind, else None."""
    if isinstance(value, str) and value.startswith(f"{kind}:") and value[len(kind) + 1:].isdigit():
        return int(value[len(kind) + 1:])
    return None


def slot_changes(tracker: Tracker) -> Dict[str, Any]:
    """Slots set since the user's latest message (what a validation action is asked to check)."""
    return dict(tracker.slots_to_validate())
