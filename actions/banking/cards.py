"""Freezing and unfreezing a card: the form ``card_status_form``, its questions and the change itself.

Slots: ``card_operation`` ("freeze" or "unfreeze", from the intent that
started the form), ``selected_card`` (``card:<id>``; chosen without asking
when only one card can be changed) and ``card_change_confirmed``.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.banking import text
from actions.banking.common import CARD_SLOTS, YES_NO, BankingContext, latest_text, parse_ref, ref, reset, user_id
from actions.banking.errors import NotFound
from actions.banking.models import Card

OPERATIONS = ("freeze", "unfreeze")


def eligible(cards: Sequence[Card], operation: Optional[str]) -> List[Card]:
    """The cards the operation can change: active cards to freeze, frozen cards to unfreeze."""
    if operation not in OPERATIONS:
        return []
    return [card for card in cards if card.frozen == (operation == "unfreeze")]


def pick_card(words: str, cards: Sequence[Card]) -> Optional[Card]:
    """The one card of ``cards`` that ``words`` names: by its last 4 digits, its label ("virtual"), or position."""
    lowered = words.lower()
    by_digits = [c for c in cards if re.search(rf"(?<!\d){c.last4}(?!\d)", lowered)]
    if len(by_digits) == 1:
        return by_digits[0]
    by_label = [c for c in cards if re.search(rf"\b{c.label.split()[0]}\b", lowered)]
    if len(by_label) == 1:
        return by_label[0]
    position = text.choice(words, len(cards)) if len(cards) > 1 else None
    return cards[position - 1] if position else None


def no_card_to_change(operation: Optional[str]) -> str:
    return "None of your cards is frozen." if operation == "unfreeze" else "All your cards are already frozen."


class ValidateCardStatusForm(BankingContext, FormValidationAction):
    """Chooses the card to freeze or unfreeze, and checks that it can be."""

    def name(self) -> str:
        return "validate_card_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            return await super().run(dispatcher, tracker, domain)
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)

    def _eligible(self, tracker: Tracker) -> List[Card]:
        return eligible(self.bank.cards(user_id(tracker)), tracker.get_slot("card_operation"))

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[str]:
        """No questions at all when no card can be changed: the form ends and the outcome says why."""
        if tracker.get_slot("card_operation") in OPERATIONS and not self._eligible(tracker):
            return []
        return domain_slots

    def extract_selected_card(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        if tracker.get_slot("selected_card") is not None or tracker.get_slot("card_operation") not in OPERATIONS:
            return {}
        cards = self._eligible(tracker)
        chosen = cards[0] if len(cards) == 1 else pick_card(latest_text(tracker), cards)
        return {"selected_card": ref("card", chosen.id)} if chosen else {}

    def validate_card_operation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        return {"card_operation": value if value in OPERATIONS else None}

    def validate_selected_card(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[str, Any]:
        if value is None:
            return {"selected_card": None}
        operation = tracker.get_slot("card_operation")
        cards = self.bank.cards(user_id(tracker))
        card_id = parse_ref(value, "card")
        chosen = (next((c for c in cards if c.id == card_id), None) if card_id is not None
                  else pick_card(str(value), cards))
        if chosen is None:
            dispatcher.utter_message(text="Sorry, I couldn't tell which card you mean.")
            return {"selected_card": None}
        if chosen not in eligible(cards, operation):
            state = "already frozen" if chosen.frozen else "not frozen"
            dispatcher.utter_message(text=f"Your {chosen.display} is {state}.")
            return {"selected_card": None}
        return {"selected_card": ref("card", chosen.id)}

    def validate_card_change_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[str, Any]:
        return {"card_change_confirmed": value if isinstance(value, bool) else None}

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        changed = {event["name"] for event in events}
        fixes: Dict[str, Any] = {}
        if "card_operation" in changed and "selected_card" not in changed:
            chosen = parse_ref(tracker.get_slot("selected_card"), "card")
            cards = self._eligible(tracker)
            if chosen is not None and chosen not in {c.id for c in cards}:
                # "freeze" became "unfreeze": that card no longer fits; the only one that does, if one.
                fixes["selected_card"] = ref("card", cards[0].id) if len(cards) == 1 else None
        if tracker.get_slot("card_change_confirmed") is not None and changed - {"card_change_confirmed"}:
            fixes["card_change_confirmed"] = None
        tracker.slots.update(fixes)
        return events + [SlotSet(slot, value) for slot, value in fixes.items()]


class ActionAskCardOperation(Action):
    """Asks whether to freeze or unfreeze (when the form started without saying which)."""

    def name(self) -> str:
        return "action_ask_card_operation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text="Would you like to freeze a card, or unfreeze one?", buttons=[
            {"title": "Freeze a card", "payload": "/freeze_card"},
            {"title": "Unfreeze a card", "payload": "/unfreeze_card"}])
        return []


class ActionAskSelectedCard(BankingContext, Action):
    """Asks which card, with a button for each card that can be changed."""

    def name(self) -> str:
        return "action_ask_selected_card"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        operation = tracker.get_slot("card_operation")
        try:
            cards = eligible(self.bank.cards(user_id(tracker)), operation)
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error)
        buttons = [{"title": card.display, "payload": card.label} for card in cards]
        dispatcher.utter_message(text=f"Which card would you like to {operation}?", buttons=buttons)
        return []


class ActionAskCardChangeConfirmed(BankingContext, Action):
    """Asks to confirm the freeze or unfreeze, saying what it means."""

    def name(self) -> str:
        return "action_ask_card_change_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        card_id = parse_ref(tracker.get_slot("selected_card"), "card")
        try:
            card = next(c for c in self.bank.cards(user_id(tracker)) if c.id == card_id)
        except (sqlite3.Error, StopIteration) as error:
            return self.unavailable(dispatcher, self.name(), error)
        if tracker.get_slot("card_operation") == "unfreeze":
            question = f"Unfreeze your {card.display}? It will work again straight away."
        else:
            question = (f"Freeze your {card.display}? Card payments and cash withdrawals will be declined until "
                        "you unfreeze it, which you can do at any time.")
        dispatcher.utter_message(text=question, buttons=YES_NO)
        return []


class ActionChangeCardStatus(BankingContext, Action):
    """Freezes or unfreezes the confirmed card (or says why not), then empties the form's slots."""

    def name(self) -> str:
        return "action_change_card_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = reset(CARD_SLOTS)
        operation = tracker.get_slot("card_operation")
        card_id = parse_ref(tracker.get_slot("selected_card"), "card")
        try:
            if card_id is None:
                cards = eligible(self.bank.cards(user_id(tracker)), operation)
                dispatcher.utter_message(text=no_card_to_change(operation) if not cards else
                                         "I didn't change any card.")
                return events
            if tracker.get_slot("card_change_confirmed") is not True:
                dispatcher.utter_message(text="OK, I've left your card as it is.")
                return events
            card, changed = self.bank.set_card_frozen(user_id(tracker), card_id, operation == "freeze")
        except NotFound:
            dispatcher.utter_message(text="I couldn't find that card on your profile, so I changed nothing.")
            return events
        except sqlite3.Error as error:
            return self.unavailable(dispatcher, self.name(), error) + events
        if operation == "freeze":
            reply = f"Done: your {card.display} is now frozen. Say \"unfreeze my card\" when you want to use it again."
        else:
            reply = f"Done: your {card.display} is active again."
        if not changed:
            reply = f"Your {card.display} was already {'frozen' if card.frozen else 'active'}; nothing changed."
        dispatcher.utter_message(text=reply)
        return events
