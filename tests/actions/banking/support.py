"""Helpers for the banking tests: trackers as Rasa sends them, running an action, reading its events."""

from __future__ import annotations

import asyncio
import inspect
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2025, 11, 14, 12, 30)
USER = "user-7f3a"  # a signed-in user's id, as the channel passes it (sender_id)
FORM_SLOTS = (
    "transfer_payee", "transfer_amount", "transfer_source", "transfer_confirmed",
    "card_operation", "selected_card", "card_change_confirmed",
    "suspicious_options", "suspicious_transaction", "suspicious_freeze",
)


def latest_message(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": entities or []}


def tracker(
    text: str,
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    sender_id: str = USER,
) -> Tracker:
    """A tracker after one user message, outside any form."""
    message = latest_message(text, intent, entities)
    return Tracker(sender_id, {**dict.fromkeys(FORM_SLOTS), **(slots or {})}, message,
                   [{"event": "user", "text": text, "parse_data": message}], False, None, {}, "action_listen")


def form_tracker(
    form: str,
    text: str,
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    candidates: Optional[Dict[str, Any]] = None,
    requested_slot: Optional[str] = None,
    sender_id: str = USER,
) -> Tracker:
    """The tracker Rasa sends a form's validation action: slot candidates after the form's own action event."""
    message = latest_message(text, intent, entities)
    candidates = candidates or {}
    events = [
        {"event": "user", "text": text, "parse_data": message},
        {"event": "slot", "name": "requested_slot", "value": requested_slot},
        {"event": "action", "name": form},
        *({"event": "slot", "name": name, "value": value} for name, value in candidates.items()),
    ]
    all_slots = {**dict.fromkeys(FORM_SLOTS), **(slots or {}), **candidates, "requested_slot": requested_slot}
    return Tracker(sender_id, all_slots, message, events, False, None, {"name": form}, form)


def fixture_tracker(name: str, **overrides: Any) -> Tracker:
    """A tracker from tests/actions/banking/fixtures/<name>.json, with top-level fields overridden."""
    state = json.loads((FIXTURES / f"{name}.json").read_text())
    state.update(overrides)
    return Tracker.from_dict(state)


def run(action: Action, tracker: Tracker, domain: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], List[Dict]]:
    """Run an action (sync or async) as the executor does: its events and the messages it sent."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain)
    events = asyncio.run(result) if inspect.iscoroutine(result) else result
    return list(events), dispatcher.messages


def slots_of(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The last value each SlotSet event gives, as Rasa applies them in order."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


