"""What every advice action shares: reading the latest message and slots, and saying figures in words.

Slot values arrive as the pipeline and the validators leave them: floats from entities (``2500.0``),
strings from free text, None when empty. Money is shown with ``actions.finance.format_money``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.finance import format_money

DISCLAIMER = "utter_disclaimer"
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def latest_intent(tracker: Tracker) -> Optional[str]:
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name")
    return str(name) if name else None


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    """Values of every ``entity`` in the latest message, in order."""
    return list(tracker.get_latest_entity_values(entity))


def number_entities(tracker: Tracker, entity: str) -> List[float]:
    """The numeric values of ``entity`` in the latest message (values that are not numbers are skipped)."""
    numbers: List[float] = []
    for value in entity_values(tracker, entity):
        try:
            numbers.append(float(value))
        except (TypeError, ValueError):
            continue
    return numbers


def is_payload(value: Any) -> bool:
    """Whether a free-text slot candidate is a button's payload ("/ask_budgeting"), not words the user typed."""
    return isinstance(value, str) and value.startswith("/")


def as_float(value: Any) -> Optional[float]:
    """A slot value as a float: 2500.0, "2500.0" and "2,500" all give 2500.0; anything else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def slot_float(tracker: Tracker, slot: str, default: Optional[float] = None) -> Optional[float]:
    value = as_float(tracker.get_slot(slot))
    return default if value is None else value


def money(value: Any) -> str:
    """``1199.1`` -> ``"1,199.10"``."""
    return format_money(Decimal(str(value)))


def rate(value: Any) -> str:
    """``5.0`` -> ``"5 %"``, ``19.9`` -> ``"19.9 %"``."""
    number = Decimal(str(value)).normalize()
    return f"{number:f} %"


def months_in_words(months: int) -> str:
    """``27`` -> ``"2 years and 3 months"``, ``12`` -> ``"1 year"``, ``5`` -> ``"5 months"``."""
    years, rest = divmod(int(months), 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " and ".join(parts)


def previous_value(tracker: Tracker, slot: str) -> Any:
    """The value ``slot`` had before the latest user message (None if it had none)."""
    events = list(tracker.events)
    last_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=len(events))
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
        elif event.get("event") in {"restart", "session_started"}:
            value = None
    return value


def reset(slots: Iterable[str]) -> List[EventType]:
    """Events that empty ``slots``, so that the next request starts afresh."""
    return [SlotSet(slot, None) for slot in slots]


def say_disclaimer(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response=DISCLAIMER)


def loop_is_active(tracker: Tracker) -> bool:
    """Whether a form is running (an explanation given mid-form then leads back to it)."""
    return bool((tracker.active_loop or {}).get("name"))


def message_with_buttons(text: str, buttons: List[Dict[str, str]]) -> Dict[str, Any]:
    return {"text": text, "buttons": buttons}
