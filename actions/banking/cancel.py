"""Stopping a banking form half-way ("no", "cancel"): nothing is sent or changed, and the form forgets."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.banking.common import CARD_SLOTS, SUSPICIOUS_SLOTS, TRANSFER_SLOTS, reset

STOPPED = "OK, I've stopped there. Nothing has been sent or changed."


class ActionCancelBankingForm(Action):
    """Run after ``action_deactivate_loop``: says nothing happened and empties every banking form slot."""

    def name(self) -> str:
        return "action_cancel_banking_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=STOPPED)
        return reset((*TRANSFER_SLOTS, *CARD_SLOTS, *SUSPICIOUS_SLOTS))
